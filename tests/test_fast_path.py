"""The fast path (cqfacts.cli.fastpath) against the full command line (cqfacts.cli.app): the
same options, and the same stdout, stderr and exit code for every query of the
project's main query set, as JSON and as tables, under several environments."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import threading
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import typer.main
from typer.testing import CliRunner

from cqfacts.cli import app as cli
from cqfacts.cli import arguments as answers
from cqfacts.cli import declarations, fastpath
from cqfacts.cli.environment import Environment, prepare_streams
from cqfacts.search import highlight
from cqfacts.search.engine import Match
from cqfacts.search.engine import search as search_facts
from cqfacts.store import loader
from tests.conftest import cqfacts_process

TESTS = Path(__file__).parent
QUERY_FILES = ("search_queries.toml", "search_queries_holdout.toml", "search_queries_blind.toml")


def _queries(name: str) -> list[str]:
    data = tomllib.loads((TESTS / name).read_text(encoding="utf-8"))
    return [entry["query"] for key in ("query", "nothing") for entry in data.get(key, [])]


class Outcome(NamedTuple):
    code: int
    stdout: bytes
    stderr: bytes


class Environ(NamedTuple):
    """What a run sees: $COLUMNS, NO_COLOR and stdout's encoding."""

    name: str
    columns: str = "80"
    no_color: bool = False
    encoding: str = "utf-8"


PIPE = Environ("pipe")
NARROW = Environ("narrow, NO_COLOR", columns="50", no_color=True)
WIDE_GBK = Environ("wide, GBK stdout", columns="132", encoding="gbk")
ASCII = Environ("ASCII stdout", encoding="ascii")


