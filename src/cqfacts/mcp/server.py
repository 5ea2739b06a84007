"""``cqfacts mcp``: the fact base as tools for an AI assistant, over stdio, on the
official MCP SDK (``mcp.server.mcpserver.MCPServer``).

Each tool answers with :func:`cqfacts.output.shapes.cited`: the CLI's own ``--json`` object and
the citation line of every fact in it, so that an assistant quotes the report instead
of paraphrasing it. Arguments are checked by :mod:`cqfacts.ask.arguments` alone, as the
web API checks them; a refusal is a tool error result with the CLI's message, never a
crash. A line the SDK cannot read gets its JSON-RPC error here (the SDK drops it without
an answer), and a client gone ends the server quietly.
Only ``cqfacts mcp`` imports this module (the SDK takes about half a second to load).
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations at
# run time to build their JSON schemas.
import errno
import io
import json
import os
import sys
from collections.abc import Awaitable, Callable, Iterable
from typing import IO, Annotated, Any

import anyio
import anyio.to_thread
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from mcp_types import (
    INVALID_REQUEST,
    PARSE_ERROR,
    CallToolResult,
    ErrorData,
    JSONRPCError,
    JSONRPCNotification,
    TextContent,
    ToolAnnotations,
    jsonrpc_message_adapter,
)
from pydantic import Field, SkipValidation, ValidationError

from cqfacts import __version__
from cqfacts.ask import arguments as api
from cqfacts.errors import CqfactsError
from cqfacts.facts.model import KINDS, Fact, FactBase
from cqfacts.output import shapes
from cqfacts.store.loader import Loaded

INSTRUCTIONS = (
    "Figures on {region}'s science and technology from {reports} loaded reports and sources, "
    "describing {first} to {last} (among them {title}). Use these tools whenever a question "
    "is about {region}'s science and technology: numbers of enterprises, R&D spending and "
    "intensity, technology contracts, patents, rankings, platforms, talent, policies. "
    "Each fact has a year (the year it describes), a basis (final statistics, preliminary "
    "figures, or estimated ones) and its source; several sources may give one indicator "
    "for one year. search answers each indicator once, with its latest year (its `years` "
    "list the others; all_years=true gives each, year=N one year); for how a figure moved "
    "over the years use trend, whose flags say where sources disagree or a later figure "
    "contradicts an estimate. A fact with draft=true is unchecked: say so if you quote it. "
    "Never state a figure from memory: quote it as the tool gives it (value_text) with its "
    "citation line, and say so when no tool result holds it."
)
QUOTE = (
    " Each answer holds `result` (the CLI's JSON) and `citations`: quote every figure "
    "exactly as its value_text with its citation, and say so where a citation has "
    "draft=true (unchecked)."
)
# Read-only, idempotent, and no world beyond the fact file.
READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)

# Every argument reaches cqfacts.ask.arguments as the client sent it: the annotations describe it
# in the tool's schema, and SkipValidation keeps pydantic from converting it on the way
# (it took true for pillar 1 and limit 1, false for pillar 0, 4.0 for 4), so that the
# refusals are the web API's and the CLI's own. Text = SkipValidation[str] reads alike.
Text = SkipValidation[str]
Year = Annotated[SkipValidation[int | None], Field(description="Only facts describing this year.")]
Limit = Annotated[
    SkipValidation[int], Field(description=f"At most this many facts, 1 to {api.MAX_LIMIT}.")
]
AllYears = Annotated[
    SkipValidation[bool],
    Field(description="Every year's fact of an indicator, not only its latest."),
]


def _titles(base: FactBase) -> str:
    """The loaded work reports' English titles (the reports with parts)."""
    titles = [part.meta.title_en for part in base.work_reports]
    return "; ".join(titles) or base.meta.title_en


def _answer(
    result: object, facts: Iterable[Fact], loaded: Loaded, note: str | None = None
) -> CallToolResult:
    answer = shapes.cited(result, facts, loaded.base, note)
    text = json.dumps(answer, ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=answer)


def _checked(function: Callable[[], CallToolResult]) -> CallToolResult:
    """The library's refusals as tool errors: the assistant reads the message and can
    ask again, and the server goes on."""
    try:
        return function()
    except CqfactsError as error:
        raise ToolError(str(error)) from error


