"""Several reports from the command line: --facts repeated or a directory,
CQFACTS_FACTS as a list, --year, a Year column, `show` naming other years, `trend`."""

import json
import os
from pathlib import Path

import pytest

from cqfacts.cli.app import ExitCode
from cqfacts.store.paths import shipped_fact_path
from cqfacts.text.draft import draft_report

# The shipped 2023 work summary alone ("+" is every shipped file).
REPORT_2023 = str(shipped_fact_path())

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLE_2024 = SHARED / "samples" / "2025-press-conference-review.txt"
pytestmark = pytest.mark.skipif(not SAMPLE_2024.is_file(), reason=f"needs {SHARED}")


@pytest.fixture
def report_2024(tmp_path: Path) -> Path:
    """The 2025 press review drafted as the 2024 report, its technology-contract
    turnover (974.24亿元) curated to the shipped base's id for that indicator."""
    text = draft_report(SAMPLE_2024.read_text(encoding="utf-8"), year=2024,
                        title="2024年科技创新成效").to_toml()  # fmt: skip
    lines = text.splitlines()
    at = lines.index('value_text = "974.24亿元"')
    drafted = next(line for line in reversed(lines[:at]) if line.startswith("id = "))
    path = tmp_path / "reports" / "facts-2024.toml"
    path.parent.mkdir()
    curated = text.replace(drafted, 'id = "tech-contract-turnover"').replace("draft = true\n", "")
    path.write_text(curated, encoding="utf-8")
    return path


def test_repeated_facts_search_both_reports_with_a_year_column(run, report_2024):
    result = run("--facts", REPORT_2023, "search", "技术合同成交额", facts=report_2024)
    assert result.exit_code == ExitCode.FOUND
    header = result.stdout.splitlines()[0]
    assert header.split()[-1] == "Year"
    # One row per indicator: its latest year, and since when the reports give it.
    assert "974.24亿元" in result.stdout and "2024 (2023–)" in result.stdout
    assert "865.1亿元" not in result.stdout
    every = run("--facts", REPORT_2023, "search", "技术合同成交额", "--all-years",
                facts=report_2024).stdout  # fmt: skip
    assert "865.1亿元" in every and "974.24亿元" in every
    records = json.loads(run("--facts", REPORT_2023, "search", "技术合同成交额", "--json",
                             "--all-years", facts=report_2024).stdout)  # fmt: skip
    assert {(r["value"], r["year"]) for r in records} >= {(865.1, 2023), (974.24, 2024)}
    one_year = run("--facts", REPORT_2023, "search", "技术合同成交额", "--year", "2023", "--json",
                   facts=report_2024)  # fmt: skip
    assert {record["year"] for record in json.loads(one_year.stdout)} == {2023}


def test_a_directory_and_the_environment_list_name_several_reports(run, report_2024, monkeypatch):
    by_directory = run("--facts", REPORT_2023, "list", "--year", "2024", "--json",
                       facts=report_2024.parent)  # fmt: skip
    assert by_directory.exit_code == ExitCode.FOUND
    assert {record["year"] for record in json.loads(by_directory.stdout)} == {2024}
    monkeypatch.setenv("CQFACTS_FACTS", os.pathsep.join([REPORT_2023, str(report_2024)]))
    listed = run("list", "--json", facts=None)
    assert {record["year"] for record in json.loads(listed.stdout)} == {2023, 2024}


def test_show_answers_with_the_latest_year_and_names_the_others(run, report_2024):
    latest = run(
        "--facts", REPORT_2023, "show", "tech-contract-turnover", "--json", facts=report_2024
    )
    record = json.loads(latest.stdout)
    assert (record["year"], record["value"], record["years"]) == (2024, 974.24, [2023, 2024])
    table = run("--facts", REPORT_2023, "show", "tech-contract-turnover", facts=report_2024).stdout
    assert "years     2024 (also 2023: cqfacts trend tech-contract-turnover)" in table
    older = run("--facts", REPORT_2023, "show", "tech-contract-turnover", "--year", "2023",
                "--json", facts=report_2024)  # fmt: skip
    assert json.loads(older.stdout)["value"] == 865.1
    missing = run("--facts", REPORT_2023, "show", "tech-contract-turnover", "--year", "2019",
                  facts=report_2024)  # fmt: skip
    assert missing.exit_code == ExitCode.USAGE_ERROR
    assert missing.stderr == "cqfacts: no loaded fact describes 2019; years: 2023, 2024\n"


