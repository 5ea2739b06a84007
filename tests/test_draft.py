"""Drafting a fact file from a report's text (cqfacts.text.report and cqfacts.text.draft).

Real texts come from ../shared/ beside the repository (CI clones it there); the tests
that need them skip, saying so, where it is absent.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cqfacts.facts.factfile import parse_fact_file
from cqfacts.text.draft import PLACEHOLDER_YEAR, Drafted, draft_report
from cqfacts.text.report import parse_report

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REPORT_2023 = SHARED / "seeds" / "000_6d581c0dd9f637d5.txt"
SAMPLE_2021 = SHARED / "samples" / "2021-sci-tech-daily-review.txt"
SAMPLE_2025 = SHARED / "samples" / "2025-press-conference-review.txt"
needs_shared = pytest.mark.skipif(
    not REPORT_2023.is_file(), reason=f"the shared texts are not at {SHARED}"
)

#: The issue's quality bars.
RECALL_2023 = 0.97
RECALL_UNSEEN = 0.95
NEW_KEYS = ("draft", "line", "column")
REQUIRED = ("id", "pillar", "section", "kind", "label", "label_en")
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DATE_OR_YEAR = re.compile(r"\d\s*[年月日号]|^\d{4}$")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def facts_of(text: str, **meta: Any) -> list[dict[str, Any]]:
    return draft_report(text, **meta).facts


def figures_of(text: str) -> list[dict[str, Any]]:
    return [fact for fact in facts_of(text) if fact["kind"] != "policy"]


def by_text(facts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {fact["value_text"]: fact for fact in facts}


def without_new_keys(toml_text: str) -> str:
    """The drafted file as the current validator takes it (main accepts the new keys)."""
    return re.sub(rf"(?m)^(?:{'|'.join(NEW_KEYS)}) = .*\n", "", toml_text)


def validates(drafted: Drafted) -> None:
    text = drafted.to_toml()
    data = tomllib.loads(text)
    assert set(data) == {"meta", "pillars", "topics"}
    for topic in data["topics"].values():
        assert set(topic) == {"en", "aliases", "facts"}
        for fact in topic["facts"]:
            assert fact["draft"] is True
            assert isinstance(fact["line"], int) and isinstance(fact["column"], int)
            assert all(fact[key] not in ("", None) for key in REQUIRED)
    base = parse_fact_file(without_new_keys(text), "drafted.toml")
    assert len(base.facts) == len(drafted.facts)


def recall(truth: list[str], facts: list[dict[str, Any]]) -> tuple[float, list[str]]:
    """Share of expected figures drafted (either text holding the other), each drafted
    fact matched once."""
    left = [fact["value_text"] for fact in facts]
    missed = []
    for expected in truth:
        match = next((t for t in left if expected in t or t in expected), None)
        if match is None:
            missed.append(expected)
        else:
            left.remove(match)
    return 1 - len(missed) / len(truth), missed


# --- Structure ------------------------------------------------------------------------


@needs_shared
def test_the_2023_report_has_its_six_pillars_and_their_sections(shipped):
    report = parse_report(read(REPORT_2023))
    assert sorted(report.pillars) == list(range(7))
    for number, pillar in shipped.base.pillars.items():
        assert report.pillars[number].title == pillar.title
        assert report.pillars[number].sections == pillar.sections


@needs_shared
def test_offsets_name_their_section_line_and_column():
    text = read(REPORT_2023)
    report = parse_report(text)
    offset = text.index("7565家")
    assert report.place_of(offset) == (4, "4.1")
    assert report.place_of(0) == (0, "0.0")
    line, column = report.line_col(offset)
    assert text.splitlines()[line - 1][column - 1 :].startswith("7565家")


def test_a_text_without_headings_is_all_overview():
    report = parse_report("全年新增高新技术企业100家。\n研发投入强度2.1%。")
    assert list(report.pillars) == [0]
    assert report.pillars[0].sections == {"0.0": "总体情况"}
    assert report.place_of(20) == (0, "0.0")


def test_sections_take_full_and_half_width_brackets():
    text = "概述。\n一、企业\n（一）培育企业。新增10家。\n(二)转化成果。\n二、人才\n新增院士2名。"
    report = parse_report(text)
    assert report.pillars[1].sections == {"1.1": "培育企业", "1.2": "转化成果"}
    # A pillar without sections is its own section N.0.
    assert report.pillars[2].sections == {"2.0": "人才"}
    assert report.place_of(text.index("10家")) == (1, "1.1")
    assert report.place_of(text.index("2名")) == (2, "2.0")


def test_traditional_headings_parse_and_titles_stay_as_written():
    report = parse_report("總體。\n一、強化企業創新主體地位\n（一）“雙倍增”行動目標超額完成。正文")
    assert report.pillars[1].title == "強化企業創新主體地位"
    assert report.pillars[1].sections == {"1.1": "“雙倍增”行動目標超額完成"}


def test_line_and_column_are_one_based():
    report = parse_report("第一行\n第二行有3个")
    assert report.line_col(0) == (1, 1)
    assert report.line_col(report.text.index("3个")) == (2, 5)


# --- The 2023 report ------------------------------------------------------------------


@pytest.fixture(scope="module")
def drafted_2023() -> Drafted:
    if not REPORT_2023.is_file():
        pytest.skip(f"the shared texts are not at {SHARED}")
    return draft_report(read(REPORT_2023))


@needs_shared
def test_the_2023_draft_recovers_the_shipped_figures_in_their_pillars(shipped, drafted_2023):
    truth = [fact for fact in shipped.base.facts if fact.kind in ("figure", "rank")]
    found = 0
    for fact in truth:
        found += any(
            drafted["pillar"] == fact.pillar
            and drafted["section"] == fact.section
            and (
                fact.value_text in drafted["value_text"] or drafted["value_text"] in fact.value_text
            )
            for drafted in drafted_2023.facts
        )
    assert found / len(truth) >= RECALL_2023
    assert found == len(truth)


@needs_shared
def test_the_2023_draft_has_all_twelve_documents(drafted_2023):
    titles = set(re.findall(r"《[^》]+》", read(REPORT_2023))) - {"《Science》"}
    policies = {fact["value_text"] for fact in drafted_2023.facts if fact["kind"] == "policy"}
    assert len(titles) == 12
    assert policies == titles


@needs_shared
def test_the_2023_draft_puts_every_change_on_its_figure(shipped, drafted_2023):
    drafted = by_text(drafted_2023.facts)
    changed = [fact for fact in shipped.base.facts if fact.change is not None]
    assert len(changed) == 6
    for fact in changed:
        assert fact.change is not None
        got = drafted[fact.value_text or ""]["change"]
        assert got == {
            "value": fact.change.value,
            "unit": fact.change.unit,
            "text": fact.change.text,
        }
    # No change is also drafted as a figure of its own.
    assert "19.2%" not in drafted and "增长37.2%" not in drafted


@needs_shared
def test_the_2023_draft_writes_values_units_and_qualifiers_as_the_base_does(shipped, drafted_2023):
    drafted = by_text(drafted_2023.facts)
    for fact in shipped.base.facts:
        if fact.kind == "figure" and fact.value_text in drafted:
            got = drafted[fact.value_text]
            assert (got["value"], got["unit"], got["qualifier"]) == (
                fact.value,
                fact.unit,
                fact.qualifier,
            ), fact.id


@needs_shared
def test_the_2023_draft_validates_and_keeps_ids_unique(drafted_2023):
    validates(drafted_2023)
    ids = [fact["id"] for fact in drafted_2023.facts]
    assert len(ids) == len(set(ids))
    assert all(ID.fullmatch(fact_id) for fact_id in ids)
    assert all(fact["label_en"].isascii() and fact["label_en"].startswith("DRAFT: ")
               for fact in drafted_2023.facts)  # fmt: skip
    assert drafted_2023.meta["year"] == 2023


@needs_shared
def test_every_drafted_value_text_stands_where_its_line_and_column_say(drafted_2023):
    lines = read(REPORT_2023).splitlines()
    for fact in drafted_2023.facts:
        line = lines[fact["line"] - 1]
        assert line[fact["column"] - 1 :].startswith(fact["value_text"])


@needs_shared
def test_the_2023_draft_drafts_no_year_date_ordinal_or_plan_name(drafted_2023):
    texts = [fact["value_text"] for fact in drafted_2023.facts if fact["kind"] != "policy"]
    assert not [text for text in texts if DATE_OR_YEAR.search(text)]
    for name in ("2023", "二次", "三次", "第三届", "第五轮", "416", "1+6", "6+N", "66", "40岁"):
        assert not any(name in text for text in texts), name


@needs_shared
def test_redrafting_an_edited_report_keeps_the_ids_of_unchanged_figures(drafted_2023):
    text = read(REPORT_2023)
    edited = text.replace("新建川渝共建重点实验室3个,", "新建川渝共建重点实验室4个,新增孵化器7个,")
    before = {fact["value_text"]: fact["id"] for fact in drafted_2023.facts}
    after = {fact["value_text"]: fact["id"] for fact in facts_of(edited)}
    unchanged = [key for key in before if key in after and key not in ("3个", "4个")]
    assert len(unchanged) > len(before) - 5
    assert all(before[key] == after[key] for key in unchanged if "次" not in key)


# --- Texts not tuned on ---------------------------------------------------------------

# Figures a curator takes from each sample, as value_text (either holding the other).
TRUTH_2021 = [
    "第七位", "西部第一", "180纳米", "37.9%", "55.7%", "58.6%", "3.5倍", "88家", "64个",
    "64.4%", "0.56个百分点", "7件", "29项", "近1000亿元", "第7位", "西部第1", "77位",
    "79位", "55.9%", "34.4%", "2.1%", "11.32件", "10.2%", "3448人次", "57项", "18项",
]  # fmt: skip
TRUTH_2025 = [
    "西部第一", "7个", "1297家", "3个", "超800亿元", "西部第一", "3个", "1297家",
    "974.24亿元", "600余项", "304项",
]  # fmt: skip


@needs_shared
@pytest.mark.parametrize(("path", "truth"), [(SAMPLE_2021, TRUTH_2021), (SAMPLE_2025, TRUTH_2025)])
def test_samples_recover_their_figures_and_no_dates(path, truth):
    drafted = draft_report(read(path))
    share, missed = recall(truth, drafted.facts)
    assert share >= RECALL_UNSEEN, missed
    texts = [fact["value_text"] for fact in drafted.facts]
    assert not [text for text in texts if DATE_OR_YEAR.search(text)]
    assert not any("十四五" in text or "十三五" in text for text in texts)
    validates(drafted)


@needs_shared
def test_the_2021_sample_keeps_each_change_with_its_verb():
    """Its changes have no base figure before them: each is a figure whose label ends
    in its verb, and 分别 lists give each subject its own."""
    drafted = by_text(draft_report(read(SAMPLE_2021)).facts)
    expected = {
        "3.5倍": "高新技术企业增长",
        "64.4%": "研发人员增长",
        "0.56个百分点": "研发投入强度提高",
        "7件": "万人发明专利拥有量提高",
        "55.9%": "科技型企业增长",
        "34.4%": "高新技术企业增长",
    }
    for text, label in expected.items():
        assert drafted[text]["label"] == label
        assert drafted[text]["note"].startswith("DRAFT: a change")
    assert drafted["37.9%"]["label"] == "高技术产业"


# --- Edge cases -----------------------------------------------------------------------


def test_units_qualifiers_and_kinds_as_written():
    text = (
        "研发投入预计750亿元,仪器突破1.3万台/套,嘉宾近1000名,专项1/4以上,居全国第8位,"
        "增长3.8倍,占比60%,数据505万余条,活动600余项,受众超200万人次,贷款11943家(次),"
        "风电18MW级,提高0.48个百分点,排名77位,研发人员超过24万人,占40%以上,三张图。"
    )
    drafted = by_text(figures_of(text))
    expect = {
        "预计750亿元": (750, "亿元", "预计", "figure"),
        "突破1.3万台/套": (1.3, "万台/套", "突破", "figure"),
        "近1000名": (1000, "名", "近", "figure"),
        "1/4以上": (None, None, "以上", "figure"),
        "第8位": (8, "位", None, "rank"),
        "60%": (60, "%", None, "figure"),
        "505万余条": (505, "万条", "余", "figure"),
        "600余项": (600, "项", "余", "figure"),
        "超200万人次": (200, "万人次", "超", "figure"),
        "11943家(次)": (11943, "家(次)", None, "figure"),
        "18MW": (18, "MW", None, "figure"),
        "77位": (77, "位", None, "rank"),
        "超过24万人": (24, "万人", "超过", "figure"),
        "40%以上": (40, "%", "以上", "figure"),
        "三张": (3, "张", None, "figure"),
    }
    for value_text, (value, unit, qualifier, kind) in expect.items():
        fact = drafted[value_text]
        assert (fact["value"], fact["unit"], fact["qualifier"], fact["kind"]) == (
            value,
            unit,
            qualifier,
            kind,
        ), value_text
    # A change with no figure before it stands alone.
    assert drafted["3.8倍"]["label"] == "增长"
    assert drafted["0.48个百分点"]["value"] == 0.48


def test_changes_attach_to_the_figure_before_them():
    text = (
        "技术合同成交额达到865.1亿元、增长37.2%;"
        "营收120亿元,同比增长6.6%;产值1.5万亿元,年均增长15.8%。"
    )
    drafted = by_text(figures_of(text))
    assert set(drafted) == {"865.1亿元", "120亿元", "1.5万亿元"}
    assert drafted["865.1亿元"]["change"] == {"value": 37.2, "unit": "%", "text": "增长37.2%"}
    assert drafted["120亿元"]["change"]["text"] == "同比增长6.6%"
    assert drafted["1.5万亿元"]["change"] == {"value": 15.8, "unit": "%", "text": "年均增长15.8%"}


def test_a_comparison_may_stand_between_a_figure_and_its_change():
    text = (
        "平台达到1297家、较“十三五”末增长80%,成交额630.4亿元,比2020年增长25.5%,人均GDP1.2万美元。"
    )
    drafted = by_text(figures_of(text))
    assert drafted["1297家"]["change"]["text"] == "较“十三五”末增长80%"
    assert drafted["630.4亿元"]["change"]["text"] == "比2020年增长25.5%"
    assert drafted["1.2万美元"]["label"] == "人均GDP"


def test_declines_keep_their_value_as_written_and_say_so():
    """Like the shipped base: the value as written, the direction in the text."""
    text = "研发投入强度2.1%,提高0.56个百分点;能耗强度0.38吨,下降1.69个百分点。"
    drafted = by_text(figures_of(text))
    assert drafted["2.1%"]["change"] == {
        "value": 0.56,
        "unit": "个百分点",
        "text": "提高0.56个百分点",
    }
    assert drafted["0.38吨"]["change"] == {
        "value": 1.69,
        "unit": "个百分点",
        "text": "下降1.69个百分点",
    }


def test_fenbie_lists_are_distributed_in_order():
    text = (
        "争取国家各类科研项目1121项、资金12.12亿元,分别增长9.9%、20.14%。"
        "高新技术企业和科技型企业分别达到7565家、58524家,分别增长19.2%、36.1%。"
        "软件、硬件分别增长7.5%、49.4%。"
        "高技术产业和战略性新兴产业贡献率分别达到37.9%,55.7%。"
    )
    drafted = by_text(figures_of(text))
    assert drafted["1121项"]["change"]["text"] == "增长9.9%"
    assert drafted["12.12亿元"]["change"]["text"] == "增长20.14%"
    assert drafted["7565家"]["change"]["value"] == 19.2
    assert drafted["58524家"]["change"] == {"value": 36.1, "unit": "%", "text": "增长36.1%"}
    assert (drafted["7565家"]["label"], drafted["58524家"]["label"]) == (
        "高新技术企业",
        "科技型企业",
    )
    assert (drafted["7.5%"]["label"], drafted["49.4%"]["label"]) == ("软件增长", "硬件增长")
    assert drafted["37.9%"]["label"] == "高技术产业"
    assert drafted["55.7%"]["label"] == "战略性新兴产业贡献率"


def test_a_rate_wins_over_a_count_as_the_change():
    drafted = by_text(figures_of("全市共有高新技术企业7565家,比上年增加1220家,增长19.2%。"))
    assert drafted["7565家"]["change"]["text"] == "增长19.2%"
    assert drafted["1220家"]["label"] == "比上年增加"


def test_levels_reached_are_figures_not_changes():
    drafted = by_text(figures_of("企业数量2000家,占比提高到45%。"))
    assert drafted["2000家"]["change"] is None
    assert "45%" in drafted


def test_dates_years_ordinals_and_names_are_no_figures():
    text = (
        "2023年9月28日,市委六届二次、三次、四次全会召开,第三届论坛于23日举行,10月15日发布,"
        "“十四五”期间,2016—2020年,党的二十大,第五轮会商,第一或通讯地址,近5年来,"
        "“416”布局,“3个100”工程,5G网络,尼龙66,1—9月,40岁以下人员,2023届毕业生,"
        "《行动方案(2023—2027年)》,第19次会议,9:30开幕。"
    )
    drafted = figures_of(text)
    assert drafted == [], [fact["value_text"] for fact in drafted]


def test_every_document_is_a_policy_with_its_full_title():
    text = (
        "出台《重庆市完善科技激励机制的若干举措》《三年行动计划(2023—2025年)》,在《Science》发表。"
    )
    policies = [fact for fact in facts_of(text) if fact["kind"] == "policy"]
    assert [fact["value_text"] for fact in policies] == [
        "《重庆市完善科技激励机制的若干举措》",
        "《三年行动计划(2023—2025年)》",
    ]
    assert policies[0]["label"] == "重庆市完善科技激励机制的若干举措"
    assert policies[0]["value"] is None


def test_traditional_text_drafts_like_simplified_with_value_text_verbatim():
    simplified = (
        "一、总体\n全社会研发投入总量预计750亿元、增长10%,研发投入强度预计2.45%,居全国第8位。"
    )
    traditional = (
        "一、總體\n全社會研發投入總量預計750億元、增長10%，"
        "研發投入強度預計２．４５％，居全國第８位。"
    )
    plain, folded = facts_of(simplified), facts_of(traditional)
    assert [fact["id"] for fact in folded] == [fact["id"] for fact in plain]
    assert [fact["value_text"] for fact in folded] == ["預計750億元", "預計２．４５％", "第８位"]
    assert folded[0]["unit"] == "亿元" and folded[0]["qualifier"] == "预计"
    assert folded[0]["change"] == {"value": 10, "unit": "%", "text": "增長10%"}
    assert folded[1]["value"] == 2.45
    assert folded[2]["kind"] == "rank"


def test_ids_are_ascii_unique_and_stable():
    text = "新增院士2名,新增人选2名。新增院士2名。"
    ids = [fact["id"] for fact in facts_of(text)]
    assert len(set(ids)) == len(ids) == 3
    assert all(ID.fullmatch(fact_id) for fact_id in ids)
    assert ids[2] == f"{ids[0]}-2"
    # Content, not position: a figure put before them changes none of their ids.
    assert [fact["id"] for fact in facts_of("新增平台5个。" + text)][1:] == ids


def test_meta_from_arguments_else_the_text_else_placeholders():
    dated = draft_report("2022年重庆市科技工作总结\n全年新增企业100家。")
    assert dated.meta["year"] == 2022
    assert dated.meta["title"] == "2022年重庆市科技工作总结"
    given = draft_report("全年新增企业100家。", year=2024, title="报告", source="news.txt")
    assert (given.meta["year"], given.meta["title"], given.meta["source"]) == (
        2024,
        "报告",
        "news.txt",
    )
    unknown = draft_report("全年新增企业100家,产值2074.68亿元。")
    assert unknown.meta["year"] == PLACEHOLDER_YEAR
    validates(unknown)


def test_drafted_toml_escapes_what_toml_needs():
    text = '一、关于"双倍增"的\\说明\n新增企业100家。'
    drafted = draft_report(text, title='标题"引号"\\')
    validates(drafted)
    assert tomllib.loads(drafted.to_toml())["meta"]["title"] == '标题"引号"\\'


def test_one_topic_per_section_named_after_it():
    text = "概述新增3家。\n一、企业\n(一)培育。新增10家。\n(二)培育。新增20家。"
    data = tomllib.loads(draft_report(text).to_toml())
    assert list(data["topics"]) == ["总体情况", "培育", "培育 (1.2)"]
    assert data["topics"]["培育"]["en"] == "Draft: part 1 (1)"