#: Arguments a tool refuses with a hint where a caller may expect them (the other
#: tools take them): what to ask instead.
HINTS = {
    ("trend", "year"): "a trend is every year's; show with year gives one year's figure",
}


class _Server(MCPServer):
    """The SDK's server, with arguments refused in sentences: a name the tool does not
    take (the SDK ignored it: year=2020 answered as if not asked), a required one left
    out (the SDK answered with pydantic's report and its web address)."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> Any:
        tool = self._tool_manager.get_tool(name)
        if tool is not None:
            problem = argument_problem(name, tool.parameters, arguments)
            if problem is not None:
                raise ToolError(problem)
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise
        except ToolError as error:
            # The SDK's "Error executing tool search: " before the library's sentence.
            cause = error.__cause__
            if isinstance(cause, CqfactsError):
                raise ToolError(str(cause)) from None
            if isinstance(cause, ToolError) and isinstance(cause.__cause__, CqfactsError):
                raise ToolError(str(cause.__cause__)) from None
            if isinstance(cause, ValidationError):
                raise ToolError(_validation_sentence(name, cause)) from None
            raise


def argument_problem(tool: str, schema: dict[str, Any], arguments: dict[str, Any]) -> str | None:
    """What is wrong with a call's argument names, as a sentence; None where nothing."""
    properties = list(schema.get("properties", {}))
    unknown = [name for name in arguments if name not in properties]
    if unknown:
        hints = [HINTS[tool, name] for name in unknown if (tool, name) in HINTS]
        named = ", ".join(repr(name) for name in unknown)
        what = "argument" if len(unknown) == 1 else "arguments"
        takes = f"{tool} takes no {what} {named} (its arguments: {', '.join(properties)})"
        return ": ".join([takes, "; ".join(hints)]) if hints else takes
    missing = [name for name in schema.get("required", ()) if name not in arguments]
    if missing:
        return f"{tool} needs the argument {', '.join(repr(name) for name in missing)}"
    return None


def _validation_sentence(tool: str, error: ValidationError) -> str:
    """pydantic's report as one sentence, without its web addresses and input dumps."""
    problems = error.errors(include_url=False, include_input=False)
    reasons = [
        f"{'.'.join(map(str, problem['loc'])) or 'the arguments'}: {problem['msg'].lower()}"
        for problem in problems
    ]
    return f"{tool} cannot read its arguments: {'; '.join(reasons)}"


