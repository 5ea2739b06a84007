"""``cqfacts mcp``: the fact base as tools for an AI assistant, over stdio, on the
official MCP SDK (``mcp.server.mcpserver.MCPServer``).

Each tool answers with :func:`cqfacts.output.shapes.cited`: the CLI's own ``--json`` object and
the citation line of every fact in it, so that an assistant quotes the report instead
of paraphrasing it. Arguments are checked by :mod:`cqfacts.ask.arguments`, as the web API checks
them; a refusal is a tool error result with the CLI's message, never a crash.
Only ``cqfacts mcp`` imports this module (the SDK takes about half a second to load).
"""

# No `from __future__ import annotations`: the SDK reads the tools' annotations at
# run time to build their JSON schemas.
import json
from collections.abc import Callable, Iterable
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from cqfacts import __version__
from cqfacts.ask import arguments as api
from cqfacts.errors import CqfactsError
from cqfacts.facts.model import KINDS, Fact
from cqfacts.output import shapes
from cqfacts.store.loader import Loaded

INSTRUCTIONS = (
    "Figures from {title} ({year}, {region}). Use these tools whenever a question is about "
    "Chongqing's science and technology in {year}: numbers of enterprises, R&D spending, "
    "platforms, talent, policies, rankings. Never state a figure from memory: quote it as "
    "the tool gives it (value_text) together with its citation line, and say so when no "
    "tool result holds it."
)
QUOTE = (
    " Each answer holds `result` (the CLI's JSON) and `citations`: quote every figure "
    "exactly as its value_text with its citation."
)
# Read-only, idempotent, and no world beyond the fact file.
READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)

Pillar = Annotated[
    int | str | None,
    Field(description="Only this pillar of the report: 0 (overview) to 6, or 一…六."),
]
Limit = Annotated[int, Field(description=f"At most this many facts, 1 to {api.MAX_LIMIT}.")]


def _answer(result: object, facts: Iterable[Fact], loaded: Loaded) -> CallToolResult:
    answer = shapes.cited(result, facts, loaded.base)
    text = json.dumps(answer, ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=answer)


def _checked(function: Callable[[], CallToolResult]) -> CallToolResult:
    """The library's refusals as tool errors: the assistant reads the message and can
    ask again, and the server goes on."""
    try:
        return function()
    except CqfactsError as error:
        raise ToolError(str(error)) from None


def create_server(loaded: Loaded) -> MCPServer:
    base = loaded.base
    server: MCPServer = MCPServer(
        name="cqfacts",
        title="Chongqing science-and-technology facts",
        version=__version__,
        instructions=INSTRUCTIONS.format(
            title=base.meta.title_en, year=base.meta.year, region=base.meta.region
        ),
        log_level="WARNING",
    )

    @server.tool(
        description="Find the facts of the report that a query means, best first. Takes "
        "Chinese (技术经纪人), pinyin or initials (jsjjr), English (technology brokers), "
        "traditional characters or a number. Use it first for any question about a figure." + QUOTE,
        annotations=READ_ONLY,
    )
    async def search(
        query: Annotated[str, Field(description="What to look for, in any of those forms.")],
        pillar: Pillar = None,
        kind: Annotated[
            str | None, Field(description=f"Only facts of this kind: {', '.join(KINDS)}.")
        ] = None,
        limit: Limit = api.DEFAULT_LIMIT,
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            matches = api.find(loaded, query, pillar_=pillar, kind_=kind, limit_=limit)
            return _answer(shapes.search_results(matches), (m.fact for m in matches), loaded)

        return _checked(answer)

    @server.tool(
        description="One fact in full by its id (from search, pillar or rank): its figure, "
        "change, place in the report, note and the citation lines (zh and en)." + QUOTE,
        annotations=READ_ONLY,
    )
    async def show(
        id: Annotated[str, Field(description="A fact id, such as tech-brokers-new.")],
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            detail = api.show(loaded, id)
            return _answer(detail, [base.get(detail["id"])], loaded)

        return _checked(answer)

    @server.tool(
        description="Everything under one pillar (part) of the report, section by section: "
        "0 is the overview, 1 to 6 the report's six parts. Use it to survey a field." + QUOTE,
        annotations=READ_ONLY,
    )
    async def pillar(
        n: Annotated[int | str, Field(description="0 (overview) to 6, or 一…六.")],
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            detail = api.pillar_detail(loaded, n)
            return _answer(detail, base.facts_in(detail["pillar"]), loaded)

        return _checked(answer)

    @server.tool(
        description="Rank the report's figures by growth rate (by=change, in %) or by size "
        "in one unit (by=value, with unit such as 亿元, 万元 or 人; money is converted)." + QUOTE,
        annotations=READ_ONLY,
    )
    async def rank(
        by: Annotated[str, Field(description="change or value.")] = "change",
        unit: Annotated[str, Field(description="With by=value: the unit.")] = "亿元",
        pillar: Pillar = None,
        limit: Limit = api.DEFAULT_LIMIT,
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            chosen, rows = api.ranked_rows(loaded, by, unit, pillar, limit)
            return _answer(shapes.ranked(rows, chosen), (row.fact for row in rows), loaded)

        return _checked(answer)

    @server.tool(
        description="One indicator in every loaded report, year by year: its value, unit and "
        "change each year, the previous year's value each change implies, and whether the "
        "earlier report states something else. Takes a fact id or a query." + QUOTE,
        annotations=READ_ONLY,
    )
    async def trend(
        query: Annotated[str, Field(description="A fact id, or what to look for.")],
    ) -> CallToolResult:
        def answer() -> CallToolResult:
            points = api.trend_points(loaded, query)
            return _answer(shapes.trend(points), (point.fact for point in points), loaded)

        return _checked(answer)

    return server


def run(loaded: Loaded) -> None:
    """Serve on stdin and stdout until the client closes them."""
    server: Any = create_server(loaded)
    server.run("stdio")
