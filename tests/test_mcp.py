"""`cqfacts mcp` as an MCP client meets it: a subprocess spoken to over stdio by the
official SDK's own client."""

import contextlib
import json
import os
import select
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from typer.testing import CliRunner

from cqfacts.cli.app import app as cli_app
from cqfacts.derive import cite
from cqfacts.store.loader import Loaded, load

BROKERS = "tech-brokers-new"


def calls(
    server: "RawClient", *requests: tuple[str, dict[str, Any]]
) -> tuple[list[Any], list[Any]]:
    """The tools listed and the result of each call, put by the SDK's own client to the
    `cqfacts mcp` process of ``server``."""
    # Imported here (half a second, with pydantic): only by the one xdist worker that
    # runs this module's tests (conftest.ONE_WORKER_MODULES), not by every collection.
    from mcp import Client

    async def session() -> tuple[list[Any], list[Any]]:
        async with Client(server.transport(), read_timeout_seconds=30) as client:
            tools = (await client.list_tools()).tools
            results = [await client.call_tool(name, arguments) for name, arguments in requests]
            server.protocol_version = client.protocol_version
            return tools, results

    return anyio.run(session)


@pytest.fixture(scope="module")
def server(tmp_path_factory, shared_cache) -> Iterator["RawClient"]:
    """One `cqfacts mcp` process for the module (starting the SDK costs it about a
    second): the SDK's client puts its questions first (session), then a client that
    can send anything writes its lines (raw). At the end its stdin closes: the server
    leaves quietly."""
    from tests.conftest import SMALL_FACTS

    facts = tmp_path_factory.mktemp("mcp") / "small.toml"
    facts.write_text(SMALL_FACTS, encoding="utf-8")
    load(facts, cache_dir=shared_cache)  # the index the server reads, built in-process
    client = RawClient(facts, shared_cache, initialize=False)
    yield client
    code, stderr = client.close()
    assert (code, stderr) == (0, "")


@pytest.fixture(scope="module")
def session(server):
    """The module's questions, put by the SDK's client."""
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
        # JSON's true and false are not pillars 1 and 0, nor a limit of 1: refused as
        # the web API refuses ?pillar=true, never converted on the way.
        "pillar_true": ("search", {"query": "x", "pillar": True}),
        "pillar_false": ("search", {"query": "x", "pillar": False}),
        "limit_true": ("search", {"query": "x", "limit": True}),
        "limit_float": ("search", {"query": "x", "limit": 1.0}),
        "query_number": ("search", {"query": 4}),
        "rank_pillar_false": ("rank", {"pillar": False}),
        "rank_limit_true": ("rank", {"limit": True}),
        "pillar_n_false": ("pillar", {"n": False}),
    }
    tools, results = calls(server, *requests.values())
    return server.facts, tools, dict(zip(requests, results, strict=True))


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
    assert set(by_name["search"].input_schema["properties"]) == {
        "query", "pillar", "kind", "limit", "year", "all_years",
    }  # fmt: skip
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
        "draft": False,
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
        ("missing", "search needs the argument 'query'"),
        ("pillar_9", "no pillar '9'; pillars are 0, 4"),
        ("bad_kind", "no kind 'zzz'"),
        ("bad_limit", "the limit must be a whole number from 1 to 100"),
        ("long", "at most 500"),
        ("nul", "NUL"),
        ("unknown_id", f"no fact has the id 'tech-broker-new'. Nearest ids: {BROKERS}"),
        ("pillar_nine", "no pillar '9'"),
        ("rank_bad", "cannot rank by 'size'"),
        ("pillar_true", "no pillar 'True'; pillars are 0, 4"),
        ("pillar_false", "no pillar 'False'; pillars are 0, 4"),
        ("limit_true", "the limit must be a whole number from 1 to 100, not 'True'"),
        ("limit_float", "the limit must be a whole number from 1 to 100, not '1.0'"),
        ("query_number", "the query must be text"),
        ("rank_pillar_false", "no pillar 'False'"),
        ("rank_limit_true", "the limit must be a whole number from 1 to 100, not 'True'"),
        ("pillar_n_false", "no pillar 'False'"),
    ],
)
def test_bad_arguments_are_tool_errors_with_a_clear_message(session, name, message):
    _, _, results = session
    # The library's sentence alone: no "Error executing tool", no pydantic report.
    assert message in error_text(results[name])
    assert "Traceback" not in error_text(results[name])
    assert "Error executing tool" not in error_text(results[name])
    assert "pydantic" not in error_text(results[name])


