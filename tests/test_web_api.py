"""`cqfacts serve`'s JSON API: in-process with Starlette's TestClient, bad input of
every kind (never a 500, never a file outside the app's assets), and once over a real
socket with uvicorn in a `cqfacts serve` process."""

import asyncio
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import anyio
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cqfacts.ask.arguments import MAX_LIMIT, MAX_QUERY_LENGTH
from cqfacts.cli.app import app as cli_app
from cqfacts.web.app import SECURITY_HEADERS, create_app
from tests.conftest import LOOPBACK
from tests.helpers import start_server, stop

BROKERS = "tech-brokers-new"


def cli_json(facts: Path, *args: str) -> object:
    result = CliRunner().invoke(cli_app, ["--facts", str(facts), *args, "--json"])
    return json.loads(result.stdout)


def is_json_error(response, status: int) -> bool:
    body = response.json()
    return (
        response.status_code == status
        and response.headers["content-type"] == "application/json"
        and set(body) == {"error", "status"}
        and body["status"] == status
        and body["error"]
    )


# --- every endpoint answers with the CLI's own JSON --------------------------------------


@pytest.mark.parametrize(
    ("url", "cli"),
    [
        ("/api/search?q=jsjjr", ["search", "jsjjr"]),
        ("/api/search?q=高新&pillar=4&kind=figure&limit=1",
         ["search", "高新", "--pillar", "4", "--kind", "figure", "--limit", "1"]),
        (f"/api/facts/{BROKERS}", ["show", BROKERS]),
        ("/api/facts/TECH-BROKERS-NEW", ["show", "TECH-BROKERS-NEW"]),
        ("/api/pillars", ["pillars"]),
        ("/api/pillars/4", ["pillar", "4"]),
        ("/api/pillars/四", ["pillar", "四"]),
        ("/api/rank", ["rank"]),
        ("/api/rank?by=value&unit=万元&pillar=0&limit=3",
         ["rank", "--by", "value", "--unit", "万元", "--pillar", "0", "--limit", "3"]),
        ("/api/topics", ["topics"]),
        ("/api/trend?q=jsjjr", ["trend", "jsjjr"]),
        ("/api/search?q=jsjjr&year=2023", ["search", "jsjjr", "--year", "2023"]),
    ],
)  # fmt: skip
def test_each_endpoint_answers_with_the_cli_json(client, small_fact_file, url, cli):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == cli_json(small_fact_file, *cli)


def test_search_finds_1133_technology_brokers_by_initials(client):
    first = client.get("/api/search", params={"q": "jsjjr"}).json()[0]
    assert (first["id"], first["value"], first["value_text"]) == (BROKERS, 1133, "1133人")


def test_search_for_nothing_is_an_empty_array_not_an_error(client):
    response = client.get("/api/search", params={"q": "zzzzqqqq"})
    assert (response.status_code, response.json()) == (200, [])


def test_show_has_the_citation(client):
    body = client.get(f"/api/facts/{BROKERS}").json()
    assert "1133人" in body["citation"] and "测试报告" in body["citation"]


def test_limit_bounds_the_rows(shipped_get):
    assert len(shipped_get("/api/search?q=企业&limit=3").json()) == 3
    assert len(shipped_get(f"/api/search?q=企业&limit={MAX_LIMIT}").json()) > 10


def test_openapi_describes_every_endpoint(client):
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/search", "/api/facts", "/api/facts/{id}", "/api/pillars", "/api/pillars/{n}",
        "/api/rank", "/api/topics", "/api/trend", "/api/sources",
    }  # fmt: skip
    # Each endpoint documents exactly the query fields it reads (the others are a 400).
    from cqfacts.web.answers import FIELDS

    names = {"/api/search": "search", "/api/facts": "facts", "/api/facts/{id}": "fact",
             "/api/pillars": "pillars", "/api/pillars/{n}": "pillar", "/api/rank": "rank",
             "/api/topics": "topics", "/api/trend": "trend", "/api/sources": "sources"}  # fmt: skip
    for path, name in names.items():
        documented = schema["paths"][path]["get"].get("parameters", [])
        query = {param["name"] for param in documented if param["in"] == "query"}
        assert query == set(FIELDS[name]), path
        responses = schema["paths"][path]["get"]["responses"]
        assert {"200", "304", "400"} <= set(responses), path
        assert "ETag" in responses["200"]["headers"], path


