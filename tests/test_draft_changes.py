"""Issue 23, measured on texts draft had never seen: a rate of change with no level
before it is a change alone (as the shipped reports hold one), a second change of one
figure goes to its note, and the wordings of changes those texts use (同口径, 预计,
成長, a comparison with a PDF's space, 分别比2019年). The examples are our own."""

from __future__ import annotations

from typing import Any

import pytest

from cqfacts.facts.factfile import parse_fact_file
from cqfacts.facts.model import Fact
from cqfacts.text.draft import draft_report


def drafted(text: str, known: list[Fact] | None = None) -> list[dict[str, Any]]:
    draft = draft_report(text, year=2024, known=known)
    again = parse_fact_file(draft.to_toml(), "drafted.toml")  # still a valid fact file
    assert len(again.facts) == len(draft.facts)
    return [fact for fact in draft.facts if fact["kind"] != "policy"]


def only(text: str) -> dict[str, Any]:
    (fact,) = drafted(text)
    return fact


# --- A rate of change with no level before it ------------------------------------------


@pytest.mark.parametrize(
    ("text", "change"),
    [
        ("全年新材料企业增长27.5%。", {"value": 27.5, "unit": "%", "text": "增长27.5%"}),
        ("研发投入强度比上年提高0.31个百分点。",
         {"value": 0.31, "unit": "个百分点", "text": "比上年提高0.31个百分点"}),
        ("技術經紀人增長2.5倍。", {"value": 2.5, "unit": "倍", "text": "增長2.5倍"}),
    ],
)  # fmt: skip
def test_a_rate_alone_is_a_change_alone(text: str, change: dict[str, Any]) -> None:
    fact = only(text)
    assert (fact["value"], fact["unit"], fact["value_text"]) == (None, None, None)
    assert fact["change"] == change
    assert "no base figure" in fact["note"]


def test_a_list_of_rates_alone_gives_each_its_figure_as_written() -> None:
    facts = drafted("软件业、服务业收入分别增长18.5%、9.6%。")
    assert [fact["change"]["text"] for fact in facts] == ["增长18.5%", "9.6%"]
    assert all(fact["value"] is None for fact in facts)


def test_an_increase_in_a_count_stays_a_value() -> None:
    # 较上年增加12项 counts new projects: a value in 项, as the 2023 base holds one.
    fact = only("重大专项较上年增加12项。")
    assert (fact["value"], fact["unit"], fact["value_text"]) == (12, "项", "12项")


def test_a_rate_alone_never_carries_a_value_under_a_counted_indicator() -> None:
    counted = drafted("全市孵化器达到250家。")[0]
    base = draft_report("全市孵化器达到250家。", year=2023).base
    (known,) = [fact._replace(draft=False, id="incubators") for fact in base.facts]
    assert counted["unit"] == "家"
    (fact,) = drafted("孵化器增长12.5%。", [known])
    assert fact["id"] == "incubators"
    assert fact["value"] is None and fact["unit"] is None
    assert fact["change"]["unit"] == "%"


# --- A second change of one figure ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value_text", "change", "also"),
    [
        ("全年软件收入4200亿元，比2019年增长42.3%，年均增长12.5%。", "4200亿元",
         "比2019年增长42.3%", "also 年均增长12.5%"),
        ("地区生产总值2.6万亿元，同比增长5.4%，增速比全国高0.6个百分点。", "2.6万亿元",
         "同比增长5.4%", "also 增速比全国高0.6个百分点"),
        ("新建基地15个，增长25%，增幅比上年高3个百分点。", "15个", "增长25%",
         "also 增幅比上年高3个百分点"),
    ],
)  # fmt: skip
def test_a_second_change_goes_to_the_figures_note(
    text: str, value_text: str, change: str, also: str
) -> None:
    fact = only(text)
    assert fact["value_text"] == value_text
    assert fact["change"]["text"] == change
    assert also in fact["note"]


def test_a_second_list_of_changes_goes_to_the_same_figures() -> None:
    text = (
        "两类减免分别为120.5亿元和86.2亿元，分别比2019年增长22.1%和13.4%，年均分别增长6.9%和4.3%。"
    )
    facts = drafted(text)
    assert [fact["value_text"] for fact in facts] == ["120.5亿元", "86.2亿元"]
    assert [fact["change"]["value"] for fact in facts] == [22.1, 13.4]
    assert "also 年均分别增长6.9%" in facts[0]["note"]
    assert "also 年均增长4.3%" in facts[1]["note"]


def test_a_second_change_of_a_rate_alone_goes_to_its_note() -> None:
    fact = only("全年设备投资同比增长18.2%、高于全部投资增速9.4个百分点。")
    assert fact["change"]["text"] == "同比增长18.2%"
    assert "also 高于全部投资增速9.4个百分点" in fact["note"]


def test_changes_of_other_subjects_stay_their_own() -> None:
    facts = drafted("软件收入增长12%，硬件收入增长9%。")
    assert [fact["change"]["value"] for fact in facts] == [12, 9]


