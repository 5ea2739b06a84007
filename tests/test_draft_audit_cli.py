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