def test_trend_follows_the_indicator_in_year_order(run, report_2024):
    result = run(
        "--facts", REPORT_2023, "trend", "tech-contract-turnover", "--json", facts=report_2024
    )
    assert result.exit_code == ExitCode.FOUND
    points = json.loads(result.stdout)
    assert [point["year"] for point in points] == [2023, 2024]
    assert set(points[0]) >= {"year", "report", "fact", "derived_previous"}
    # 865.1亿元, 增长37.2%: about 630.5亿元 the year before.
    assert round(points[0]["derived_previous"]["value"], 1) == 630.5
    assert points[1]["stated_previous"]["value"] == 865.1
    table = run("--facts", REPORT_2023, "trend", "技术合同成交额", facts=report_2024).stdout
    assert "865.1亿元" in table and "974.24亿元" in table
    assert table.index("2023") < table.index("2024")
    nothing = run("--facts", REPORT_2023, "trend", "香蕉", "--json", facts=report_2024)
    assert (nothing.exit_code, nothing.stdout) == (ExitCode.NOTHING_FOUND, "[]\n")


def test_pillar_rank_and_export_take_a_year(run, report_2024):
    pillar = json.loads(run("--facts", REPORT_2023, "pillar", "0", "--year", "2024", "--json",
                            facts=report_2024).stdout)  # fmt: skip
    assert {fact["year"] for fact in pillar["facts"]} == {2024}
    ranked = json.loads(run("--facts", REPORT_2023, "rank", "--by", "value", "--year", "2023",
                            "--json", facts=report_2024).stdout)  # fmt: skip
    assert ranked and {fact["year"] for fact in ranked} == {2023}
    exported = run("--facts", REPORT_2023, "export", "--format", "toml", "--year", "2024",
                   facts=report_2024)  # fmt: skip
    assert exported.exit_code == ExitCode.FOUND and "974.24亿元" in exported.stdout
    assert "865.1亿元" not in exported.stdout


def test_validate_checks_every_file_in_use(run, report_2024):
    result = run("--facts", REPORT_2023, "validate", "--json", facts=report_2024)
    assert result.exit_code == ExitCode.FOUND
    checked = json.loads(result.stdout)
    # In the order named: the run fixture names the 2024 file first.
    assert [Path(item["path"]).name for item in checked] == ["facts-2024.toml", "facts.toml"]
    assert checked[0]["facts"] > 0 and checked[1]["facts"] == 176
    assert checked[0]["drafts"] == checked[1]["drafts"] == 0  # the curated 2024 file


def test_a_drafted_fact_is_marked_in_every_table(run, tmp_path):
    """A draft no curator has checked says so wherever it is listed, in both languages."""
    text = draft_report(SAMPLE_2024.read_text(encoding="utf-8"), year=2024).to_toml()
    path = tmp_path / "draft-2024.toml"
    path.write_text(text, encoding="utf-8")
    listed = run("--facts", str(path), "search", "技术合同成交额", facts=None).stdout
    ranked = run("--facts", str(path), "rank", "--unit", "亿元", facts=None).stdout
    english = run("--facts", str(path), "rank", "--unit", "亿元", "--lang", "en", facts=None).stdout
    assert "草稿 " in listed and "草稿 " in ranked and "DRAFT " in english
    checked = run("--facts", REPORT_2023, "search", "技术合同成交额", facts=None).stdout
    assert "草稿" not in checked


def test_pillar_and_rank_answer_for_one_report_and_year(run, report_2024):
    """Several reports with parts loaded: a part is the newest report's unless --year,
    and rank ranks one year's figures, each indicator once (the issue's five-year total
    from another year no longer comes first)."""
    loaded = ("--facts", REPORT_2023)
    part = json.loads(run(*loaded, "pillar", "0", "--json", facts=report_2024).stdout)
    assert {fact["year"] for fact in part["facts"]} == {2024}
    older = json.loads(run(*loaded, "pillar", "0", "--year", "2023", "--json",
                           facts=report_2024).stdout)  # fmt: skip
    assert {fact["year"] for fact in older["facts"]} == {2023}
    table = run(*loaded, "pillar", "0", facts=report_2024).stdout
    assert "(2024)" in table.splitlines()[1]
    ranked = json.loads(run(*loaded, "rank", "--unit", "亿元", "--json", facts=report_2024).stdout)
    assert {fact["year"] for fact in ranked} == {2024}  # the newest report with parts
    ids = [fact["id"] for fact in ranked]
    assert len(ids) == len(set(ids))
    every = json.loads(run(*loaded, "rank", "--unit", "亿元", "--all-years", "--json",
                           facts=report_2024).stdout)  # fmt: skip
    assert {fact["year"] for fact in every} == {2023, 2024}
