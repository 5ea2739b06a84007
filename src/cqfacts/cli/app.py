"""The command line: parse arguments, call the library, pick a renderer.

Exit codes (a documented contract): 0 found, 1 nothing found, 2 usage, data or
output error, 3 internal error (a bug), 130 interrupted.
"""

import contextlib
import copy
import os
import sys
from collections.abc import Callable
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
import typer.main
from typer.core import TyperGroup

from cqfacts import __version__
from cqfacts.cli import arguments as answers
from cqfacts.cli.environment import Environment, discard_stdout, prepare_streams
from cqfacts.errors import (
    CqfactsError,
    FactFileError,
    InvalidArgumentError,
    InvalidFactFileError,
    UnknownFactError,
    quoted,
    shell_quoted,
    shown,
)
from cqfacts.facts.model import KINDS, STATES
from cqfacts.output import shapes
from cqfacts.store.loader import ENV_FACTS, Loaded, load_many, paths_from_environment

if TYPE_CHECKING:
    from types import ModuleType

    from cqfacts.facts.model import FactBase
    from cqfacts.output.views import View


class ExitCode(IntEnum):
    FOUND = 0
    NOTHING_FOUND = 1
    USAGE_ERROR = 2  # bad arguments or an invalid fact file
    INTERNAL_ERROR = 3
    INTERRUPTED = 130


# Errors that mean "nothing found" rather than "you asked wrongly".
_NOTHING_FOUND_ERRORS = (UnknownFactError,)
# An invalid fact file refuses every command; this many of its problems are shown,
# and `cqfacts validate` lists them all.
_PROBLEMS_SHOWN = 3


class UnprintableOutputError(CqfactsError):
    """Standard output's encoding cannot show the report's Chinese text."""


# Choices as typer shows and checks them, from the one declaration of each.
Lang = StrEnum("Lang", {name: name for name in answers.LANGS})  # type: ignore[misc]
Color = StrEnum("Color", {name: name for name in answers.COLORS})  # type: ignore[misc]
Kind = StrEnum("Kind", {kind: kind for kind in KINDS})  # type: ignore[misc]
State = StrEnum("State", {state: state for state in STATES})  # type: ignore[misc]


class RankBy(StrEnum):
    change = "change"
    value = "value"


Format = StrEnum("Format", {name: name for name in answers.FORMATS})  # type: ignore[misc]


class ExportFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    toml = "toml"


# Each command is a one-command Typer app of its own, turned into a click command
# only when it runs (or --help lists it): converting all nine up front would cost
# every run about 3 ms, a twentieth of the start-up budget.
_COMMANDS: dict[str, typer.Typer] = {}
_Function = TypeVar("_Function", bound=Callable[..., None])


def _command(name: str | None = None) -> Callable[[_Function], _Function]:
    def register(function: _Function) -> _Function:
        single = typer.Typer(
            rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False
        )
        single.command(name=name)(function)
        _COMMANDS[name or function.__name__] = single
        return function

    return register


_CONVERTED: dict[str, Any] = {}


class _Group(TyperGroup):
    """Loads commands lazily, and turns errors (the library's, a closed pipe, output
    that cannot be written) into a message on stderr and an exit code, in one place."""

    # ``ctx`` is click's Context, whose type only typer's private modules export: Any.
    def list_commands(self, ctx: Any) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        single = _COMMANDS.get(cmd_name)
        if single is None:
            return None
        # Converted once per process: a command line runs one command, but a program
        # (or a test) calling the CLI in-process many times need not pay 0.7 ms each.
        command = _CONVERTED.get(cmd_name)
        if command is None:
            command = _CONVERTED[cmd_name] = typer.main.get_command(single)
            command.name = cmd_name
            for param in self.params:
                if param.name in _GLOBAL_OPTIONS:  # also after the command, as gh takes them
                    copied = copy.copy(param)
                    copied.expose_value = False
                    command.params.append(copied)
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """A mistyped command names the nearest one (`serch` → search), as git does."""
        name = args[0] if args else ""
        if name and not name.startswith("-") and name not in _COMMANDS:
            from difflib import get_close_matches

            nearest = get_close_matches(name, list(_COMMANDS), n=1, cutoff=0.6)
            if nearest:
                ctx.fail(f"No such command {name!r}. Did you mean {nearest[0]!r}?")
        return super().resolve_command(ctx, args)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)  # prints --help and --version
        except BrokenPipeError:
            _reader_gone()
        except OSError as error:
            _output_failed(error)

    def invoke(self, ctx: Any) -> Any:
        try:
            try:
                return super().invoke(ctx)
            finally:
                sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        except BrokenPipeError:
            _reader_gone()
        except OSError as error:  # the library catches its own: this is writing the output
            _output_failed(error)
        except CqfactsError as error:
            _fail(error)
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise
        except Exception as error:
            if os.environ.get("CQFACTS_DEBUG"):
                raise
            _say(
                f"cqfacts: internal error ({type(error).__name__}: {error}). This is a bug; "
                "rerun with CQFACTS_DEBUG=1 for the traceback and report it."
            )
            raise typer.Exit(ExitCode.INTERNAL_ERROR) from None