def test_the_server_goes_on_after_errors(session):
    _, _, results = session
    assert body(results["after_errors"])["result"][0]["id"] == BROKERS


# --- Raw lines: what a faulty or hostile client may send ---------------------------------

#: How long an answer may take before the test fails: a hang fails, never stalls the run.
ANSWER_WITHIN = 5.0


class RawClient:
    """`cqfacts mcp` spoken to line by line, as a client that can send anything."""

    def __init__(self, facts: Path, cache: Path, *, initialize: bool = True) -> None:
        # The session's cache directory passed on: the server never writes the user's
        # ~/.cache, and finds the small report's index built.
        self.facts = facts
        env = {**os.environ, "CQFACTS_CACHE_DIR": str(cache)}
        command = [sys.executable, "-m", "cqfacts", "--facts", str(facts), "mcp"]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.pending = b""
        self.next_id = 1000
        #: Where the SDK's client negotiated a protocol that has no handshake (it asks
        #: server/discover), the version each request then names in its _meta.
        self.protocol_version: str | None = None
        if initialize:
            self.initialize()

    def initialize(self) -> None:
        """The handshake of a client of the latest dated protocol version."""
        from mcp_types import LATEST_PROTOCOL_VERSION

        self.request(
            "initialize",
            {
                "protocolVersion": LATEST_PROTOCOL_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "tests", "version": "1"},
            },
        )
        assert "result" in self.answer(), "initialize failed"
        self.send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()

    def request(self, method: str, params: dict[str, Any]) -> int:
        if self.protocol_version is not None:
            from mcp_types import CLIENT_CAPABILITIES_META_KEY, PROTOCOL_VERSION_META_KEY

            envelope = {PROTOCOL_VERSION_META_KEY: self.protocol_version}
            params = {**params, "_meta": {**envelope, CLIENT_CAPABILITIES_META_KEY: {}}}
        self.next_id += 1
        self.send(
            json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        )
        return self.next_id

    def answer(self) -> Any:
        """The next line the server writes, read with a time bound."""
        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        deadline = time.monotonic() + ANSWER_WITHIN
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([descriptor], [], [], left)[0]:
                pytest.fail(f"no answer within {ANSWER_WITHIN} s")
            chunk = os.read(descriptor, 1 << 16)
            if not chunk:
                pytest.fail(f"the server ended: {self.process.stderr.read().decode()}")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        return json.loads(line)

    @contextlib.asynccontextmanager
    async def transport(self) -> AsyncIterator[tuple[Any, Any]]:
        """The SDK client's streams over this process's pipes, framed as the SDK's stdio
        transport frames them (one JSON-RPC message a line); the SDK's own would start
        a process of its own. The process goes on when the client is done."""
        from mcp.shared.message import SessionMessage
        from mcp_types import jsonrpc_message_adapter

        assert self.process.stdout is not None
        descriptor = self.process.stdout.fileno()
        incoming_writer, incoming = anyio.create_memory_object_stream[Any](0)
        outgoing, outgoing_reader = anyio.create_memory_object_stream[Any](0)

        async def read() -> None:
            async with incoming_writer:
                while True:
                    while b"\n" not in self.pending:
                        await anyio.wait_readable(descriptor)
                        chunk = os.read(descriptor, 1 << 16)
                        if not chunk:
                            return
                        self.pending += chunk
                    line, self.pending = self.pending.split(b"\n", 1)
                    try:
                        message: Any = SessionMessage(
                            jsonrpc_message_adapter.validate_json(line, by_name=False)
                        )
                    except ValueError as error:  # the session reports it, as the SDK's does
                        message = error
                    await incoming_writer.send(message)

        async def write() -> None:
            async with outgoing_reader:
                async for message in outgoing_reader:
                    self.send(message.message.model_dump_json(by_alias=True, exclude_unset=True))

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(read)
            tasks.start_soon(write)
            try:
                yield incoming, outgoing
            finally:
                tasks.cancel_scope.cancel()

    def search(self, query: str) -> Any:
        """A valid call's answer: a search, its first fact's id."""
        sent = self.request("tools/call", {"name": "search", "arguments": {"query": query}})
        answer = self.answer()
        assert answer["id"] == sent, answer
        return json.loads(answer["result"]["content"][0]["text"])["result"][0]["id"]

    def close(self) -> tuple[int, str]:
        assert self.process.stdin is not None and self.process.stderr is not None
        self.process.stdin.close()
        try:
            code = self.process.wait(timeout=10)
        finally:
            self.process.kill()
        return code, self.process.stderr.read().decode()


