"""The shipped years of data hold what the README promises: every figure cited to a
source with its address and basis, each written figure equal to its value, one kind
of unit per indicator, and every disagreement between sources flagged."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

import pytest

from cqfacts.derive.trend import scaled, trend, written_range
from cqfacts.facts.model import BASES, Fact, FactBase
from cqfacts.facts.numerals import chinese_numeral
from cqfacts.store.loader import load_many

# Sources shipped without an address, and why: the one stored copy of the 2021 review
# (the sample in ../shared/samples) carries its paper and date but no address.

HEADLINE_YEARS = {
    "rd-investment-total": 6, "rd-intensity": 6, "high-tech-enterprises-total": 6,
    "tech-contract-turnover": 4, "tech-based-enterprises-total": 4,
    "innovation-rank-national": 4, "patents-granted": 4, "invention-patents-per-10k": 4,
}  # fmt: skip


@cache
def shipped() -> FactBase:
    return load_many([], include_shipped=True).base


def shipped_facts() -> list[Fact]:
    return list(shipped().facts)


def test_the_shipped_base_holds_several_sources_and_years():
    base = shipped()
    assert len(base.reports) >= 4
    assert len(base.years) >= 9


@pytest.mark.parametrize(("fact_id", "years"), HEADLINE_YEARS.items())
def test_trend_reaches_the_promised_years_out_of_the_box(fact_id, years):
    points = trend(shipped(), fact_id)
    with_figure = {point.year for point in points if point.fact.value is not None}
    assert len(with_figure) >= years, sorted(with_figure)  # type: ignore[type-var]
    assert all(point.fact.source is not None for point in points)


def test_every_shipped_fact_has_a_source_address_and_a_basis():
    for fact in shipped_facts():
        assert fact.source is not None, fact.id
        assert fact.source.title and fact.source.read, fact.id
        assert fact.source.url and fact.source.url.startswith(("http://", "https://")), fact.id
        assert fact.basis in BASES, fact.id


def test_an_estimate_is_marked_estimated():
    for fact in shipped_facts():
        text = f"{fact.qualifier or ''}{fact.value_text or ''}"
        if "预计" in text or "有望" in text:
            assert fact.basis == "estimated", (fact.id, fact.year, fact.value_text)


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_ENGLISH_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                     "eighth", "ninth", "tenth")  # fmt: skip
_CHINESE = re.compile(r"[〇零一二三四五六七八九十百千]+")


def _numbers_written(fact: Fact) -> set[float]:
    """The numbers a figure's text writes, in Arabic or Chinese numerals; 'billion'
    before 亿元 counts in 亿 (36.464 billion is 364.64亿)."""
    text = fact.value_text or ""
    found = {float(number.replace(",", "")) for number in _NUMBER.findall(text)}
    for word in _CHINESE.findall(text):
        value = chinese_numeral(word)
        if value is not None:
            found.add(float(value))
    words = re.findall(r"[a-z]+", text.casefold())
    found |= {
        float(_ENGLISH_ORDINALS.index(word) + 1) for word in words if word in _ENGLISH_ORDINALS
    }
    if "billion" in text.casefold() and fact.unit == "亿元":
        found |= {round(number * 10, 6) for number in found}
    if fact.unit == "%":  # a share written as a fraction: 1/4以上 is 25%
        found |= {int(n) / int(d) * 100 for n, d in re.findall(r"(\d+)/(\d+)", text)}
    return found


def test_each_written_figure_equals_its_value():
    for fact in shipped_facts():
        if fact.value is None or fact.kind == "policy":
            continue
        assert float(fact.value) in _numbers_written(fact), (fact.id, fact.year, fact.value_text)


def test_one_indicator_keeps_one_kind_of_unit():
    bases: dict[str, set[str]] = {}
    for fact in shipped_facts():
        if fact.value is not None and fact.unit:
            bases.setdefault(fact.id, set()).add(scaled(fact.unit)[0])
    mixed = {fact_id: units for fact_id, units in bases.items() if len(units) > 1}
    assert not mixed


def test_cross_source_disagreements_are_flagged_never_silent():
    base = shipped()
    checked = 0
    for fact_id in {fact.id for fact in base.facts}:
        points = trend(base, fact_id)
        by_year: dict[int | None, list] = {}
        for point in points:
            if point.value is not None:
                by_year.setdefault(point.year, []).append(point)
        for same in by_year.values():
            for number, point in enumerate(same):
                for other in same[number + 1 :]:
                    family = {point.fact.unit: scaled(point.fact.unit or "")[1],
                              other.fact.unit: scaled(other.fact.unit or "")[1]}  # fmt: skip
                    mine = written_range(point.fact, family)  # type: ignore[arg-type]
                    theirs = written_range(other.fact, family)  # type: ignore[arg-type]
                    assert mine and theirs
                    if mine[0] <= theirs[1] and theirs[0] <= mine[1]:
                        continue
                    checked += 1
                    others = {id(flag.other) for p in (point, other) for flag in p.flags}
                    assert {id(point.fact), id(other.fact)} & others, (fact_id, point.year)
    assert checked > 0  # the data do hold disagreements: the check ran on some


def test_no_value_comes_from_a_reworded_copy():
    """Machine-rewritten copies (重庆 as 浸庆, 全国 as 宇宙, 成渝 as 渝蓉) are never sources."""
    for fact in shipped_facts():
        source = fact.source
        assert source is not None
        text = f"{source.title}{source.publisher or ''}{fact.value_text or ''}"
        assert not re.search("浸庆|宇宙|沉庆|渝蓉", text), fact.id


DATA_DOC = Path(__file__).resolve().parents[1] / "docs" / "data.md"
SERIES = Path(__file__).resolve().parents[1] / "reports" / "series.toml"
_COVERAGE = re.compile(
    r"(<!-- coverage -->\n\| indicator \| id \| years \|\n\|---\|---\|---\|\n)"
    r"(.*?)(<!-- /coverage -->)",
    re.S,
)


def _spans(years: list[int]) -> str:
    """2015–2019, 2022, 2023: runs of consecutive years."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(
        f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in runs
    )