@pytest.fixture(scope="module")
def once() -> Iterator[None]:
    """Each fact file is loaded once and each query searched once, for both paths:
    what this file compares is everything around the search (reading the command
    line, the environment, drawing and writing), which is the same function call in
    both, with the same arguments (a wrong argument would miss the memo and show).
    A search without highlights is served from the one with them, less the
    highlights (the two find the same: see test_highlights_change_no_result). The
    "did you mean" names of a query that found nothing are looked for once too."""
    loads: dict[object, loader.Loaded] = {}
    searches: dict[object, list[Match]] = {}
    suggestions: dict[object, list[str]] = {}
    load_many, search, suggest = loader.load_many, answers.search, highlight.suggest

    def load_once(paths: Any = None, **options: Any) -> loader.Loaded:
        key = (tuple(map(str, paths or ())), tuple(sorted(options.items())))
        if key not in loads:
            loads[key] = load_many(paths, **options)
        return loads[key]

    def search_once(loaded: loader.Loaded, query: str, *, highlight: bool, **options: Any) -> Any:
        key = (id(loaded), query, tuple(sorted(options.items())))
        if key not in searches:
            searches[key] = search(loaded, query, highlight=True, **options)
        found = searches[key]
        return found if highlight else [match._replace(highlights={}) for match in found]

    def suggest_once(index: Any, query: str, *args: Any, **options: Any) -> list[str]:
        key = (id(index), query, args, tuple(sorted(options.items())))
        if key not in suggestions:
            suggestions[key] = suggest(index, query, *args, **options)
        return suggestions[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(loader, "load_many", load_once)
        patch.setattr(cli, "load_many", load_once)
        patch.setattr(answers, "search", search_once)
        patch.setattr(highlight, "suggest", suggest_once)
        yield


def test_highlights_change_no_result(shipped):
    """What the memo above relies on, over a sample of every query set."""
    queries = [query for name in QUERY_FILES for query in _queries(name)[::9]]
    for query in queries:
        plain = search_facts(shipped.base, shipped.index, query, highlight=False)
        marked = search_facts(shipped.base, shipped.index, query, highlight=True)
        assert plain == [match._replace(highlights={}) for match in marked], query


_GROUP = typer.main.get_command(cli.app)


def _run(
    argv: list[str], environ: Environ, runner: Callable[[], int | None]
) -> tuple[Outcome, bool]:
    """Runs ``runner`` with stdout and stderr captured as bytes in the environment;
    returns the outcome and whether the fast path answered."""
    env = {"COLUMNS": environ.columns, "NO_COLOR": "1" if environ.no_color else None}
    with CliRunner(charset=environ.encoding).isolation(env=env) as (stdout, stderr, _):
        prepare_streams()  # as the console script does first: unwritable text escaped
        try:
            code = runner()
            answered = code is not None
            if code is None:
                _GROUP.main(argv, prog_name="cqfacts", standalone_mode=True)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return Outcome(code or 0, stdout.getvalue(), stderr.getvalue()), answered


def compare(argv: list[str], environ: Environ = PIPE) -> tuple[Outcome, bool]:
    """The console script's way (the fast path, else the full command line) against
    the full command line alone; returns the outcome and whether the fast path
    answered."""
    fast, answered = _run(argv, environ, lambda: fastpath.answer(argv, Environment.from_process()))
    full, _ = _run(argv, environ, lambda: None)
    assert fast == full, f"{argv} under {environ.name}"
    return fast, answered


# --- one declaration --------------------------------------------------------------


def _callback(param: Any) -> Any:
    """A parameter's callback as declared (typer wraps it, functools-style)."""
    return getattr(param.callback, "__wrapped__", param.callback)


def _declared(params: list[Any]) -> dict[str, fastpath.Option]:
    """The options as typer declares them, in the fast path's terms."""
    found = {}
    for param in params:
        if param.param_type_name != "option":
            continue
        choices: tuple[str, ...] = ()
        if param.is_flag:
            kind = "flag"
        elif param.type.name == "choice":
            kind, choices = "choice", tuple(str(choice) for choice in param.type.choices)
        elif "int" in param.type.name:  # click's INT, or an IntRange
            kind = "int"
        else:
            kind = "text"
        least = getattr(param.type, "min", None)
        typed = _callback(param) is answers.as_typed
        for name in [*param.opts, *param.secondary_opts]:
            found[name] = fastpath.Option(param.name, kind, choices, least, typed)
    return found


# Options of the group the fast path leaves to typer: it refuses a command line
# that holds one, and typer answers it.
_LEFT_TO_TYPER = {"--version", "--install-completion", "--show-completion"}


def test_the_fast_path_reads_the_options_typer_declares():
    group_options = _declared(_GROUP.params)
    assert {
        name: option for name, option in group_options.items() if name not in _LEFT_TO_TYPER
    } == {**fastpath.GLOBAL_OPTIONS}
    for name, options in fastpath.OPTIONS.items():
        command = _GROUP.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None
        # Every option the command takes (its own copies of the global ones too).
        assert _declared(command.params) == {**options, **fastpath.GLOBAL_OPTIONS}
        (argument,) = [p for p in command.params if p.param_type_name == "argument"]
        expected = fastpath.ARGUMENTS[name]
        assert (argument.name, argument.nargs, argument.required) == (
            expected.name, expected.nargs, True
        )  # fmt: skip
        assert (_callback(argument) is answers.as_typed) == expected.typed
        defaults = {p.name: p.default for p in command.params}
        if "limit" in defaults:
            assert defaults["limit"] == answers.DEFAULT_LIMIT
        lang = next(p for p in command.params if p.name == "lang")
        assert lang.envvar == answers.ENV_LANG


def test_the_typer_options_are_made_from_the_declarations():
    """The fast path's table and the typer options come from one declaration each:
    names, help and metavar as declared (typer's only addition is its completion)."""
    for name, options in declarations.COMMANDS.items():
        command = _GROUP.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None
        params = {param.name: param for param in command.params}
        for each in options:
            param = params[each.option.name]
            assert tuple(param.opts) == each.flags
            assert param.help == each.help
            assert param.metavar == each.metavar
            assert param.envvar == each.envvar


def test_a_changed_declaration_is_noticed(monkeypatch):
    """The check above fails when the two drift (here: a choice the fast path lacks)."""
    monkeypatch.setitem(fastpath.OPTIONS["search"], "--kind", fastpath.Option("kind", ("figure",)))
    with pytest.raises(AssertionError):
        test_the_fast_path_reads_the_options_typer_declares()


# --- every query, every environment -----------------------------------------------

# What each environment is asked, and of which queries: JSON and tables in a pipe, each
# every other query, the one taking the queries the other leaves (every query is
# answered by both paths in a pipe, in one format); then every sixth query where the
# width changes what is drawn (stacked rows at 50 columns), where stdout is GBK, and
# where it cannot carry Chinese (JSON escaped). All of it is the work of two paths and
# rich per query: the whole set under every environment would cost the suite about
# twenty seconds.
_MATRIX = [
    (PIPE, "json", 2, 0), (PIPE, "table", 2, 1),
    (NARROW, "table", 6, 0), (WIDE_GBK, "table", 6, 3), (ASCII, "json", 6, 0),
]  # fmt: skip
# The main set's queries only: both paths take the one search's results (see `once`),
# so what a query brings here is the shape of its answer (rows, widths, highlights,
# nothing found), and the further sets' shapes are the main set's. They are searched in
# test_highlights_change_no_result, and in test_search for what they are for.
_CASES = [
    pytest.param(
        environ, fmt, stride, offset,
        marks=[pytest.mark.slow] if environ is PIPE else [],
        id=f"{environ.name}-{fmt}",
    )
    for environ, fmt, stride, offset in _MATRIX
]  # fmt: skip


@pytest.mark.parametrize(("environ", "fmt", "stride", "offset"), _CASES)
def test_every_query_gets_the_same_answer(once, environ, fmt, stride, offset):
    answered = found = 0
    for query in _queries(QUERY_FILES[0])[offset::stride]:
        argv = ["search", query, *(["--json"] if fmt == "json" else [])]
        outcome, fast = compare(argv, environ)
        found += outcome.code == 0
        answered += fast
    # Everything found was answered by the fast path itself, not handed on.
    assert answered == found > 0


# Command lines that exercise the fast path's own reading of options, with the
# shipped report and the small test report (which `+` joins into two years).
COMMAND_LINES = [
    ["pillar", "4"], ["pillar", "四"], ["pillar", "0", "--json"], ["pillar", "6", "--lang", "en"],
    ["pillar", "4", "-y", "2023"], ["pillar", "9"], ["pillar", "4", "5"], ["pillar"],
    ["search", "技术", "合同"], ["search", "--", "-5"], ["search", "-5"],
    ["search", "企业", "-n", "3"], ["search", "企业", "-n3"], ["search", "企业", "--limit=3"],
    ["search", "企业", "--limit", "0"], ["search", "企业", "--limit", "x"],
    ["search", "企业", "-p", "4", "-k", "figure"], ["search", "企业", "--pillar", "四"],
    ["search", "企业", "--kind", "law"], ["search", "企业", "--year", "2023"],
    ["search", "企业", "--year", "1999"], ["search", "企业", "-f", "tsv"],
    ["search", "企业", "--format", "csv"], ["search", "企业", "--format=jsonl"],
    ["search", "企业", "--json", "--format", "csv"], ["search", "brokers"],
    ["search", "brokers", "--lang", "zh"], ["search", "企业", "--lang", "fr"],
    ["search", "企业", "--color", "never"], ["--color", "always", "search", "企业"],
    ["search", "企业", "--no-pager"], ["search", "企业", "--json=1"], ["search", "企业", "-h"],
    ["search", "企业", "--help"], ["--version"], ["search"], ["serch", "企业"],
    ["search", "量子计算机"], ["search", "企业", "--facts"], ["search", "企业", "--facts", ""],
    ["search", "企业", "--facts", "+", "--facts", "{small}"], ["--facts", "{small}", "pillar", "4"],
    ["--facts", "{small}", "--facts", "+", "search", "高企", "-y", "2023", "--json"],
    ["--facts", "/nonexistent.toml", "search", "企业"], ["list"], [],
]  # fmt: skip


@pytest.mark.parametrize("environ", [PIPE, NARROW, ASCII], ids=lambda e: e.name)
def test_every_command_line_gets_the_same_answer(once, small_fact_file, environ, monkeypatch):
    monkeypatch.setenv("CQFACTS_LANG", "en")  # read by both when --lang is not given
    for line in COMMAND_LINES:
        compare([arg.replace("{small}", str(small_fact_file)) for arg in line], environ)


def test_the_fast_path_answers_what_it_can_and_hands_on_the_rest(once):
    assert compare(["search", "企业", "-n3", "--format", "tsv"])[1]
    assert compare(["--color", "never", "pillar", "四", "--lang", "en"])[1]
    for handed_on in (["search", "企业", "--help"], ["search", "量子计算机"], ["pillar", "9"],
                      ["--color", "always", "search", "企业"]):  # fmt: skip
        assert not compare(handed_on)[1]


@pytest.mark.parametrize("setting", ["FORCE_COLOR", "TTY_COMPATIBLE", "UNICODE_VERSION"])
def test_settings_that_change_what_rich_draws_leave_tables_to_rich(once, monkeypatch, setting):
    monkeypatch.setenv(setting, "8.0.0" if setting == "UNICODE_VERSION" else "1")
    assert not compare(["search", "企业"])[1]
    assert compare(["search", "企业", "--json"])[1]  # JSON is not rich's


def test_a_bad_value_of_cqfacts_lang_is_left_to_typer(once, monkeypatch):
    monkeypatch.setenv("CQFACTS_LANG", "fr")
    outcome, answered = compare(["search", "企业", "--json"])
    assert outcome.code == 2 and not answered


# --- real processes: what only a process shows --------------------------------------

_FULL = "import sys; from cqfacts.cli.app import main; sys.argv[0] = 'cqfacts'; main()"


# Each environment with the command lines that show what it changes: the arguments of a
# C locale arrive as surrogate escapes; an ASCII stdout refuses tables (exit 2) and
# escapes JSON; 50 columns stack the table's rows; sizes int() cannot read (str.isdigit
# takes them) fall back to the defaults, as in rich, and nothing is said of them.
_PROCESS_CASES = [
    ({"PYTHONUTF8": "0", "LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0",
      "PYTHONIOENCODING": "utf-8"}, ["search", "高新技术企业"], 0),
    ({"PYTHONIOENCODING": "ascii"}, ["search", "高新技术企业"], 2),
    ({"PYTHONIOENCODING": "ascii"}, ["pillar", "四", "--json"], 0),
    ({"COLUMNS": "50", "NO_COLOR": "1"}, ["search", "高新技术企业"], 0),
    ({"COLUMNS": "²", "LINES": "②"}, ["search", "高新技术企业"], 0),
]  # fmt: skip


def _full_as_that_process(args: list[str], env: dict[str, str]) -> Outcome:
    """The full command line in this process, as a process with ``env`` would run it:
    its variables set, its streams in PYTHONIOENCODING's encoding, and, in the C
    locale, its arguments as the surrogate escapes Python makes of their UTF-8 bytes.
    (A second process per case, the full command line's, cost 0.3 s of CPU each; what a
    process adds is the fast path's to show here, and the console script's own
    process is held to this process's runs in test_cli_process.)"""
    if env.get("LC_ALL") == "C":
        args = [arg.encode().decode("ascii", "surrogateescape") for arg in args]
    environ = Environ(
        "as the process",
        columns=env.get("COLUMNS", os.environ.get("COLUMNS", "80")),
        no_color=bool(env.get("NO_COLOR")),
        encoding=env.get("PYTHONIOENCODING", "utf-8"),
    )
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return _run(args, environ, lambda: None)[0]


@pytest.mark.parametrize(
    ("env", "args", "code"),
    _PROCESS_CASES,
    ids=["C locale (arguments as escapes)", "PYTHONIOENCODING=ascii, a table",
         "PYTHONIOENCODING=ascii, JSON", "COLUMNS=50 NO_COLOR", "COLUMNS=² LINES=②"],
)  # fmt: skip
def test_processes_get_the_same_answer(env, args, code):
    fast = subprocess.run(
        [sys.executable, "-m", "cqfacts", *args], env={**os.environ, **env}, capture_output=True
    )
    assert Outcome(fast.returncode, fast.stdout, fast.stderr) == _full_as_that_process(args, env)
    assert fast.returncode == code
    assert fast.stdout if code == 0 else fast.stderr
    if "LINES" in env:
        assert fast.stderr == b""


def test_a_terminal_with_colour_gets_the_same_answer():
    """At a terminal the fast path hands on (colour, a pager): the same bytes."""

    def at_a_terminal(command: list[str]) -> bytes:
        leader, follower = pty.openpty()
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "PAGER": "cat"}
        env.pop("NO_COLOR", None)
        process = subprocess.Popen(command, stdout=follower, stderr=follower, env=env)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process ended and closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=30)
        os.close(leader)
        return b"".join(chunks)

    args = ["search", "高新技术企业"]
    fast = at_a_terminal([sys.executable, "-m", "cqfacts", *args])
    full = at_a_terminal([sys.executable, "-c", _FULL, *args])
    assert fast == full
    assert b"\x1b[" in fast  # in colour