@pytest.fixture(scope="module")
def raw(server, session) -> RawClient:
    """The module's process, once the SDK's client is done with it: its valid requests
    carry the envelope of the protocol the SDK negotiated."""
    assert server.protocol_version is not None
    return server


def call_line(arguments: str, *, id: str = "7", envelope: str = '"jsonrpc":"2.0"') -> str:
    return (
        f'{{{envelope},"id":{id},"method":"tools/call",'
        f'"params":{{"name":"search","arguments":{arguments}}}}}'
    )


PARSE_ERROR, INVALID_REQUEST = -32700, -32600
MALFORMED = {
    # JSON allows any \uXXXX escape, but half a surrogate pair is no text: the SDK's
    # parser refuses the line, and the SDK then dropped it without an answer.
    "lone surrogate": (call_line('{"query":"\\ud800"}', id="1"), PARSE_ERROR, 1),
    "4,301 digits": (call_line('{"query":"x","limit":' + "9" * 4301 + "}", id="2"), PARSE_ERROR, 2),
    "params not an object": (
        '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":"x"}',
        INVALID_REQUEST,
        3,
    ),
    "jsonrpc 1.0": (
        call_line('{"query":"x"}', id="4", envelope='"jsonrpc":"1.0"'),
        INVALID_REQUEST,
        4,
    ),
    "a text id": (
        call_line('{"query":"x"}', id='"four"', envelope='"jsonrpc":"1.0"'),
        INVALID_REQUEST,
        "four",
    ),
    "not json": ("{not json", PARSE_ERROR, None),
    "cut short": (call_line('{"query":"x"}', id="6")[:-3], PARSE_ERROR, None),
    "an array": ("[]", INVALID_REQUEST, None),
    "a bool id": (call_line('{"query":"x"}', id="true"), INVALID_REQUEST, None),
    "a notification": (
        '{"jsonrpc":"2.0","method":"notifications/initialized","params":1}',
        INVALID_REQUEST,
        None,
    ),
    # Too deep for the SDK's parser and for Python's (a RecursionError, not a ValueError).
    "nested too deep": (call_line("[" * 100_000 + "]" * 100_000, id="8"), PARSE_ERROR, None),
    # A response's id is one the server gave: not echoed, the client may use it too.
    "a bad response": ('{"jsonrpc":"2.0","id":9,"error":3}', INVALID_REQUEST, None),
}


@pytest.mark.parametrize(("line", "code", "id"), MALFORMED.values(), ids=list(MALFORMED))
def test_a_malformed_line_gets_a_json_rpc_error_and_the_server_goes_on(raw, line, code, id):
    raw.send(line)
    answer = raw.answer()
    assert answer["jsonrpc"] == "2.0"
    assert answer["id"] == id
    assert answer["error"]["code"] == code
    assert answer["error"]["message"]
    assert raw.search("jsjjr") == BROKERS


def test_a_blank_line_is_skipped(raw):
    raw.send("")
    raw.send("   ")
    assert raw.search("jsjjr") == BROKERS


def test_a_client_that_dies_leaves_a_quiet_exit(small_fact_file, shared_cache):
    """Like `cqfacts list | head -1`: the reader gone is no error, and no bug."""
    load(small_fact_file, cache_dir=shared_cache)
    client = RawClient(small_fact_file, shared_cache)
    assert client.process.stdout is not None
    client.process.stdout.close()  # the client dies: its answer meets a closed pipe
    client.request("tools/call", {"name": "search", "arguments": {"query": "jsjjr"}})
    # The answer's write fails before stdin's end is read: that alone ends the server.
    client.process.wait(timeout=10)
    code, stderr = client.close()
    assert (code, stderr) == (0, "")


# --- In process: arguments checked by name, drafts marked, labels resolved -----------------

DRAFTED = __import__("tests.conftest", fromlist=["SMALL_FACTS"]).SMALL_FACTS.replace(
    'id = "high-tech-enterprises-new"\n', 'id = "high-tech-enterprises-new"\ndraft = true\n'
)