def _say(message: str) -> None:
    """A message on stderr. A stderr that cannot be written (full, closed, a broken
    pipe) loses the message but never changes the exit code: that still tells."""
    with contextlib.suppress(OSError, ValueError):  # ValueError: the stream was closed
        typer.echo(message, err=True)


def _reader_gone() -> NoReturn:
    """The reader of a pipe stopped reading (| head): a quiet, successful end."""
    discard_stdout()
    raise typer.Exit(ExitCode.FOUND)


def _output_failed(error: OSError) -> NoReturn:
    """stdout could not be written (a full disk): a message, exit 2."""
    discard_stdout()
    _say(answers.cannot_write(error))
    raise typer.Exit(ExitCode.USAGE_ERROR)


def _fail(error: CqfactsError) -> NoReturn:
    if isinstance(error, InvalidFactFileError):
        first = error.problems[:_PROBLEMS_SHOWN]
        lines = [str(problem) for problem in first]
        if len(error.problems) > len(first):
            lines.append(f"… and {len(error.problems) - len(first)} more.")
        path = error.problems[0].path if error.problems else ""
        lines.append(
            f"cqfacts: {shown(path)} is not a valid fact file; "
            f"`cqfacts validate {shell_quoted(path)}` lists every problem."
        )
        _say("\n".join(lines))
    elif isinstance(error, FactFileError):
        _say("\n".join(str(problem) for problem in error.problems))
    else:
        _say(f"cqfacts: {error}")
    code = (
        ExitCode.NOTHING_FOUND if isinstance(error, _NOTHING_FOUND_ERRORS) else ExitCode.USAGE_ERROR
    )
    raise typer.Exit(code) from None