def create_server(loaded: Loaded) -> MCPServer:
    base = loaded.base
    server: MCPServer = _Server(
        name="cqfacts",
        title="Chongqing science-and-technology facts",
        version=__version__,
        instructions=INSTRUCTIONS.format(
            region="Chongqing",
            reports=len(base.reports),
            first=base.years[0],
            last=base.years[-1],
            title=_titles(base),
        ),
        log_level="WARNING",
    )
    # The parts the loaded reports have, from the data (a press item has none).
    parts = sorted(base.pillars)
    span = f"{parts[0]} (overview) to {parts[-1]}" if parts else "none loaded"
    Pillar = Annotated[
        SkipValidation[int | str | None],
        Field(description=f"Only this part of a work report: {span}, or Chinese numerals."),
    ]

    @server.tool(
        description="Find the facts of the report that a query means, best first. Takes "
        "Chinese (技术经纪人), pinyin or initials (jsjjr), English (technology brokers), "
        "traditional characters or a number. Use it first for any question about a figure." + QUOTE,
        annotations=READ_ONLY,
    )
    async def search(
        query: Annotated[Text, Field(description="What to look for, in any of those forms.")],
        pillar: Pillar = None,
        kind: Annotated[
            SkipValidation[str | None],
            Field(description=f"Only facts of this kind: {', '.join(KINDS)}."),
        ] = None,
        limit: Limit = api.DEFAULT_LIMIT,
        year: Year = None,
        all_years: AllYears = False,
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            matches = api.find(loaded, query, pillar_=pillar, kind_=kind, limit_=limit,
                               year_=year, all_years_=all_years)  # fmt: skip
            return _answer(shapes.search_results(matches), (m.fact for m in matches), loaded)

        return _checked(answer)

    @server.tool(
        description="One fact in full by its id (from search, pillar or rank): its figure, "
        "change, place in the report, note and the citation lines (zh and en)." + QUOTE,
        annotations=READ_ONLY,
    )
    async def show(
        id: Annotated[
            Text,
            Field(
                description="A fact id, such as tech-brokers-new, or a label or query "
                "whose best match is clear."
            ),
        ],
        year: Year = None,
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            # The CLI's rule from a label or a query to one fact, and its words for it.
            chosen = api.resolved(loaded, id, year)
            fact = chosen.fact
            note = chosen.note(id)
            return _answer(shapes.detail(fact, base), [fact], loaded, note)

        return _checked(answer)

    @server.tool(
        description="Everything under one pillar (part) of a work report, section by section "
        "(0 is the overview). Use it to survey a field." + QUOTE,
        annotations=READ_ONLY,
    )
    async def pillar(
        n: Annotated[
            SkipValidation[int | str], Field(description=f"{span}, or in Chinese numerals.")
        ],
        year: Year = None,
        report: Annotated[
            SkipValidation[str | None],
            Field(description="The work report of this title (default: the newest)."),
        ] = None,
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            detail = api.pillar_detail(loaded, n, year, report)
            facts = [base.get(fact["id"], fact["year"]) for fact in detail["facts"]]
            return _answer(detail, facts, loaded)

        return _checked(answer)

    @server.tool(
        description="Rank one year's figures (the newest work report's year unless year is "
        "given) by growth rate (by=change, in %, the default) or by size in one unit "
        "(a unit such as 亿元, 万元 or 人 ranks by value; money is converted)." + QUOTE,
        annotations=READ_ONLY,
    )
    async def rank(
        by: Annotated[SkipValidation[str | None], Field(description="change or value.")] = None,
        unit: Annotated[
            SkipValidation[str | None], Field(description="Rank by value in this unit.")
        ] = None,
        pillar: Pillar = None,
        limit: Limit = api.DEFAULT_LIMIT,
        year: Year = None,
        all_years: AllYears = False,
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            ranking = api.ranked_rows(loaded, by, unit, pillar, limit, year, all_years)
            rows = ranking.rows
            return _answer(shapes.ranked(rows, ranking.by), (row.fact for row in rows), loaded)

        return _checked(answer)

    @server.tool(
        description="One indicator in every loaded report, year by year: its value, unit and "
        "change each year, the previous year's value each change implies, and whether the "
        "earlier report states something else. Takes a fact id or a query." + QUOTE,
        annotations=READ_ONLY,
    )
    async def trend(
        query: Annotated[Text, Field(description="A fact id, or what to look for.")],
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            points = api.trend_points(loaded, query)
            return _answer(shapes.trend(points), (point.fact for point in points), loaded)

        return _checked(answer)

    return server


def run(loaded: Loaded) -> None:
    """Serve on stdin and stdout until the client closes them. A client gone (its end
    of stdout closed) raises BrokenPipeError, which the CLI ends quietly, as `| head`."""
    server = create_server(loaded)
    try:
        anyio.run(_serve, server)
    except BaseExceptionGroup as group:
        # The SDK's task groups wrap the failed write; nothing else went wrong.
        gone, others = group.split(BrokenPipeError)
        if gone is None or others is not None:
            raise
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE)) from None


async def _serve(server: MCPServer) -> None:
    """MCPServer.run("stdio"), with the client's lines read through :class:`_Requests`."""
    requests = _Requests(_stdin())
    async with stdio_server(stdin=requests) as (read, write):
        requests.answer = write.send
        # MCPServer has no public way to serve streams of one's own; its run_stdio_async
        # does just this, on the SDK's unchecked stdin.
        lowlevel = server._lowlevel_server
        await lowlevel.run(read, write, lowlevel.create_initialization_options())


def _stdin() -> IO[str]:
    """The process's stdin as the SDK reads it (UTF-8, undecodable bytes replaced);
    nothing to read where the process started without one (<&-)."""
    if sys.stdin is None:
        return io.StringIO()
    # closefd=False: read for the whole run, and fd 0 is the process's, not ours.
    return open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)


class _Requests(anyio.AsyncFile[str]):
    """The client's lines, as the SDK's stdio transport reads them, less those it cannot
    read. The SDK drops such a line with a debug log and answers nothing, so that a
    client waits forever for the id it sent (a lone surrogate escape, a number of 4,301
    digits, "params": "x", "jsonrpc": "1.0"): each is answered here instead, with the
    JSON-RPC error it calls for, and the next line is read."""

    def __init__(self, lines: IO[str]) -> None:
        super().__init__(lines)
        self.answer: Callable[[SessionMessage], Awaitable[None]] | None = None

    async def readline(self) -> str:
        while True:
            # Abandoned when cancelled: a client gone (a write failed) ends the server at
            # once, not when stdin's end is read.
            line: str = await anyio.to_thread.run_sync(
                self.wrapped.readline, abandon_on_cancel=True
            )
            if not line.strip():
                if not line:
                    return line  # the end
                continue  # a blank line is no message: nothing to answer
            refusal = refusal_of(line)
            if refusal is None:
                return line
            if self.answer is not None:
                await self.answer(SessionMessage(refusal))


def refusal_of(line: str) -> JSONRPCError | None:
    """The JSON-RPC error a line calls for, None where the SDK reads it as a message:
    -32700 where its JSON cannot be read, -32600 where it is not a JSON-RPC message;
    with the request's id where the line shows one, as JSON-RPC asks."""
    try:
        message = jsonrpc_message_adapter.validate_json(line, by_name=False)
    except ValidationError as error:
        problems = error.errors(include_url=False, include_input=False)
    else:
        # A request whose id is not a string or an integer (true, null, 1.5) passes as a
        # notification, which is never answered: its sender would wait forever.
        if isinstance(message, JSONRPCNotification) and '"id"' in line:
            parsed = _parsed(line)
            if isinstance(parsed, dict) and "id" in parsed:
                return _error(INVALID_REQUEST, "id: a request's id is a string or an integer")
        return None
    parsed = _parsed(line)
    if problems[0]["type"] == "json_invalid":
        return _error(PARSE_ERROR, problems[0]["msg"], parsed)
    if isinstance(parsed, dict):
        # The SDK tries each kind of message; the kind the line means says what is wrong.
        if "result" in parsed or "error" in parsed:
            kind = "JSONRPCResponse" if "result" in parsed else "JSONRPCError"
        else:
            kind = "JSONRPCRequest" if "id" in parsed else "JSONRPCNotification"
        problems = [problem for problem in problems if problem["loc"][:1] == (kind,)] or problems
    reasons = (_where(problem["loc"][1:]) + problem["msg"] for problem in problems)
    return _error(INVALID_REQUEST, "; ".join(dict.fromkeys(reasons)), parsed)


def _where(path: tuple[int | str, ...]) -> str:
    return ".".join(map(str, path)) + ": " if path else ""


def _parsed(line: str) -> object:
    """The line's JSON as Python reads it (lone surrogates kept, numbers too long for
    int() as None), for the id; None where it is no JSON or nested too deep for it."""
    try:
        return json.loads(line, parse_int=_whole_number)
    except (ValueError, RecursionError):
        return None


def _whole_number(digits: str) -> int | None:
    try:
        return int(digits)
    except ValueError:  # over sys.get_int_max_str_digits()
        return None


def _error(code: int, reason: str, parsed: object = None) -> JSONRPCError:
    title = "Parse error" if code == PARSE_ERROR else "Invalid Request"
    # A request's id, where the answer can carry it (no bool, no lone surrogate); not a
    # response's: that id is one of the server's, and the client's own may be the same.
    found = parsed.get("id") if isinstance(parsed, dict) and "method" in parsed else None
    usable = (isinstance(found, int) and not isinstance(found, bool)) or (
        isinstance(found, str) and _is_text(found)
    )
    return JSONRPCError(
        jsonrpc="2.0",
        id=found if usable else None,
        error=ErrorData(code=code, message=f"{title}: {reason}"),
    )


def _is_text(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True
