"""`cqfacts cache`: where the index cache is, what it holds, and emptying it."""

from typing import Annotated

import typer

from cqfacts.cli.app import command, print_json
from cqfacts.cli.options import json_flag
from cqfacts.errors import shown
from cqfacts.output import shapes


@command("cache")
def cache_(
    ctx: typer.Context,
    *,
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove every entry of the cache.")
    ] = False,
    json: Annotated[
        bool, json_flag("Write the cache's directory and entries as JSON, not as two lines.")
    ] = False,
) -> None:
    """Where the index cache is and what it holds; --clear empties it.

    Only the cache's own entries are listed or removed, never other files.

    \b
    Examples:
      cqfacts cache
      cqfacts cache --clear
    """
    from cqfacts.store import cache

    directory = cache.cache_dir()
    warning = cache.configuration_warning()
    with cache.open_cache(directory) as store:
        removed = len(store.clear()) if clear else 0
        listing = shapes.cache_listing(
            None if directory is None else str(directory), store.entries(),
            usable=store.usable, warning=warning or store.warning, removed=removed,
        )  # fmt: skip
    if json:
        print_json(ctx, listing)
        return
    where = shown(listing["directory"]) if listing["directory"] else "none (the cache is off)"
    state = "" if listing["usable"] else f" — not used: {listing['warning'] or 'cannot be made'}"
    count = len(listing["entries"])
    typer.echo(f"cache: {where}{state}")
    typer.echo(f"{count} entr{'y' if count == 1 else 'ies'}, {listing['bytes']:,} bytes"
               + (f"; {removed} removed" if clear else ""))  # fmt: skip