def coverage_rows() -> str:
    """The coverage table of docs/data.md: each indicator of reports/series.toml."""
    series = load_many([SERIES], cache_dir=None).base
    years: dict[str, set[int]] = {}
    for fact in shipped_facts():
        if fact.id in series.by_id and fact.year is not None:
            years.setdefault(fact.id, set()).add(fact.year)
    ordered = sorted(years, key=lambda fact_id: (-len(years[fact_id]), fact_id))
    return "".join(
        f"| {series.by_id[fact_id].label} | `{fact_id}` | {_spans(sorted(years[fact_id]))} |\n"
        for fact_id in ordered
    )


def test_the_data_page_lists_the_years_each_indicator_has():
    text = DATA_DOC.read_text(encoding="utf-8")
    found = _COVERAGE.search(text)
    assert found, "docs/data.md lost its coverage markers"
    if os.environ.get("CQFACTS_UPDATE_README"):
        text = text[: found.start(2)] + coverage_rows() + text[found.end(2) :]
        DATA_DOC.write_text(text, encoding="utf-8")
        found = _COVERAGE.search(text)
        assert found
    assert found[2] == coverage_rows()


def test_a_qualifier_written_in_the_figure_is_written_as_the_figure_writes_it():
    """超過800億元 has the qualifier 超過, not 超过: else the figure reads 超过超過800億元."""
    from cqfacts.facts.normalize import to_simplified

    for fact in shipped_facts():
        qualifier, text = fact.qualifier or "", fact.value_text or ""
        if qualifier and to_simplified(qualifier) in to_simplified(text):
            assert qualifier in text, (fact.id, fact.year, qualifier, text)


def test_every_shipped_figure_reads_in_english_without_a_chinese_unit():
    """An English page or table shows no 件 or 纳米: every unit the data uses has its
    English (a unit without one would stay as the report writes it)."""
    from cqfacts.derive.english import figure
    from cqfacts.facts.normalize import has_cjk

    untranslated = {
        fact.id: figure(fact)
        for fact in shipped_facts()
        if fact.kind in ("figure", "rank") and fact.value is not None and has_cjk(figure(fact))
    }
    assert not untranslated
