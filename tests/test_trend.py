"""One indicator across years (cqfacts.derive.trend, shapes.trend): the shipped 2023 report,
the 2024 one drafted from the real press review in ../shared/samples, and 2022
fact files written by hand with the statistics bureau's 630.4亿元."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cqfacts.derive.trend import DISAGREEMENT_PERCENT, trend, trend_for_query
from cqfacts.errors import InvalidArgumentError, UnknownFactError
from cqfacts.output import shapes
from cqfacts.store.loader import Loaded, load_many
from cqfacts.store.paths import shipped_fact_path
from tests.test_reports import TURNOVER, curated_2024

# The shipped 2023 work summary alone ("+" is every shipped file).
REPORT_2023 = str(shipped_fact_path())

# The technology contract turnover of 2022 as a fact file states it: the issue's real
# check (the 2023 report's 865.1亿元, 增长37.2% implies about 630.5亿元).
REPORT_2022 = """\
[meta]
title = "2022年重庆市技术市场统计"
title_en = "Chongqing technology market statistics 2022"
year = 2022
region = "重庆市"
source = "The statistics bureau's figure for 2022, written by hand for this test"

[pillars.4]
title = "强化企业创新主体地位"
title_en = "Enterprises as innovators"
sections = { "4.2" = "科技成果转化" }

[topics."技术合同"]
en = "Technology contracts"

[[topics."技术合同".facts]]
id = "tech-contract-turnover"
pillar = 4
section = "4.2"
kind = "figure"
label = "技术合同成交额"
label_en = "Technology contract turnover"
value = VALUE
unit = "UNIT"
value_text = "VALUE_TEXT"
"""


def write_2022(folder: Path, value: str, unit: str = "亿元", name: str = "2022.toml") -> Path:
    path = folder / name
    text = REPORT_2022.replace("VALUE_TEXT", f"{value}{unit}").replace("VALUE", value)
    path.write_text(text.replace("UNIT", unit), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def report_2024(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reports") / "2024.toml"
    path.write_text(curated_2024(), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory, report_2024: Path, cache_dir: Path) -> Loaded:
    """2022 (stated 630.4亿元), 2023 (shipped) and 2024 (drafted)."""
    stated = write_2022(tmp_path_factory.mktemp("stated"), "630.4")
    return load_many([stated, REPORT_2023, report_2024], cache_dir=cache_dir)


def test_trend_is_in_year_order_with_the_previous_value_each_change_implies(three):
    points = trend(three.base, TURNOVER)
    years = [(2022, 630.4), (2023, 865.1), (2024, 974.24)]
    assert [(p.year, p.fact.value) for p in points] == years
    assert [p.report for p in points] == [
        "2022年重庆市技术市场统计",
        "2023年重庆市科技工作总结",
        "2024年重庆科技创新回顾",
    ]
    first, middle, last = points
    assert first.derived_previous is None  # 2022 states no change
    assert middle.derived_previous is not None
    assert middle.derived_previous.value == pytest.approx(865.1 / 1.372, abs=0.01)  # 630.54
    assert middle.derived_previous.unit == "亿元"
    # The draft of the 2024 review has no change on the figure: nothing to derive,
    # but the 2023 report is there to set beside it.
    assert last.derived_previous is None and last.stated_previous is middle.fact


def test_the_issues_real_check_agrees_within_a_fiftieth_of_a_percent(three):
    """865.1亿元, 增长37.2% implies ≈630.5亿元; the statistics bureau states 630.4亿元."""
    point = trend(three.base, TURNOVER)[1]
    assert point.stated_previous is not None and point.stated_previous.value == 630.4
    assert point.difference == pytest.approx(0.022, abs=0.005)
    assert not point.disagrees


def test_a_stated_value_five_percent_off_is_flagged(tmp_path, cache_dir):
    stated = write_2022(tmp_path, "600.5")  # 630.54 is 5.0% above it
    point = trend(load_many([stated, REPORT_2023], cache_dir=cache_dir).base, TURNOVER)[1]
    assert point.difference == pytest.approx(5.0, abs=0.05)
    assert point.disagrees and abs(point.difference) > DISAGREEMENT_PERCENT


def test_a_stated_value_in_another_unit_of_money_is_converted(tmp_path, cache_dir):
    stated = write_2022(tmp_path, "6304000", "万元")
    point = trend(load_many([stated, REPORT_2023], cache_dir=cache_dir).base, TURNOVER)[1]
    assert point.difference == pytest.approx(0.022, abs=0.005) and not point.disagrees


def test_without_the_previous_years_report_there_is_nothing_to_compare(report_2024, cache_dir):
    points = trend(load_many([REPORT_2023], cache_dir=cache_dir).base, TURNOVER)
    [only] = points
    assert only.year == 2023 and only.derived_previous is not None
    assert only.stated_previous is None and only.difference is None and not only.disagrees
    gap = trend(load_many([report_2024], cache_dir=cache_dir).base, TURNOVER)
    assert [p.year for p in gap] == [2024]


def test_the_json_array_in_year_order(three):
    array = shapes.trend(trend(three.base, TURNOVER))
    json.dumps(array)  # JSON types only
    assert [item["year"] for item in array] == [2022, 2023, 2024]
    for item in array:
        assert list(item) == [
            "year", "report", "fact", "derived_previous", "stated_previous", "difference",
            "disagrees", "value", "unit", "flags",
        ]  # fmt: skip
        assert item["fact"]["year"] == item["year"] and item["fact"]["id"] == TURNOVER
    middle = array[1]
    assert middle["derived_previous"]["derived"] is True
    assert middle["derived_previous"]["value"] == pytest.approx(630.54)
    assert middle["stated_previous"] == {
        "value": 630.4, "unit": "亿元", "value_text": "630.4亿元", "year": 2022,
        "basis": None, "source": "2022年重庆市技术市场统计",
    }  # fmt: skip
    assert middle["difference"] == pytest.approx(0.0222, abs=0.0001)
    assert middle["disagrees"] is False
    assert array[0]["derived_previous"] is None and array[0]["stated_previous"] is None


def test_a_query_resolves_to_the_best_matchs_id(three):
    queries = (TURNOVER, TURNOVER.upper(), "技术合同成交额", "jishuhetong", "technology contract")
    for query in queries:
        points = trend_for_query(three.base, three.index, query)
        assert [p.year for p in points] == [2022, 2023, 2024], query
        assert {p.fact.id for p in points} == {TURNOVER}
    gxjsqy = trend_for_query(three.base, three.index, "gxjsqy")
    assert [(p.fact.id, p.year) for p in gxjsqy] == [("high-tech-enterprises-total", 2023)]
    assert trend_for_query(three.base, three.index, "zzzzqqqq") == []
    with pytest.raises(InvalidArgumentError):
        trend_for_query(three.base, three.index, "  ")


def test_an_unknown_id_names_the_nearest(three):
    with pytest.raises(UnknownFactError) as caught:
        trend(three.base, "tech-contract-turnovr")
    assert caught.value.suggestions[0] == TURNOVER
