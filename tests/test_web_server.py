"""`cqfacts serve` as a server under hostile clients: Host names (DNS rebinding),
connections that never finish their headers, a flood of them, keep-alive latency,
numbers Python will not convert, and responses that must never redirect."""

import http.client
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from cqfacts.web.app import SECURITY_HEADERS, HostRule, bind, create_app, is_loopback
from tests.conftest import LOOPBACK
from tests.helpers import serving, start_server, stop


def is_json_error(response, status: int) -> bool:
    body = response.json()
    return (
        response.status_code == status
        and response.headers["content-type"] == "application/json"
        and set(body) == {"error", "status"}
        and body["status"] == status
        and bool(body["error"])
    )


def has_security_headers(headers) -> bool:
    return all(headers.get(name.decode()) == value.decode() for name, value in SECURITY_HEADERS)


# --- row 3: only the server's own names (DNS rebinding) ------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "attacker.example", "attacker.example:8765", "127.0.0.1.attacker.example",
        "localhost.attacker.example", "127.0.0.2", "0.0.0.0:8765", "[::2]:8765", "[::1",
        "localhost:80:80", "localhost:http", "127.0.0.1 ", "",
    ],
)  # fmt: skip
def test_a_foreign_host_is_a_400_json_error(client, host):
    for url in ("/api/pillars", "/", "/static/app.js", "/api/pillars/", "/nope"):
        response = client.get(url, headers={"host": host})
        assert is_json_error(response, 400), (host, url, response.text)
        assert "location" not in response.headers
        assert has_security_headers(response.headers)
        assert "attacker" not in response.text


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "127.0.0.1:8765", "localhost", "LOCALHOST:1", "localhost.", "[::1]",
     "[::1]:8765", "[::1]:"],
)  # fmt: skip
def test_the_loopback_names_are_answered(client, host):
    assert client.get("/api/pillars", headers={"host": host}).status_code == 200


def test_allow_host_adds_a_name_and_host_adds_its_own(small):
    rule = HostRule.serving("127.1", ["Proxy.Example"])
    with TestClient(create_app(small, hosts=rule), base_url=LOOPBACK) as client:
        for host in ("proxy.example", "PROXY.example:443", "127.1:8765", "localhost"):
            assert client.get("/api/pillars", headers={"host": host}).status_code == 200, host
        assert is_json_error(client.get("/api/pillars", headers={"host": "other.example"}), 400)


def test_every_address_but_no_name_when_bound_to_all_interfaces():
    for host in ("0.0.0.0", "::"):
        rule = HostRule.serving(host)
        assert all(map(rule.accepts, ["192.168.1.5:8765", "[fe80::1]", "localhost", "[::1]"]))
        assert not rule.accepts("attacker.example") and not rule.accepts("myhost.local")
    assert not HostRule.serving("127.0.0.1").accepts("192.168.1.5")
    assert HostRule.serving("0.0.0.0", ["myhost.local"]).accepts("myhost.local:8765")


def test_two_host_headers_are_refused(small):
    from tests.test_web_api import raw_get

    app = create_app(small)
    assert raw_get(app, "/api/pillars")[0] == 200  # HTTP/1.0 sends no Host: nothing to rebind
    status, _ = raw_get(app, "/api/pillars", headers=[(b"host", b"127.0.0.1"), (b"host", b"a.b")])
    assert status == 400


