"""``cqfacts serve``: a read-only JSON API and one offline page, on Starlette and uvicorn.

Every body is an object of :mod:`cqfacts.output.shapes`, found through :mod:`cqfacts.ask.arguments`,
which checks arguments as the MCP server does. Only ``cqfacts serve`` imports this
module: the CLI's other commands never pay for Starlette or uvicorn.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from types import FrameType
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cqfacts.ask import arguments as api
from cqfacts.errors import CqfactsError, InvalidArgumentError, quoted
from cqfacts.output import shapes
from cqfacts.store.loader import Loaded
from cqfacts.web.answers import (
    FIELDS,
    Endpoint,
    Listed,
    cached,
    check_fields,
    content_digest,
    endpoint,
    error_response,
    listed,
    next_url,
    query_fields,
    tag,
)

if TYPE_CHECKING:
    import uvicorn

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
#: The names every server answers to, whatever --host is: this machine's own.
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
#: Seconds a connection has to send a whole request line and headers, from its opening
#: or from the previous response: a client that sends `GET / HTTP/1.1` and nothing more
#: would otherwise hold its connection (and a file descriptor) for ever.
HEADER_TIMEOUT = 10.0
#: Connections open at once, at most (fewer where the open-file limit is low, see
#: connection_limits); beyond it a new connection gets a 503 and is closed.
MAX_CONNECTIONS = 200
# Every file the page needs, by the name its URL gives, read once at start-up: a
# request names an entry of this table, never a path, so no URL can reach another file.
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
SECURITY_HEADERS = [
    # Scripts, styles and fetches from this server only: a label that slipped into the
    # page as markup still could not run or load anything.
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
     b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]  # fmt: skip


class _SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response (pure ASGI: no per-request task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HostRule:
    """The Host header values the server answers. DNS rebinding: a page of another
    site whose name its owner then points at 127.0.0.1 talks to this server as that
    site, so its requests carry that site's name as Host: refused here."""

    def __init__(self, names: Iterable[str], *, any_address: bool = False) -> None:
        self.names = frozenset(name for name in map(host_name, names) if name)
        # Bound to every interface (0.0.0.0, ::): this machine's addresses are not all
        # known, and no address literal can be rebound, so every one is answered.
        self.any_address = any_address

    @classmethod
    def serving(cls, host: str, allow: Iterable[str] = ()) -> HostRule:
        """The rule of a server started with ``--host host --allow-host NAME…``."""
        try:
            any_address = ipaddress.ip_address(host).is_unspecified
        except ValueError:
            any_address = False
        return cls([*LOOPBACK_NAMES, host, *allow], any_address=any_address)

    def accepts(self, value: str) -> bool:
        name = host_name(value)
        if name is None:
            return False
        if name in self.names:
            return True
        return self.any_address and _is_address(name)

    def describe(self) -> str:
        names = sorted(f"[{name}]" if ":" in name else name for name in self.names)
        return ", ".join(names) + (" or an IP address" if self.any_address else "")