def test_the_fast_path_loads_no_framework():
    """What makes it fast: neither typer (nor its click) nor rich is imported, and,
    from a warm cache, nothing that builds an index; nor pathlib (with urllib.parse and
    ipaddress, ~5 ms) nor OpenSSL through hashlib (~4 ms); nor typing (~3 ms, and
    ~2 ms more for the records' annotations: see cqfacts.fast_typing)."""
    probe = (
        "import sys\n"
        "from cqfacts.__main__ import main\n"
        "for argv in (['search', '高新技术企业', '--json'], ['search', '技术合同'],\n"
        "             ['pillar', '4'], ['search', 'gxjsqy', '-f', 'tsv']):\n"
        "    sys.argv = ['cqfacts', *argv]\n"
        "    try:\n        main()\n"
        "    except SystemExit as stop:\n        assert stop.code == 0, argv\n"
        "heavy = ('typer', 'click', 'rich', 'pypinyin', 'opencc', 'rapidfuzz', 'tomllib',\n"
        "         'pathlib', '_hashlib', 'typing')\n"
        "sys.stderr.write('loaded:' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    cqfacts_process("search", "gxjsqy", "--json", check=True)  # warms the cache
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True)
    assert result.stderr.decode().endswith("loaded:"), result.stderr.decode()


