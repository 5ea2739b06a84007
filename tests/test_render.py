import io

from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text

from cqfacts.derive.ranking import rank_by_change
from cqfacts.output.layout import Styled
from cqfacts.output.render import make_console, renderable
from cqfacts.output.render import text as text_of
from cqfacts.output.views import (
    citation_line,
    fact_view,
    facts_table,
    pillar_view,
    pillars_table,
    rank_table,
    search_table,
    topics_table,
)
from cqfacts.search.engine import search
from tests.helpers import draw


def test_search_table_highlights_matched_characters(small):
    matches = search(small.base, small.index, "经纪人")
    table = search_table(matches)
    label = table.rows[0][1]
    assert isinstance(label, Styled)
    assert [(start, end) for start, end, _ in label.spans][:3] == [(5, 6), (6, 7), (7, 8)]
    assert "\x1b[1;33m" in draw(table, color="always")


def test_search_table_in_english(small):
    text = draw(search_table(search(small.base, small.index, "brokers"), lang="en"))
    assert "Technology brokers newly trained" in text
    assert "4.2" in text


def test_no_escape_codes_when_colour_is_off(small):
    assert "\x1b[" not in draw(search_table(search(small.base, small.index, "高新技术企业")))


def test_tables_fit_80_columns_with_wide_characters(shipped):
    for view in (
        pillar_view(shipped.base, shipped.base.pillars[4]),
        pillars_table(shipped.base),
        topics_table(shipped.base),
        facts_table(list(shipped.base.facts[:20])),
        rank_table(rank_by_change(shipped.base.facts), "change"),
    ):
        buffer = io.StringIO()
        console = make_console("never", file=buffer)
        console.width = 80
        console.print(renderable(view))
        assert max(console.measure(line).maximum for line in buffer.getvalue().splitlines()) <= 80


def test_pillar_view_lists_sections_in_order(shipped):
    text = draw(pillar_view(shipped.base, shipped.base.pillars[4]), width=120)
    assert text.startswith("四、强化企业创新主体地位取得新突破")
    assert text.index("4.1 四（一）") < text.index("4.2 四（二）") < text.index("4.3 四（三）")
    assert "high-tech-enterprises-total" in text


def test_fact_view_marks_the_previous_value_as_derived(small):
    fact = small.base.by_id["high-tech-enterprises-total"]
    text = draw(fact_view(fact, small.base))
    assert "previous (derived)  ≈6346家" in text
    assert draw(citation_line(fact, small.base)).strip() == (
        "「高新技术企业总数：7565家，增长19.2%（测试报告，四（一））」"
    )


def test_rank_table_marks_converted_values(shipped):
    from cqfacts.derive.ranking import rank_by_value

    text = draw(rank_table(rank_by_value(shipped.base.facts, "亿元"), "value"), width=120)
    assert "*" in text and "converted from the report's unit" in text


_STYLES = st.sampled_from(["", "bold", "dim italic", "green"])
_WORDS = st.text(alphabet="ab 科技\n", max_size=6)


@given(
    first=_WORDS, style=_STYLES,
    appended=st.lists(st.tuples(_WORDS, _STYLES), max_size=3),
    marked=st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12), _STYLES), max_size=3),
    cut=st.tuples(st.integers(0, 12), st.integers(0, 12)), separator=_WORDS,
)  # fmt: skip
def test_styled_text_means_what_rich_text_means(first, style, appended, marked, cut, separator):
    """Every operation the views use, on layout.Styled and on rich's Text alike, gives
    the same characters, base style and spans."""
    ours, theirs = Styled(first, style), Text(first, style)
    for text, name in appended:
        ours.append(text, name)
        theirs.append(text, name)
    for start, end, name in marked:
        ours.stylize(name, start, end)
        theirs.stylize(name, start, end)
    ours_cut, theirs_cut = ours[cut[0] : cut[1]], theirs[cut[0] : cut[1]]
    ours_all = Styled(separator).join([ours_cut, Styled("x", "bold") + ours])
    theirs_all = Text(separator).join([theirs_cut, Text("x", "bold") + theirs])
    for mine, rich_made in ((ours, theirs), (ours_cut, theirs_cut), (ours_all, theirs_all)):
        converted = text_of(mine)
        assert (converted.plain, converted.style, converted.spans) == (
            rich_made.plain, rich_made.style, rich_made.spans
        )  # fmt: skip