def test_the_page_and_its_assets(client):
    page = client.get("/?q=jsjjr&lang=en")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/static/app.js"' in page.text
    for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css")):
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind)
    # Offline: nothing loaded from another host, no fonts fetched.
    for name in ("", "static/app.js", "static/app.css"):
        # The SVG namespace is a name, not an address anything is fetched from.
        text = client.get(f"/{name}").text.replace('"http://www.w3.org/2000/svg"', "")
        assert "http://" not in text and "https://" not in text and "@font-face" not in text
    assert "innerHTML" not in client.get("/static/app.js").text.replace("never innerHTML", "")


def test_every_response_carries_the_security_headers(client):
    for url in ("/", "/static/app.js", "/api/search?q=jsjjr", "/api/search?q=", "/nope"):
        headers = client.get(url).headers
        for name, value in SECURITY_HEADERS:
            assert headers[name.decode()] == value.decode()
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


# --- bad input: a JSON error, never a 500 -------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/search",
        "/api/search?q=",
        "/api/search?q=%20%20%09",
        "/api/search?q=x&limit=-1",
        "/api/search?q=x&limit=0",
        "/api/search?q=x&limit=abc",
        "/api/search?q=x&limit=1.5",
        "/api/search?q=x&limit=1e3",
        f"/api/search?q=x&limit={MAX_LIMIT + 1}",
        "/api/search?q=x&limit=99999999999999999999",
        "/api/search?q=x&limit=%EF%BC%95",  # a full-width 5
        "/api/search?q=x&pillar=9",
        "/api/search?q=x&pillar=-1",
        "/api/search?q=x&pillar=abc",
        "/api/search?q=x&kind=zzz",
        "/api/search?q=x&year=abc",
        "/api/search?q=x&year=1999",
        "/api/trend",
        "/api/trend?q=%20",
        "/api/search?q=x&lang=fr",
        "/api/search?q=" + "高" * 5000,
        "/api/search?q=" + "a" * (MAX_QUERY_LENGTH + 1),
        "/api/search?q=a%00b",
        "/api/search?q=%00",
        "/api/search?q=%FF",
        "/api/search?q=%C3%28",
        "/api/search?q=%ED%A0%80",  # a UTF-8-encoded surrogate
        "/api/search?q=x&" + "&".join(f"f{n}=1" for n in range(50)),
        "/api/rank?by=size",
        "/api/rank?by=value&unit=zz",
        "/api/rank?by=value&unit=" + "亿" * 100,
        "/api/rank?limit=-5",
        "/api/rank?pillar=7",
        "/api/facts/a%00b",
        "/api/pillars/%00",
        "/api/facts/" + "x" * 5000,
    ],
)
def test_bad_input_is_a_400_json_error(client, url):
    assert is_json_error(client.get(url), 400), client.get(url).text


def test_a_query_at_the_length_limit_is_searched(client):
    assert client.get("/api/search", params={"q": "高" * MAX_QUERY_LENGTH}).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/facts/no-such-fact",
        "/api/facts/%3Cscript%3E",
        "/api/pillars/9",
        "/api/pillars/1",  # the small base has pillars 0 and 4 only
        "/api/pillars/-1",
        "/api/pillars/abc",
        "/api/nope",
        "/static/nope.js",
        "/static/index.html",  # served at /, not as a file
        "/static/",
        "/nope",
    ],
)
def test_unknown_things_are_a_404_json_error(client, url):
    assert is_json_error(client.get(url), 404)


def test_an_unknown_id_names_the_nearest(client):
    assert BROKERS in client.get("/api/facts/tech-broker-new").json()["error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_only_get_is_served(client, method):
    for url in ("/", "/api/search?q=x", "/static/app.js", f"/api/facts/{BROKERS}"):
        response = client.request(method, url)
        assert is_json_error(response, 405)
        assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}


