"""Every table at 50, 80 and 160 columns, in Chinese and in English: no topic, no
figure's amount, no short label and no id is broken across lines (issue 24)."""

import re

import pytest

from cqfacts.derive import english
from cqfacts.derive.ranking import rank_by_change, rank_by_value
from cqfacts.derive.trend import trend
from cqfacts.output import plain
from cqfacts.output.layout import SHORT, Column, Grid, Styled, pieces, width
from cqfacts.output.views import (
    fact_view,
    facts_table,
    pillar_view,
    pillars_table,
    rank_table,
    search_table,
    sources_view,
    topics_table,
    trend_table,
)
from cqfacts.search.engine import search
from tests.helpers import CLOSING_AT_CELL_START, draw

WIDTHS = (50, 80, 160)
LANGS = ("zh", "en")
# An amount in English: its currency, number and the word after it (scale or unit),
# with an abbreviation before it (est.): CNY 80 million, est. CNY 75 billion.
_AMOUNT = re.compile(r"(?:est\. )?(?:CNY )?\d[\d,.]*(?: [^\s+]+)?")


def _views(loaded, lang):
    base, index = loaded.base, loaded.index
    facts = list(base.facts)
    yield "search 重庆", search_table(search(base, index, "重庆", limit=30), lang, years=True)
    yield "search 企业", search_table(search(base, index, "企业", limit=30), lang)
    yield "list", facts_table(facts, lang, years=True)
    for number, pillar in base.pillars.items():
        yield f"pillar {number}", pillar_view(base, pillar, lang)
    yield "rank", rank_table(rank_by_change(base.facts), "change", lang, years=True)
    for unit in ("亿元", "万元", "家", "人"):
        yield f"rank {unit}", rank_table(rank_by_value(base.facts, unit), "value", lang)
    yield "trend", trend_table(trend(base, "tech-contract-turnover"), lang)
    yield "show", fact_view(base.by_id["tech-contract-turnover"], base, lang)
    yield "pillars", pillars_table(base, lang)
    yield "topics", topics_table(base, lang)


def _whole(text: str, lines: list[str]) -> bool:
    return any(text in line for line in lines)


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_table_fits_its_width_and_breaks_no_topic_figure_short_label_or_id(
    shipped, lang, columns
):
    base = shipped.base
    for name, view in _views(shipped, lang):
        lines = [line.rstrip(" ") for line in draw(view, width=columns).splitlines()]
        # An id wider than the terminal is folded by it; nothing else is wider.
        assert all(width(line) <= columns for line in lines), name
        # Nothing cut short with an ellipsis, and no cell starts with closing punctuation.
        assert not any("…" in line for line in lines), name
        assert not any(CLOSING_AT_CELL_START.search(line) for line in lines), name
        drawn = plain.draw(view, columns)
        assert drawn in (None, "".join(f"{line}\n" for line in lines)), name
        # The fast path's tables: drawn by plain, not handed on to rich (test_plain
        # holds them at 40 and 200 columns too).
        assert drawn is not None or not name.startswith(("search", "pillar ")), name
        # Every fact the view names, by its id.
        ids = [fact.id for fact in base.facts if _whole(fact.id, lines)]
        shown = "\n".join(lines)
        for fact_id in ids:
            fact = base.by_id[fact_id]
            label = english.label(fact) if lang == "en" else fact.label
            if width(label) <= SHORT:
                assert _whole(label, lines), (name, columns, label)
            topic = fact.topic_en if lang == "en" else fact.topic
            if "Topic" in lines[0] and width(topic) <= SHORT:
                assert _whole(topic, lines), (name, columns, topic)
            figure = english.figure(fact) if lang == "en" else fact.figure
            for amount in _AMOUNT.findall(figure) if lang == "en" else [figure]:
                if amount and amount in shown.replace("\n", " "):
                    assert _whole(amount, lines), (name, columns, amount)


def test_the_issue_s_cases_at_80_columns(shipped):
    base, index = shipped.base, shipped.index
    lines = draw(search_table(search(base, index, "重庆"), years=True), width=80).splitlines()
    if "Topic" in lines[0]:
        assert _whole("西部(重庆)科学城", lines[:6])
    ranked = draw(rank_table(rank_by_value(base.facts, "亿元"), "value"), width=80)
    assert "知识价值信用贷款发放额" in ranked
    english_ranked = draw(rank_table(rank_by_value(base.facts, "亿元"), "value", "en"), width=80)
    assert "est. CNY 75 billion" in english_ranked
    assert not re.search(r"CNY [\d.]+\n", english_ranked)


def test_an_amount_is_one_piece_and_a_figure_breaks_before_its_change():
    assert pieces("est. CNY 75 billion +10%", cjk=False) == ["est. CNY 75 billion ", "+10%"]
    assert pieces("over 2,000,000 person-times", cjk=False) == ["over 2,000,000 person-times"]
    assert pieces("865.1 亿元", cjk=False) == ["865.1 亿元"]
    assert pieces("policy · 联合出台", cjk=False) == ["policy ", "· ", "联合出台"]


def test_a_short_line_and_a_short_word_are_whole():
    assert pieces("知识价值信用贷款发放额") == ["知识价值信用贷款发放额"]
    aliases = "研发经费, R&D, R&D investment, R&D spending, R&D expenditure, 研发投入强度, GERD"
    assert "研发投入强度, " in pieces(aliases)
    assert len(pieces("重庆市提升科技服务能力推动科技服务业高质量发展")) > 1


def test_an_id_wider_than_its_column_gets_a_line_of_its_own():
    grid = Grid(
        [Column("Figure", "spaces"), Column("Label / id"), Column("Topic", drop=3)],
        [[Styled("9123家"), Styled("高新技术企业总数\na-very-long-identifier-of-forty-characters"),
          Styled("西部(重庆)科学城")]],
    )  # fmt: skip
    widths = grid.widths(60)
    assert widths is not None and len(widths) == 3  # the id narrows no other column
    lines = [line.plain for line in grid.lines(60, widths)]
    assert "西部(重庆)科学城" in lines[2] and "高新技术企业总数" in lines[2]
    assert any(line.strip() == "a-very-long-identifier-of-forty-characters" for line in lines)
    assert all(width(line) <= 60 for line in lines)


def test_sources_fold_only_an_address_wider_than_the_terminal(shipped):
    from cqfacts.output.shapes import sources

    for lang in LANGS:
        for columns in WIDTHS:
            text = draw(sources_view(sources(shipped.base), lang), width=columns)
            for line in text.splitlines():
                assert width(line) <= columns
                head = line.split(" · ")
                if len(head) > 2:  # date · publisher · years · count: never broken
                    assert re.search(r"\d+ ?(facts?|条)", line), line
