"""Every shipped fact reads right in both languages and every view (issue 24): its
qualifier (over, nearly, more than, est., cumulative) survives in search, list, pillar,
trend, rank and show tables, plain text and the JSON's citations; a policy's citation
says what was done with it; a named thing is cited by its name once, never "X: X" or
"…: 3"; an English view renders every value in English."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from cqfacts.derive import cite, english
from cqfacts.derive.ranking import rank_by_value
from cqfacts.derive.trend import trend
from cqfacts.facts.model import Fact
from cqfacts.output import views
from cqfacts.output.layout import Grid, Styled
from cqfacts.output.shapes import detail
from cqfacts.search.engine import Match

CJK = re.compile(r"[\u4e00-\u9fff]")
LANGS = ("zh", "en")


def _text(view: Any) -> str:
    """A view's words: every cell of its grids, its lines."""
    if isinstance(view, tuple):
        return "\n".join(_text(part) for part in view)
    if isinstance(view, Grid):
        return "\n".join(" | ".join(cell.plain for cell in row) for row in view.rows)
    assert isinstance(view, Styled)
    return view.plain


def _qualified(base) -> list[Fact]:
    return [fact for fact in base.facts if fact.qualifier and fact.value is not None]


def _said(fact: Fact, lang: str) -> str:
    """The qualifier as a reader of the language must read it."""
    if lang == "zh":
        return fact.qualifier or ""
    words = english.qualifier(fact)
    assert words, f"{fact.id}: no English for {fact.qualifier!r}"
    return words


def _views(fact: Fact, base, lang: str) -> dict[str, str]:
    """Each view that shows the fact, as text."""
    match = Match(fact, 100.0, "label", "exact", {}, (fact.year or 0,))
    shown = {
        "search": _text(views.search_table([match], lang)),
        "list": _text(views.facts_table([fact], lang)),
        "show": _text(views.fact_view(fact, base, lang)),
        "citation": _text(views.citation_line(fact, base, lang)),
    }
    if fact.pillar is not None and fact.pillar in base.pillars:
        part = next(p for p in base.work_reports if fact in p.facts)
        shown["pillar"] = _text(views.pillar_view(part, part.pillars[fact.pillar], lang))
    points = [point for point in trend(base, fact.id) if point.fact is fact]
    if points:
        shown["trend"] = _text(views.trend_table(points, lang))
    if fact.unit:
        ranked = [row for row in rank_by_value([fact], fact.unit) if row.fact is fact]
        if ranked:
            shown["rank"] = _text(views.rank_table(ranked, "value", lang))
    return shown


def test_every_qualifier_survives_in_every_view_and_language(shipped):
    base = shipped.base
    facts = _qualified(base)
    assert len(facts) >= 19  # the 2023 report's 19 and the other sources'
    lost = [
        f"{fact.id} {lang} {view}"
        for fact in facts
        for lang in LANGS
        for view, text in _views(fact, base, lang).items()
        if _said(fact, lang) not in text
    ]
    assert lost == []


def test_the_json_english_fields_keep_the_qualifier(shipped):
    base = shipped.base
    for fact in _qualified(base):
        record = detail(fact, base)
        assert english.qualifier(fact) in record["citation_en"], fact.id
        assert fact.qualifier in record["citation"], fact.id


def test_english_show_has_a_qualifier_row_and_a_qualified_value(shipped):
    """rd-investment-total's 2023 figure: est. CNY 75 billion, and 预计 says so."""
    fact = shipped.base.get("rd-investment-total", year=2023)
    rows = dict(
        (row[0].plain, row[1].plain) for row in views.fact_view(fact, shipped.base, "en")[0].rows
    )
    assert rows["value"] == "est. CNY 75 billion"
    assert rows["qualifier"] == "est. (预计)"


@pytest.mark.parametrize(
    ("unit", "expected"),
    [("人", ["over 240,000*", "nearly 1,000*"]), ("万元", ["est. CNY 75 billion*"])],
)
def test_rank_keeps_qualifiers_on_converted_values(shipped, unit, expected):
    facts = [fact for fact in shipped.base.facts if fact.year == 2023]
    text = _text(views.rank_table(rank_by_value(facts, unit), "value", "en"))
    for words in expected:
        assert words in text