app = typer.Typer(
    cls=_Group,
    name="cqfacts",
    help="What does Chongqing's 2023 science-and-technology work summary say about X?\n\n"
    "Every figure of the report with its unit, change and place in the report.\n\n"
    "\b\nExamples:\n  cqfacts search 高新技术企业\n  cqfacts pillar 4\n"
    "  cqfacts search gxjsqy --json | jq '.[0].value'",
    epilog="Exit codes: 0 found, 1 nothing found, 2 usage or data error, 3 bug, 130 interrupted. "
    f"Environment: {ENV_FACTS} (fact file), CQFACTS_CACHE_DIR (cache, empty turns it off), "
    "NO_COLOR.",
    rich_markup_mode=None,  # plain help: drawing it with rich would double --help's time
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Options:
    """What the global options chose, for the command that runs. They are read from
    ``ctx.meta`` (one dict for the group and its command) when the command asks: an
    option given after the command is parsed after the group's callback has run."""

    def __init__(self, env: Environment, meta: dict[str, Any]) -> None:
        self.env = env
        self._meta = meta

    @property
    def facts(self) -> tuple[Path, ...]:
        """The fact files and directories named (none: the shipped base)."""
        return _facts_named(self._meta)

    @property
    def color(self) -> str:
        return str(self._meta.get(_COLOR_KEY, "auto"))

    @property
    def pager(self) -> str | None:
        """The pager command; None with --no-pager, or an empty one or `cat`."""
        if self._meta.get(_NO_PAGER_KEY):
            return None
        command = os.environ.get("CQFACTS_PAGER", os.environ.get("PAGER", _DEFAULT_PAGER))
        return None if command.strip() in ("", "cat") else command


_FACTS_KEY, _COLOR_KEY, _NO_PAGER_KEY = "cqfacts.facts", "cqfacts.color", "cqfacts.no_pager"
# -F: quit where it fits one screen; -R: colours; -X: leave the text on the screen.
_DEFAULT_PAGER = "less -FRX"


def _facts_named(meta: dict[str, Any]) -> tuple[Path, ...]:
    named: list[str] = meta.get(_FACTS_KEY, [])
    if named:
        return tuple(_fact_path(text) for text in named)
    # Read here, not by click: a list in it is split on os.pathsep, not on spaces.
    return tuple(paths_from_environment(os.environ.get(ENV_FACTS, "")))


def _remember(ctx: typer.Context, param: typer.CallbackParam, value: Any) -> None:
    """Keeps a global option's value in ctx.meta, shared by the group and its command:
    --facts given before and after the command adds up; the last --color wins."""
    if param.name == "facts" and value:
        ctx.meta[_FACTS_KEY] = [*ctx.meta.get(_FACTS_KEY, []), *value]
    elif param.name == "color" and value is not None:
        ctx.meta[_COLOR_KEY] = Color(value).value
    elif param.name == "no_pager" and value:
        ctx.meta[_NO_PAGER_KEY] = True


# The global options, declared once (the group callback's parameters); every command
# takes a copy of them, so that they also work after the command.
_GLOBAL_OPTIONS = ("facts", "color", "no_pager")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cqfacts {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    *,
    facts: Annotated[
        list[str] | None,
        typer.Option(
            "--facts",
            metavar="PATH",
            callback=_remember,
            help="Fact file or directory to read instead of the shipped one; repeat it for "
            f"several reports, + is the shipped one. Default: ${ENV_FACTS}.",
        ),
    ] = None,
    color: Annotated[
        Color | None,
        typer.Option(
            "--color",
            callback=_remember,
            show_default=False,
            help="Colour in tables: auto (the default: on a terminal, unless NO_COLOR), "
            "always, never.",
        ),
    ] = None,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            callback=_remember,
            help="Never page long output at a terminal (default: $CQFACTS_PAGER, else "
            "$PAGER, else less -FRX; never in a pipe).",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    del (
        facts,
        color,
        no_pager,
    )  # in ctx.meta (see _remember), where a command's own copy adds to them
    # A test (or a caller) may pass its own Environment as the context's object.
    env = ctx.obj if isinstance(ctx.obj, Environment) else Environment.from_process()
    ctx.obj = _Options(env, ctx.meta)


def _fact_path(text: str) -> Path:
    """A path as given; an empty one names no file (Path("") would be the current
    directory, and the message would say "." is a directory)."""
    if not text:
        raise InvalidArgumentError("the fact file path is empty")
    return Path(text)


# --- helpers shared by the commands -------------------------------------------------


def _load(ctx: typer.Context) -> Loaded:
    loaded = load_many(ctx.obj.facts)
    for warning in loaded.warnings:
        _say(f"cqfacts: {warning}")
    return loaded


def _output(
    ctx: typer.Context,
    *,
    fmt: "bool | str",
    data: Callable[[], object],
    table: Callable[["ModuleType"], "View"],
) -> None:
    """The one way a command writes its answer: the library's JSON object (``fmt``
    True or "json"), its JSON Lines, CSV or TSV text (a list's), or a table: a view
    of :mod:`cqfacts.output.views` (imported only then), which rich draws."""
    name = "json" if fmt is True else "table" if fmt is False else fmt
    if name == "json":
        _print_json(ctx, data())
    elif name != "table":
        from cqfacts.output.export import records_text

        records = data()
        assert isinstance(records, list)  # the four commands with --format answer lists
        _write(ctx, records_text(records, str(name)))
    else:
        from cqfacts.output import views

        _print(ctx, table(views))


def _format(fmt: Format | None, as_json: bool) -> str:
    return answers.output_format(fmt.value if fmt else None, as_json)


def _lang(lang: Lang | None, query: str | None = None, how: str | None = None) -> str:
    """--lang, else $CQFACTS_LANG (click reads it), else as answers.table_lang."""
    return answers.table_lang(lang.value if lang else None, query, how)


def _print_json(ctx: typer.Context, value: object) -> None:
    env: Environment = ctx.obj.env
    text = answers.json_text(value, terminal=bool(env.stdout_isatty), encoding=env.stdout_encoding)
    _write(ctx, text)


def _print(ctx: typer.Context, view: "View", soft_wrap: bool = False) -> None:
    """Draws a view into text as wide as the terminal (80 columns in a pipe), then
    writes it (see :func:`_write`)."""
    env: Environment = ctx.obj.env
    if not env.can_show_chinese():
        raise UnprintableOutputError(
            f"standard output's encoding ({env.stdout_encoding}) cannot show Chinese text. "
            "Set PYTHONIOENCODING=utf-8 (or a UTF-8 locale), or use --json, which escapes it."
        )
    import io

    from cqfacts.output.render import make_console, renderable

    # The width the terminal (or COLUMNS) gives stdout, drawn into a buffer.
    width = make_console(ctx.obj.color, env.stdout, terminal=env.stdout_isatty or None).width
    buffer = io.StringIO()
    console = make_console(ctx.obj.color, buffer, terminal=bool(env.stdout_isatty))
    console.width = width
    console.print(renderable(view), soft_wrap=soft_wrap)
    text = buffer.getvalue()
    if not env.stdout_isatty:  # cells are padded to their width: no trailing spaces in a pipe
        text = answers.without_trailing_spaces(text)
    _write(ctx, text)


def _write(ctx: typer.Context, text: str) -> None:
    """Writes the answer to stdout; at a terminal, where it is longer than the screen,
    through a pager as git and gh do: $CQFACTS_PAGER, else $PAGER, else `less -FRX`
    (an empty one, `cat` or --no-pager: none). Never in a pipe."""
    env: Environment = ctx.obj.env
    pager = ctx.obj.pager
    if pager and env.stdout_isatty and text.count("\n") >= env.terminal_lines():
        from cqfacts.output.pager import page

        if page(pager, text, env.stdout):
            return
    env.stdout.write(text)


def _complete_pillar(incomplete: str) -> list[str]:
    return [str(n) for n in range(7) if str(n).startswith(incomplete)]


def _completion_base(ctx: typer.Context) -> "FactBase | None":
    try:
        return load_many(_facts_named(ctx.meta)).base
    except CqfactsError:
        return None


def _complete_fact_id(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Ids, each with its label, which zsh and fish show beside it (typer keeps only
    the items that start with what was typed, so a label cannot be completed to an
    id)."""
    base = _completion_base(ctx)
    facts = base.facts if base else ()
    return [(fact.id, fact.label) for fact in facts if fact.id.startswith(incomplete.lower())]


def _complete_topic(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Topic names, Chinese or English (never file names)."""
    base = _completion_base(ctx)
    typed = (answers.as_typed(incomplete) or "").casefold()
    topics = base.topics.values() if base else ()
    return [
        (name, other) for topic in topics
        for name, other in ((topic.name, topic.en), (topic.en, topic.name))
        if name.casefold().startswith(typed)
    ]  # fmt: skip


JsonFlag = Annotated[bool, typer.Option("--json", help="Write JSON to stdout instead of a table.")]
LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang", envvar="CQFACTS_LANG", show_envvar=False,
        help="Language of tables, figures and citations: zh or en. Default: $CQFACTS_LANG, "
        "else zh (search and show answer a query in English in English).",
    ),
]  # fmt: skip
FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format", "-f",
        help="table, json (as --json), jsonl, csv or tsv: a header row, then one line per "
        "fact, its id first (cut, grep, fzf).",
    ),
]  # fmt: skip
PillarOption = Annotated[
    str | None,
    typer.Option(
        "--pillar", "-p", metavar="N", help="Only pillar N (0-6 or 一…六; 0 is the overview).",
        autocompletion=_complete_pillar, callback=answers.as_typed,
    ),
]  # fmt: skip
KindOption = Annotated[Kind | None, typer.Option("--kind", "-k", help="Only facts of this kind.")]
YearOption = Annotated[
    int | None,
    typer.Option("--year", "-y", metavar="YEAR", help="Only the report of this year."),
]
LimitOption = Annotated[
    int, typer.Option("--limit", "-n", min=1, metavar="N", help="At most N rows.")
]


