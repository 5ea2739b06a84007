"""How the API's endpoints answer, by Datasette's conventions: JSON bodies and JSON
errors with the library's message, the query fields each endpoint reads (any other
refused by name), lists that say their count and next page in their headers, and an
ETag of the fact base with a 304 for a client whose copy is current."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from cqfacts.errors import CqfactsError, InvalidArgumentError, UnknownFactError, quoted
from cqfacts.output import shapes
from cqfacts.store.loader import Loaded

Endpoint = Callable[[Request], Awaitable[Response]]

# A query string with more fields than this is not one the page or a script sends.
MAX_FIELDS = 20
#: What a response the fact base alone decides may be kept for: revalidated each time
#: (a 304 costs nothing), as a server restarted on other fact files answers otherwise.
CACHE_CONTROL = "no-cache"
#: The query fields each endpoint reads; any other is refused, named (a misspelt
#: ?pilar=4 would otherwise answer every pillar as if it were asked for).
FIELDS = {
    "search": ("q", "pillar", "kind", "limit", "offset", "lang", "year", "all_years"),
    "facts": ("pillar", "kind", "topic", "status", "year", "limit", "offset", "lang"),
    "fact": ("year", "lang"),
    "pillars": (),
    "pillar": ("year", "report", "lang"),
    "rank": ("by", "unit", "pillar", "limit", "offset", "year", "all_years", "lang"),
    "topics": (),
    "trend": ("q", "lang"),
    "sources": ("year",),
    "openapi": (),
    "static": (),
}


def error_response(
    message: str, status: int, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(shapes.error(message, status), status_code=status, headers=headers)


@dataclass(frozen=True)
class Listed:
    """A list answer: its body, how many rows the list holds in all and the query of
    its next page (None on the last), said in the headers ``X-Total-Count`` and
    ``Link: <…>; rel="next"``."""

    body: object
    total: int
    next_params: dict[str, str] | None = field(default=None)


def next_url(request: Request, params: dict[str, str], offset: int | None) -> str | None:
    """The next page's address, relative to this server (never built from the Host
    header, which a proxy may have rewritten): this request's fields, a new offset."""
    if offset is None:
        return None
    return f"{request.url.path}?{urlencode({**params, 'offset': str(offset)})}"


def content_digest(loaded: Loaded, version: str) -> str:
    """A digest of everything an answer is made of: the facts, parts, topics and
    reports, and the code's version (which shapes the JSON)."""
    base = loaded.base
    content = json.dumps(
        [version, shapes.facts(base.facts), shapes.pillars(base), shapes.topics(base),
         [list(meta) for meta in base.reports]],
        ensure_ascii=False, sort_keys=True, default=repr,
    )  # fmt: skip
    return tag(content.encode())


def tag(data: bytes) -> str:
    return f'"{hashlib.sha256(data).hexdigest()[:32]}"'


def matches(request: Request, etag: str) -> bool:
    """Whether If-None-Match names ``etag`` (or is *): the client's copy is current."""
    header = request.headers.get("if-none-match")
    if header is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def cached(request: Request, response: Response, etag: str) -> Response:
    """``response`` with its ETag and Cache-Control, or a 304 where the client has it."""
    headers = {"etag": etag, "cache-control": CACHE_CONTROL}
    if matches(request, etag):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


def check_fields(params: Mapping[str, str], allowed: Iterable[str]) -> None:
    unknown = [name for name in params if name not in allowed]
    if not unknown:
        return
    named = ", ".join(quoted(name) for name in unknown)
    takes = ", ".join(allowed)
    what = "parameter" if len(unknown) == 1 else "parameters"
    raise InvalidArgumentError(
        f"unknown query {what} {named}; "
        + (f"this address takes {takes}" if takes else "this address takes none")
    )


def query_fields(request: Request) -> dict[str, str]:
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


def endpoint(
    function: Callable[[Request, dict[str, str]], object],
    fields: Iterable[str],
    etag: str,
    *,
    not_found: type[CqfactsError] = UnknownFactError,
) -> Endpoint:
    """An endpoint answering with JSON: the library's refusals become 400 (or 404 for
    ``not_found`` and unknown ids), with the message the CLI would print; a query
    field not in ``fields`` is a 400 naming it. An answer carries ``etag`` (the fact
    base's digest: the same URL answers the same until the base changes); a list
    says its count and its next page in the headers."""
    allowed = tuple(fields)

    async def endpoint(request: Request) -> Response:
        try:
            params = query_fields(request)
            check_fields(params, allowed)
            answer = function(request, params)
        except (UnknownFactError, not_found) as error:
            return error_response(str(error), 404)
        except CqfactsError as error:
            return error_response(str(error), 400)
        if not isinstance(answer, Listed):
            return cached(request, JSONResponse(answer), etag)
        headers = {"x-total-count": str(answer.total)}
        if answer.next_params is not None:
            following = f"{request.url.path}?{urlencode(answer.next_params)}"
            headers["link"] = f'<{following}>; rel="next"'
        return cached(request, JSONResponse(answer.body, headers=headers), etag)

    return endpoint


def listed(body: object, count: int, params: dict[str, str], next_offset: int | None) -> Listed:
    following = None if next_offset is None else {**params, "offset": str(next_offset)}
    return Listed(body, count, following)