def test_a_fact_file_read_from_a_pipe_is_left_to_the_full_command_line(tmp_path, small_fact_file):
    """`--facts <(…)` can be read once: the fast path, which may hand on after reading
    (here: nothing found), leaves it unread (before, the full command line then waited
    for a writer that had gone)."""
    pipe = tmp_path / "facts"
    os.mkfifo(pipe)
    answered: list[int | None] = []
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO(), stdout_isatty=False)
    reader = threading.Thread(
        target=lambda: answered.append(
            fastpath.answer(["--facts", str(pipe), "search", "量子计算机"], env, {})
        ),
        daemon=True,
    )
    reader.start()
    reader.join(timeout=10)
    blocked = reader.is_alive()
    if blocked:  # it opened the pipe: let it go, then fail
        with open(pipe, "wb") as writer:
            writer.write(small_fact_file.read_bytes())
        reader.join(timeout=10)
    assert not blocked and answered == [None]
    # The console script's way, in a process, reading a real pipe: nothing found, exit 1.
    result = subprocess.run(
        [sys.executable, "-m", "cqfacts", "--facts", "/dev/stdin", "search", "量子计算机"],
        input=small_fact_file.read_bytes(), capture_output=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1 and b"nothing found" in result.stderr


# --- terminal sizes int() cannot read -------------------------------------------------

# str.isdigit() takes these and int() refuses them: rich's Console read COLUMNS and
# LINES so, and the fast path's width too (issue 20 row 11: an internal error, exit 3).
_NOT_INT = ["²", "②", "¹⁰⁰"]


@pytest.mark.parametrize("value", _NOT_INT)
def test_a_terminal_size_int_cannot_read_is_the_default_in_both_paths(once, monkeypatch, value):
    unset = Environ("COLUMNS unset", columns=None)  # type: ignore[arg-type]
    for argv in (["search", "企业"], ["pillar", "4"], ["pillars"]):
        default, _ = compare(argv, unset)
        assert default.code == 0 and default.stdout
        assert compare(argv, Environ(f"COLUMNS={value}", columns=value))[0] == default
        with monkeypatch.context() as patch:
            patch.setenv("LINES", value)
            assert compare(argv, unset)[0] == default
    monkeypatch.setenv("LINES", value)
    assert Environment(stdout=io.StringIO()).terminal_lines() == 24
