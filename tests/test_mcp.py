"""`cqfacts mcp` as an MCP client meets it: a subprocess spoken to over stdio by the
official SDK's own client."""

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from typer.testing import CliRunner

from cqfacts.cli.app import app as cli_app
from cqfacts.derive import cite
from cqfacts.store.loader import Loaded

BROKERS = "tech-brokers-new"


def calls(facts: Path, *requests: tuple[str, dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """The tools listed and the result of each call, from one `cqfacts mcp` process."""
    # Imported here (half a second, with pydantic): only by the one xdist worker that
    # runs this module's tests (conftest.ONE_WORKER_MODULES), not by every collection.
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    async def session() -> tuple[list[Any], list[Any]]:
        # The SDK gives the server a minimal environment of its own: the test's cache
        # directory passed on, so the server never writes the user's ~/.cache.
        env = {**os.environ, "CQFACTS_CACHE_DIR": str(facts.parent / "cache")}
        server = StdioServerParameters(
            command=sys.executable, args=["-m", "cqfacts", "--facts", str(facts), "mcp"], env=env
        )
        async with Client(server, read_timeout_seconds=30) as client:
            tools = (await client.list_tools()).tools
            results = [await client.call_tool(name, arguments) for name, arguments in requests]
            return tools, results

    return anyio.run(session)


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """One server for the module's questions: starting the SDK costs about a second."""
    from tests.conftest import SMALL_FACTS

    facts = tmp_path_factory.mktemp("mcp") / "small.toml"
    facts.write_text(SMALL_FACTS, encoding="utf-8")
    requests = {
        "search": ("search", {"query": "jsjjr"}),
        "search_narrow": ("search", {"query": "高新", "pillar": 4, "kind": "figure", "limit": 1}),
        "empty": ("search", {"query": ""}),
        "blank": ("search", {"query": "  "}),
        "missing": ("search", {}),
        "pillar_9": ("search", {"query": "x", "pillar": 9}),
        "bad_kind": ("search", {"query": "x", "kind": "zzz"}),
        "bad_limit": ("search", {"query": "x", "limit": 0}),
        "long": ("search", {"query": "高" * 5000}),
        "nul": ("search", {"query": "a\x00b"}),
        "show": ("show", {"id": BROKERS}),
        "unknown_id": ("show", {"id": "tech-broker-new"}),
        "pillar": ("pillar", {"n": 4}),
        "pillar_chinese": ("pillar", {"n": "四"}),
        "pillar_nine": ("pillar", {"n": 9}),
        "rank": ("rank", {"by": "value", "unit": "亿元", "limit": 3}),
        "rank_bad": ("rank", {"by": "size"}),
        "after_errors": ("search", {"query": "技术经纪人"}),
        "trend": ("trend", {"query": "jsjjr"}),
        "trend_empty": ("trend", {"query": ""}),
    }
    tools, results = calls(facts, *requests.values())
    return facts, tools, dict(zip(requests, results, strict=True))


def body(result: Any) -> Any:
    assert not result.is_error, result.content
    (content,) = result.content
    answer = json.loads(content.text)
    assert answer == result.structured_content
    return answer


def error_text(result: Any) -> str:
    assert result.is_error
    return result.content[0].text


def cli_json(facts: Path, *args: str) -> Any:
    return json.loads(CliRunner().invoke(cli_app, ["--facts", str(facts), *args, "--json"]).stdout)


def test_lists_the_tools_with_descriptions_that_ask_for_citations(session):
    _, tools, _ = session
    by_name = {tool.name: tool for tool in tools}
    assert set(by_name) == {"search", "show", "pillar", "rank", "trend"}
    for tool in tools:
        assert "citation" in tool.description
        assert tool.annotations.read_only_hint is True
    assert by_name["search"].input_schema["required"] == ["query"]
    assert set(by_name["search"].input_schema["properties"]) == {"query", "pillar", "kind", "limit"}
    assert by_name["show"].input_schema["required"] == ["id"]
    assert by_name["pillar"].input_schema["required"] == ["n"]
    assert set(by_name["rank"].input_schema["properties"]) >= {"by", "unit"}


def test_search_jsjjr_gives_1133_with_its_citation(session, small: Loaded):
    _, _, results = session
    answer = body(results["search"])
    first = answer["result"][0]
    assert (first["id"], first["value"], first["value_text"]) == (BROKERS, 1133, "1133人")
    citation = cite.citation(small.base.get(BROKERS), small.base, "zh")
    assert answer["citations"][0] == {
        "id": BROKERS,
        "citation": citation,
        "citation_en": cite.citation(small.base.get(BROKERS), small.base, "en"),
    }
    assert "1133人" in citation
    assert [c["id"] for c in answer["citations"]] == [f["id"] for f in answer["result"]]


def test_each_tool_returns_the_cli_json(session):
    facts, _, results = session
    assert body(results["search"])["result"] == cli_json(facts, "search", "jsjjr")
    assert body(results["search_narrow"])["result"] == cli_json(
        facts, "search", "高新", "--pillar", "4", "--kind", "figure", "--limit", "1"
    )
    assert body(results["show"])["result"] == cli_json(facts, "show", BROKERS)
    assert body(results["pillar"])["result"] == cli_json(facts, "pillar", "4")
    assert body(results["pillar_chinese"])["result"] == cli_json(facts, "pillar", "4")
    assert body(results["rank"])["result"] == cli_json(
        facts, "rank", "--by", "value", "--unit", "亿元", "--limit", "3"
    )
    trend = body(results["trend"])
    assert trend["result"] == cli_json(facts, "trend", "jsjjr")
    assert [point["year"] for point in trend["result"]] == [2023]
    assert "1133人" in trend["citations"][0]["citation"]
    assert "the query is empty" in error_text(results["trend_empty"])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty", "the query is empty"),
        ("blank", "the query is empty"),
        ("missing", "query"),
        ("pillar_9", "no pillar '9'; pillars are 0, 4"),
        ("bad_kind", "no kind 'zzz'"),
        ("bad_limit", "the limit must be a whole number from 1 to 100"),
        ("long", "at most 500"),
        ("nul", "NUL"),
        ("unknown_id", f"no fact has the id 'tech-broker-new'. Nearest ids: {BROKERS}"),
        ("pillar_nine", "no pillar '9'"),
        ("rank_bad", "cannot rank by 'size'"),
    ],
)
def test_bad_arguments_are_tool_errors_with_a_clear_message(session, name, message):
    _, _, results = session
    assert message in error_text(results[name])
    assert "Traceback" not in error_text(results[name])


def test_the_server_goes_on_after_errors(session):
    _, _, results = session
    assert body(results["after_errors"])["result"][0]["id"] == BROKERS
