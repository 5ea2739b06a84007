import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqfacts import __version__
from cqfacts.cli import ExitCode, app
from cqfacts.model import FACT_KEYS

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


def test_a_closed_pipe_ends_quietly():
    with subprocess.Popen(
        [sys.executable, "-m", "cqfacts", "export", "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        process.stdout.read(10)
        process.stdout.close()
        stderr = process.stderr.read()
        process.wait()
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr


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


def test_processes_starting_together_share_one_cache_entry(tmp_path):
    env = {**os.environ, "CQFACTS_CACHE_DIR": str(tmp_path)}
    command = [sys.executable, "-m", "cqfacts", "search", "gxjsqy", "--json"]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    results = [process.communicate() for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0, 0]
    assert len({stdout for stdout, _ in results}) == 1
    assert all(stderr == b"" for _, stderr in results)
    assert len(list(tmp_path.iterdir())) == 1  # one entry, no temporary files left
