"""`cqfacts draft` and `cqfacts audit` on real report texts (../shared)."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cqfacts.cli.app import ExitCode, app
from cqfacts.facts.model import FACT_KEYS

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORT = SHARED / "seeds" / "000_6d581c0dd9f637d5.txt"
SAMPLES = sorted((SHARED / "samples").glob("*.txt"))
pytestmark = pytest.mark.skipif(not REPORT.is_file(), reason=f"needs {SHARED} beside the repo")


def _run(*args: str, **kwargs):
    return CliRunner().invoke(app, ["--color", "never", *args], **kwargs)


def test_the_shipped_base_audits_clean_against_its_report():
    result = _run("audit", str(REPORT))
    assert (result.exit_code, result.stdout) == (ExitCode.FOUND, f"{REPORT}: clean\n")
    report = json.loads(_run("audit", str(REPORT), "--json").stdout)
    assert set(report) == {"source", "facts", "uncovered", "unsupported", "misplaced"}


def test_a_changed_figure_or_an_added_one_is_listed(tmp_path):
    text = REPORT.read_text(encoding="utf-8")
    changed = tmp_path / "changed.txt"
    changed.write_text(text.replace("7565家", "7566家"), encoding="utf-8")
    result = _run("audit", str(changed), "--json")
    assert result.exit_code == ExitCode.NOTHING_FOUND
    report = json.loads(result.stdout)
    assert "high-tech-enterprises-total" in {item["id"] for item in report["unsupported"]}
    added = tmp_path / "added.txt"
    added.write_text(text.replace("。", "，新增孵化器27个。", 1), encoding="utf-8")
    report = json.loads(_run("audit", str(added), "--json").stdout)
    assert [item["text"] for item in report["uncovered"]] == ["27个"]


@pytest.mark.parametrize("source", [REPORT, *SAMPLES], ids=lambda path: path.name)
def test_a_draft_validates_and_searches_at_once(tmp_path, source):
    drafted = _run("draft", str(source), "--year", "2024")
    assert drafted.exit_code == ExitCode.FOUND
    path = tmp_path / "draft.toml"
    path.write_text(drafted.stdout, encoding="utf-8")
    checked = _run("validate", str(path), "--json")
    report = json.loads(checked.stdout)
    assert (checked.exit_code, report["valid"]) == (ExitCode.FOUND, True)
    assert report["drafts"] == report["facts"] > 0
    facts = json.loads(_run("draft", str(source), "--json", "--year", "2024").stdout)
    assert all(tuple(fact) == FACT_KEYS and fact["draft"] for fact in facts)
    figure = next(fact for fact in facts if fact["value"] is not None)
    found = _run("--facts", str(path), "search", figure["value_text"], "--json")
    assert found.exit_code == ExitCode.FOUND
    assert figure["id"] in [fact["id"] for fact in json.loads(found.stdout)]


def test_draft_reads_stdin():
    text = REPORT.read_text(encoding="utf-8")
    assert _run("draft", "-", input=text).stdout == _run("draft", str(REPORT)).stdout


# --- Hostile input (issue 20) ---------------------------------------------------------


@pytest.mark.parametrize("command", ["draft", "audit"])
def test_a_closed_stdin_is_one_line_and_exit_2(command):
    # Row 6: sys.stdin is None when the process starts without fd 0 (<&-): exit 3.
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "cqfacts", command, "-"],
        capture_output=True, text=True, preexec_fn=lambda: os.close(0), check=False,
    )  # fmt: skip
    assert result.returncode == ExitCode.USAGE_ERROR
    assert result.stderr == "-: cannot read the source text: standard input is closed\n"


@pytest.mark.parametrize("command", ["draft", "audit"])
@pytest.mark.parametrize(
    ("path", "message"),
    [("", "cqfacts: cannot read the source text: the path is empty\n"),
     (".", ".: cannot read the source text: Is a directory\n"),
     ("absent.txt", "absent.txt: cannot read the source text: No such file or directory\n")],
)  # fmt: skip
def test_an_unreadable_source_says_source_text_not_fact_file(command, path, message):
    # Row 17: `draft ''` said "cannot read the fact file: Is a directory".
    result = _run(command, path)
    assert (result.exit_code, result.stderr) == (ExitCode.USAGE_ERROR, message)


def test_nothing_to_draft_is_exit_2_in_one_line_and_an_empty_json_list():
    # Row 9: a text with no figure drafted a file `validate` refused (no topics).
    result = _run("draft", "-", input="没有数字的文本。")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert result.stderr.startswith("cqfacts: nothing to draft") and result.stderr.count("\n") == 1
    result = _run("draft", "-", "--json", input="没有数字的文本。")
    assert (result.exit_code, json.loads(result.stdout)) == (ExitCode.FOUND, [])


def _drafted_years(result) -> list[str]:
    return re.findall(r"(?m)^year = .*", result.stdout)


def test_draft_takes_the_year_from_year_else_from_the_text(tmp_path):
    # Issue 22: draft without --year wrote year = 1, which validate accepted.
    text = "2022年重庆市科技工作总结\n全年新增企业100家,研发投入50亿元。"
    from_text = _run("draft", "-", input=text)
    assert (from_text.exit_code, _drafted_years(from_text)) == (ExitCode.FOUND, ["year = 2022"])
    given = _run("draft", "-", "--year", "2021", input=text)
    assert (given.exit_code, _drafted_years(given)) == (ExitCode.FOUND, ["year = 2021"])
    facts = json.loads(_run("draft", "-", "--json", input=text).stdout)
    assert {fact["year"] for fact in facts} == {2022}
    for result in (from_text, given):
        path = tmp_path / "draft.toml"
        path.write_text(result.stdout, encoding="utf-8")
        assert _run("validate", str(path)).exit_code == ExitCode.FOUND


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_draft_of_a_text_naming_no_year_asks_for_year_in_one_line(json_flag):
    result = _run("draft", "-", *json_flag, input="全年新增企业100家。")
    assert (result.exit_code, result.stdout) == (ExitCode.USAGE_ERROR, "")
    assert result.stderr.startswith("cqfacts: the text names no year")
    assert result.stderr.endswith("give the year with --year\n")
    assert result.stderr.count("\n") == 1


def test_draft_refuses_a_year_no_fact_file_takes_in_one_line():
    result = _run("draft", "-", "--year", "1", input="全年新增企业100家。")
    assert (result.exit_code, result.stderr) == (
        ExitCode.USAGE_ERROR,
        "cqfacts: the year 1 is not one a fact file takes (1949 to 2100)\n",
    )


def test_a_title_with_a_tab_is_refused_in_one_line():
    result = _run("draft", "-", "--title", "a\tb", input="新增企业3个。")
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert result.stderr == (
        "cqfacts: the title 'a\\tb' holds a control character ('\\t'): "
        "a fact file would refuse it\n"
    )


def test_a_figure_of_4301_digits_drafts_and_audits(tmp_path):
    # Row 7: int() refused the digits: exit 3, "this is a bug".
    source = tmp_path / "long.txt"
    source.write_text(f"新增企业3个,编号{'1' * 4301}个。", encoding="utf-8")
    drafted = _run("draft", str(source), "--year", "2024")  # the text names no year
    assert drafted.exit_code == ExitCode.FOUND
    path = tmp_path / "draft.toml"
    path.write_text(drafted.stdout, encoding="utf-8")
    assert _run("validate", str(path)).exit_code == ExitCode.FOUND
    assert _run("--facts", str(path), "audit", str(source)).exit_code == ExitCode.FOUND


def test_audit_checks_only_the_report_the_text_is_of(tmp_path):
    # Row 14: CQFACTS_FACTS=+:f2024.toml listed all 182 facts of 2023 as unsupported.
    text_2024 = REPORT.read_text(encoding="utf-8").replace("2023", "2024")
    source = tmp_path / "r2024.txt"
    source.write_text(text_2024, encoding="utf-8")
    facts_2024 = tmp_path / "f2024.toml"
    facts_2024.write_text(_run("draft", str(source), "--year", "2024").stdout, encoding="utf-8")
    env = {"CQFACTS_FACTS": f"+:{facts_2024}"}
    result = _run("audit", str(source), env=env)
    assert (result.exit_code, result.stdout) == (ExitCode.FOUND, f"{source}: clean\n")
    assert _run("audit", str(REPORT), env=env).exit_code == ExitCode.FOUND
    chosen = _run("audit", str(source), "--year", "2024", "--json", env=env)
    assert json.loads(chosen.stdout)["facts"] == [str(facts_2024)]
    unnamed = tmp_path / "unnamed.txt"
    unnamed.write_text("新增企业3个。", encoding="utf-8")
    result = _run("audit", str(unnamed), env=env)
    assert result.exit_code == ExitCode.USAGE_ERROR
    assert "choose one with --year or --report; loaded: " in result.stderr
    assert f"; 2024 2024年报告（草稿） ({facts_2024});" in result.stderr  # beside the shipped
    assert result.stderr.count("\n") == 1


def test_audit_of_several_years_checks_the_year_the_text_reports_on(tmp_path):
    # Issue 22: `audit` checked every loaded year against one text. A review held at a
    # 2021 conference that reports on 2020 is checked against the 2020 report alone.
    texts = {
        2020: "科技开新局\n从2021年会议上获悉进展。\n2020年,全市新增企业3个。",
        2021: "2021年重庆科技回顾\n全市新增企业4个,研发投入5亿元。",
    }
    env_files = []
    for year, text in texts.items():
        source = tmp_path / f"r{year}.txt"
        source.write_text(text, encoding="utf-8")
        drafted = _run("draft", str(source))
        assert _drafted_years(drafted) == [f"year = {year}"]
        path = tmp_path / f"f{year}.toml"
        path.write_text(drafted.stdout, encoding="utf-8")
        env_files.append(str(path))
    env = {"CQFACTS_FACTS": "+:" + ":".join(env_files)}  # beside the shipped reports
    for year in texts:
        result = _run("audit", str(tmp_path / f"r{year}.txt"), "--json", env=env)
        assert result.exit_code == ExitCode.FOUND, result.stderr
        assert json.loads(result.stdout)["facts"] == [str(tmp_path / f"f{year}.toml")]
    chosen = _run("audit", str(tmp_path / "r2020.txt"), "--year", "2021", "--json", env=env)
    assert json.loads(chosen.stdout)["facts"] == [str(tmp_path / "f2021.toml")]
    assert chosen.exit_code == ExitCode.NOTHING_FOUND  # 2021's facts are not in 2020's text