def host_name(value: str) -> str | None:
    """The name of a Host header (or --allow-host) value, lower case, without its port
    (any port: a reverse proxy has its own) or a final dot; None where it is not one."""
    value = value.lower()
    if value.startswith("["):  # an IPv6 address: [::1]:8765
        name, bracket, port = value[1:].partition("]")
        if not bracket or not _is_address(name):
            return None
        name = str(ipaddress.ip_address(name))  # one spelling: [0:0::1] is [::1]
    elif value.count(":") > 1 and _is_address(value):  # --host ::1, unbracketed
        return str(ipaddress.ip_address(value))
    else:
        name, colon, port = value.partition(":")
        port = colon + port
    if port not in ("", ":") and not (port[0] == ":" and port[1:].isascii() and port[1:].isdigit()):
        return None
    name = name.removesuffix(".")
    # Letters, digits, -, _ and . only: what a host name or an IPv4 address is made of.
    if not name or not all(char.isascii() and (char.isalnum() or char in "-_.:") for char in name):
        return None
    return name


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class _HostCheck:
    """Answers a request whose Host the rule refuses with a 400, before any route (so
    no redirect can carry a foreign Host). A request without Host (HTTP/1.0; h11
    refuses an HTTP/1.1 one) comes from no browser and is served."""

    def __init__(self, app: ASGIApp, rule: HostRule) -> None:
        self.app = app
        self.rule = rule
        self.refusal = error_response(
            f"this server answers requests for {rule.describe()} only, and the Host header "
            "names something else; `cqfacts serve --allow-host NAME` adds a name",
            400,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            hosts = [value for name, value in scope["headers"] if name == b"host"]
            if len(hosts) > 1 or (hosts and not self.rule.accepts(hosts[0].decode("latin-1"))):
                await self.refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(loaded: Loaded, *, hosts: HostRule | None = None) -> ASGIApp:
    """The ASGI application serving ``loaded``: the page, its assets and the API, to
    requests whose Host ``hosts`` accepts (default: the loopback names)."""
    from cqfacts import __version__
    from cqfacts.web.openapi import description

    static = resources.files("cqfacts.web") / "static"
    assets = {name: (static / name).read_bytes() for name in ASSETS}
    # Each asset's own digest: an upgraded package's page is new, whatever the facts.
    asset_tags = {name: tag(data) for name, data in assets.items()}
    openapi = description(__version__)
    etag = content_digest(loaded, __version__)

    def asset(request: Request, name: str) -> Response:
        response = Response(assets[name], media_type=ASSETS[name])
        return cached(request, response, asset_tags[name])

    async def page(request: Request) -> Response:
        # The page reads its own fields (q, id, lang …) in the browser; a link shared
        # with a tracking field still opens, so none is refused here.
        return asset(request, "index.html")

    async def static_file(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS or name == "index.html":
            return error_response("no such file", 404)
        try:
            check_fields(query_fields(request), FIELDS["static"])
        except CqfactsError as error:
            return error_response(str(error), 400)
        return asset(request, name)

    def search(request: Request, params: dict[str, str]) -> object:
        rows, count, following = api.search_page(
            loaded, params.get("q"), pillar_=params.get("pillar"), kind_=params.get("kind"),
            limit_=params.get("limit"), offset_=params.get("offset"),
            lang_=params.get("lang"), year_=params.get("year"),
            all_years_=params.get("all_years"),
        )  # fmt: skip
        return listed(rows, count, params, following)

    def facts(request: Request, params: dict[str, str]) -> object:
        chosen = api.listed(
            loaded, params.get("pillar"), params.get("kind"), params.get("topic"),
            params.get("status"), params.get("year"),
        )  # fmt: skip
        lang = api.shown_lang(params.get("lang"))
        page = api.page_of(chosen, params.get("limit"), params.get("offset"))
        body = shapes.fact_page(
            shapes.facts(page.facts, loaded.base, lang), page.total,
            next_url(request, params, page.next_offset),
        )  # fmt: skip
        return listed(body, page.total, params, page.next_offset)

    def fact(request: Request, params: dict[str, str]) -> object:
        return api.show(
            loaded, request.path_params["fact_id"], params.get("year"), params.get("lang")
        )

    def pillars(request: Request, params: dict[str, str]) -> object:
        every = shapes.pillars(loaded.base)
        return Listed(every, len(every))

    def pillar(request: Request, params: dict[str, str]) -> object:
        return api.pillar_detail(
            loaded, request.path_params["number"], params.get("year"), params.get("report"),
            params.get("lang"),
        )  # fmt: skip

    def rank(request: Request, params: dict[str, str]) -> object:
        rows, count, following = api.rank_page(
            loaded, params.get("by"), params.get("unit"), params.get("pillar"),
            params.get("limit"), params.get("year"), params.get("all_years"),
            params.get("lang"), params.get("offset"),
        )  # fmt: skip
        return listed(rows, count, params, following)

    def topics(request: Request, params: dict[str, str]) -> object:
        every = shapes.topics(loaded.base)
        return Listed(every, len(every))

    def trend(request: Request, params: dict[str, str]) -> object:
        points = api.trend(loaded, params.get("q"), params.get("lang"))
        return Listed(points, len(points))

    def sources(request: Request, params: dict[str, str]) -> object:
        every = api.sources(loaded, params.get("year"))
        return Listed(every, len(every))

    def schema(request: Request, params: dict[str, str]) -> object:
        return openapi

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return error_response(exc.detail, exc.status_code, exc.headers)

    async def internal_error(request: Request, exc: Exception) -> Response:
        return error_response("internal error: this is a bug", 500)

    def answers(function: Callable[[Request, dict[str, str]], object], name: str,
                **options: Any) -> Endpoint:  # fmt: skip
        return endpoint(function, FIELDS[name], etag, **options)

    get = ["GET"]  # HEAD comes with it; anything else is a 405
    routes = [
        Route("/", page, methods=get),
        Route("/static/{name}", static_file, methods=get),
        Route("/api/search", answers(search, "search"), methods=get),
        Route("/api/facts", answers(facts, "facts"), methods=get),
        Route("/api/facts/{fact_id}", answers(fact, "fact"), methods=get),
        Route("/api/pillars", answers(pillars, "pillars"), methods=get),
        Route(
            "/api/pillars/{number}",
            answers(pillar, "pillar", not_found=api.UnknownPillarError),
            methods=get,
        ),
        Route("/api/rank", answers(rank, "rank"), methods=get),
        Route("/api/topics", answers(topics, "topics"), methods=get),
        Route("/api/trend", answers(trend, "trend"), methods=get),
        Route("/api/sources", answers(sources, "sources"), methods=get),
        Route("/openapi.json", answers(schema, "openapi"), methods=get),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, Exception: internal_error},
    )
    # /api/pillars/ is a 404 like any other unknown path: Starlette's redirect to the
    # path without its slash had no body and built its Location from the Host header.
    app.router.redirect_slashes = False
    # Outside Starlette's own error layer, so that its 500s carry the headers too.
    return _SecurityHeaders(_HostCheck(app, hosts or HostRule.serving(DEFAULT_HOST)))


def bind(host: str, port: int) -> socket.socket:
    """A listening socket: bound here rather than by uvicorn, so that a port in use is
    a clear error and port 0 (any free port) can be printed as the real one."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.create_server((host, port), family=family)
    except (OSError, UnicodeError) as error:  # UnicodeError: a host name IDNA refuses
        reason = getattr(error, "strerror", None) or str(error)
        raise InvalidArgumentError(f"cannot listen on {host}:{port}: {reason}") from None
    # The same socket, said to be TCP: create_server makes it with protocol 0, which
    # accepted sockets inherit, and asyncio sets TCP_NODELAY only on IPPROTO_TCP ones.
    # Without it a keep-alive response's second write waits ~40 ms for a delayed ACK.
    tcp = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    tcp.set_inheritable(True)
    return tcp


def is_loopback(sock: socket.socket) -> bool:
    """Whether ``sock`` listens on a loopback address, however --host spelt it
    (127.1, 0x7f.1, localhost, ::1)."""
    address = str(sock.getsockname()[0]).partition("%")[0]
    return ipaddress.ip_address(address).is_loopback


def connection_limits(wanted: int = MAX_CONNECTIONS) -> tuple[int, int]:
    """The cap on open connections (``wanted``, or half the open-file limit where that is
    lower) and the listening backlog, which is also how many connections asyncio accepts
    at a time before any of them can be refused (128, or an eighth of the limit). Held,
    being accepted and being refused, they stay under three quarters of the limit: the
    rest is for the fact files and whatever Python opens, so accept() does not run out."""
    try:
        import resource
    except ImportError:  # Windows: no such limit
        return wanted, 128
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted, 128
    return max(1, min(wanted, soft // 2)), max(8, min(128, soft // 8))


class _OncePerKind(logging.Filter):
    """Lets through the first record of each kind (a logger and the first line of its
    message) and drops the rest: a flood of bad connections writes a few lines, not a
    traceback each (asyncio retried a failing accept() thousands of times a second).
    An OSError's traceback becomes its message: the environment's failure, not a bug."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        kind = (record.name, str(record.msg).partition("\n")[0])
        if kind in self.seen:
            return False
        self.seen.add(kind)
        message = record.getMessage().partition("\n")[0]
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, OSError):
            message, record.exc_info, record.exc_text = f"{message}: {error}", None, None
        record.msg, record.args = f"{message} (further ones are not logged)", None
        return True


