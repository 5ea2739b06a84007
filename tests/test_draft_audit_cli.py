"""`cqfacts draft` and `cqfacts audit` on real report texts (../shared)."""

import json
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
    facts = json.loads(_run("draft", str(source), "--json").stdout)
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
    drafted = _run("draft", str(source))
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
    assert "choose one with --year or --report; loaded: 2024 " in result.stderr
    assert result.stderr.count("\n") == 1