# --- commands -----------------------------------------------------------------------


@_command()
def search(
    ctx: typer.Context,
    *,
    words: Annotated[
        list[str],
        typer.Argument(
            metavar="QUERY...",
            help="Chinese, pinyin, initials, English, traditional or a number; several "
            "words are one query, no quotes needed (-- before a query that starts with -).",
        ),
    ],
    pillar: PillarOption = None,
    kind: KindOption = None,
    year: YearOption = None,
    limit: LimitOption = answers.DEFAULT_LIMIT,
    json: JsonFlag = False,
    fmt: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """Find the facts a query means, best first, each with the id `show` takes.

    \b
    Examples:
      cqfacts search 高新技术企业
      cqfacts search gxjsqy --json | jq '.[0].value'
      cqfacts search how many technology brokers
      cqfacts search 企业 --format tsv | fzf --preview 'cqfacts show {1}'
    """
    from cqfacts.search.highlight import suggest

    query = answers.words(words)
    out = _format(fmt, json)
    loaded = _load(ctx)
    matches = answers.search(
        loaded, query, pillar=pillar, kind=kind.value if kind else None, year=year, limit=limit,
        highlight=out == "table",
    )  # fmt: skip
    if not matches:
        hint = suggest(loaded.index, query)
        _say(f"cqfacts: nothing found for {quoted(query)}.")
        if hint:
            _say(f"Did you mean: {'、'.join(hint)}?")
        if out != "table":
            _output(ctx, fmt=out, data=list, table=lambda views: ())  # [] or a header only
        raise typer.Exit(ExitCode.NOTHING_FOUND)
    _output(
        ctx, fmt=out, data=lambda: shapes.search_results(matches),
        table=lambda views: views.search_table(
            matches, _lang(lang, query, matches[0].how), years=len(loaded.base.years) > 1
        ),
    )  # fmt: skip


@_command()
def pillar(
    ctx: typer.Context,
    *,
    number: Annotated[
        str,
        typer.Argument(
            metavar="N",
            help="0-6 or 一…六 (0 is the overview).",
            autocompletion=_complete_pillar,
            callback=answers.as_typed,
        ),
    ],
    year: YearOption = None,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """Everything under one pillar of the report, section by section.

    \b
    Examples:
      cqfacts pillar 4
      cqfacts pillar 四 --json | jq '.facts | length'
    """
    base, chosen = answers.pillar(_load(ctx), number, year)
    _output(
        ctx, fmt=json, data=lambda: shapes.pillar(base, chosen.number),
        table=lambda views: views.pillar_view(base, chosen, _lang(lang)),
    )  # fmt: skip


@_command()
def pillars(ctx: typer.Context, *, json: JsonFlag = False, lang: LangOption = None) -> None:
    """The overview and six pillars, with fact counts.

    \b
    Example:
      cqfacts pillars --json | jq '.[] | {pillar, fact_count}'
    """
    loaded = _load(ctx)
    _output(
        ctx, fmt=json, data=lambda: shapes.pillars(loaded.base),
        table=lambda views: views.pillars_table(loaded.base, _lang(lang)),
    )  # fmt: skip


@_command()
def show(
    ctx: typer.Context,
    *,
    fact_id: Annotated[
        list[str],
        typer.Argument(
            metavar="ID|QUERY...",
            autocompletion=_complete_fact_id,
            help="A fact id (any case), or a label or query whose best match is clear.",
        ),
    ],
    year: YearOption = None,
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """One fact in full, with a citation line ready to paste.

    A label or query shows its best match where that is clear (it is the query
    exactly, or beats the second best by 5 points of ~100), saying on stderr which
    id it chose; otherwise the candidates are listed. With several reports loaded:
    the latest year's unless --year, and which other years hold the same id.

    \b
    Examples:
      cqfacts show high-tech-enterprises-total
      cqfacts show 技术合同成交额 --lang en
    """
    from cqfacts.search.lookup import resolve

    loaded = _load(ctx)
    text = answers.words(fact_id)
    try:
        resolved = resolve(loaded.base, loaded.index, text, answers.loaded_year(year, loaded))
    except UnknownFactError:
        if json:
            _print_json(ctx, None)  # --json always writes JSON, as search writes []
        raise
    fact = resolved.fact
    chosen = _lang(lang, text, resolved.how) if not json else "zh"
    if resolved.by_query:
        _say(f"cqfacts: {quoted(text)} is not an id; showing its clear best match, {fact.id}")
    _output(
        ctx, fmt=json, data=lambda: shapes.detail(fact, loaded.base),
        table=lambda views: views.fact_view(fact, loaded.base, chosen),
    )  # fmt: skip
    if not json:
        from cqfacts.output.views import citation_line

        # Printed without wrapping: the terminal wraps it, and a copied line holds none.
        _print(ctx, citation_line(fact, loaded.base, chosen), soft_wrap=True)


@_command("list")
def list_(
    ctx: typer.Context,
    *,
    pillar: PillarOption = None,
    kind: KindOption = None,
    topic: Annotated[
        str | None,
        typer.Option(
            "--topic",
            "-t",
            help="Only this topic (its Chinese or English name).",
            autocompletion=_complete_topic,
            callback=answers.as_typed,
        ),
    ] = None,
    status: Annotated[
        State | None,
        typer.Option("--status", "-s", help="Only policies in this state (see JSON schema)."),
    ] = None,
    year: YearOption = None,
    json: JsonFlag = False,
    fmt: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """Every fact, or those of one pillar, kind, topic or policy state.

    \b
    Examples:
      cqfacts list --pillar 4 --kind figure
      cqfacts list --kind policy --status drafting
      cqfacts list --format tsv | cut -f1,11
    """
    loaded = _load(ctx)
    facts = loaded.base.select(
        pillar=answers.pillar_number(pillar, loaded),
        kind=kind.value if kind else None,
        topic=topic,
        status=status.value if status else None,
        year=answers.loaded_year(year, loaded),
    )
    several = len(loaded.base.years) > 1 and year is None
    out = _format(fmt, json)
    if out != "table" or facts:
        _output(
            ctx, fmt=out, data=lambda: shapes.facts(facts),
            table=lambda views: views.facts_table(facts, _lang(lang), years=several),
        )  # fmt: skip
    if not facts:
        _say("cqfacts: no fact matches these filters.")
        raise typer.Exit(ExitCode.NOTHING_FOUND)


@_command()
def rank(
    ctx: typer.Context,
    *,
    by: Annotated[
        RankBy | None,
        typer.Option(
            "--by",
            show_default=False,
            help="change: fastest growth (the default); value: largest in one unit "
            "(the default with --unit).",
        ),
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            callback=answers.as_typed,
            help="Rank by value in this unit (money is compared in it). Default: 亿元.",
        ),
    ] = None,
    pillar: PillarOption = None,
    year: YearOption = None,
    limit: LimitOption = answers.DEFAULT_LIMIT,
    json: JsonFlag = False,
    fmt: FormatOption = None,
    lang: LangOption = None,
) -> None:
    """Rank figures by growth rate or by size, with a bar for each.

    \b
    Examples:
      cqfacts rank --by change
      cqfacts rank --unit 亿元 --limit 5
    """
    from cqfacts.derive.ranking import DEFAULT_VALUE_UNIT, rank_by_change, rank_by_value

    if by is RankBy.change and unit is not None:
        raise InvalidArgumentError("--unit ranks by value; leave out --by change")
    chosen = by or (RankBy.value if unit is not None else RankBy.change)
    out, loaded = _format(fmt, json), _load(ctx)
    facts = loaded.base.select(
        pillar=answers.pillar_number(pillar, loaded), year=answers.loaded_year(year, loaded)
    )
    if chosen is RankBy.change:
        rows = rank_by_change(facts)[:limit]
    else:
        rows = rank_by_value(facts, unit or DEFAULT_VALUE_UNIT, known=loaded.base.facts)[:limit]
    years = len(loaded.base.years) > 1 and year is None
    if out != "table" or rows:
        _output(
            ctx, fmt=out, data=lambda: shapes.ranked(rows, chosen.value),
            table=lambda views: views.rank_table(rows, chosen.value, _lang(lang), years=years),
        )  # fmt: skip
    if not rows:
        _say("cqfacts: no figure to rank with these filters.")
        raise typer.Exit(ExitCode.NOTHING_FOUND)


@_command()
def topics(
    ctx: typer.Context, *, json: JsonFlag = False, fmt: FormatOption = None,
    lang: LangOption = None,
) -> None:  # fmt: skip
    """Every topic with its English name, fact count and aliases.

    \b
    Examples:
      cqfacts topics --json | jq -r '.[].topic'
      cqfacts topics --format tsv | cut -f1,2
    """
    base = _load(ctx).base
    _output(
        ctx, fmt=_format(fmt, json), data=lambda: shapes.topics(base),
        table=lambda views: views.topics_table(base, _lang(lang)),
    )  # fmt: skip


@_command()
def export(
    ctx: typer.Context,
    *,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format", "-f", help="json, jsonl, csv (UTF-8 with BOM, for Excel) or toml."
        ),
    ] = ExportFormat.json,
    year: YearOption = None,
) -> None:
    """The whole fact base on stdout, for other tools (TOML: one report at a time).

    \b
    Examples:
      cqfacts export --format csv > facts.csv
      cqfacts export --format toml > copy.toml && cqfacts validate copy.toml
    """
    from cqfacts.output.export import export as export_text

    loaded = _load(ctx)
    chosen = answers.loaded_year(year, loaded)
    text = export_text(loaded.base if chosen is None else loaded.base.only(chosen), fmt.value)
    # Bytes, not text: CSV's \r\n must reach the file as written, on every platform.
    stdout = ctx.obj.env.stdout
    stdout.flush()
    stdout.buffer.write(text.encode("utf-8"))


@_command()
def validate(
    ctx: typer.Context,
    *,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PATH]...", help="Fact files or directories to check (default: those in use)."
        ),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Check fact files and list every problem in them.

    Checks TOML syntax (file and line named), required keys, unique ids, that
    pillars and sections exist, that values are numbers and changes well-formed.
    With --json, one file gives one object, several an array of them.

    \b
    Examples:
      cqfacts validate my-facts.toml
      cqfacts validate --json | jq '.problems'
    """
    from cqfacts.store.loader import fact_paths
    from cqfacts.store.loader import validate as check

    named = [_fact_path(text) for text in paths] if paths else list(ctx.obj.facts)
    results = [check(target) for target in fact_paths(named)]
    if json:
        objects = [shapes.validation(str(r.path), r.fact_count, r.problems, r.draft_count)
                   for r in results]  # fmt: skip
        _print_json(ctx, objects[0] if len(objects) == 1 else objects)
    for target, count, problems, drafts in [] if json else results:
        if not problems:
            waiting = f" ({drafts} still drafts for a curator to check)" if drafts else ""
            typer.echo(f"{shown(str(target))}: valid, {count} facts{waiting}")
        else:
            _say("\n".join(str(problem) for problem in problems))
            _say(f"{shown(str(target))}: {len(problems)} problem{'s' * (len(problems) > 1)}")
    if any(result.problems for result in results):
        raise typer.Exit(ExitCode.USAGE_ERROR)


@_command()
def trend(
    ctx: typer.Context,
    *,
    query: Annotated[
        str,
        typer.Argument(
            metavar="ID|QUERY",
            help="A fact id, or a query for one.",
            autocompletion=_complete_fact_id,
            callback=answers.as_typed,
        ),
    ],
    json: JsonFlag = False,
    lang: LangOption = None,
) -> None:
    """One indicator in every loaded report, year by year.

    Value, unit and change of each year; the previous year's value each change
    implies beside the value the earlier report states, a gap over 1% flagged.
    The same id in two reports is the same indicator.

    \b
    Examples:
      cqfacts --facts + --facts facts-2024.toml trend tech-contract-turnover
      cqfacts --facts reports/ trend 技术合同成交额 --json | jq '.[].fact.value'
    """
    from cqfacts.derive.trend import trend_for_query

    loaded = _load(ctx)
    points = trend_for_query(loaded.base, loaded.index, query)
    if not points:
        _say(f"cqfacts: nothing found for {quoted(query)}.")
        if json:
            _print_json(ctx, [])
        raise typer.Exit(ExitCode.NOTHING_FOUND)
    _output(
        ctx, fmt=json, data=lambda: shapes.trend(points),
        table=lambda views: views.trend_table(points, _lang(lang)),
    )  # fmt: skip


@_command("cache")
def cache_(
    ctx: typer.Context,
    *,
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove every entry of the cache.")
    ] = False,
    json: JsonFlag = False,
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
        _print_json(ctx, listing)
        return
    where = shown(listing["directory"]) if listing["directory"] else "none (the cache is off)"
    state = "" if listing["usable"] else f" — not used: {listing['warning'] or 'cannot be made'}"
    count = len(listing["entries"])
    typer.echo(f"cache: {where}{state}")
    typer.echo(f"{count} entr{'y' if count == 1 else 'ies'}, {listing['bytes']:,} bytes"
               + (f"; {removed} removed" if clear else ""))  # fmt: skip


SourceArgument = Annotated[
    str, typer.Argument(metavar="SOURCE", help="The report's plain text (UTF-8), or - for stdin.")
]


@_command()
def draft(
    ctx: typer.Context,
    *,
    source: SourceArgument,
    year: Annotated[
        int | None, typer.Option("--year", min=1, max=9999, help="[meta] year.")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="[meta] title.")] = None,
    json: JsonFlag = False,
) -> None:
    """Draft a fact file from a report's text, for a curator to finish.

    Every figure with its unit, qualifier and change, every 《》 document, in its
    pillar and section, each fact marked draft = true with its line and column.
    Writes TOML to stdout (--json: the drafted fact objects).

    \b
    Examples:
      cqfacts draft report-2024.txt --year 2024 > facts-2024.toml
      cqfacts --facts facts-2024.toml audit report-2024.txt
    """
    from cqfacts.facts.factfile import parse_fact_file
    from cqfacts.text.draft import draft_report
    from cqfacts.text.report import read_source

    drafted = draft_report(
        read_source(source), year=year, title=answers.as_typed(title), source=None
    )
    if json and not drafted.facts:  # nothing to draft: an empty list, as a search's
        _print_json(ctx, [])
        return
    text = drafted.to_toml()
    if json:
        _print_json(ctx, shapes.facts(parse_fact_file(text, source).facts))
    else:
        typer.echo(text, nl=False)


@_command()
def audit(
    ctx: typer.Context,
    *,
    source: SourceArgument,
    year: Annotated[
        int | None,
        typer.Option("--year", "-y", metavar="YEAR", help="Audit the loaded report of this year."),
    ] = None,
    report: Annotated[
        str | None,
        typer.Option(
            "--report", metavar="TITLE", help="Audit the loaded report of this title or fact file."
        ),
    ] = None,
    json: JsonFlag = False,
) -> None:
    """Check the fact base against the text it comes from.

    Lists figures of the source no fact holds, facts whose value_text is not in the
    source (or whose value disagrees with it), and facts filed in another section
    than the one their figure stands in. Exit 0 when all agree, 1 when anything is
    listed. With several reports loaded, only the one the text is of is checked:
    --year or --report, else the one whose title or year the text names.

    \b
    Examples:
      cqfacts audit report-2023.txt
      cqfacts --facts facts-2024.toml audit report-2024.txt --json | jq '.uncovered'
    """
    from cqfacts.text.audit import audit as run_audit
    from cqfacts.text.audit import report_for
    from cqfacts.text.report import read_source

    loaded = _load(ctx)
    text = read_source(source)
    chosen = report_for(loaded.base, text, year=year, report=answers.as_typed(report))
    paths = [str(path) for path in chosen.paths]
    result = run_audit(text, chosen.facts, source=source, paths=paths)
    if json:
        _print_json(ctx, result.to_dict())
    else:
        from cqfacts.output.render import audit_lines

        typer.echo(audit_lines(result.to_dict()))
    if not result.clean:
        raise typer.Exit(ExitCode.NOTHING_FOUND)


@_command()
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

    The API answers with the JSON of --json: /api/search?q=, /api/facts/ID,
    /api/pillars, /api/pillars/N, /api/rank, /api/topics, /openapi.json.

    \b
    Examples:
      cqfacts serve --open
      curl 'http://127.0.0.1:8765/api/search?q=jsjjr'
    """
    from cqfacts.web.app import serve as run_server

    run_server(
        _load(ctx), host=host, port=port, allow_hosts=allow_host or (),
        open_browser=open_browser, say=typer.echo, warn=_say,
    )  # fmt: skip


@_command()
def mcp(ctx: typer.Context) -> None:
    """Answer an AI assistant over MCP (stdio), with citations.

    Tools: search, show, pillar, rank. Register it in an MCP client's configuration.

    \b
    Examples:
      cqfacts mcp  (an MCP client starts it and talks to it on stdin and stdout)
      {"mcpServers": {"cqfacts": {"command": "cqfacts", "args": ["mcp"]}}}
    """
    from cqfacts.mcp.server import run as run_server

    run_server(_load(ctx))


def main() -> None:
    """Run the command line (cqfacts.__main__ calls this).

    Text that an output stream's encoding cannot carry (Chinese under
    PYTHONIOENCODING=ascii, undecodable bytes of a file name) is written escaped,
    never raised; tables refuse such a stream with a message instead. A stream the
    process started without writes to the null device: the exit code still tells.
    """
    prepare_streams()
    app(prog_name="cqfacts")
