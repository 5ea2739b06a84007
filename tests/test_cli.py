import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cqfacts import __version__
from cqfacts.cli import ExitCode, app
from cqfacts.loader import shipped_fact_path
from cqfacts.model import FACT_KEYS
from tests.conftest import SMALL_FACTS
from tests.test_factfile import broken_files, line_of
from tests.test_search import HOSTILE_QUERIES

FACT_KEY_SET = set(FACT_KEYS)
README = Path(__file__).parents[1] / "README.md"


@pytest.fixture
def run(small_fact_file):
    """Invoke the CLI on the small fact file, colour off, 80 columns."""
    runner = CliRunner()

    def invoke(*args: str, facts: Path | None = small_fact_file, **kwargs):
        options = ["--color", "never"] + (["--facts", str(facts)] if facts else [])
        return runner.invoke(app, [*options, *args], **kwargs)

    return invoke


def test_search_draws_a_table(run):
    result = run("search", "高新技术企业")
    assert result.exit_code == ExitCode.FOUND
    assert result.stdout == (
        "Figure             Label                Topic          Where\n"
        "────────────────────────────────────────────────────────────\n"
        "7565家 增长19.2%   高新技术企业总数     高新技术企业   4.1  \n"
        "3071家             新认定高新技术企业   高新技术企业   4.1  \n"
    )


def test_search_json_has_the_contract_keys_and_a_score(run):
    result = run("search", "gxjsqy", "--json")
    assert result.exit_code == ExitCode.FOUND
    records = json.loads(result.stdout)
    assert [record["id"] for record in records] == [
        "high-tech-enterprises-total",
        "high-tech-enterprises-new",
    ]
    assert set(records[0]) == FACT_KEY_SET | {"score", "match"}
    assert set(records[0]["match"]) == {"field", "how"}
    assert result.stderr == ""


def test_search_finding_nothing_exits_1_with_a_hint_on_stderr(run):
    result = run("search", "技术经纪")
    assert result.exit_code == ExitCode.FOUND
    result = run("search", "banana")
    assert result.exit_code == ExitCode.NOTHING_FOUND
    assert result.stdout == ""
    assert result.stderr.startswith("cqfacts: nothing found for 'banana'.\n")
    result = run("search", "banana", "--json")
    assert (result.exit_code, result.stdout) == (ExitCode.NOTHING_FOUND, "[]\n")


def test_search_options_narrow_results(run):
    result = run("search", "高新技术企业", "--limit", "1", "--json")
    assert [record["id"] for record in json.loads(result.stdout)] == ["high-tech-enterprises-total"]
    assert run("search", "高新技术企业", "--pillar", "0").exit_code == ExitCode.NOTHING_FOUND
    assert run("search", "转化", "--kind", "policy").exit_code == ExitCode.FOUND
    assert run("search", "转化", "--kind", "law").exit_code == ExitCode.USAGE_ERROR
    assert run("search", "x", "--limit", "0").exit_code == ExitCode.USAGE_ERROR


def test_search_in_english(run):
    result = run("search", "technology brokers", "--lang", "en")
    assert "Technology brokers newly trained" in result.stdout
    assert "Technology brokers " in result.stdout


def test_pillar_accepts_chinese_numerals(run):
    assert run("pillar", "四").stdout == run("pillar", "4").stdout
    assert run("pillar", "4").stdout.startswith("四、强化企业创新主体地位取得新突破\n")


def test_pillar_json_shape(run):
    result = run("pillar", "4", "--json")
    record = json.loads(result.stdout)
    assert set(record) == {"pillar", "title", "title_en", "sections", "fact_count", "facts"}
    assert record["pillar"] == 4 and record["fact_count"] == 4
    assert set(record["sections"][0]) == {"section", "title", "title_en", "fact_count"}
    assert set(record["facts"][0]) == FACT_KEY_SET


def test_unknown_pillar_is_a_usage_error_naming_the_pillars(run):
    result = run("pillar", "9")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert result.stderr == "cqfacts: no pillar '9'; pillars are 0, 4 (0 is the overview)\n"


def test_pillars_lists_counts(run):
    result = run("pillars", "--json")
    records = json.loads(result.stdout)
    assert [(r["pillar"], r["fact_count"]) for r in records] == [(0, 1), (4, 4)]
    assert "强化企业创新主体地位取得新突破" in run("pillars").stdout


def test_show_prints_the_fact_and_a_citation(run):
    result = run("show", "tech-brokers-new")
    assert result.exit_code == ExitCode.FOUND
    assert result.stdout.endswith("\n「新培育技术经纪人：1133人（测试报告，四（二））」\n")


