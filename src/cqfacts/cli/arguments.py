"""How the command line reads what was typed and writes what it answers, without
typer: shared by the typer commands (:mod:`cqfacts.cli.app`) and the lookups' fast path
(:mod:`cqfacts.cli.fastpath`), so that both give the same answer byte for byte.
"""

from __future__ import annotations

import re
import sys

from cqfacts.ask import arguments as api
from cqfacts.errors import InvalidArgumentError
from cqfacts.fast_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cqfacts.facts.model import FactBase, Pillar
    from cqfacts.search.engine import Match
    from cqfacts.store.loader import Loaded

#: --format's names; --json is the short form of "json".
FORMATS = ("table", "json", "jsonl", "csv", "tsv")
#: --lang's names (the web API's and MCP's too), and the variable that gives its default.
LANGS = api.LANGS
ENV_LANG = "CQFACTS_LANG"
#: --color's names.
COLORS = ("auto", "always", "never")
#: search's --limit when none is given (the web API's and MCP's too).
DEFAULT_LIMIT = api.DEFAULT_LIMIT


def as_typed(value: str | None) -> str | None:
    """Text as the user typed it. Under a locale that is not UTF-8 (PYTHONUTF8=0
    LC_ALL=C, a Latin-1 locale) the UTF-8 bytes of 高新 reach Python as escapes or
    Latin-1 letters; decoded as UTF-8 again they are 高新. Paths are left alone."""
    if value is None or value.isascii():
        return value
    encoding = sys.getfilesystemencoding()
    try:
        return value.encode(encoding, "surrogateescape").decode("utf-8")
    except UnicodeError:  # not UTF-8 bytes: the text was meant as it is
        return value


def words(typed: list[str]) -> str:
    """Words given unquoted (`search how many brokers`), as one query."""
    return " ".join(as_typed(word) or "" for word in typed)


def output_format(fmt: str | None, as_json: bool) -> str:
    """--json is the short form of --format json."""
    if as_json and fmt not in (None, "json"):
        raise InvalidArgumentError(f"--json and --format {fmt} ask for two formats")
    return "json" if as_json else (fmt or "table")


def table_lang(lang: str | None, query: str | None = None, how: str | None = None) -> str:
    """``lang`` (--lang, or $CQFACTS_LANG: the caller reads them), else English for a
    query in English (``how``: how its best match matched), else Chinese. Asked for a
    table only: the --json path loads nothing it does not need."""
    if lang is not None:
        return lang
    if query is None:
        return "zh"
    from cqfacts.derive.english import is_english_query

    return "en" if is_english_query(query, how) else "zh"


def loaded_year(year: int | None, loaded: Loaded) -> int | None:
    """A year some loaded fact describes; None where not given (checked as every
    front end checks it: :func:`cqfacts.ask.arguments.year`)."""
    return api.year(year, loaded.base)


def pillar_number(text: str | None, loaded: Loaded) -> int | None:
    return api.pillar(text, loaded.base)


def search(
    loaded: Loaded,
    query: str,
    *,
    pillar: str | None,
    kind: str | None,
    year: int | None,
    limit: int,
    highlight: bool,
    all_years: bool = False,
) -> list[Match]:
    """`cqfacts search`'s matches, best first: the question every front end asks
    (:func:`cqfacts.ask.arguments.find`)."""
    return api.find(
        loaded, query, pillar_=pillar, kind_=kind, limit_=limit, year_=year,
        all_years_=all_years, highlight=highlight, bounded=False,
    )  # fmt: skip


def pillar(
    loaded: Loaded, number: str, year: int | None, report: str | None = None
) -> tuple[FactBase, Pillar]:
    """`cqfacts pillar`'s base (one work report's) and pillar."""
    base, chosen = api.pillar_base(loaded, number, year, report)
    return base, base.pillars[chosen]


def json_text(value: object, *, terminal: bool, encoding: str) -> str:
    """Compact for scripts (and json's fast C encoder); indented at a terminal.

    UTF-8 as it is where stdout is UTF-8; elsewhere (PYTHONIOENCODING=ascii, a
    narrow code page) every non-ASCII character is escaped, which any JSON reader
    decodes to the same text.
    """
    import json

    readable = encoding == "utf-8"
    text = json.dumps(value, ensure_ascii=not readable, indent=2 if terminal else None)
    if readable and not text.isascii() and not _encodable(text):
        # A file name with undecodable bytes holds lone surrogates: escaped, the
        # JSON stays valid where raw they could not be written at all.
        text = re.sub("[\ud800-\udfff]", lambda found: f"\\u{ord(found[0]):04x}", text)
    return text + "\n"


def cannot_write(error: OSError) -> str:
    """The message when stdout cannot be written (a full disk): both paths say it."""
    return f"cqfacts: cannot write the output: {error.strerror or error}"


def _encodable(text: str) -> bool:
    """No lone surrogate (checked by the codec: the pattern costs 0.2 ms to compile)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Spaces at the end of a line, before any colour codes that end it.
_TRAILING_SPACES = re.compile(r" +((?:\x1b\[[0-9;]*m)*)$", re.M)


def without_trailing_spaces(text: str) -> str:
    """A table for a pipe: cells are padded to their width, lines need not be."""
    return _TRAILING_SPACES.sub(r"\1", text)