@contextmanager
def _quiet_logs() -> Iterator[None]:
    once = _OncePerKind()
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "asyncio")]
    for logger in loggers:
        logger.addFilter(once)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(once)


def _protocol(max_connections: int, header_timeout: float) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with a cap on open connections and a deadline for request
    headers, neither of which uvicorn has: its limit_concurrency answers 503 only once a
    whole request has arrived, and its keep-alive timeout starts only after a response."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    log = logging.getLogger("uvicorn.error")
    refusal = _closing_response(503, "Service Unavailable", "too many connections; try again")

    class Protocol(H11Protocol):
        deadline: asyncio.TimerHandle | None = None
        refused = False
        #: The bytes last received: what a request h11 refuses held.
        received = b""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                log.warning(
                    "%d connections open: more are refused with a 503 until some close",
                    max_connections,
                )
                self.refused = True
                transport.write(refusal)
                transport.close()
                return
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self.refused:
                return
            cycle = self.cycle
            self.received = data
            super().data_received(data)
            if self.cycle is not cycle:  # a request's headers have all come
                self._disarm()

        def on_response_complete(self) -> None:
            cycle = self.cycle
            super().on_response_complete()
            if self.cycle is cycle and not self.transport.is_closing():
                self._arm()  # the next request's headers, on a kept-alive connection

        def send_400_response(self, msg: str) -> None:
            # A request h11 cannot parse: the API's JSON error and headers, not plain text.
            message = msg.rstrip(".")
            if not self.received.partition(b"\n")[0].isascii():
                message = RAW_BYTES  # what a hand-made client did wrong, and its fix
            self.transport.write(_closing_response(400, "Bad Request", message))
            self.transport.close()

        def _arm(self) -> None:
            self._disarm()
            self.deadline = self.loop.call_later(header_timeout, self._expire)

        def _disarm(self) -> None:
            if self.deadline is not None:
                self.deadline.cancel()
                self.deadline = None

        def _expire(self) -> None:
            self.deadline = None
            if not self.transport.is_closing():
                log.warning(
                    "closed a connection without finishing its request headers in %g s",
                    header_timeout,
                )
                self.transport.close()

    return Protocol


