"""Several sources for one indicator (issue 22): a collection of sources in one fact
file, a point per source per year, sources that disagree and estimates that later
figures contradict flagged, scales converted, mixed units refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cqfacts.derive.trend import scaled, trend, written_range
from cqfacts.errors import FactFileError, InvalidArgumentError
from cqfacts.facts.factfile import parse_fact_file
from cqfacts.facts.model import FactBase
from cqfacts.output import shapes

# Made-up figures in the shape of the shipped series: 2019 an estimate, 2020 a final
# figure whose growth implies 469.5 for 2019, two sources for 2021 that disagree,
# and a count written once in 万家.
COLLECTION = """\
[meta]
title = "测试指标序列"
title_en = "Test series"
region = "重庆市"
source = "Made up for the tests"

[sources.a]
title = "甲报道"
publisher = "甲报"
published = "2020-01-11"
url = "https://example.org/a"
read = "2026-12-03"

[sources.b]
title = "乙公报"
publisher = "乙局"
published = "2021-10-12"
url = "https://example.org/b"
read = "2026-12-03"

[sources.c]
title = "丙报道"
publisher = "丙报"
published = "2022-08-18"
url = "https://example.org/c"
read = "2026-12-03"

[topics."研发投入"]
en = "R&D"

[[topics."研发投入".facts]]
id = "rd"
year = 2019
source = "a"
kind = "figure"
label = "研发经费"
label_en = "R&D spending"
value = 460
unit = "亿元"
value_text = "预计460亿元"
qualifier = "预计"
basis = "estimated"

[[topics."研发投入".facts]]
id = "rd"
year = 2020
source = "b"
kind = "figure"
label = "研发经费"
label_en = "R&D spending"
value = 526.79
unit = "亿元"
value_text = "526.79亿元"
change = { value = 12.2, unit = "%", text = "增长12.2%" }
basis = "final"

[[topics."研发投入".facts]]
id = "rd"
year = 2021
source = "b"
kind = "figure"
label = "研发经费"
label_en = "R&D spending"
value = 603.8
unit = "亿元"
value_text = "603.8亿元"
basis = "final"

[[topics."研发投入".facts]]
id = "rd"
year = 2021
source = "c"
kind = "figure"
label = "研发经费"
label_en = "R&D spending"
value = 605
unit = "亿元"
value_text = "605亿元"
basis = "preliminary"

[topics."企业"]
en = "Firms"

[[topics."企业".facts]]
id = "firms"
year = 2020
source = "b"
kind = "figure"
label = "企业数"
label_en = "Firms"
value = 11026
unit = "家"
value_text = "11026家"
basis = "final"

[[topics."企业".facts]]
id = "firms"
year = 2020
source = "c"
kind = "figure"
label = "企业数"
label_en = "Firms"
value = 1.1
unit = "万家"
value_text = "1.1万家"
basis = "preliminary"

[[topics."企业".facts]]
id = "firms"
year = 2021
source = "c"
kind = "figure"
label = "企业数"
label_en = "Firms"
value = 15
unit = "%"
value_text = "15%"
basis = "preliminary"
"""


@pytest.fixture(scope="module")
def base() -> FactBase:
    return parse_fact_file(COLLECTION, "series.toml")


def test_a_collection_gives_its_facts_their_own_years_and_sources(base):
    years = sorted({fact.year for fact in base.facts})  # type: ignore[type-var]
    assert years == [2019, 2020, 2021]
    assert base.meta.year == 2021  # the newest its facts describe
    first = base.points("rd")[0]
    assert first.source is not None and first.source.publisher == "甲报"
    assert first.basis == "estimated" and first.pillar is None and first.section is None


def test_one_id_for_one_year_from_two_sources_is_two_points(base):
    assert [point.year for point in base.points("rd")] == [2019, 2020, 2021, 2021]
    # The firmest answers for its year: the final figure, not the press one.
    assert base.get("rd", 2021).value == 603.8
    assert base.get("rd").value == 603.8


def _reposted(copy: str) -> FactBase:
    """COLLECTION with 2021's final figure reposted later by 丙报 (``copy`` its flag)."""
    text = COLLECTION.replace('title = "丙报道"\n', f'title = "丙报道"\ncopy = {copy}\n', 1)
    press = 'value = 605\nunit = "亿元"\nvalue_text = "605亿元"\nbasis = "preliminary"'
    final = 'value = 603.8\nunit = "亿元"\nvalue_text = "603.8亿元"\nbasis = "final"'
    return parse_fact_file(text.replace(press, final, 1), "series.toml")


