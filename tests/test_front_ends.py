"""One question, one answer, whichever front end asks it: the command line's --json,
the web API and the MCP server (in-process, through the SDK's own client) go through
one argument layer (cqfacts.ask.arguments), with the same defaults, the same rule
from a query to a fact and the same refusals. Run on every shipped file, as a user
meets them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import anyio
import pytest
from typer.testing import CliRunner

from cqfacts.cli.app import ExitCode, app
from cqfacts.store.loader import Loaded, load_many

pytestmark = pytest.mark.shipped_set

#: Each question: the tool, its arguments (as MCP takes them), how the CLI spells it.
#: The outcome is "answer" (the same JSON everywhere), "refused" (CLI exit 2, HTTP 400,
#: a tool error), "unknown" (CLI exit 1, HTTP 404, a tool error) or "no-pillar" (CLI
#: exit 2 as for --pillar 9; HTTP 404, as the path names nothing; a tool error).
QUESTIONS: list[tuple[str, dict[str, Any], str]] = [
    ("search", {"query": "高新技术企业"}, "answer"),
    ("search", {"query": "jsjjr"}, "answer"),
    ("search", {"query": "研发投入强度", "year": 2020}, "answer"),
    ("search", {"query": "研发投入强度", "all_years": True}, "answer"),
    ("search", {"query": "企业", "pillar": 4, "kind": "figure", "limit": 3}, "answer"),
    ("search", {"query": "香蕉"}, "answer"),
    ("search", {"query": "企业", "pillar": 9}, "refused"),
    ("search", {"query": "企业", "year": 1990}, "refused"),
    ("search", {"query": "企业", "kind": "zzz"}, "refused"),
    ("show", {"id": "rd-intensity"}, "answer"),
    ("show", {"id": "RD-Intensity", "year": 2019}, "answer"),
    ("show", {"id": "每万人口发明专利拥有量"}, "answer"),
    ("show", {"id": "高新技术企业"}, "answer"),  # a topic's name: its headline figure
    ("show", {"id": "科技型"}, "unknown"),  # unclear: the candidates, never a guess
    ("show", {"id": "rd-intensty"}, "unknown"),
    ("rank", {}, "answer"),
    ("rank", {"unit": "亿元"}, "answer"),
    ("rank", {"by": "value", "limit": 3}, "answer"),
    ("rank", {"by": "change", "year": 2020}, "answer"),
    ("rank", {"all_years": True, "limit": 5}, "answer"),
    ("rank", {"by": "change", "unit": "家"}, "refused"),
    ("rank", {"by": "size"}, "refused"),
    ("trend", {"query": "rd-intensity"}, "answer"),
    ("trend", {"query": "研发投入强度"}, "answer"),
    ("trend", {"query": "香蕉"}, "answer"),  # [] everywhere
    ("trend", {"query": "高新技术企业"}, "answer"),
    ("trend", {"query": "科技型"}, "unknown"),  # as show: unclear is not a guess
    ("pillar", {"n": 4}, "answer"),
    ("pillar", {"n": "四"}, "answer"),
    ("pillar", {"n": 9}, "no-pillar"),
    ("pillar", {"n": 4, "report": "facts.toml"}, "answer"),
    ("pillar", {"n": 0, "year": 2023}, "answer"),
    ("pillar", {"n": 0, "report": "nope"}, "no-pillar"),
]


def _cli_args(tool: str, arguments: dict[str, Any]) -> list[str]:
    args = dict(arguments)
    positional = str(
        args.pop({"search": "query", "trend": "query", "show": "id"}.get(tool, "n"), "")
    )
    command = [tool, *([positional] if tool != "rank" else [])]
    for name, value in args.items():
        flag = "--" + name.replace("_", "-")
        command += [flag] if value is True else [flag, str(value)]
    return [*command, "--json"]


def _web_url(tool: str, arguments: dict[str, Any]) -> str:
    args = {key: ("true" if value is True else value) for key, value in arguments.items()}
    if tool == "show":
        return f"/api/facts/{quote(str(args.pop('id')))}?{urlencode(args)}"
    if tool == "pillar":
        return f"/api/pillars/{quote(str(args.pop('n')))}?{urlencode(args)}"
    if "query" in args:
        args["q"] = args.pop("query")
    return f"/api/{tool}?{urlencode(args)}"


@pytest.fixture(scope="module")
def shipped_set() -> Loaded:
    return load_many(None, cache_dir=None)


@pytest.fixture(scope="module")
def mcp_answers(shipped_set: Loaded) -> list[Any]:
    """Every question put to the MCP server in one in-process session."""
    from mcp import Client

    from cqfacts.mcp.server import create_server

    async def session() -> list[Any]:
        async with Client(create_server(shipped_set)) as client:
            return [await client.call_tool(tool, args) for tool, args, _ in QUESTIONS]

    return anyio.run(session)


@pytest.fixture(scope="module")
def web(shipped_set: Loaded) -> Iterator[Any]:
    from starlette.testclient import TestClient

    from cqfacts.web.app import create_app

    with TestClient(create_app(shipped_set), base_url="http://127.0.0.1:8765") as client:
        yield client


@pytest.mark.parametrize(
    ("number", "question"),
    list(enumerate(QUESTIONS)),
    ids=[f"{q[0]}-{n}" for n, q in enumerate(QUESTIONS)],
)
def test_every_front_end_gives_the_same_answer(number, question, web, mcp_answers, monkeypatch):
    tool, arguments, outcome = question
    monkeypatch.delenv("CQFACTS_FACTS", raising=False)
    cli = CliRunner().invoke(app, ["--color", "never", *_cli_args(tool, arguments)])
    http = web.get(_web_url(tool, arguments))
    called = mcp_answers[number]
    if outcome == "answer":
        assert cli.exit_code in (ExitCode.FOUND, ExitCode.NOTHING_FOUND), cli.stderr
        assert http.status_code == 200, http.text
        assert not called.is_error, called.content
        from_cli = json.loads(cli.stdout)
        assert from_cli == http.json()
        assert from_cli == json.loads(called.content[0].text)["result"]
    else:
        expected_exit, expected_status = {
            "refused": (ExitCode.USAGE_ERROR, 400),
            "unknown": (ExitCode.NOTHING_FOUND, 404),
            "no-pillar": (ExitCode.USAGE_ERROR, 404),
        }[outcome]
        assert cli.exit_code == expected_exit, cli.stdout
        assert http.status_code == expected_status, http.text
        assert called.is_error
        # The same message, the library's, in every front end; only a choice the CLI's
        # parser checks first (--kind, --by) is refused in the parser's words.
        message = http.json()["error"]
        assert message in called.content[0].text
        parser = "Invalid value for" in cli.stderr and set(arguments) & {"kind", "by"}
        assert parser or message in cli.stderr