def test_show_json_adds_citations_and_the_derived_previous_value(run):
    record = json.loads(run("show", "high-tech-enterprises-total", "--json").stdout)
    assert set(record) == FACT_KEY_SET | {"where", "citation", "citation_en", "previous"}
    assert record["previous"]["derived"] is True
    assert record["previous"]["value"] == 6346.5
    assert json.loads(run("show", "tech-brokers-new", "--json").stdout)["previous"] is None


def test_show_unknown_id_suggests_the_nearest(run):
    result = run("show", "tech-brokers")
    assert result.exit_code == ExitCode.NOTHING_FOUND
    assert result.stderr == (
        "cqfacts: no fact has the id 'tech-brokers'. Nearest ids: tech-brokers-new.\n"
    )


def test_list_filters_and_exit_codes(run):
    result = run("list", "--kind", "policy", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["university-transfer-measures"]
    result = run("list", "--topic", "technology brokers", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["tech-brokers-new"]
    result = run("list", "--pillar", "0", "--kind", "policy")
    assert result.exit_code == ExitCode.NOTHING_FOUND
    assert result.stderr == "cqfacts: no fact matches these filters.\n"
    assert len(json.loads(run("list", "--json").stdout)) == 5


def test_rank_by_change_and_value(run):
    result = run("rank", "--by", "change", "--json")
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == ["high-tech-enterprises-total", "rd-investment-total"]
    assert set(records[0]) == FACT_KEY_SET | {"rank"}
    assert records[0]["rank"] == {"by": "change", "value": 19.2, "unit": "%", "converted": False}
    table = run("rank").stdout
    assert "████████████████████" in table and "19.2%" in table
    result = run("rank", "--by", "value", "--unit", "亿元", "--json")
    assert [r["id"] for r in json.loads(result.stdout)] == ["rd-investment-total"]
    assert run("rank", "--by", "value", "--unit", "吨").exit_code == ExitCode.USAGE_ERROR


def test_topics(run):
    records = json.loads(run("topics", "--json").stdout)
    assert set(records[0]) == {"topic", "en", "aliases", "fact_count", "fact_ids"}
    assert records[1]["fact_ids"] == ["high-tech-enterprises-total", "high-tech-enterprises-new"]


def test_export_formats(run, tmp_path):
    assert len(json.loads(run("export", "--format", "json").stdout)) == 5
    assert len(run("export", "--format", "jsonl").stdout.splitlines()) == 5
    assert run("export", "--format", "csv").stdout_bytes.startswith(b"\xef\xbb\xbf")
    copy = tmp_path / "copy.toml"
    copy.write_text(run("export", "--format", "toml").stdout, encoding="utf-8")
    result = run("validate", str(copy))
    assert (result.exit_code, result.stdout) == (ExitCode.FOUND, f"{copy}: valid, 5 facts\n")


def test_validate_reports_every_problem_and_exits_2(run, tmp_path, small_fact_file):
    broken = tmp_path / "broken.toml"
    text = small_fact_file.read_text(encoding="utf-8")
    broken.write_text(
        text.replace('kind = "policy"', 'kind = "law"').replace("value = 1133", 'value = "x"'),
        "utf-8",
    )
    result = run("validate", str(broken))
    assert result.exit_code == ExitCode.USAGE_ERROR
    lines = result.stderr.splitlines()
    assert len(lines) == 3 and lines[-1] == f"{broken}: 2 problems"
    record = json.loads(run("validate", str(broken), "--json").stdout)
    assert record["valid"] is False and len(record["problems"]) == 2


def test_validate_defaults_to_the_fact_file_in_use(run, small_fact_file):
    assert run("validate").stdout == f"{small_fact_file}: valid, 5 facts\n"


def test_fact_file_from_the_environment(run, small_fact_file):
    result = run("list", "--json", facts=None, env={"CQFACTS_FACTS": str(small_fact_file)})
    assert len(json.loads(result.stdout)) == 5


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

    monkeypatch.setattr("cqfacts.search.search", broken)
    result = run("search", "x")
    assert result.exit_code == ExitCode.INTERNAL_ERROR
    assert result.stderr.startswith("cqfacts: internal error (RuntimeError: boom).")
    assert "Traceback" not in result.stderr


def test_ctrl_c_exits_130(run, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("cqfacts.cli.load", interrupted)
    assert run("list").exit_code == ExitCode.INTERRUPTED


def test_version(run):
    assert run("--version").stdout == f"cqfacts {__version__}\n"


def test_color_always_and_never(run):
    assert "\x1b[" in run("--color", "always", "search", "经纪人", facts=None).stdout
    assert "\x1b[" not in run("search", "经纪人").stdout


def test_every_command_help_shows_an_example(run):
    for command in (
        "search",
        "pillar",
        "pillars",
        "show",
        "list",
        "rank",
        "topics",
        "export",
        "validate",
    ):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert f"cqfacts {command}" in result.stdout


# --- README stays true ----------------------------------------------------------------

HELP_BLOCK = re.compile(r"<!-- help:(?P<args>[^>]*?) -->\n```text\n(?P<body>.*?)```", re.S)


def test_readme_help_blocks_match_the_code(run):
    """README's --help blocks are the real output (CQFACTS_UPDATE_README=1 rewrites them)."""
    text = README.read_text(encoding="utf-8")
    blocks = list(HELP_BLOCK.finditer(text))
    assert blocks, "README has no help blocks"

    def current(match: re.Match[str]) -> str:
        output = run(*match["args"].split(), "--help", facts=None).stdout
        return f"<!-- help:{match['args']} -->\n```text\n{output}```"

    if os.environ.get("CQFACTS_UPDATE_README"):
        README.write_text(HELP_BLOCK.sub(current, text), encoding="utf-8")
    for match in blocks:
        assert current(match) == match.group(0)


# --- the installed entry point, in a real process ---------------------------------------


def _cqfacts(
    *args: str, env_extra: dict[str, str] | None = None, **kwargs
) -> subprocess.CompletedProcess:
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "cqfacts", *args], capture_output=True, env=env, **kwargs
    )


def test_the_json_query_path_imports_neither_rich_nor_pypinyin(tmp_path):
    probe = (
        "import sys\n"
        "from cqfacts.cli import main\n"
        "sys.argv = ['cqfacts', 'search', sys.argv[1], '--json']\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('rich', 'pypinyin', 'opencc', 'tomllib', 'tomli', 'rapidfuzz')\n"
        "heavy = sorted(m for m in heavy if m in sys.modules)\n"
        "sys.stderr.write('loaded:' + ','.join(heavy))\n"
    )
    env = {**os.environ, "CQFACTS_CACHE_DIR": str(tmp_path)}
    for query in ("高新技术企业", "gxjsqy"):
        subprocess.run(
            [sys.executable, "-c", probe, query], env=env, capture_output=True, check=True
        )
        warm = subprocess.run(
            [sys.executable, "-c", probe, query], env=env, capture_output=True, check=True
        )
        assert warm.stderr.decode().endswith("loaded:"), warm.stderr.decode()


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "jsonl"],
        ["list"],
        ["pillar", "4"],
        ["search", "gxjsqy", "--json"],
        ["validate"],
        ["--help"],
    ],
)
def test_a_closed_pipe_ends_quietly_with_exit_0(args):
    """The reader is gone before the first write (as with | head, but certain)."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "cqfacts", *args], stdout=writer, stderr=subprocess.PIPE
        )
    finally:
        os.close(writer)
    assert (result.returncode, result.stderr) == (0, b"")


def test_works_under_the_c_locale():
    result = _cqfacts("search", "经纪人", env_extra={"LANG": "C", "LC_ALL": "C"})
    assert result.returncode == 0
    assert "新培育技术经纪人".encode() in result.stdout


def test_shell_completion_offers_fact_ids_and_pillars():
    def complete(words: str) -> list[str]:
        env = {"_CQFACTS_COMPLETE": "complete_bash", "COMP_WORDS": words}
        env["COMP_CWORD"] = str(len(words.split()) - (0 if words.endswith(" ") else 1))
        result = _cqfacts(env_extra=env)
        return result.stdout.decode().split()

    assert complete("cqfacts show high-tech-enterprises-t") == ["high-tech-enterprises-total"]
    assert complete("cqfacts pillar ") == ["0", "1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize("args", [["search", "gxjsqy", "--json"], ["pillar", "4"]])
def test_processes_starting_together_on_a_cold_cache_agree(tmp_path, args):
    env = {**os.environ, "CQFACTS_CACHE_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "cqfacts", *args]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(6)
    ]
    results = [process.communicate() for process in processes]
    assert [process.returncode for process in processes] == [0] * 6
    assert len({stdout for stdout, _ in results}) == 1
    assert all(stderr == b"" for _, stderr in results)
    assert len(list(tmp_path.iterdir())) == 1  # one entry, no temporary files left
    warm = _cqfacts(*args, env_extra={"CQFACTS_CACHE_DIR": str(tmp_path)})
    assert warm.stdout == results[0][0]


# --- bad fact files ---------------------------------------------------------------------


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
    result = run("list", facts=tmp_path)
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert result.stderr == f"{tmp_path}: cannot read the fact file: Is a directory\n"
    result = CliRunner().invoke(app, ["--facts", "", "list"])
    assert (result.exit_code, result.stderr) == (
        ExitCode.USAGE_ERROR,
        "cqfacts: the fact file path is empty\n",
    )

    def denied(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("cqfacts.loader.open", denied, raising=False)  # root reads anything
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


# --- any query ------------------------------------------------------------------------


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


def test_a_narrow_or_nonsense_terminal_width_still_draws_the_table(run):
    """COLUMNS=0 used to print nothing at all; too narrow means the narrowest table."""
    narrowest = run("search", "经纪人", env={"COLUMNS": "40"}).stdout
    default = run("search", "经纪人", env={"COLUMNS": None}).stdout
    assert "1133人" in narrowest
    for columns, expected in (("0", narrowest), ("3", narrowest), ("abc", default)):
        result = run("search", "经纪人", env={"COLUMNS": columns})
        assert (result.exit_code, result.stdout) == (ExitCode.FOUND, expected), columns


# --- odd environments, in real processes ------------------------------------------------


def _environment(**changes: str | None) -> dict[str, str]:
    env = {**os.environ}
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_an_unwritable_home_or_cache_directory_works_without_a_cache():
    expected = _cqfacts("search", "gxjsqy", "--json").stdout
    for changes in (
        {"XDG_CACHE_HOME": "/proc/x"},
        {"HOME": "/proc/x", "XDG_CACHE_HOME": None},
        {"HOME": None, "XDG_CACHE_HOME": None},
    ):
        env = _environment(CQFACTS_CACHE_DIR=None, **changes)
        result = subprocess.run(
            [sys.executable, "-m", "cqfacts", "search", "gxjsqy", "--json"],
            capture_output=True,
            env=env,
        )
        assert (result.returncode, result.stdout, result.stderr) == (0, expected, b""), changes


def test_a_damaged_cache_entry_is_rebuilt_not_trusted(tmp_path):
    env = {"CQFACTS_CACHE_DIR": str(tmp_path)}
    first = _cqfacts("pillar", "4", "--json", env_extra=env)
    [entry] = list(tmp_path.iterdir())
    for damage in (lambda data: data[: len(data) // 2], lambda data: data[:-1] + b"!"):
        entry.write_bytes(damage(entry.read_bytes()))
        again = _cqfacts("pillar", "4", "--json", env_extra=env)
        assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, b"")


def test_an_ascii_only_stdout_gets_escaped_json_or_a_clear_error():
    env = {"PYTHONIOENCODING": "ascii"}
    utf8 = _cqfacts("search", "高新技术企业", "--json")
    escaped = _cqfacts("search", "高新技术企业", "--json", env_extra=env)
    assert escaped.returncode == 0 and escaped.stdout.isascii()
    assert json.loads(escaped.stdout) == json.loads(utf8.stdout)
    table = _cqfacts("search", "高新技术企业", env_extra=env)
    assert (table.returncode, table.stdout) == (ExitCode.USAGE_ERROR, b"")
    assert table.stderr == (
        b"cqfacts: standard output's encoding (ascii) cannot show Chinese text. Set "
        b"PYTHONIOENCODING=utf-8 (or a UTF-8 locale), or use --json, which escapes it.\n"
    )
    # Messages are click's: it writes UTF-8 to a stream that claims to be ASCII.
    nothing = _cqfacts("search", "香蕉", env_extra=env)
    assert nothing.returncode == ExitCode.NOTHING_FOUND
    assert nothing.stderr.decode().startswith("cqfacts: nothing found for '香蕉'.")


def test_ctrl_c_in_a_real_process_exits_130_quietly(tmp_path):
    """The process is stopped while it waits to read its fact file (a FIFO)."""
    import errno
    import time

    fifo = tmp_path / "facts.toml"
    os.mkfifo(fifo)
    process = subprocess.Popen(
        [sys.executable, "-m", "cqfacts", "--facts", str(fifo), "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # A shell's background jobs inherit SIGINT ignored, and Python then keeps
        # ignoring it: the child gets the default a terminal would give it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 30
    while True:  # opening the FIFO to write succeeds once the process reads it
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as error:
            if error.errno != errno.ENXIO or process.poll() is not None:
                raise
            assert time.monotonic() < deadline, "the process never opened its fact file"
            time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    try:
        stdout, stderr = process.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        # The signal landed just before the read began: CPython handles it between
        # bytecodes, so only once the read returns, which end of file makes it do.
        os.close(writer)
        writer = None
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if writer is not None:
            os.close(writer)
    assert (process.returncode, stdout, stderr) == (ExitCode.INTERRUPTED, b"", b"")


def test_ctrl_c_while_starting_up_exits_130(monkeypatch):
    from cqfacts import __main__

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr("cqfacts.cli.main", interrupted)
    try:
        with pytest.raises(SystemExit) as stopped:
            __main__.main()
    finally:  # main() installs the entry point's handler: pytest gets its own back
        signal.signal(signal.SIGINT, signal.default_int_handler)
    assert stopped.value.code == ExitCode.INTERRUPTED


@pytest.mark.parametrize(
    "moment",
    [
        # while typer loads
        "class Finder:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'typer':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.meta_path.insert(0, Finder())\n",
        # while the interpreter tears down, after the answer was written
        "atexit.register(lambda: os.kill(os.getpid(), signal.SIGINT))\n",
    ],
    ids=["loading", "teardown"],
)
def test_ctrl_c_at_any_moment_of_the_entry_point_is_a_quiet_130(moment):
    """Row 18: a Ctrl-C early or late printed a traceback (or exited 1)."""
    script = (
        "import atexit, os, signal, sys\n"
        + moment
        + "sys.argv = ['cqfacts', 'search', '高企', '--json']\n"
        "from cqfacts.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert (result.returncode, result.stderr) == (ExitCode.INTERRUPTED, b"")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["search", "高企", "--pillar", "9"], ExitCode.USAGE_ERROR),
        (["search", "香蕉"], ExitCode.NOTHING_FOUND),
        (["show", "no-such-fact"], ExitCode.NOTHING_FOUND),
        (["--facts", "/nonexistent.toml", "list"], ExitCode.USAGE_ERROR),
        (["search", "高企", "--json"], ExitCode.FOUND),
    ],
)
def test_a_stderr_that_cannot_be_written_keeps_the_exit_code(args, code):
    """Row 14: with stderr full or a broken pipe the exit codes changed."""
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "cqfacts", *args], stderr=full,
                                stdout=subprocess.DEVNULL)  # fmt: skip
    assert result.returncode == code
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = subprocess.run([sys.executable, "-m", "cqfacts", *args], stderr=writer,
                                stdout=subprocess.DEVNULL)  # fmt: skip
    finally:
        os.close(writer)
    assert result.returncode == code


def test_a_file_name_with_escape_sequences_is_shown_escaped(tmp_path):
    """Row 17: `validate` printed a name with an escape sequence raw to the terminal."""
    path = tmp_path / "x\x1b]0;PWNED\x07.toml"
    path.write_text("[meta]\n", encoding="utf-8")
    for args in (["validate", str(path)], ["--facts", str(path), "list"]):
        result = _cqfacts(*args)
        assert result.returncode == ExitCode.USAGE_ERROR
        assert b"\x1b" not in result.stderr and b"\x07" not in result.stderr
        assert b"x\\x1b]0;PWNED\\x07.toml" in result.stderr


def test_the_validate_pointer_can_be_run_as_printed(tmp_path):
    """Row 19: a suggested `cqfacts validate '…\udcff…'` could not be run as printed."""
    path = os.path.join(os.fsencode(tmp_path), b"bad \xff.toml")
    with open(path, "w", encoding="utf-8") as broken:
        broken.write("[meta]\n")
    result = _cqfacts("--facts", path, "list")
    pointer = re.search(rb"`(cqfacts validate .*)` lists every problem", result.stderr)
    assert pointer is not None, result.stderr
    rerun = subprocess.run(
        ["bash", "-c", pointer[1].decode().replace("cqfacts", f"{sys.executable} -m cqfacts", 1)],
        capture_output=True,
    )
    assert rerun.returncode == ExitCode.USAGE_ERROR
    assert b"[meta] needs title_en" in rerun.stderr


def test_show_takes_an_id_in_any_case_and_suggests_for_any_case(run):
    """Row 19: `show HIGH-TECH-…` gave no nearest ids."""
    upper = run("show", "HIGH-TECH-ENTERPRISES-TOTAL", "--json")
    assert upper.exit_code == ExitCode.FOUND
    assert json.loads(upper.stdout)["id"] == "high-tech-enterprises-total"
    near = run("show", "HIGH-TECH-ENTERPRISES-TOTL")
    assert near.exit_code == ExitCode.NOTHING_FOUND
    assert "high-tech-enterprises-total" in near.stderr


def test_a_file_name_with_undecodable_bytes_gives_valid_json(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "cqfacts", "validate", b"\xff.toml", "--json"],
        capture_output=True,
        cwd=tmp_path,
    )
    assert result.returncode == ExitCode.USAGE_ERROR
    assert json.loads(result.stdout)["path"] == "\udcff.toml"


@pytest.mark.parametrize(
    ("args", "code"),
    [(["search", "高新技术企业"], 0), (["show", "nope"], 1), (["pillar", "9"], 2), (["--help"], 0)],
)
def test_a_closed_stdout_keeps_the_exit_code(args, code):
    """Started with stdout closed (>&-): output goes nowhere, the exit code still tells."""
    result = subprocess.run(
        [sys.executable, "-m", "cqfacts", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    closed = subprocess.run(
        [sys.executable, "-c", "import os, sys; os.close(1); os.execv(sys.argv[1], sys.argv[1:])",
         sys.executable, "-m", "cqfacts", *args],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    assert (closed.returncode, closed.stderr) == (code, result.stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["list"], ["search", "gxjsqy", "--json"], ["--help"]])
def test_a_full_disk_is_a_message_and_exit_2(args):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "cqfacts", *args], stdout=full, stderr=subprocess.PIPE
        )
    assert (result.returncode, result.stderr) == (
        ExitCode.USAGE_ERROR,
        b"cqfacts: cannot write the output: No space left on device\n",
    )


def test_a_query_typed_under_a_locale_that_is_not_utf8_is_read_as_typed():
    """PYTHONUTF8=0 LC_ALL=C: the UTF-8 bytes of 高新技术企业 reach Python as escapes."""
    env = {"PYTHONUTF8": "0", "LC_ALL": "C", "LANG": "C"}
    result = _cqfacts("search", "高新技术企业", "--json", env_extra=env)
    assert result.returncode == 0
    assert json.loads(result.stdout)[0]["id"] == "high-tech-enterprises-total"
    assert _cqfacts("pillar", "四", "--json", env_extra=env).returncode == 0


def test_show_json_writes_null_for_an_unknown_id(run):
    result = run("show", "tech-brokers", "--json")
    assert (result.exit_code, result.stdout) == (ExitCode.NOTHING_FOUND, "null\n")


def test_an_empty_topic_names_no_topic(run):
    assert run("list", "--topic", "").exit_code == ExitCode.NOTHING_FOUND


def test_a_cache_entry_that_never_ends_is_rebuilt_not_waited_for(tmp_path):
    env = {"CQFACTS_CACHE_DIR": str(tmp_path)}
    first = _cqfacts("search", "gxjsqy", "--json", env_extra=env)
    [entry] = list(tmp_path.iterdir())
    entry.unlink()
    os.mkfifo(entry)
    again = _cqfacts("search", "gxjsqy", "--json", env_extra=env, timeout=60)
    assert (again.returncode, again.stdout) == (0, first.stdout)


def test_list_filters_policies_by_state_and_tables_show_the_verb(run):
    result = run("list", "--kind", "policy", "--status", "drafting", "--json", facts=None)
    assert result.exit_code == ExitCode.FOUND
    records = json.loads(result.stdout)
    assert records and {record["status"]["state"] for record in records} == {"drafting"}
    assert {record["kind"] for record in records} == {"policy"}
    table = run("list", "--kind", "policy", "--status", "drafting", facts=None)
    for record in records:
        assert f"policy · {record['status']['text']}" in table.stdout
    shown = run("show", records[0]["id"], facts=None)
    status = records[0]["status"]
    assert f"status    {status['state']} ({status['text']})" in shown.stdout
    assert run("list", "--status", "someday", facts=None).exit_code == ExitCode.USAGE_ERROR


def test_the_readme_json_schema_lists_every_declared_field():
    """The fact object's table in the README is the declaration's (model.FIELDS)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## JSON schema") : text.index("A policy's **state**")]
    documented = {
        key for cell in re.findall(r"^\| (`[^|]+`) \|", table, re.M)
        for key in re.findall(r"`(\w+)`", cell)
    }  # fmt: skip
    assert documented == FACT_KEY_SET