def test_serve_answers_its_names_and_allow_host_over_a_real_socket(small_fact_file):
    """`--allow-host` over a real socket; and `--host 127.1`, loopback by its address, is
    served at 127.0.0.1 without the warning that anyone can reach it (one process for
    both: each costs some 0.2 s of CPU)."""
    process, url = start_server(
        "--host", "127.1", "--allow-host", "proxy.example", facts=small_fact_file
    )  # fmt: skip
    try:
        assert url.startswith("http://127.0.0.1:")
        host, port = url.removeprefix("http://").strip("/").split(":")
        for name, path, status in [
            ("attacker.example", "/api/pillars", 400),
            ("attacker.example", "/api/pillars/", 400),
            ("proxy.example", "/api/pillars", 200),
            (f"localhost:{port}", "/api/pillars", 200),
            (f"127.0.0.1:{port}", "/api/pillars", 200),
            (f"127.0.0.1:{port}", "/api/pillars/", 404),
        ]:
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            connection.request("GET", path, headers={"Host": name})
            response = connection.getresponse()
            body = response.read()
            assert response.status == status, (name, path, body)
            assert response.getheader("location") is None
            assert b"attacker" not in body
            connection.close()
    finally:
        stop(process)
    # Answered: the warning, written before the server starts, would be on stderr.
    assert "anyone" not in (process.stderr.read() if process.stderr else "")


def test_a_bad_allow_host_is_exit_2(run, monkeypatch):
    """In process (test_web_api's port in use is the exit 2 of a real `cqfacts serve`);
    were the name taken, the test fails at once rather than serving on."""
    import cqfacts.web.app

    def served(*args: object, **kwargs: object) -> object:
        raise AssertionError("a bad --allow-host was served")

    monkeypatch.setattr(cqfacts.web.app, "make_server", served)
    result = run("serve", "--port", "0", "--allow-host", "a b")
    assert result.exit_code == 2 and "--allow-host" in result.stderr
    assert "Traceback" not in result.stderr


# --- row 17: no redirects, loopback by address ----------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/pillars/", "/static/app.js%2F", "/static/app.js/", "/api/search/?q=x", "/api/"]
)
def test_a_trailing_slash_is_a_json_404_not_a_redirect(client, url):
    response = client.get(url, follow_redirects=False)
    assert is_json_error(response, 404), response.status_code
    assert "location" not in response.headers


def test_loopback_is_decided_by_the_bound_address():
    for spelling in ("127.1", "127.0.0.1", "localhost", "0x7f.1"):
        with bind(spelling, 0) as sock:
            assert is_loopback(sock), spelling
    with bind("0.0.0.0", 0) as sock:
        assert not is_loopback(sock)


# --- row 5: no 500 from a number; the headers on every response ------------------------------


@pytest.mark.parametrize("digits", [5, 30, 4300, 4301, 10_000])
def test_a_year_of_thousands_of_digits_is_a_400(client, digits):
    response = client.get("/api/search?q=x&year=" + "9" * digits)
    assert is_json_error(response, 400)
    assert len(response.json()["error"]) < 300


def test_a_500_carries_the_security_headers(small, monkeypatch):
    from cqfacts.ask import arguments as api

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(api, "search_page", broken)
    app = create_app(small)
    with TestClient(app, base_url=LOOPBACK, raise_server_exceptions=False) as client:
        response = client.get("/api/search?q=x")
    assert is_json_error(response, 500)
    assert has_security_headers(response.headers)


@pytest.fixture(scope="module")
def served(small) -> Iterator[tuple[Any, int]]:
    """One server over a real socket for the tests below: uvicorn takes some 0.2 s to
    stop (its tick, then a pause for open connections), a wait each test paid."""
    with serving(small) as server_and_port:
        yield server_and_port


