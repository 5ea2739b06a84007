"""The servers: `cqfacts serve` (the web page and JSON API) and `cqfacts mcp` (an MCP
server on stdio). Each needs an extra (``cqfacts[web]``, ``cqfacts[mcp]``); without it
the command says how to install it (:class:`cqfacts.errors.MissingExtraError`, exit 2)
before importing any server code."""

from importlib.util import find_spec
from typing import Annotated

import typer

from cqfacts.cli.app import command, load, say
from cqfacts.errors import MissingExtraError

#: Each extra, and the modules it installs that its command imports.
EXTRAS = {"web": ("starlette", "uvicorn"), "mcp": ("mcp",)}


def require(extra: str, name: str) -> None:
    """Raises MissingExtraError where a module of ``extra`` is not installed, before
    command ``name`` imports any of it: a look along the import path (about a tenth of
    a millisecond), not an import (Starlette and uvicorn, or the MCP SDK: some hundreds
    of milliseconds, near a second on a loaded machine)."""
    if not all(_installed(module) for module in EXTRAS[extra]):
        raise MissingExtraError(extra, name)


def _installed(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ValueError:  # imported already, without a spec (__spec__ None): it is there
        return True


@command()
def serve(
    ctx: typer.Context,
    *,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Address to listen on. 0.0.0.0 opens the page and API to every machine "
            "that can reach this one.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            "--port", min=0, max=65535, metavar="PORT", help="Port to listen on (0: any free one)."
        ),
    ] = 8765,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            metavar="NAME",
            help="Also answer requests whose Host header is NAME (behind a reverse "
            "proxy); repeat it for several. Names other than 127.0.0.1, localhost, [::1] "
            "and --host's get a 400.",
        ),
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in the default web browser.")
    ] = False,
) -> None:
    """Serve a search page and a read-only JSON API until Ctrl-C.

    The API answers with the JSON of --json: /api/search?q=, /api/facts (by page),
    /api/facts/ID, /api/pillars, /api/pillars/N, /api/rank, /api/topics,
    /api/trend?q=, /api/sources; /openapi.json documents each.

    \b
    Examples:
      cqfacts serve --open
      curl 'http://127.0.0.1:8765/api/search?q=jsjjr'
    """
    require("web", "serve")
    from cqfacts.web.app import serve as run_server

    run_server(
        load(ctx), host=host, port=port, allow_hosts=allow_host or (),
        open_browser=open_browser, say=typer.echo, warn=say,
    )  # fmt: skip


@command()
def mcp(ctx: typer.Context) -> None:
    """Answer an AI assistant over MCP (stdio), with citations.

    Tools: search, show, pillar, rank, trend. Register it in an MCP client's configuration.

    \b
    Examples:
      cqfacts mcp  (an MCP client starts it and talks to it on stdin and stdout)
      {"mcpServers": {"cqfacts": {"command": "cqfacts", "args": ["mcp"]}}}
    """
    require("mcp", "mcp")
    from cqfacts.mcp.server import run as run_server

    run_server(load(ctx))
