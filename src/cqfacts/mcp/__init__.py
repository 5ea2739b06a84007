"""``cqfacts mcp``, a front end: the fact base as tools for an AI assistant over
stdio, on the MCP SDK and pydantic (server). May import the library (chiefly
:mod:`cqfacts.ask` and :mod:`cqfacts.output.shapes`); not the other front ends, and
nothing but the CLI's ``mcp`` imports it."""
