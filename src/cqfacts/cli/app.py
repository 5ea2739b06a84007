"""The command line's app: the typer group and its global options, the registry of
commands (each in a module of :mod:`cqfacts.cli.commands`, imported when it runs or
--help lists it), the one way a command writes its answer (:func:`output`), and the
one error boundary (:class:`_Group`, :func:`_fail`) that turns errors into a message
on stderr and an exit code.

Exit codes (a documented contract): 0 found, 1 nothing found, 2 usage, data or
output error (a missing extra too), 3 internal error (a bug), 130 interrupted.
"""

import contextlib
import copy
import importlib
import os
import sys
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
import typer.main
from typer.core import TyperGroup

from cqfacts import __version__
from cqfacts.cli import arguments as answers
from cqfacts.cli import declarations as declared
from cqfacts.cli.environment import Environment, discard_stdout, prepare_streams
from cqfacts.cli.options import Color, Format, Lang, option
from cqfacts.errors import (
    CqfactsError,
    FactFileError,
    InvalidArgumentError,
    InvalidFactFileError,
    UnknownFactError,
    shell_quoted,
    shown,
)
from cqfacts.store.loader import ENV_FACTS, Loaded, load_many, paths_from_environment

if TYPE_CHECKING:
    from types import ModuleType

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


# Every command, in --help's order, and the module of cqfacts.cli.commands that
# declares it: imported only when the command runs (or --help lists it).
_MODULES = {
    "search": "lookup", "pillar": "lookup", "pillars": "lookup", "show": "lookup",
    "list": "lookup", "rank": "lookup", "topics": "lookup", "export": "curate",
    "validate": "curate", "trend": "lookup", "sources": "lookup", "cache": "cache",
    "draft": "curate",
    "audit": "curate", "serve": "serve", "mcp": "serve",
}  # fmt: skip
# Each command is a one-command Typer app of its own, turned into a click command
# only when it runs (or --help lists it): converting all of them up front would cost
# every run about 3 ms, a twentieth of the start-up budget.
_COMMANDS: dict[str, typer.Typer] = {}
_Function = TypeVar("_Function", bound=Callable[..., None])


def command(name: str | None = None) -> Callable[[_Function], _Function]:
    """Registers a command function (its docstring is its --help)."""

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
        return list(_MODULES)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        module = _MODULES.get(cmd_name)
        if module is None:
            return None
        if cmd_name not in _COMMANDS:
            importlib.import_module(f"cqfacts.cli.commands.{module}")  # registers it
        single = _COMMANDS[cmd_name]
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
        if name and not name.startswith("-") and name not in _MODULES:
            from difflib import get_close_matches

            nearest = get_close_matches(name, list(_MODULES), n=1, cutoff=0.6)
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
            if os.environ.get(declared.ENV_DEBUG):
                raise
            say(
                f"cqfacts: internal error ({type(error).__name__}: {error}). This is a bug; "
                f"rerun with {declared.ENV_DEBUG}=1 for the traceback and report it."
            )
            raise typer.Exit(ExitCode.INTERNAL_ERROR) from None


def say(message: str) -> None:
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
    say(answers.cannot_write(error))
    raise typer.Exit(ExitCode.USAGE_ERROR)


def _fail(error: CqfactsError) -> NoReturn:
    """The library's errors: their message (an invalid fact file's first problems, a
    missing extra's install command), exit 1 for an unknown fact, else 2."""
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
        say("\n".join(lines))
    elif isinstance(error, FactFileError):
        say("\n".join(str(problem) for problem in error.problems))
    else:
        say(f"cqfacts: {error}")
    code = (
        ExitCode.NOTHING_FOUND if isinstance(error, _NOTHING_FOUND_ERRORS) else ExitCode.USAGE_ERROR
    )
    raise typer.Exit(code) from None


