"""The two lookups people run most, `search` and `pillar`, answered without typer,
click or rich: in about three interpreter start-ups instead of seven.

:func:`answer` takes a command line only where it can answer exactly as the full
command line (:mod:`cqfacts.cli.app`) would, byte for byte: stdout not a terminal,
every option one it knows with a valid value, something found, a table that
:mod:`cqfacts.output.plain` can draw. For anything else (help, completion, a mistake, a
terminal, colour, nothing found, a warning to show) it returns None before writing
anything, and the full command line runs and says what it says.

The options it reads (:data:`OPTIONS`) come from :mod:`cqfacts.cli.declarations`,
the plain-data declaration the typer commands' options are made from, so each is
declared once; ``tests/test_fast_path.py`` checks them against the typer commands
(names, values, choices, defaults), and holds the two paths to the same stdout,
stderr and exit code over every query of the project's query sets.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Mapping

from cqfacts.cli import arguments as answers
from cqfacts.cli import declarations as declared
from cqfacts.cli.declarations import Argument, Option
from cqfacts.cli.environment import Environment, discard_stdout
from cqfacts.errors import CqfactsError
from cqfacts.fast_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cqfacts.output.views import View
    from cqfacts.store.loader import Loaded


__all__ = ["ARGUMENTS", "GLOBAL_OPTIONS", "OPTIONS", "Argument", "Option", "answer"]

#: The global options (the group's, also taken after the command), then each
#: command's own, by every name they are given as: read from the declarations the
#: typer commands are made from (:mod:`cqfacts.cli.declarations`).
GLOBAL_OPTIONS = declared.by_flag(declared.GLOBAL)
OPTIONS = {name: declared.by_flag(options) for name, options in declared.COMMANDS.items()}
#: Each command's argument.
ARGUMENTS = declared.ARGUMENTS


class _Refused(Exception):
    """Not a command line the fast path answers: the full command line does."""


class _Given:
    """What the command line gave each parameter (click's defaults where nothing)."""

    def __init__(self) -> None:
        self.command = ""
        self.arguments: list[str] = []  # search's words, or pillar's number
        self.facts: list[str] = []
        self.color: str | None = None
        self.no_pager = False
        self.json = False
        self.lang: str | None = None
        self.year: int | None = None
        self.all_years = False
        self.report: str | None = None
        self.limit = answers.DEFAULT_LIMIT
        self.fmt: str | None = None
        self.kind: str | None = None
        self.pillar: str | None = None


def answer(
    argv: list[str], env: Environment, environ: Mapping[str, str] = os.environ
) -> int | None:
    """Answers a lookup and gives its exit code, or None (having written nothing)
    where the full command line must run instead."""
    if (
        env.stdout_isatty  # a pager, indented JSON, colour: the full command line's
        or os.name != "posix"  # rich's console widths on Windows are its own
        or any(name.startswith("_") and name.endswith("_COMPLETE") for name in environ)
    ):  # _CQFACTS_COMPLETE: typer is completing a word in the shell
        return None
    try:
        text = _answer(_parse(argv), env, environ)
    except (_Refused, CqfactsError):
        return None
    except Exception:
        if environ.get(declared.ENV_DEBUG):
            raise
        return None  # a fault of its own: the full command line answers, or reports it
    if text is None:
        return None
    return _write(text, env)


def _parse(argv: list[str]) -> _Given:
    """The command and what each of its parameters was given, read as click reads
    them: global options before the command, options anywhere after it up to `--`."""
    given = _Given()
    tokens = list(argv)
    while tokens and tokens[0].startswith("-"):  # the group's options
        _option(tokens, GLOBAL_OPTIONS, given)
    if not tokens or tokens[0] not in OPTIONS:
        raise _Refused
    given.command = tokens.pop(0)
    known = {**OPTIONS[given.command], **GLOBAL_OPTIONS}
    while tokens:
        if tokens[0] == "--":
            given.arguments += tokens[1:]
            break
        if tokens[0].startswith("-") and len(tokens[0]) > 1:
            _option(tokens, known, given)
        else:
            given.arguments.append(tokens.pop(0))
    argument = ARGUMENTS[given.command]
    if not given.arguments or (argument.nargs != -1 and len(given.arguments) != argument.nargs):
        raise _Refused  # click says what is missing or extra
    if argument.typed:
        given.arguments = [answers.as_typed(text) or "" for text in given.arguments]
    return given


def _option(tokens: list[str], known: dict[str, Option], given: _Given) -> None:
    """Reads the option at the head of ``tokens`` (--name value, --name=value,
    -n value, -nvalue) into ``given``."""
    token = tokens.pop(0)
    if token.startswith("--"):
        name, attached, value = token.partition("=")
        given_with_it = bool(attached)
    else:  # -n5 is -n 5
        name, value = token[:2], token[2:]
        given_with_it = bool(value)
    option = known.get(name)
    if option is None:
        raise _Refused  # --help, --version, a mistake: click says what
    if option.kind == "flag":
        if given_with_it:
            raise _Refused
        setattr(given, option.name, True)
        return
    if not given_with_it:
        if not tokens:
            raise _Refused
        value = tokens.pop(0)
    if option.name == "facts":
        given.facts.append(value)
    elif option.kind == "int":
        try:
            number = int(value)  # as click's INT reads it
        except ValueError:
            raise _Refused from None
        if option.least is not None and number < option.least:
            raise _Refused
        setattr(given, option.name, number)
    elif option.kind == "text" or value in option.choices:
        setattr(given, option.name, answers.as_typed(value) if option.typed else value)
    else:
        raise _Refused


def _answer(given: _Given, env: Environment, environ: Mapping[str, str]) -> str | None:
    """The text to write, or None where the full command line must answer."""
    from cqfacts.output import shapes

    lang = given.lang or environ.get(answers.ENV_LANG) or None  # click reads it so
    if lang is not None and lang not in answers.LANGS:
        return None
    loaded = _load(given.facts, environ)
    if loaded is None:
        return None
    if given.command == "pillar":
        base, chosen = answers.pillar(loaded, given.arguments[0], given.year, given.report)
        if given.json:
            return _json(shapes.pillar(base, chosen.number), env)
        from cqfacts.output.views import pillar_view  # tables only: it loads the layout code

        page = pillar_view(base, chosen, answers.table_lang(lang))
        return _table(page, given, env, environ)
    query = answers.words(given.arguments)
    out = answers.output_format(given.fmt, given.json)
    matches = answers.search(
        loaded, query, pillar=given.pillar, kind=given.kind,
        year=given.year, limit=given.limit, highlight=out == "table",
        all_years=given.all_years,
    )  # fmt: skip
    if not matches:
        return None  # the full command line says so, and what might have been meant
    if out == "json":
        return _json(shapes.search_results(matches), env)
    if out != "table":
        from cqfacts.output.export import records_text

        return records_text(shapes.search_results(matches), out)
    from cqfacts.output.views import search_table

    lang = answers.table_lang(lang, query, matches[0].how)
    table = search_table(matches, lang, years=len(loaded.base.years) > 1)
    return _table(table, given, env, environ)


def _load(named: list[str], environ: Mapping[str, str]) -> Loaded | None:
    from cqfacts.store.loader import ENV_FACTS, load_many, paths_from_environment

    if "" in named:
        return None  # the full command line says the path is empty
    paths = list(named) or paths_from_environment(environ.get(ENV_FACTS, ""))
    if not all(map(_readable_twice, paths)):
        return None
    loaded = load_many(paths)
    return None if loaded.warnings else loaded  # the full command line shows them


def _readable_twice(path: str) -> bool:
    """Whether the full command line could read the file again, should the fast path
    hand on after reading it: not so a pipe (``--facts <(…)``), read once, which the
    full command line must read alone. (A file that is not there: the full command
    line says so.)"""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return True
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


def _json(value: object, env: Environment) -> str:
    return answers.json_text(value, terminal=False, encoding=env.stdout_encoding)


def _table(view: View, given: _Given, env: Environment, environ: Mapping[str, str]) -> str | None:
    from cqfacts.output import plain

    if given.color == "always" or not env.can_show_chinese():
        return None
    if any(name in environ for name in _RICH_SETTINGS):
        return None
    return plain.draw(view, plain.console_width(environ))


# Variables that change what rich draws into a pipe: its terminal (FORCE_COLOR,
# TTY_COMPATIBLE) or the width it counts for some characters (UNICODE_VERSION).
_RICH_SETTINGS = ("FORCE_COLOR", "TTY_COMPATIBLE", "UNICODE_VERSION")


def _write(text: str, env: Environment) -> int:
    """Writes the answer as the full command line does, a closed pipe and a full
    disk included (see ``cli._Group.invoke``)."""
    try:
        env.stdout.write(text)
        env.stdout.flush()
    except BrokenPipeError:
        discard_stdout()
        return 0
    except OSError as error:
        discard_stdout()
        # ASCII (strerror's C locale), so sys.stderr writes what click's echo would.
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(answers.cannot_write(error) + "\n")
            sys.stderr.flush()
        return 2
    return 0