@pytest.fixture(scope="module")
def in_process(tmp_path_factory) -> Any:
    """Each call put to the MCP server in one in-process session (the SDK's client)."""
    from cqfacts.store.loader import load

    facts = tmp_path_factory.mktemp("mcp-in-process") / "drafted.toml"
    facts.write_text(DRAFTED, encoding="utf-8")
    loaded = load(facts, cache_dir=None)

    def call(*requests: tuple[str, dict[str, Any]]) -> list[Any]:
        from mcp import Client

        from cqfacts.mcp.server import create_server

        async def session() -> list[Any]:
            async with Client(create_server(loaded)) as client:
                return [await client.call_tool(name, arguments) for name, arguments in requests]

        return anyio.run(session)

    return call


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("search", {}, "search needs the argument 'query'"),
        ("show", {}, "show needs the argument 'id'"),
        (
            "search",
            {"query": "x", "years": 2023},
            "search takes no argument 'years' (its arguments: query, pillar, kind, limit, "
            "year, all_years)",
        ),
        (
            "trend",
            {"query": "jsjjr", "year": 2023},
            "trend takes no argument 'year' (its arguments: query): a trend is every "
            "year's; show with year gives one year's figure",
        ),
        (
            "pillar",
            {"n": 4, "lang": "en", "limit": 3},
            "pillar takes no arguments 'lang', 'limit' (its arguments: n, year, report)",
        ),
        ("search", {"query": "x", "year": "2023年"}, "the year must be a number, not '2023年'"),
        ("rank", {"year": 1990}, "no loaded fact describes 1990; years: 2023"),
        ("show", {"id": BROKERS, "year": 1990}, "no loaded fact describes 1990; years: 2023"),
    ],
)
def test_an_argument_is_refused_in_one_sentence(in_process, tool, arguments, message):
    (result,) = in_process((tool, arguments))
    assert result.is_error
    assert result.content[0].text == message


def test_every_tool_that_selects_facts_takes_year(in_process):
    calls = [
        ("search", {"query": "jsjjr", "year": 2023}),
        ("show", {"id": BROKERS, "year": 2023}),
        ("pillar", {"n": 4, "year": 2023}),
        ("rank", {"year": 2023, "all_years": True}),
    ]
    for result in in_process(*calls):
        assert not result.is_error, result.content


def test_a_draft_is_marked_in_its_citation(in_process, small_fact_file):
    (result,) = in_process(("pillar", {"n": 4}))
    citations = {entry["id"]: entry for entry in body(result)["citations"]}
    drafted = citations["high-tech-enterprises-new"]
    assert set(drafted) == {"id", "draft", "citation", "citation_en"}
    assert drafted["draft"] is True
    assert drafted["citation"].startswith("「草稿，未核对：")
    assert drafted["citation_en"].startswith("DRAFT, unchecked: ")
    assert citations[BROKERS]["draft"] is False
    facts = {fact["id"]: fact for fact in body(result)["result"]["facts"]}
    assert facts["high-tech-enterprises-new"]["draft"] is True


def test_show_resolves_a_label_as_the_command_line_does(in_process, small_fact_file):
    label, topic, exact = in_process(
        ("show", {"id": "新培育技术经纪人"}),
        ("show", {"id": "高新技术企业"}),
        ("show", {"id": BROKERS}),
    )
    assert body(label)["result"]["id"] == BROKERS
    assert body(label)["note"] == (
        f"'新培育技术经纪人' is not an id; showing its clear best match, {BROKERS}"
    )
    cli = CliRunner().invoke(cli_app, ["--facts", str(small_fact_file), "show", "高新技术企业"])
    assert body(topic)["result"]["id"] == "high-tech-enterprises-total"
    assert body(topic)["note"] in cli.stderr
    assert set(body(exact)) == {"result", "note", "citations"}
    assert body(exact)["note"] is None


def test_a_validation_report_becomes_one_sentence_without_addresses():
    """Whatever pydantic still checks (a future annotation without SkipValidation)
    reaches the client as a sentence, not as pydantic's report with its web address."""
    from pydantic import BaseModel, ValidationError

    from cqfacts.mcp.server import _validation_sentence

    class Arguments(BaseModel):
        limit: int

    with pytest.raises(ValidationError) as raised:
        Arguments.model_validate({"limit": "many"})
    assert "https://errors.pydantic.dev" in str(raised.value)
    assert _validation_sentence("search", raised.value) == (
        "search cannot read its arguments: limit: input should be a valid integer, unable "
        "to parse string as an integer"
    )