def test_a_quarter_is_more_than_a_quarter(shipped):
    fact = shipped.base.get("young-researchers-leading-projects-share")
    assert english.figure(fact) == "more than a quarter"
    assert "more than a quarter" in cite.citation(fact, shipped.base, "en")


def test_one_time_is_once(shipped):
    assert english.amount(1, "次") == "once"
    assert english.amount(3, "次") == "3 times"
    part = shipped.base.work_reports[-1]
    text = _text(views.pillar_view(part, part.pillars[6], "en"))
    assert "once" in text and not re.search(r"\b1 times", text)


def test_counts_of_things_derive_whole_previous_values(shipped):
    """A previous value of 7565家 is a whole number of firms, not 6,346.5."""
    fact = shipped.base.get("high-tech-enterprises-total", year=2023)
    derived = cite.previous_value(fact)
    assert derived is not None and derived.value == round(7565 / 1.192)
    assert isinstance(derived.value, int)
    for fact in shipped.base.facts:
        derived = cite.previous_value(fact)
        if derived is not None and fact.unit in ("家", "个", "项", "人", "名", "篇"):
            assert isinstance(derived.value, int), fact.id
            assert "." not in english.previous(derived).split(" (")[0], fact.id


def test_every_value_has_an_english_rendering(shipped):
    """No English figure is Chinese alone: a named thing's is its English name (the
    vice-premier's address too), with the report's words beside it."""
    bare = [
        fact.id
        for fact in shipped.base.facts
        if (shown := english.figure(fact)) and not re.search(r"[A-Za-z0-9]", CJK.sub("", shown))
    ]
    assert bare == []
    fact = shipped.base.get("belt-and-road-conference-vice-premier")
    assert english.figure(fact).startswith("Vice Premier Ding Xuexiang")


def test_named_things_are_cited_by_their_name_once(shipped):
    """A policy, event … is cited by its name: never "name：name", never "…: 3"."""
    for fact in shipped.base.facts:
        if fact.kind in cite.FIGURE_KINDS:
            continue
        zh, en = cite.statement(fact), cite.statement(fact, "en")
        assert "：" not in zh.replace(fact.label, ""), fact.id
        assert not re.search(r": [\d,.]+$", en), fact.id
        assert en.startswith(fact.label_en), fact.id


def test_a_policy_citation_says_what_was_done_with_it(shipped):
    base = shipped.base
    policies = [fact for fact in base.facts if fact.kind == "policy"]
    assert policies
    for fact in policies:
        assert fact.status is not None, fact.id
        zh, en = cite.citation(fact, base), cite.citation(fact, base, "en")
        assert fact.status.text in zh and fact.status.text in en, fact.id
        assert english.STATES_EN[fact.status.state] in en, fact.id
        if fact.status.state == "drafting":  # a plan being drafted is no finished document
            assert "being drafted" in en and " issued" not in en, fact.id
    plan = base.get("chengdu-chongqing-science-centre-plan")
    assert "组织编制成渝综合性科学中心建设方案" in cite.citation(plan, base)
    seed = base.get("seed-fund-reform-plan")
    assert "being drafted (worked out, 研究形成)" in cite.citation(seed, base, "en")
    lab = base.get("chongqing-laboratory-plan")
    assert english.status(lab) == "issued (formulated, 制定)"


def test_show_json_cites_in_english(run):
    record = json.loads(
        run("show", "chengdu-chongqing-science-centre-plan", "--json", facts=None).stdout
    )
    assert "being drafted" in record["citation_en"]
    assert record["former_ids"] == ["chengdu-chongqing-comprehensive-science-centre-plan"]


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("1/4以上", 25, "以上"),
        ("三分之一", 33.3333, None),
        ("近1/2", 50, "近"),
        ("0/4", None, None),
    ],
)
def test_a_fraction_is_read_as_its_percentage(text, value, qualifier):
    """Draft and audit read 1/4以上 as the shipped fact holds it: 25 %, 以上."""
    from cqfacts.text.figures import read_figures

    [figure] = read_figures(text)
    assert (figure.value, figure.unit, figure.qualifier) == (
        value,
        None if value is None else "%",
        qualifier,
    )