def test_of_one_basis_the_publishers_own_page_is_cited_before_a_later_repost():
    reposted = _reposted("true")
    assert [point.source.publisher for point in reposted.points("rd")[1:]] == [
        "乙局",
        "乙局",
        "丙报",
    ]
    assert reposted.get("rd", 2021).source.publisher == "乙局"
    # Neither a repost: the later publication answers, as before.
    assert _reposted("false").get("rd", 2021).source.publisher == "丙报"


def test_the_same_id_year_and_source_twice_is_refused():
    doubled = COLLECTION.replace('year = 2021\nsource = "c"', 'year = 2021\nsource = "b"', 1)
    with pytest.raises(FactFileError, match="duplicate id for the same year and source"):
        parse_fact_file(doubled, "series.toml")


def test_a_source_the_file_does_not_have_is_refused():
    with pytest.raises(FactFileError, match="source 'z' is not a"):
        parse_fact_file(COLLECTION.replace('source = "a"', 'source = "z"'), "series.toml")


@pytest.mark.parametrize("year", [1948, 2101, 1])
def test_a_year_outside_1949_to_2100_is_refused(year):
    with pytest.raises(FactFileError, match="must be a year from 1949 to 2100"):
        parse_fact_file(COLLECTION.replace("year = 2019", f"year = {year}"), "series.toml")


def test_an_estimate_the_next_years_growth_contradicts_is_flagged(base):
    points = trend(base, "rd")
    estimate = points[0]
    [flag] = estimate.flags
    assert flag.kind == "estimate-contradicted"
    assert flag.other.year == 2020
    assert "CNY 46.951 billion" in flag.text_en and "CNY 52.679 billion" in flag.text_en
    assert "增长" not in flag.text_en  # English throughout


def test_sources_that_disagree_beyond_rounding_are_both_flagged(base):
    last_two = trend(base, "rd")[2:]
    assert [flag.kind for point in last_two for flag in point.flags] == [
        "sources-disagree", "sources-disagree",
    ]  # fmt: skip
    assert {flag.other.value for point in last_two for flag in point.flags} == {603.8, 605}


def test_a_rounded_figure_agrees_with_the_exact_one_in_another_scale():
    agreeing = COLLECTION.replace('value = 15\nunit = "%"\nvalue_text = "15%"',
                                  'value = 12000\nunit = "家"\nvalue_text = "12000家"')  # fmt: skip
    points = trend(parse_fact_file(agreeing, "series.toml"), "firms")
    assert [point.value for point in points] == [11026, 11000, 12000]  # 1.1万家 in 家
    assert not any(point.flags for point in points)


def test_figures_in_units_of_different_kinds_are_refused(base):
    with pytest.raises(InvalidArgumentError, match="cannot be drawn as one series"):
        trend(base, "firms")


def test_written_ranges_read_rounding_and_bounds(base):
    family = {"亿元": 1.0, "万家": 1e4, "家": 1.0}
    fact = base.get("rd", 2021)
    assert written_range(fact, family) == pytest.approx((603.75, 603.85))
    over = fact._replace(qualifier="超过", value_text="超过600亿元", value=600)
    assert written_range(over, family) == (600, float("inf"))


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("万件", ("件", 1e4)), ("亿元", ("元", 1e8)), ("家", ("家", 1)), ("万", ("万", 1))],
)
def test_scales_before_a_unit_convert(unit, expected):
    assert scaled(unit) == expected


def test_the_json_points_carry_basis_source_and_flags(base):
    [point] = [p for p in shapes.trend(trend(base, "rd")) if p["year"] == 2019]
    assert point["fact"]["basis"] == "estimated"
    assert point["fact"]["source"]["url"] == "https://example.org/a"
    assert point["value"] == 460 and point["unit"] == "亿元"
    assert [flag["kind"] for flag in point["flags"]] == ["estimate-contradicted"]
    assert set(point["flags"][0]) == {"kind", "text", "text_en", "other"}


def test_a_report_without_parts_loads_and_cites_its_source(tmp_path: Path):
    text = COLLECTION.replace("[sources.a]", "[sources.a]")
    base = parse_fact_file(text, "series.toml")
    from cqfacts.derive.cite import citation

    line = citation(base.get("rd", 2019), base)
    assert "甲报" in line and "甲报道" in line and "2020-01-11" in line


@pytest.mark.shipped_set
def test_a_source_of_one_fact_says_fact_not_facts(run):
    english = run("sources", "--lang", "en", facts=None).stdout
    counts = re.findall(r"\b(\d+) (facts?)\b", english)
    assert counts and ("1", "fact") in counts
    assert all((number == "1") == (word == "fact") for number, word in counts)
