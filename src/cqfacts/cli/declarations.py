"""The options of the two lookups the fast path answers (`search`, `pillar`) and the
group's global options, declared once as plain data, without typer, click or rich.

:mod:`cqfacts.cli.options` turns each into the typer option the commands declare
(names, help, metavar, minimum, callback); :mod:`cqfacts.cli.fastpath` reads the same
tuples as its parsing table. Which options a command takes is the typer function's
signature; ``tests/test_fast_path.py`` holds it equal to :data:`COMMANDS`.
"""

from __future__ import annotations

from cqfacts.cli.arguments import COLORS, ENV_LANG, FORMATS, LANGS
from cqfacts.facts.model import KINDS
from cqfacts.fast_typing import NamedTuple
from cqfacts.store.cache import ENV_CACHE_DIR
from cqfacts.store.paths import ENV_FACTS


class Option(NamedTuple):
    """How the fast path reads an option."""

    #: The command's parameter it sets (the typer function's argument name).
    name: str
    #: What it takes: "text", "int" (a whole number), "choice" (one of ``choices``)
    #: or "flag" (nothing: given, it is true).
    kind: str = "text"
    choices: tuple[str, ...] = ()
    #: The smallest whole number it takes.
    least: int | None = None
    #: Its text is read by :func:`cqfacts.cli.arguments.as_typed` (the typer option's callback).
    typed: bool = False


class Declared(NamedTuple):
    """One option: how it is read, the names it is given as, and its --help."""

    option: Option
    flags: tuple[str, ...]
    help: str = ""
    metavar: str | None = None
    #: The environment variable that gives its default (click reads it).
    envvar: str | None = None


class Argument(NamedTuple):
    name: str
    #: -1: one or more (search's words); 1: exactly one.
    nargs: int
    typed: bool = False


PILLAR = Declared(
    Option("pillar", typed=True), ("--pillar", "-p"),
    "Only part N of a work report (0 is its overview; 一, 二 … too).", metavar="N",
)  # fmt: skip
KIND = Declared(Option("kind", "choice", KINDS), ("--kind", "-k"), "Only facts of this kind.")
YEAR = Declared(
    Option("year", "int"), ("--year", "-y"), "Only the report of this year.", metavar="YEAR"
)
REPORT = Declared(
    Option("report", typed=True), ("--report", "-r"),
    "The work report of this title or fact file (default: the newest).", metavar="TITLE",
)  # fmt: skip
ALL_YEARS = Declared(
    Option("all_years", "flag"), ("--all-years",),
    "Every year's fact of an indicator (a Year column), not only its latest.",
)  # fmt: skip
LIMIT = Declared(Option("limit", "int", least=1), ("--limit", "-n"), "At most N rows.", "N")
JSON = Declared(Option("json", "flag"), ("--json",), "Write JSON to stdout instead of a table.")
FORMAT = Declared(
    Option("fmt", "choice", FORMATS), ("--format", "-f"),
    "table, json (as --json), jsonl, csv or tsv: a header row, then one line per "
    "fact, its id first (cut, grep, fzf).",
)  # fmt: skip
LANG = Declared(
    Option("lang", "choice", LANGS), ("--lang",),
    "Language of tables, figures and citations: zh or en. Default: $CQFACTS_LANG, "
    "else zh (search and show answer a query in English in English).",
    envvar=ENV_LANG,
)  # fmt: skip

#: The global options (the group's, also taken after the command). Their help is the
#: group callback's, in :mod:`cqfacts.cli.app`.
FACTS = Declared(Option("facts"), ("--facts",), metavar="PATH")
COLOR = Declared(Option("color", "choice", COLORS), ("--color",))
NO_PAGER = Declared(Option("no_pager", "flag"), ("--no-pager",))
GLOBAL = (FACTS, COLOR, NO_PAGER)

#: The options of each command the fast path answers, and its argument.
COMMANDS = {
    "search": (PILLAR, KIND, YEAR, ALL_YEARS, LIMIT, JSON, FORMAT, LANG),
    "pillar": (YEAR, REPORT, JSON, LANG),
}
ARGUMENTS = {"search": Argument("words", -1), "pillar": Argument("number", 1, typed=True)}


ENV_PAGER = "CQFACTS_PAGER"
ENV_DEBUG = "CQFACTS_DEBUG"
#: Every environment variable the command line reads, with what it sets: the
#: top-level help's Environment line is made of these (and a test holds them equal to
#: the names the code reads).
ENVIRONMENT = (
    (ENV_FACTS, "fact files and directories, separated by ':'; + is the shipped one"),
    (ENV_LANG, "zh or en, as --lang"),
    (ENV_CACHE_DIR, "the index cache's directory; empty turns it off"),
    (ENV_PAGER, "else PAGER, else less -FRX; empty or cat: none"),
    (ENV_DEBUG, "1: a bug's traceback"),
    ("NO_COLOR", "no colour"),
    ("COLUMNS", "the width of tables"),
)


def environment_help() -> str:
    """The Environment line of the top-level help."""
    return "Environment: " + "; ".join(f"{name} ({what})" for name, what in ENVIRONMENT) + "."


def by_flag(declared: tuple[Declared, ...]) -> dict[str, Option]:
    """Each option by every name it is given as (--pillar and -p)."""
    return {flag: each.option for each in declared for flag in each.flags}