#: The refusal of a request line with raw UTF-8 (curl sends 高 as it is typed).
RAW_BYTES = (
    "the URL holds characters that are not ASCII; a URL carries them percent-encoded "
    "(高 is %E9%AB%98): curl --get --data-urlencode q=高 does it"
)


def _closing_response(status: int, reason: str, message: str) -> bytes:
    """A whole response, JSON error and security headers, for the server itself to send
    before closing a connection it will not hand to the application."""
    body = json.dumps(shapes.error(message, status)).encode()
    head = [
        f"HTTP/1.1 {status} {reason}".encode(), b"content-type: application/json",
        b"content-length: " + str(len(body)).encode(), b"connection: close",
        *(name + b": " + value for name, value in SECURITY_HEADERS),
    ]  # fmt: skip
    return b"\r\n".join(head) + b"\r\n\r\n" + body


def make_server(
    app: ASGIApp,
    *,
    max_connections: int = MAX_CONNECTIONS,
    header_timeout: float = HEADER_TIMEOUT,
) -> uvicorn.Server:
    """The uvicorn server ``serve`` runs (its ``run(sockets=[…])`` serves)."""
    import uvicorn

    cap, backlog = connection_limits(max_connections)
    config = uvicorn.Config(
        app,
        # Quiet: only warnings and errors; an access log of a local page is noise.
        log_level="warning", access_log=False, server_header=False,
        http=_protocol(cap, header_timeout), backlog=backlog,
        ws="none",  # no WebSocket routes: an upgrade request is an ordinary GET
    )  # fmt: skip
    return uvicorn.Server(config)


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if host == "0.0.0.0" else "::1"
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(
    loaded: Loaded,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    allow_hosts: Iterable[str] = (),
    open_browser: bool = False,
    say: Callable[[str], None] = print,
    warn: Callable[[str], None] | None = None,
    max_connections: int = MAX_CONNECTIONS,
    header_timeout: float = HEADER_TIMEOUT,
) -> None:
    """Serve until Ctrl-C (KeyboardInterrupt once closed) or SIGTERM (a clean return).

    Requests are answered where their Host names this machine, ``host`` or one of
    ``allow_hosts`` (see :class:`HostRule`)."""
    allow_hosts = list(allow_hosts)
    for name in allow_hosts:
        if not host_name(name):
            raise InvalidArgumentError(
                f"--allow-host takes a host name such as example.org, not {quoted(name)}"
            )
    sock = bind(host, port)
    url = url_of(sock)
    app = create_app(loaded, hosts=HostRule.serving(host, allow_hosts))
    server = make_server(app, max_connections=max_connections, header_timeout=header_timeout)

    def on_sigterm(number: int, frame: FrameType | None) -> None:
        server.should_exit = True

    # uvicorn shuts down on SIGTERM, then raises it again for the handler it found: this
    # one, which lets the command end with exit 0 instead of dying by the signal. It is
    # set before the URL is printed: a SIGTERM sent as soon as the URL is read, before
    # uvicorn takes the signal, stops the server as it starts (it was served on).
    main = threading.current_thread() is threading.main_thread()
    previous: Any = signal.signal(signal.SIGTERM, on_sigterm) if main else None
    try:
        say(f"cqfacts: serving {loaded.base.summary()} at {url}  (Ctrl-C stops)")
        if not is_loopback(sock):
            (warn or say)(
                f"cqfacts: listening on {host}: anyone who can reach this machine there can "
                "read the page and the API."
            )
        if open_browser:
            threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
        with _quiet_logs():
            server.run(sockets=[sock])
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        sock.close()


def _open_when_started(server: Any, url: str) -> None:
    import time
    import webbrowser

    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline and not server.should_exit:
        time.sleep(0.05)
    if server.started:
        webbrowser.open(url)
