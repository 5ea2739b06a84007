"""Issue 23: the kinds of figure a draft missed or mislabelled, each with made-up
examples of our own (simplified and traditional), and the figures the drafts of the
shared texts found before it (tests/draft_found_d008dd8.json), all kept."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cqfacts.facts.factfile import parse_fact_file
from cqfacts.text.draft import draft_report
from cqfacts.text.kinds import UNITLESS

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FOUND_BEFORE = Path(__file__).with_name("draft_found_d008dd8.json")
YEARS = {
    "seeds/000_6d581c0dd9f637d5.txt": 2023,
    "samples/2021-sci-tech-daily-review.txt": 2020,
    "samples/2025-press-conference-review.txt": 2025,
}
#: Found at d008dd8, dropped on purpose: no figures (a ranking list's name).
DROPPED = {("samples/2021-sci-tech-daily-review.txt", "100强")}
#: Labels that name no subject (what drafts used to give).
CONNECTORS = {"和", "与", "及", "增长", "提高到", "增加到", "增长到", "总体情况", "分别增长"}


def held(fact: dict[str, Any]) -> str:
    """A drafted fact's figure as written: its value_text, or a change alone's figure
    (its change text without the verb: 增长64.4% holds 64.4%)."""
    if fact["value_text"] is not None:
        return str(fact["value_text"])
    return re.sub(r"^\D*", "", fact["change"]["text"])


def drafted(text: str) -> list[dict[str, Any]]:
    draft = draft_report(text, year=2024)
    # Every draft still validates as a fact file.
    again = parse_fact_file(draft.to_toml(), "drafted.toml")
    assert len(again.facts) == len(draft.facts)
    return [fact for fact in draft.facts if fact["kind"] != "policy"]


def by_text(text: str) -> dict[str, dict[str, Any]]:
    return {held(fact): fact for fact in drafted(text)}


def change_of(fact: dict[str, Any]) -> str | None:
    return fact["change"]["text"] if fact["change"] else None


# --- 1. A space or a line break between number and unit --------------------------------


@pytest.mark.parametrize(
    ("text", "value_text", "value", "unit", "subject", "change"),
    [
        ("全年技术合同成交额 512.3 亿元，同比增长 21.7%。", "512.3 亿元", 512.3, "亿元",
         "技术合同成交额", "同比增长 21.7%"),
        ("新增科技型企业\u30002,150 家，增长 8.4%。", "2,150 家", 2150, "家", "科技型企业",
         "增长 8.4%"),
        # A wrapped line is read across, the break taken out.
        ("全市规模以上工业企业研发经费支出达到\n318.6亿元，比上年增长\n12.4%。", "318.6亿元",
         318.6, "亿元", "规模以上工业企业研发经费支出", "比上年增长12.4%"),
        ("截至年底，全市有效发明专利拥有量达到 6,8\n12件，较上年增加 903 件。", "6,812件",
         6812, "件", "有效发明专利拥有量", "较上年增加 903 件"),
        ("按照统计口径，全年全市技术市场登记技术合同成交额达到 74\n5.6 亿元，同比增长 15.2"
         "%，其中技术开发合同成交额占\n比过半。",
         "745.6 亿元", 745.6, "亿元", "技术合同成交额", "同比增长 15.2%"),
        ("技術合同成交額 86.4 億元，同比增長 9.8%。", "86.4 億元", 86.4, "亿元", "技術合同成交額",
         "同比增長 9.8%"),
    ],
)  # fmt: skip
def test_a_space_or_a_wrapped_line_between_number_and_unit(
    text: str, value_text: str, value: float, unit: str, subject: str, change: str
) -> None:
    facts = by_text(text)
    fact = facts[value_text]
    assert (fact["value"], fact["unit"]) == (value, unit)
    assert subject in fact["label"]
    assert change_of(fact) == change
    assert len(facts) == 1  # the change is the figure's, not a figure of its own


def test_a_wrapped_line_is_read_across_but_a_title_line_is_not() -> None:
    text = (
        "科技创新成效\n全年新认定高新技术企业\n1,204家。新增孵化器\n16个。\n2024年，新增企业3家。"
    )
    facts = by_text(text)
    assert facts["1,204家"]["label"] == "新认定高新技术企业"
    assert facts["16个"]["label"] == "新增孵化器"
    # Lines and columns are the source's, its wrapped lines counted.
    assert (facts["1,204家"]["line"], facts["1,204家"]["column"]) == (3, 1)
    assert (facts["3家"]["line"], facts["3家"]["column"]) == (5, 11)
    assert "科技创新成效" not in facts["1,204家"]["label"]
    # A year opening a line opens a paragraph: the text's year is still found.
    assert draft_report(text).year == 2024


# --- 2. 分别 lists -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The changes belong to the figures in order.
        ("发明专利申请8100件、授权1530件，分别增长12%和9%。",
         {"8100件": "增长12%", "1530件": "增长9%"}),
        ("新建国家级平台14个、省级平台52个，分别增长16.7%、8.3%。",
         {"14个": "增长16.7%", "52个": "增长8.3%"}),
        ("发明专利申请8100件、授权1530件，分别比上年增长12%和9%。",
         {"8100件": "比上年增长12%", "1530件": "比上年增长9%"}),
        ("新增A类企业12家和B类企业30家，分别较“十三五”末增长20%、15%。",
         {"12家": "较“十三五”末增长20%", "30家": "较“十三五”末增长15%"}),
        # A list broken across lines.
        ("引进高层次人才320名、青年人才2,450名，\n分别增长11.2%、\n6.9%。",
         {"320名": "增长11.2%", "2,450名": "增长6.9%"}),
        ("高新技術企業、科技型企業分別達到7,565家、58,524家，分別增長19.2%、36.1%。",
         {"7,565家": "增長19.2%", "58,524家": "增長36.1%"}),
    ],
)  # fmt: skip
def test_a_list_of_changes_goes_to_its_figures_in_order(
    text: str, expected: dict[str, str]
) -> None:
    facts = by_text(text)
    assert set(facts) == set(expected)
    for value_text, change in expected.items():
        assert change_of(facts[value_text]) == change
        assert facts[value_text]["label"] not in CONNECTORS


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("专利授权量、商标注册量分别增长12.5%和8.1%。",
         {"12.5%": "专利授权量增长", "8.1%": "商标注册量增长"}),
        ("新增市级重点实验室和工程技术研究中心分别为25个和40个。",
         {"25个": "新增市级重点实验室", "40个": "工程技术研究中心"}),
        ("出口額、進口額分別下降3.2%和1.7%。", {"3.2%": "出口額下降", "1.7%": "進口額下降"}),
    ],
)  # fmt: skip
def test_a_list_gives_each_figure_its_subject_never_a_connector(
    text: str, labels: dict[str, str]
) -> None:
    facts = by_text(text)
    assert {key: fact["label"] for key, fact in facts.items()} == labels


# --- 3. Figures with no unit, and 年 as a unit ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "subject"),
    [
        ("区域创新能力指数达到81.6，居西部前列。", [81.6], "区域创新能力指数"),
        ("婴儿死亡率从4.1下降到2.9。", [4.1, 2.9], "婴儿死亡率"),
        ("城镇居民恩格尔系数为 28.5，", [28.5], "恩格尔系数"),
        ("基尼係數為0.465。", [0.465], "基尼係數"),
        ("全省数字经济发展指数由2020年的62.4提高到2023年的71.9。", [62.4, 71.9],
         "数字经济发展指数"),
    ],
)  # fmt: skip
def test_an_index_or_a_rate_is_a_figure_without_a_unit(
    text: str, values: list[float], subject: str
) -> None:
    facts = drafted(text)
    assert [fact["value"] for fact in facts] == values
    assert all(fact["unit"] == UNITLESS for fact in facts)
    assert all(subject in fact["label"] for fact in facts)
    assert all("分" not in held(fact) for fact in facts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平均受教育年限从10.8年提高到11.3年。", {"10.8年": 10.8, "11.3年": 11.3}),
        ("劳动年龄人口平均受教育年限达到12年。", {"12年": 12}),
        ("平均受教育年限從10.8年提高到11.3年。", {"10.8年": 10.8, "11.3年": 11.3}),
    ],
)  # fmt: skip
def test_years_measured_are_figures(text: str, expected: dict[str, float]) -> None:
    facts = by_text(text)
    assert {key: fact["value"] for key, fact in facts.items()} == expected
    assert all(fact["unit"] == "年" for fact in facts.values())
    assert all("受教育年限" in fact["label"] for fact in facts.values())


@pytest.mark.parametrize(
    "text",
    ["2023年，全市经济回升。", "5年来，我市持续推进改革。", "连续3年保持增长。",
     "指数2023年发布。", "本条例自2024年1月1日起施行。"],
)  # fmt: skip
def test_years_dates_and_spans_stay_no_figures(text: str) -> None:
    assert [held(fact) for fact in drafted(text + "新增企业3家。")] == ["3家"]


# --- 4. From-to pairs ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subject", "earlier", "later", "years"),
    [
        ("研发经费由2016年的302亿元增长到2021年的603亿元。", "研发经费", "302亿元", "603亿元",
         (2016, 2021)),
        ("高速公路里程从3400公里增加到4000公里。", "高速公路里程", "3400公里", "4000公里",
         (2024, 2024)),
        ("森林覆盖率由43.1%提高到55%，", "森林覆盖率", "43.1%", "55%", (2024, 2024)),
        ("營業收入由2019年的120億元增長到2022年的168億元。", "營業收入", "120億元", "168億元",
         (2019, 2022)),
    ],
)  # fmt: skip
def test_a_from_to_pair_labels_both_with_its_subject(
    text: str, subject: str, earlier: str, later: str, years: tuple[int, int]
) -> None:
    facts = by_text(text)
    assert set(facts) == {earlier, later}
    assert facts[earlier]["label"] == facts[later]["label"] == subject
    # The earlier figure is the later one's previous value, said in its note.
    assert f"previous value {earlier}" in facts[later]["note"]
    assert (facts[earlier]["year"], facts[later]["year"]) == years
    assert facts[later]["change"] is None


# --- 5. Labels name the subject, not a section title or a connector ------------------------


@pytest.mark.parametrize(
    ("text", "value_text", "subject"),
    [
        ("一、总体情况\n全年实现技术合同成交额630.4亿元。", "630.4亿元", "技术合同成交额"),
        ("一、总体情况\n授权发明专利达到4500件。", "4500件", "授权发明专利"),
        ("科技型企业突破5万家，", "突破5万家", "科技型企业"),
        ("2023年，全市研发人员总量为24.6万人。", "24.6万人", "研发人员总量"),
        ("其中，国家级科技企业孵化器为28家。", "28家", "国家级科技企业孵化器"),
        ("年末全市常住人口3191.43萬人。", "3191.43萬人", "常住人口"),
        # A share or a total of the subject named before it.
        ("全年研发经费支出760.02亿元，占地区生产总值的比重为2.52%。", "2.52%", "研发经费支出"),
        ("新建院士专家工作站12个，总数达到215个。", "215个", "院士专家工作站"),
        ("全年粮食产量1.39万亿斤，", "1.39万亿斤", "粮食产量"),
    ],
)  # fmt: skip
def test_a_label_is_the_noun_phrase_the_figure_measures(
    text: str, value_text: str, subject: str
) -> None:
    fact = by_text(text)[value_text]
    assert subject in fact["label"]
    assert fact["label"] not in CONNECTORS
    assert not fact["label"].startswith(("2023年", "其中", "年末"))


# --- 6. Changes right after a figure ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value_text", "change"),
    [
        ("规上工业增加值1200亿元，增速8.1%。", "1200亿元", "增速8.1%"),
        ("研发经费投入1020亿元，年均增长14.8%。", "1020亿元", "年均增长14.8%"),
        ("研发投入强度2.45%，比上年提高0.12个百分点。", "2.45%", "比上年提高0.12个百分点"),
        ("研發經費投入1,020億元，年均增長14.8%。", "1,020億元", "年均增長14.8%"),
        ("居民人均可支配收入4.2万元，比全国平均水平高0.6个百分点。", "4.2万元",
         "比全国平均水平高0.6个百分点"),
        ("技术合同成交额630.4亿元（增长25.5%）。", "630.4亿元", "增长25.5%"),
        ("技術合同成交額630.4億元(同比增長25.5%)。", "630.4億元", "同比增長25.5%"),
    ],
)  # fmt: skip
def test_a_growth_rate_after_a_figure_is_its_change(
    text: str, value_text: str, change: str
) -> None:
    facts = by_text(text)
    assert set(facts) == {value_text}
    assert change_of(facts[value_text]) == change


# --- 7. Chinese numerals ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value_text", "value", "unit", "kind"),
    [
        ("超五成规上工业企业开展研发活动。", "超五成", 5, "成", "figure"),
        ("七成以上的企业享受政策。", "七成以上", 7, "成", "figure"),
        ("民营企业贡献了两成税收。", "两成", 2, "成", "figure"),
        ("区域创新能力进入全国前八，", "前八", 8, "位", "rank"),
        ("綜合實力進入全國前十。", "前十", 10, "位", "rank"),
        ("研发投入占全市四分之一。", "四分之一", 25, "%", "figure"),
    ],
)  # fmt: skip
def test_figures_in_chinese_numerals_are_kept(
    text: str, value_text: str, value: int | None, unit: str | None, kind: str
) -> None:
    fact = by_text(text)[value_text]
    assert (fact["value"], fact["unit"], fact["kind"]) == (value, unit, kind)


@pytest.mark.parametrize(
    "text",
    ["出台双十条政策。", "科技创新取得三项新突破。", "实施人才新政十条。", "實現四項重大突破。",
     "成为创新高地，建成一流平台，前三季度平稳。"],
)  # fmt: skip
def test_names_and_rhetoric_in_chinese_numerals_are_no_figures(text: str) -> None:
    assert [held(fact) for fact in drafted(text + "新增企业3家。")] == ["3家"]


# --- Drafts of the shared texts keep what they found before ----------------------------------


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"the shared texts are not at {SHARED}")
@pytest.mark.parametrize("name", sorted(YEARS))
def test_drafts_of_the_shared_texts_keep_every_figure_found_before(name: str) -> None:
    """Each figure found at d008dd8 (its value_text on its line) is still drafted: as
    a fact's value_text, within a longer one, or as a change now attached."""
    before = json.loads(FOUND_BEFORE.read_text(encoding="utf-8"))["texts"][name]
    before = [found for found in before if (name, found[1]) not in DROPPED]
    text = (SHARED / name).read_text(encoding="utf-8")
    facts = draft_report(text, year=YEARS[name]).facts
    written: dict[int, list[str]] = {}
    for fact in facts:
        for found in (held(fact), change_of(fact)):
            if found:
                written.setdefault(fact["line"], []).append(found)
    missing = [
        (line, value_text)
        for line, value_text in before
        if not any(value_text in found for found in written.get(line, []))
    ]
    assert missing == []
