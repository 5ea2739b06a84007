"""Auditing a fact base against its source text (cqfacts.text.audit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cqfacts.facts.factfile import parse_fact_file
from cqfacts.facts.model import Change, Fact
from cqfacts.store.loader import shipped_fact_path
from cqfacts.text.audit import audit

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORT_2023 = SHARED / "seeds" / "000_6d581c0dd9f637d5.txt"


@pytest.fixture(scope="module")
def report() -> str:
    if not REPORT_2023.is_file():
        pytest.skip(f"the shared texts are not at {SHARED}")
    return REPORT_2023.read_text(encoding="utf-8")


def mutated_base(old: str, new: str) -> list[Fact]:
    text = shipped_fact_path().read_text(encoding="utf-8")
    assert old in text
    return list(parse_fact_file(text.replace(old, new), "mutated.toml").facts)


def fact(**fields: object) -> Fact:
    defaults: dict[str, object] = {
        "id": "f", "topic": "t", "topic_en": "t", "pillar": 0, "section": "0.0",
        "kind": "figure", "label": "l", "label_en": "l",
    }  # fmt: skip
    return Fact(**{**defaults, **fields})  # type: ignore[arg-type]


def test_the_shipped_base_audits_clean_against_the_2023_report(shipped, report):
    result = audit(report, shipped.base.facts, source="report.txt", paths=["facts.toml"])
    assert result.to_dict() == {
        "source": "report.txt",
        "facts": ["facts.toml"],
        "uncovered": [],
        "unsupported": [],
        "misplaced": [],
    }
    assert result.clean


def test_a_changed_figure_is_named(report):
    result = audit(report, mutated_base("7565家", "7566家"))
    assert not result.clean
    assert {item.id for item in result.unsupported} == {"high-tech-enterprises-total"}
    reasons = " ".join(item.reason for item in result.unsupported)
    assert "does not stand in the source" in reasons
    assert "value 7565 is not the figure" in reasons


def test_a_changed_figure_and_value_leave_the_source_figure_uncovered(report):
    result = audit(report, mutated_base("7565", "7566"))
    assert [item.id for item in result.unsupported] == ["high-tech-enterprises-total"]
    assert [(item.text, item.pillar, item.section) for item in result.uncovered] == [
        ("7565家", 4, "4.1")
    ]


def test_a_new_figure_in_the_source_is_named_with_its_place(shipped, report):
    source = report.replace("科创板上市企业达到3家。", "科创板上市企业达到3家。新增孵化器27个。")
    result = audit(source, shipped.base.facts)
    assert not result.clean
    [item] = result.uncovered
    assert (item.text, item.value, item.unit, item.pillar, item.section) == (
        "27个", 27, "个", 4, "4.3",
    )  # fmt: skip
    line = source.splitlines()[item.line - 1]
    assert line[item.column - 1 :].startswith("27个")


def test_a_new_change_is_uncovered_too(shipped, report):
    source = report.replace("3500万元,提升", "3500万元、增长12%,提升")
    result = audit(source, shipped.base.facts)
    assert [(item.text, item.value) for item in result.uncovered] == [("增长12%", 12)]


def test_a_new_document_is_uncovered(shipped, report):
    source = report.replace("修订《科研院所", "印发《重庆市科普条例》,修订《科研院所")
    result = audit(source, shipped.base.facts)
    assert [item.text for item in result.uncovered] == ["《重庆市科普条例》"]


def test_a_fact_in_the_wrong_section_is_misplaced(report):
    # sci-papers is in 3.1; say 3.2.
    facts = mutated_base('id = "sci-papers"\npillar = 3\nsection = "3.1"',
                         'id = "sci-papers"\npillar = 3\nsection = "3.2"')  # fmt: skip
    result = audit(report, facts)
    [item] = result.misplaced
    assert (item.id, item.section, item.found_pillar, item.found_section) == (
        "sci-papers", "3.2", 3, "3.1",
    )  # fmt: skip
    # The figure it left is then held by no fact of its own section.
    assert [entry.text for entry in result.uncovered] == ["18979篇"]


def test_value_unit_and_change_must_agree_with_their_texts():
    source = "技术合同成交额达到865.1亿元、增长37.2%。"
    good = fact(value=865.1, unit="亿元", value_text="865.1亿元",
                change=Change(37.2, "%", "增长37.2%"))  # fmt: skip
    assert audit(source, [good]).clean
    wrong_unit = fact(value=865.1, unit="万元", value_text="865.1亿元",
                      change=Change(37.2, "%", "增长37.2%"))  # fmt: skip
    [item] = audit(source, [wrong_unit]).unsupported
    assert "unit '万元'" in item.reason
    wrong_change = fact(value=865.1, unit="亿元", value_text="865.1亿元",
                        change=Change(37.3, "%", "增长37.2%"))  # fmt: skip
    reasons = [item.reason for item in audit(source, [wrong_change]).unsupported]
    assert reasons == ["change 37.3% is not the figure in '增长37.2%'"]


def test_a_value_text_inside_a_longer_number_does_not_stand():
    source = "发放贷款207.21亿元。"
    result = audit(source, [fact(value=1, unit="亿元", value_text="1亿元")])
    assert [item.reason for item in result.unsupported] == [
        "value_text '1亿元' does not stand in the source"
    ]


def test_a_simplified_base_audits_against_a_traditional_source(shipped, report):
    import opencc

    traditional = opencc.OpenCC("s2t").convert(report)
    assert traditional != report
    assert audit(traditional, shipped.base.facts).clean


def test_the_result_has_the_documented_keys():
    result = audit("新增企业5家。", [])
    data = result.to_dict()
    assert list(data) == ["source", "facts", "uncovered", "unsupported", "misplaced"]
    assert list(data["uncovered"][0]) == [
        "text", "value", "unit", "line", "column", "pillar", "section",
    ]  # fmt: skip
    moved = audit("一、甲\n新增企业5家。", [fact(value=5, unit="家", value_text="5家")])
    assert list(moved.to_dict()["misplaced"][0]) == [
        "id", "value_text", "pillar", "section", "found_pillar", "found_section", "line", "column",
    ]  # fmt: skip
    missing = audit("新增企业5家。", [fact(value=6, unit="家", value_text="6家")])
    assert list(missing.to_dict()["unsupported"][0]) == ["id", "value_text", "reason"]


def test_the_library_modules_load_no_cli_or_web_framework():
    import subprocess
    import sys

    code = (
        "import sys, cqfacts.text.audit, cqfacts.text.draft, cqfacts.text.report\n"
        "cqfacts.text.draft.draft_report('新增企业5家。')\n"
        "frameworks = ('typer', 'rich', 'click', 'flask', 'fastapi')\n"
        "print(sorted(name for name in frameworks if name in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