def raw_get(app, path: str, headers: list[tuple[bytes, bytes]] | None = None) -> tuple[int, bytes]:
    """A request with the path exactly as given (clients normalise ../ away); ASGI's
    path is the decoded one, raw_path the bytes sent. No Host header unless given, as
    HTTP/1.0 allows."""
    answer = anyio.run(_asgi_get, app, path, headers or [])
    return answer.status_code, answer.content


class Answer:
    """What an ASGI app answered a GET: as much of a client's response as the tests read."""

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status_code = status
        self.headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in headers}
        self.content = body

    def json(self) -> object:
        return json.loads(self.content)


async def _asgi_get(app, path: str, headers: list[tuple[bytes, bytes]]) -> Answer:
    """The app called with one GET, as a server calls it: the path decoded once (as
    uvicorn does), the request's body empty, then a disconnect once it has answered."""
    raw = path.encode()
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": _decoded(path), "raw_path": raw.split(b"?")[0],
        "query_string": raw.partition(b"?")[2], "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    sent: list[dict] = []
    answered = anyio.Event()
    asked = False

    async def receive() -> dict:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await answered.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            answered.set()

    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(sent[0]["status"], sent[0].get("headers", []), body)


@pytest.fixture(scope="module")
def shipped_get(shipped) -> Iterator[Callable[[str], Answer]]:
    """GET on the shipped report's app, called in one event loop of this thread: the
    fuzz tests' 500 requests cost a third of the CPU they cost through TestClient, whose
    portal crosses to another thread several times a request (the client's own path is
    test_each_endpoint_answers_with_the_cli_json's and the others')."""
    app = create_app(shipped)
    host = [(b"host", LOOPBACK.removeprefix("http://").encode())]
    with asyncio.Runner() as runner:
        yield lambda path: runner.run(_asgi_get(app, path, host))


def _decoded(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path.split("?")[0])


TRAVERSALS = [
    "/static/../pyproject.toml",
    "/static/../../pyproject.toml",
    "/static/%2e%2e/pyproject.toml",
    "/static/%2E%2E/%2E%2E/pyproject.toml",
    "/static/..%2fpyproject.toml",
    "/static/..%2F..%2Fpyproject.toml",
    "/static/%2e%2e%2f%2e%2e%2ffacts.toml",
    "/static/..%5cpyproject.toml",
    "/static/....//pyproject.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/app.js%00.png",
    "/static/app.js/..",
    "/static/./app.css/../../cli.py",
    "/../pyproject.toml",
    "/%2e%2e/pyproject.toml",
    "/api/../../pyproject.toml",
    "/static/__init__.py",
    "/static/../web.py",
    "/static/..%2fweb.py",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_in_any_form_is_a_404(small, path):
    status, body = raw_get(create_app(small), path)
    assert status == 404, path
    assert json.loads(body)["status"] == 404
    assert b"[build-system]" not in body and b"import" not in body and b"root:" not in body


@given(st.text(max_size=MAX_QUERY_LENGTH + 20))
def test_any_query_text_is_a_200_or_a_400(shipped_get, text):
    response = shipped_get("/api/search?q=" + quote(text, safe=""))
    assert response.status_code in (200, 400)
    assert isinstance(response.json(), list) or is_json_error(response, 400)


@given(st.binary(max_size=200), st.sampled_from(["q", "limit", "pillar", "kind", "by", "unit"]))
def test_any_bytes_in_any_parameter_are_a_200_or_a_400(shipped_get, data, name):
    path = "/api/rank" if name in ("by", "unit") else "/api/search"
    url = f"{path}?q=x&{name}=" + quote(data, safe="")
    assert shipped_get(url).status_code in (200, 400)


@given(st.text(max_size=60))
def test_any_path_under_the_api_is_never_a_500(shipped_get, text):
    for prefix in ("/api/facts/", "/api/pillars/", "/static/"):
        response = shipped_get(prefix + quote(text, safe=""))
        assert response.status_code in (200, 400, 404)


# --- over a real socket, as `cqfacts serve` -------------------------------------------------


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 0), (signal.SIGINT, 130)])
def test_serve_answers_over_a_real_socket_and_stops_cleanly(small_fact_file, sig, code):
    process, url = start_server(facts=small_fact_file)
    try:
        assert url.startswith("http://127.0.0.1:")
        host, port = url.removeprefix("http://").strip("/").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", "/api/search?q=jsjjr")
        response = connection.getresponse()
        assert response.status == 200
        assert json.loads(response.read())[0]["value_text"] == "1133人"
        for path in ("/static/../pyproject.toml", "/static/..%2f..%2fpyproject.toml",
                     "/static/%2e%2e/%2e%2e/pyproject.toml", "/api/search?q=%FF"):  # fmt: skip
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            assert response.status in (400, 404) and b"[build-system]" not in body
        connection.request("POST", "/api/search?q=jsjjr")
        response = connection.getresponse()
        response.read()
        assert response.status == 405
        connection.close()
    finally:
        returncode = stop(process, sig)
    assert returncode == code
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")


