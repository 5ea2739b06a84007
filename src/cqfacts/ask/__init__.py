"""The questions every front end asks, with their arguments checked alike: one
function per question, one default per option, answering with
:mod:`cqfacts.output.shapes`. May import :mod:`cqfacts.output` (but not its rich renderer),
:mod:`cqfacts.derive`, :mod:`cqfacts.text` and everything below them; no front end and
no framework (typer, rich, starlette, mcp, pydantic), so the CLI, the web API and MCP
can share it."""