app = typer.Typer(
    cls=_Group,
    name="cqfacts",
    help="What do Chongqing's science-and-technology reports say about X?\n\n"
    "Every figure with its unit, change, year, source and place in its report: the 2023 "
    "work summary in full and the headline indicators year by year.\n\n"
    "\b\nExamples:\n  cqfacts search 高新技术企业\n  cqfacts pillar 4\n"
    "  cqfacts search gxjsqy --json | jq '.[0].value'",
    epilog="Exit codes: 0 found, 1 nothing found, 2 usage or data error, 3 bug, 130 interrupted. "
    + declared.environment_help(),
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
        return facts_named(self._meta)

    @property
    def color(self) -> str:
        return str(self._meta.get(_COLOR_KEY, "auto"))

    @property
    def pager(self) -> str | None:
        """The pager command; None with --no-pager, or an empty one or `cat`."""
        if self._meta.get(_NO_PAGER_KEY):
            return None
        command = os.environ.get(declared.ENV_PAGER, os.environ.get("PAGER", _DEFAULT_PAGER))
        return None if command.strip() in ("", "cat") else command


_FACTS_KEY, _COLOR_KEY, _NO_PAGER_KEY = "cqfacts.facts", "cqfacts.color", "cqfacts.no_pager"
# -F: quit where it fits one screen; -R: colours; -X: leave the text on the screen.
_DEFAULT_PAGER = "less -FRX"


def facts_named(meta: dict[str, Any]) -> tuple[Path, ...]:
    named: list[str] = meta.get(_FACTS_KEY, [])
    if named:
        return tuple(fact_path(text) for text in named)
    # Read here, not by click: a list in it is split on os.pathsep, not on spaces.
    return tuple(map(Path, paths_from_environment(os.environ.get(ENV_FACTS, ""))))


def _remember(ctx: typer.Context, param: typer.CallbackParam, value: Any) -> None:
    """Keeps a global option's value in ctx.meta, shared by the group and its command:
    --facts given before and after the command adds up; the last --color wins."""
    if param.name == "facts" and value:
        ctx.meta[_FACTS_KEY] = [*ctx.meta.get(_FACTS_KEY, []), *value]
    elif param.name == "color" and value is not None:
        ctx.meta[_COLOR_KEY] = Color(value).value
    elif param.name == "no_pager" and value:
        ctx.meta[_NO_PAGER_KEY] = True


# The global options (the group callback's parameters, made from cli.declarations); every command
# takes a copy of them, so that they also work after the command.
_GLOBAL_OPTIONS = tuple(each.option.name for each in declared.GLOBAL)


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
        option(
            declared.FACTS,
            callback=_remember,
            help="Fact file or directory to read instead of the shipped one; repeat it for "
            f"several reports, + is the shipped one. Default: ${ENV_FACTS}.",
        ),
    ] = None,
    color: Annotated[
        Color | None,
        option(
            declared.COLOR,
            callback=_remember,
            show_default=False,
            help="Colour in tables: auto (the default: on a terminal, unless NO_COLOR), "
            "always, never.",
        ),
    ] = None,
    no_pager: Annotated[
        bool,
        option(
            declared.NO_PAGER,
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


def fact_path(text: str) -> Path:
    """A path as given; an empty one names no file (Path("") would be the current
    directory, and the message would say "." is a directory)."""
    if not text:
        raise InvalidArgumentError("the fact file path is empty")
    return Path(text)


# --- what the commands share: loading and writing ---------------------------------


def load(ctx: typer.Context) -> Loaded:
    """The fact files the global options name, their warnings said on stderr."""
    loaded = load_many(ctx.obj.facts)
    for warning in loaded.warnings:
        say(f"cqfacts: {warning}")
    return loaded


def output(
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
        print_json(ctx, data())
    elif name != "table":
        from cqfacts.output.export import records_text

        records = data()
        assert isinstance(records, list)  # the four commands with --format answer lists
        write(ctx, records_text(records, str(name)))
    else:
        from cqfacts.output import views

        print_view(ctx, table(views))


def output_format(fmt: Format | None, as_json: bool) -> str:
    return answers.output_format(fmt.value if fmt else None, as_json)


def table_lang(lang: Lang | None, query: str | None = None, how: str | None = None) -> str:
    """--lang, else $CQFACTS_LANG (click reads it), else as answers.table_lang."""
    return answers.table_lang(lang.value if lang else None, query, how)


def print_json(ctx: typer.Context, value: object) -> None:
    env: Environment = ctx.obj.env
    text = answers.json_text(value, terminal=bool(env.stdout_isatty), encoding=env.stdout_encoding)
    write(ctx, text)


def print_view(ctx: typer.Context, view: "View", soft_wrap: bool = False) -> None:
    """Draws a view into text as wide as the terminal (80 columns in a pipe), then
    writes it (see :func:`write`)."""
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
    write(ctx, text)


def write(ctx: typer.Context, text: str) -> None:
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


def main() -> None:
    """Run the command line (cqfacts.__main__ calls this).

    Text that an output stream's encoding cannot carry (Chinese under
    PYTHONIOENCODING=ascii, undecodable bytes of a file name) is written escaped,
    never raised; tables refuse such a stream with a message instead. A stream the
    process started without writes to the null device: the exit code still tells.
    """
    prepare_streams()
    app(prog_name="cqfacts")
