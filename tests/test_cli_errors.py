"""Bad fact files, bad queries, bugs and interruptions: a message and an exit code."""

import json
import signal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cqfacts.cli.app import ExitCode, app
from cqfacts.facts.model import FACT_KEYS
from cqfacts.store.loader import shipped_fact_path
from tests.conftest import SMALL_FACTS, cqfacts_process
from tests.helpers import HOSTILE_QUERIES, broken_files, line_of

FACT_KEY_SET = set(FACT_KEYS)
README = Path(__file__).parents[1] / "README.md"
_cqfacts = cqfacts_process


def test_an_invalid_fact_file_is_a_data_error_not_a_traceback(run, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[meta\n", encoding="utf-8")
    result = run("search", "x", facts=bad)
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert result.stderr.startswith(f"{bad}:1: TOML syntax error")
    result = run("list", facts=tmp_path / "absent.toml")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "cannot read the fact file" in result.stderr


def test_a_bug_is_one_line_and_exit_3(run, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("cqfacts.search.engine.search", broken)
    result = run("search", "x")
    assert result.exit_code == ExitCode.INTERNAL_ERROR
    assert result.stderr.startswith("cqfacts: internal error (RuntimeError: boom).")
    assert "Traceback" not in result.stderr


def test_ctrl_c_exits_130(run, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("cqfacts.cli.app.load_many", interrupted)
    assert run("list").exit_code == ExitCode.INTERRUPTED


def test_an_invalid_fact_file_is_refused_with_a_pointer_to_validate(run, tmp_path, small_fact_file):
    text = small_fact_file.read_text(encoding="utf-8")
    for old, new in [
        ("pillar = 0", "pillar = 11"),
        ("value = 3071", 'value = "lots"'),
        ('id = "tech-brokers-new"', 'id = "high-tech-enterprises-new"'),
        ('section = "4.2"\nkind = "policy"', 'section = "4.9"\nkind = "policy"'),
    ]:
        text = text.replace(old, new)
    broken = tmp_path / "broken.toml"
    broken.write_text(text, encoding="utf-8")
    pillar, value = line_of(text, "pillar = 11"), line_of(text, 'value = "lots"')
    first = line_of(text, 'id = "high-tech-enterprises-new"')
    again = line_of(text, 'id = "high-tech-enterprises-new"', -1)
    expected = [
        f"{broken}:{pillar}: fact 'rd-investment-total': pillar 11 does not exist (known: [0, 4])",
        f"{broken}:{value}: fact 'high-tech-enterprises-new': value must be a number, not 'lots'",
        f"{broken}:{again}: fact 'high-tech-enterprises-new': "
        f"duplicate id (the first fact with it is on line {first})",
        "… and 1 more.",
        f"cqfacts: {broken} is not a valid fact file; "
        f"`cqfacts validate {broken}` lists every problem.",
    ]
    for args in (["search", "高新"], ["pillar", "4"], ["show", "tech-brokers-new"], ["export"]):
        result = run(*args, facts=broken)
        assert (result.exit_code, result.stdout) == (ExitCode.USAGE_ERROR, "")
        assert result.stderr.splitlines() == expected
    result = run("validate", str(broken), "--json")
    assert result.exit_code == ExitCode.USAGE_ERROR
    problems = json.loads(result.stdout)["problems"]
    assert [(p["fact"], p["field"], p["line"]) for p in problems] == [
        ("rd-investment-total", "pillar", pillar),
        ("high-tech-enterprises-new", "value", value),
        ("high-tech-enterprises-new", "id", again),
        ("university-transfer-measures", "section", line_of(text, 'section = "4.9"')),
    ]


def test_a_missing_or_unreadable_fact_file_names_its_path(
    run, tmp_path, small_fact_file, monkeypatch
):
    result = run("list", facts=tmp_path / "absent.toml")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert (
        result.stderr
        == f"{tmp_path / 'absent.toml'}: cannot read the fact file: No such file or directory\n"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("list", facts=empty)
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert result.stderr == f"{empty}: a directory with no fact file (*.toml) in it\n"
    result = CliRunner().invoke(app, ["--facts", "", "list"])
    assert (result.exit_code, result.stderr) == (
        ExitCode.USAGE_ERROR,
        "cqfacts: the fact file path is empty\n",
    )

    def denied(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("cqfacts.store.loader.open", denied, raising=False)  # root reads anything
    result = run("list")
    assert (result.exit_code, result.stderr) == (
        ExitCode.USAGE_ERROR,
        f"{small_fact_file}: cannot read the fact file: Permission denied\n",
    )


_runner = CliRunner()

COMMANDS = [
    ["search", "高新技术企业"],
    ["search", "gxjsqy", "--json"],
    ["pillar", "4"],
    ["pillars", "--json"],
    ["show", "tech-brokers-new"],
    ["list", "--json"],
    ["rank"],
    ["topics"],
    ["export", "--format", "toml"],
]


def _invoke(facts: Path, args: list[str]):
    return _runner.invoke(app, ["--color", "never", "--facts", str(facts), *args])


# The two fuzzers below run validate and all nine commands on each file, ten CLI runs
# (30-40 ms) an example: they take half the profile's examples (25 of 50: 250 CLI runs
# each). Every broken file of the first also goes through the parser in
# test_factfile's fuzz, with all 50. A profile asking for more than Hypothesis's
# default of 100 (thorough) gets them all.
_PROFILE_EXAMPLES = settings.default.max_examples
every_command_fuzz = settings(
    max_examples=_PROFILE_EXAMPLES // 2 if _PROFILE_EXAMPLES <= 100 else _PROFILE_EXAMPLES
)


@pytest.mark.slow
@every_command_fuzz
@given(broken_files())
def test_no_command_crashes_on_a_broken_fact(tmp_path_factory, case):
    text = case[0]
    path = tmp_path_factory.mktemp("broken") / "facts.toml"
    path.write_text(text, encoding="utf-8")
    validation = _invoke(path, ["validate"])
    assert validation.exit_code == ExitCode.USAGE_ERROR
    for args in COMMANDS:
        result = _invoke(path, args)
        assert result.exit_code == ExitCode.USAGE_ERROR, (args, result.output)
        assert result.stderr.endswith(f"`cqfacts validate {path}` lists every problem.\n")
    assert path.read_text(encoding="utf-8") == text


@pytest.mark.slow
@every_command_fuzz
@given(st.data())
def test_no_command_crashes_on_a_damaged_fact_file(tmp_path_factory, data):
    """Bytes cut out, or junk typed in, anywhere: a clean result or a clean error."""
    text = SMALL_FACTS.encode()
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    junk = data.draw(st.binary(max_size=8) | st.sampled_from([b"", b"[", b'"', b"=", b"\n[["]))
    damaged = text[:start] + junk + text[end:]
    path = tmp_path_factory.mktemp("damaged") / "facts.toml"
    path.write_bytes(damaged)
    for args in [["validate"], *COMMANDS]:
        result = _invoke(path, args)
        assert result.exit_code in (0, 1, 2), (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert path.read_bytes() == damaged


def test_no_command_writes_to_the_fact_file(tmp_path, small_fact_file):
    before = (small_fact_file.read_bytes(), small_fact_file.stat().st_mtime_ns)
    shipped = shipped_fact_path()
    shipped_before = (shipped.read_bytes(), shipped.stat().st_mtime_ns)
    for args in [["validate"], *COMMANDS]:
        _invoke(small_fact_file, args)
        _runner.invoke(app, args)
    assert (small_fact_file.read_bytes(), small_fact_file.stat().st_mtime_ns) == before
    assert (shipped.read_bytes(), shipped.stat().st_mtime_ns) == shipped_before


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_queries_give_valid_json(run, query):
    result = run("search", "--json", "--", query, facts=None)
    assert result.exit_code in (ExitCode.FOUND, ExitCode.NOTHING_FOUND)
    assert isinstance(json.loads(result.stdout), list)


@given(st.text(st.characters(exclude_categories=()), max_size=40) | st.text(max_size=40))
def test_any_query_gives_valid_json(query):
    result = _runner.invoke(app, ["search", "--json", "--", query])
    if not query.strip():
        assert (result.exit_code, result.stdout) == (ExitCode.USAGE_ERROR, "")
        assert result.stderr == "cqfacts: the query is empty\n"
        return
    assert result.exit_code in (ExitCode.FOUND, ExitCode.NOTHING_FOUND)
    records = json.loads(result.stdout)
    assert (records == []) == (result.exit_code == ExitCode.NOTHING_FOUND)


def test_a_long_query_is_quoted_shortened_in_messages(run):
    result = run("search", "--", "-" + "z" * 20_000)
    assert result.exit_code == ExitCode.NOTHING_FOUND
    assert result.stderr.startswith(f"cqfacts: nothing found for '-{'z' * 59}'….\n")


def test_ctrl_c_while_starting_up_exits_130(monkeypatch):
    from cqfacts import __main__

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr("cqfacts.cli.app.main", interrupted)
    try:
        with pytest.raises(SystemExit) as stopped:
            __main__.main()
    finally:  # main() installs the entry point's handler: pytest gets its own back
        signal.signal(signal.SIGINT, signal.default_int_handler)
    assert stopped.value.code == ExitCode.INTERRUPTED


@pytest.mark.parametrize(
    "changes",
    [
        {"XDG_CACHE_HOME": "/proc/x"},
        {"HOME": "/proc/x", "XDG_CACHE_HOME": None},
        {"HOME": None, "XDG_CACHE_HOME": None},
    ],
)
def test_an_unwritable_home_or_cache_directory_works_without_a_cache(run, monkeypatch, changes):
    expected = run("search", "gxjsqy", "--json", facts=None).stdout
    monkeypatch.delenv("CQFACTS_CACHE_DIR")
    for name, value in changes.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    result = run("search", "gxjsqy", "--json", facts=None)
    assert (result.exit_code, result.stdout, result.stderr) == (0, expected, "")


def test_a_damaged_cache_entry_is_rebuilt_not_trusted(run, tmp_path, monkeypatch, shipped_copy):
    cache = tmp_path / "cache"
    monkeypatch.setenv("CQFACTS_CACHE_DIR", str(cache))
    first = run("pillar", "4", "--json", facts=shipped_copy)
    [entry] = list(cache.iterdir())
    for damage in (lambda data: data[: len(data) // 2], lambda data: data[:-1] + b"!"):
        entry.write_bytes(damage(entry.read_bytes()))
        again = run("pillar", "4", "--json", facts=shipped_copy)
        assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, "")
