"""``cqfacts serve``: a read-only JSON API and one offline page, on Starlette and uvicorn.

Every body is an object of :mod:`cqfacts.output.shapes`, found through :mod:`cqfacts.ask.arguments`,
which checks arguments as the MCP server does. Only ``cqfacts serve`` imports this
module: the CLI's other commands never pay for Starlette or uvicorn.
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Awaitable, Callable, Mapping
from importlib import resources
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cqfacts.ask import arguments as api
from cqfacts.errors import CqfactsError, InvalidArgumentError, UnknownFactError
from cqfacts.output import shapes
from cqfacts.store.loader import Loaded

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
# Every file the page needs, by the name its URL gives, read once at start-up: a
# request names an entry of this table, never a path, so no URL can reach another file.
ASSETS = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
# A query string with more fields than this is not one the page or a script sends.
MAX_FIELDS = 20
SECURITY_HEADERS = [
    # Scripts, styles and fetches from this server only: a label that slipped into the
    # page as markup still could not run or load anything.
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
     b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]  # fmt: skip

Endpoint = Callable[[Request], Awaitable[Response]]


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


def _error(message: str, status: int, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(shapes.error(message, status), status_code=status, headers=headers)


def _params(request: Request) -> dict[str, str]:
    """The query string's fields, decoded strictly: Starlette's own parsing would turn
    %FF into U+FFFD and search for that. The last of a repeated field wins."""
    raw: bytes = request.scope.get("query_string", b"")
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict",
            max_num_fields=MAX_FIELDS,
        )  # fmt: skip
    except UnicodeDecodeError:
        raise InvalidArgumentError("the query string is not valid UTF-8") from None
    except ValueError:  # more fields than max_num_fields
        raise InvalidArgumentError(f"the query string has more than {MAX_FIELDS} fields") from None
    return dict(pairs)


def _answers(
    function: Callable[[Request, dict[str, str]], object],
    *,
    not_found: type[CqfactsError] = UnknownFactError,
) -> Endpoint:
    """An endpoint answering with JSON: the library's refusals become 400 (or 404 for
    ``not_found`` and unknown ids), with the message the CLI would print."""

    async def endpoint(request: Request) -> Response:
        try:
            return JSONResponse(function(request, _params(request)))
        except (UnknownFactError, not_found) as error:
            return _error(str(error), 404)
        except CqfactsError as error:
            return _error(str(error), 400)

    return endpoint


def create_app(loaded: Loaded) -> Starlette:
    """The ASGI application serving ``loaded``: the page, its assets and the API."""
    from cqfacts import __version__
    from cqfacts.web.openapi import description

    static = resources.files("cqfacts.web") / "static"
    assets = {name: (static / name).read_bytes() for name in ASSETS}
    openapi = description(__version__)

    def asset(name: str) -> Response:
        # no-cache: revalidated each time, so an upgraded package shows its new page.
        return Response(assets[name], media_type=ASSETS[name],
                        headers={"cache-control": "no-cache"})  # fmt: skip

    async def page(request: Request) -> Response:
        return asset("index.html")

    async def static_file(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS or name == "index.html":
            return _error("no such file", 404)
        return asset(name)

    def search(request: Request, params: dict[str, str]) -> object:
        return api.search(
            loaded, params.get("q"), pillar_=params.get("pillar"), kind_=params.get("kind"),
            limit_=params.get("limit"), lang_=params.get("lang"), year_=params.get("year"),
        )  # fmt: skip

    def fact(request: Request, params: dict[str, str]) -> object:
        return api.show(loaded, request.path_params["fact_id"])

    def pillars(request: Request, params: dict[str, str]) -> object:
        return shapes.pillars(loaded.base)

    def pillar(request: Request, params: dict[str, str]) -> object:
        return api.pillar_detail(loaded, request.path_params["number"])

    def rank(request: Request, params: dict[str, str]) -> object:
        return api.rank(
            loaded, params.get("by"), params.get("unit"), params.get("pillar"),
            params.get("limit"),
        )  # fmt: skip

    def topics(request: Request, params: dict[str, str]) -> object:
        return shapes.topics(loaded.base)

    def trend(request: Request, params: dict[str, str]) -> object:
        return api.trend(loaded, params.get("q"))

    def schema(request: Request, params: dict[str, str]) -> object:
        return openapi

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _error(exc.detail, exc.status_code, exc.headers)

    async def internal_error(request: Request, exc: Exception) -> Response:
        return _error("internal error: this is a bug", 500)

    get = ["GET"]  # HEAD comes with it; anything else is a 405
    routes = [
        Route("/", page, methods=get),
        Route("/static/{name}", static_file, methods=get),
        Route("/api/search", _answers(search), methods=get),
        Route("/api/facts/{fact_id}", _answers(fact), methods=get),
        Route("/api/pillars", _answers(pillars), methods=get),
        Route(
            "/api/pillars/{number}", _answers(pillar, not_found=api.UnknownPillarError), methods=get
        ),
        Route("/api/rank", _answers(rank), methods=get),
        Route("/api/topics", _answers(topics), methods=get),
        Route("/api/trend", _answers(trend), methods=get),
        Route("/openapi.json", _answers(schema), methods=get),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, Exception: internal_error},
    )
    app.add_middleware(_SecurityHeaders)
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket: bound here rather than by uvicorn, so that a port in use is
    a clear error and port 0 (any free port) can be printed as the real one."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        sock = socket.create_server((host, port), family=family)
    except (OSError, UnicodeError) as error:  # UnicodeError: a host name IDNA refuses
        reason = getattr(error, "strerror", None) or str(error)
        raise InvalidArgumentError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.set_inheritable(True)
    return sock


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
    open_browser: bool = False,
    say: Callable[[str], None] = print,
    warn: Callable[[str], None] | None = None,
) -> None:
    """Serve until Ctrl-C (KeyboardInterrupt once closed) or SIGTERM (a clean return)."""
    import uvicorn

    sock = bind(host, port)
    url = url_of(sock)
    app = create_app(loaded)
    # Quiet: only warnings and errors; an access log of a local page is noise.
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False)
    server = uvicorn.Server(config)
    say(f"cqfacts: serving {loaded.base.meta.title} at {url}  (Ctrl-C stops)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        (warn or say)(
            f"cqfacts: listening on {host}: anyone who can reach this machine there can "
            "read the page and the API."
        )
    if open_browser:
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    terminated: list[int] = []

    def on_sigterm(number: int, frame: FrameType | None) -> None:
        terminated.append(number)

    # uvicorn shuts down on SIGTERM, then raises it again for the handler it found: this
    # one, which lets the command end with exit 0 instead of dying by the signal.
    main = threading.current_thread() is threading.main_thread()
    previous: Any = signal.signal(signal.SIGTERM, on_sigterm) if main else None
    try:
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