def test_a_request_uvicorn_cannot_parse_is_a_json_400_with_the_headers(served):
    port = served[1]
    with socket.create_connection(("127.0.0.1", port), 5) as sock:
        sock.sendall(b"GET /\x01 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in head
    assert all(name + b": " + value in head for name, value in SECURITY_HEADERS)
    assert json.loads(body) == {"error": "Invalid HTTP request received", "status": 400}


@pytest.mark.parametrize(
    "target", [b"/api/search?q=\xe9\xab\x98", b"/api/facts/\xe9\xab\x98", b"/\xe9\xab\x98"]
)
def test_raw_utf8_in_a_url_is_a_json_400_that_says_how_to_send_it(served, target):
    port = served[1]
    with socket.create_connection(("127.0.0.1", port), 5) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ") and b"content-type: application/json" in head
    assert all(name + b": " + value in head for name, value in SECURITY_HEADERS)
    assert json.loads(body) == {
        "error": "the URL holds characters that are not ASCII; a URL carries them "
        "percent-encoded (高 is %E9%AB%98): curl --get --data-urlencode q=高 does it",
        "status": 400,
    }


# --- row 2: TCP_NODELAY on every accepted connection -----------------------------------------


def test_accepted_connections_have_tcp_nodelay(served):
    """Without it a keep-alive response's second write waits for the client's delayed
    ACK: ~40 ms per request after the first."""
    server, port = served
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(2):
        connection.request("GET", "/api/pillars")
        response = connection.getresponse()
        assert response.status == 200 and response.read()
    # Open ones: the server is shared with the tests above, whose connections it closed.
    protocols = [p for p in server.server_state.connections if not p.transport.is_closing()]
    options = [
        p.transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        for p in protocols
    ]
    connection.close()
    assert options and all(options), options


# --- row 4: unfinished requests, a flood of them ----------------------------------------------

SERVE = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))\n"
    "from cqfacts.store.loader import load_many\n"
    "from cqfacts.web.app import serve\n"
    "serve(load_many([sys.argv[1]]), port=0, max_connections=8, header_timeout=0.5)\n"
)


def test_a_flood_of_unfinished_requests_is_capped_timed_out_and_logged_once(
    small_fact_file: Path, tmp_path: Path
):
    """100 connections that send only a request line, to a server limited to 64 open
    files: it holds at most 8 (refusing the rest at once), closes each after 0.5 s
    without headers, still answers, and says so in one line per kind (before: none
    closed, and a traceback per failed accept(), 43 MB in 17 s)."""
    stderr = (tmp_path / "stderr").open("w+b")
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(small_fact_file)],
        stdout=subprocess.PIPE, stderr=stderr, text=True,
    )  # fmt: skip
    socks: list[socket.socket] = []
    refusals = 0
    try:
        line = process.stdout.readline() if process.stdout else ""
        port = int(line.split(" at ")[1].split()[0].rstrip("/").rsplit(":", 1)[1])
        for number in range(100):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            socks.append(sock)
            try:
                sock.sendall(b"GET / HTTP/1.1\r\n")
                # Past the cap: refused at once (a 503, or a reset if it came after this
                # line arrived), before the next connects: a client outrunning the
                # accept queue would wait out SYN retries, seconds.
                answer = sock.recv(4096) if number >= 8 else None
            except ConnectionResetError:
                answer = b""
            assert answer is None or answer == b"" or answer.startswith(b"HTTP/1.1 503 ")
            refusals += bool(answer)
        assert refusals > 46  # of 92; a reset may come before a 503 is read
        for sock in socks[:8]:  # held, then closed after 0.5 s without headers
            assert sock.recv(4096) == b""  # else the socket's 5 s timeout fails the test
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/api/pillars")
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())
        connection.close()
    finally:
        for sock in socks:
            sock.close()
        stop(process)
        stderr.seek(0)
        log = stderr.read().decode("utf-8", "replace")
        stderr.close()
    assert "Traceback" not in log
    assert "out of system resource" not in log, log  # the cap kept descriptors free
    assert len(log) < 1000, log[:3000]
    assert log.count("without finishing its request headers") == 1, log
    assert log.count("connections open") == 1, log


def test_serve_s_help_names_every_endpoint(run, small):
    """The help is where a user meets the API: an endpoint added is named there."""
    import re

    app = create_app(small)
    while not hasattr(app, "routes"):  # inside the middleware that wraps it
        app = app.app
    paths = {route.path for route in app.routes if route.path.startswith(("/api", "/openapi"))}
    shown = " ".join(run("serve", "--help").stdout.split())
    for path in paths:
        assert re.sub(r"\{\w+\}", "", path).rstrip("/") in shown, path
