"""Auditing a fact base against its source text (cqfacts.text.audit)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cqfacts.errors import InvalidArgumentError
from cqfacts.facts.factfile import parse_fact_file
from cqfacts.facts.model import Change, Fact, FactBase
from cqfacts.store.loader import shipped_fact_path
from cqfacts.text import audit as audit_module
from cqfacts.text.audit import audit, report_for, stand_all, stands_at
from cqfacts.text.report import parse_report

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


# --- Hostile texts and several reports (issue 20) -------------------------------------


@pytest.mark.parametrize("line_end", ["\r", "\r\n", "\n"], ids=["cr", "crlf", "lf"])
def test_every_line_ending_ends_a_line_for_the_audit(line_end):
    # Row 16: with CR-only line endings every finding was on line 1, in the overview.
    text = line_end.join(["报告", "一、企业", "新增企业3个。", "二、人才", "新增院士2名。"])
    found = {item.text: item for item in audit(text, []).uncovered}
    assert (found["3个"].line, found["3个"].column, found["3个"].section) == (3, 5, "1.0")
    assert (found["2名"].line, found["2名"].column, found["2名"].section) == (5, 5, "2.0")


def test_a_number_too_long_for_int_is_no_figure_to_the_audit():
    # Row 7: int() refused the figure's 4,301 digits (a crash, exit 3).
    text = f"新增企业3个,编号{'1' * 4301}个,增长{'9' * 5000}%。"
    assert [item.text for item in audit(text, []).uncovered] == ["3个"]


@pytest.fixture(scope="module")
def two_reports(tmp_path_factory: pytest.TempPathFactory, shared_cache: Path) -> FactBase:
    """The shipped 2023 report and a 2024 one drafted from a text naming 2024."""
    from cqfacts.store.loader import load_many
    from cqfacts.text.draft import draft_report

    text = "2024年科技工作总结\n一、企业\n新增企业3个。\n"
    path = tmp_path_factory.mktemp("reports") / "f2024.toml"
    path.write_text(draft_report(text, year=2024).to_toml(), encoding="utf-8")
    return load_many([shipped_fact_path(), path], cache_dir=shared_cache).base


def test_only_the_report_the_text_is_of_is_audited(two_reports):
    # Row 14: a 2024 text was audited against both reports, listing 2023's 182 facts.
    text_2024 = "2024年,全市新增企业3个。"
    assert report_for(two_reports, text_2024).meta.year == 2024
    assert report_for(two_reports, "2023年重庆市科技工作总结 …").meta.year == 2023
    assert report_for(two_reports, text_2024, year=2023).meta.year == 2023
    chosen = report_for(two_reports, "x", report="2024年科技工作总结")
    assert chosen.meta.year == 2024
    assert report_for(two_reports, "x", report="f2024.toml") is chosen
    assert report_for(chosen, "a text naming no year").meta.year == 2024  # the only one


@pytest.mark.parametrize(
    ("text", "choice"),
    [("a text naming no year", {}), ("2022年", {}), ("x", {"year": 2022}),
     ("x", {"report": "no such report"})],
)  # fmt: skip
def test_a_report_that_cannot_be_told_is_a_usage_error_listing_the_loaded(
    two_reports, text, choice
):
    with pytest.raises(
        InvalidArgumentError, match=r"loaded: 2024 .*f2024\.toml.*; 2023 "
    ) as caught:
        report_for(two_reports, text, **choice)
    assert "\n" not in str(caught.value)


@given(
    st.text(alphabet="1.2,3个%亿元増增長长研發发“”《》 \n", max_size=60),
    st.sets(st.text(alphabet="1.2,3个%亿元増增長长研發发“”《》", max_size=5), max_size=20),
)
def test_one_pass_over_the_source_finds_what_a_scan_per_text_finds(text, needles):
    # Row 8: a base drafted from a long text has a text per figure, each looked for by a
    # scan of the whole source (quadratic); past MANY_TEXTS one pass finds them all.
    report = parse_report(text)
    found = stand_all(report, needles)
    assert {needle: found.get(needle, []) for needle in needles} == {
        needle: stands_at(report, needle) for needle in needles
    }


def test_an_audit_finds_the_same_in_one_pass_or_in_a_scan_per_text(shipped, report, monkeypatch):
    source = report.replace("7565家", "7566家").replace("。", "，新增孵化器27个。", 1)
    scanned = audit(source, shipped.base.facts)
    monkeypatch.setattr(audit_module, "MANY_TEXTS", 0)
    assert audit(source, shipped.base.facts) == scanned
    assert not scanned.clean


_COLLECTION = """
[meta]
title = "指标年度数据"
title_en = "Indicators by year"
region = "重庆市"
source = "figures gathered from several sources"

[sources.a]
title = "2024年的一篇报道"

[topics."企业"]
en = "Enterprises"

[[topics."企业".facts]]
id = "enterprises"
kind = "figure"
label = "企业"
label_en = "Enterprises"
value = 3
unit = "个"
value_text = "3个"
year = 2024
source = "a"

[[topics."企业".facts]]
id = "enterprises"
kind = "figure"
label = "企业"
label_en = "Enterprises"
value = 2
unit = "个"
value_text = "2个"
year = 2023
source = "a"
"""


def test_a_year_chooses_the_report_of_that_year_never_a_collection(two_reports, tmp_path):
    # Issue 22: with a collection of many years loaded (reports/series.toml, its [meta]
    # year its newest), a 2024 text or --year 2024 fit two files and audit refused.
    from cqfacts.facts.model import merge_bases

    collection = parse_fact_file(_COLLECTION, "series.toml")
    assert collection.meta.year == 2024
    base = merge_bases([*two_reports.parts, collection])
    text_2024 = "2024年,全市新增企业3个。"
    assert report_for(base, text_2024).path.endswith("f2024.toml")
    assert report_for(base, "x", year=2024).path.endswith("f2024.toml")
    assert report_for(base, "x", report="series.toml") is collection  # named, it is chosen
    assert report_for(base, "2023年重庆市科技工作总结 …").meta.year == 2023


def test_the_year_a_text_is_of_is_the_one_it_reports_on_not_the_first_it_writes(two_reports):
    # A review from a 2021 conference opens its paragraph on 2020 with 2020年,…; a plan's
    # 2035 comes first in another text. Each is the report of the year draft gives it.
    review = "重庆科技回顾\n从2021年会议上获悉进展。\n2024年,全市新增企业3个。"
    assert report_for(two_reports, review).meta.year == 2024
    plan = "到2035年建成科技强市。2024年,全市新增企业3个。"
    assert report_for(two_reports, plan).meta.year == 2024