def test_a_sigterm_as_soon_as_the_url_is_printed_stops_the_server(small_fact_file):
    """Sent before uvicorn took the signal, it was recorded and the server served on."""
    process, _ = start_server(facts=small_fact_file)
    assert stop(process, signal.SIGTERM) == 0
    assert "Traceback" not in (process.stderr.read() if process.stderr else "")


def test_a_port_in_use_is_a_clear_error_and_exit_2(small_fact_file):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cqfacts", "--facts", str(small_fact_file), "serve",
             "--port", str(port)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_and_mcp_help_show_an_example():
    for command in ("serve", "mcp"):
        result = CliRunner().invoke(cli_app, [command, "--help"])
        assert result.exit_code == 0 and f"cqfacts {command}" in result.stdout


def test_the_json_query_path_imports_no_server_framework(tmp_path, small_fact_file):
    """serve and mcp pay for their frameworks; a search does not. On the small report:
    its cold build is a third of the shipped report's, by the same code (the shipped
    file's one step more, the packaged index's lookup, imports nothing)."""
    probe = (
        "import sys\n"
        "from cqfacts.cli.app import main\n"
        "sys.argv = ['cqfacts', 'search', 'gxjsqy', '--json']\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('starlette', 'uvicorn', 'mcp', 'mcp_types', 'anyio', 'pydantic', 'httpx2',\n"
        # cqfacts.ask.arguments is not among them: its argument checks are the CLI's too.
        "         'cqfacts.web.app', 'cqfacts.mcp.server', 'cqfacts.web.openapi')\n"
        "sys.stderr.write('loaded:' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "CQFACTS_CACHE_DIR": str(tmp_path), "CQFACTS_FACTS": str(small_fact_file)}
    for _ in range(2):  # a cold cache, then a warm one
        run = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, check=True, text=True
        )
        assert run.stderr.endswith("loaded:"), run.stderr


def test_open_waits_for_the_server_then_opens_its_url(monkeypatch):
    import webbrowser
    from types import SimpleNamespace

    from cqfacts.web.app import _open_when_started

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    _open_when_started(SimpleNamespace(started=True, should_exit=False), "http://127.0.0.1:1/")
    _open_when_started(SimpleNamespace(started=False, should_exit=True), "http://127.0.0.1:2/")
    assert opened == ["http://127.0.0.1:1/"]


def test_the_printed_url_is_one_a_browser_here_can_open():
    from cqfacts.web.app import url_of

    with socket.create_server(("127.0.0.1", 0)) as sock:
        assert url_of(sock) == f"http://127.0.0.1:{sock.getsockname()[1]}/"
    if socket.has_ipv6:
        try:
            sock = socket.create_server(("::1", 0), family=socket.AF_INET6)
        except OSError:
            return  # no IPv6 loopback here
        with sock:
            assert url_of(sock) == f"http://[::1]:{sock.getsockname()[1]}/"