# --- Wordings of a change -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value_text", "change"),
    [
        ("全社会研发投入 412.6 亿元，同口径增长 11.3%。", "412.6 亿元", "同口径增长 11.3%"),
        ("完成主营业务收入820亿元，预计增长9%以上；", "820亿元", "预计增长9%以上"),
        ("实现总收入 2.3 万亿(预计)，同比增长 8.8%，", "2.3 万亿", "同比增长 8.8%"),
        ("全年研發經費為3,120億元，較上年成長6.4%，", "3,120億元", "較上年成長6.4%"),
        ("财政科技支出815亿元，比2019 年增长 14.2%，", "815亿元", "比2019 年增长 14.2%"),
    ],
)  # fmt: skip
def test_a_change_worded_so_attaches_to_its_figure(text: str, value_text: str, change: str) -> None:
    fact = only(text)
    assert fact["value_text"] == value_text
    assert fact["change"]["text"] == change


def test_a_list_compared_with_a_year_or_broken_before_its_numbers_attaches_in_order() -> None:
    text = "合同金额、合同项数分别为 96.2 亿元、4120 项，\n分别增长 31.5%、12.8%。"
    facts = drafted(text)
    assert [fact["change"]["value"] for fact in facts] == [31.5, 12.8]
    text = "两项收入分别为52亿元和31亿元，分别比2019年增长20.5%和9.1%。"
    assert [fact["change"]["value"] for fact in drafted(text)] == [20.5, 9.1]


# --- A figure over several years is no year's ------------------------------------------


def _indicator(fact_id: str, label: str, unit: str, label_en: str) -> Fact:
    return Fact(
        id=fact_id, topic="成果", topic_en="Results", pillar=None, section=None,
        kind="figure", label=label, label_en=label_en, value=5, unit=unit,
        value_text=f"5{unit}", year=2023,
    )  # fmt: skip


ANNUAL = _indicator("widget-sales", "零件销售额", "亿元", "Widget sales")
OVER_THE_PLAN = _indicator(
    "widget-sales-13th-fyp-total", "十三五期间零件销售额", "亿元", "Widget sales over the 13th FYP"
)
SHARE = _indicator("widget-share", "零件市场占有率", "%", "Widget market share")


@pytest.mark.parametrize(
    "text",
    ["“十三五”期间，零件销售额近900亿元。", "过去五年，全市零件销售额累计820亿元。"],
)
def test_a_total_over_years_takes_no_annual_indicator(text: str) -> None:
    (fact,) = drafted(text, [ANNUAL, SHARE])
    assert fact["id"] != "widget-sales"
    assert "over several years" in fact["note"]
    (fact,) = drafted(text, [ANNUAL, OVER_THE_PLAN, SHARE])
    assert fact["id"] == "widget-sales-13th-fyp-total"


def test_a_years_figure_and_a_rate_at_a_periods_end_keep_their_indicators() -> None:
    (fact,) = drafted("2023年，零件销售额120亿元。", [ANNUAL, OVER_THE_PLAN])
    assert fact["id"] == "widget-sales"
    (fact,) = drafted("“十三五”期间，零件市场占有率达到31%。", [ANNUAL, SHARE])
    assert fact["id"] == "widget-share"
    # A rank at the period's end is a level too.
    ranking = _indicator("widget-rank", "零件竞争力排名", "位", "Widget competitiveness rank")
    ranking = ranking._replace(kind="rank", value_text="第5位")
    (fact,) = drafted("“十三五”时期，零件竞争力排名全国第7位。", [ANNUAL, ranking])
    assert fact["id"] == "widget-rank"


def test_a_second_change_after_a_comparison_with_a_year_goes_to_the_note() -> None:
    fact = only("全省研发经费820亿元，比上年增长9.2%，与2018年相比，年均增长11.6%。")
    assert fact["change"]["text"] == "比上年增长9.2%"
    assert "also 与2018年相比，年均增长11.6%" in fact["note"]


def test_a_pdf_line_ending_in_a_connective_runs_on_into_a_year() -> None:
    text = "全省研发经费 820 亿元，比上年增长 9.2%，与\n2018 年相比，年均增长 11.6%。"
    (fact,) = drafted(text)
    assert fact["change"]["value"] == 9.2
    assert "年均增长 11.6%" in fact["note"]


# --- A change of an index in points -----------------------------------------------------


def test_an_index_change_in_points_attaches_to_the_index() -> None:
    text = "全省营商环境指数为86.4，比上年提高2.3，与2019年相比，年均提高1.9。"
    fact = only(text)
    assert (fact["value"], fact["unit"]) == (86.4, "(无单位)")
    assert fact["change"] == {"value": 2.3, "unit": "(无单位)", "text": "比上年提高2.3"}
    assert "also 与2019年相比，年均提高1.9" in fact["note"]
    fact = only("全省开放指数为71.2，与2019年相比，年均提高2.8。")
    assert fact["change"]["value"] == 2.8


def test_an_index_change_with_no_level_is_a_figure_of_its_own() -> None:
    fact = only("各分项指数均有所上升，其中绿色发展分项指数年均提高超6.5。")
    assert (fact["value"], fact["qualifier"], fact["value_text"]) == (6.5, "超", "超6.5")


def test_a_bare_number_after_a_change_verb_elsewhere_is_no_figure() -> None:
    assert len(drafted("排名提高5，合作项目增加3，新建基地2个。")) == 1
