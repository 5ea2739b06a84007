"""The plain writer (cqfacts.output.plain) draws what rich draws, or declines."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from cqfacts.cli.arguments import without_trailing_spaces
from cqfacts.output import plain
from cqfacts.output.layout import Column, Grid, Styled, width
from cqfacts.output.views import pillar_view, search_table
from tests.helpers import draw


@pytest.fixture(autouse=True)
def _rich_counts_the_unicode_of_today(monkeypatch):
    """UNICODE_VERSION would make rich count some characters otherwise (the fast path
    leaves tables to rich where it is set)."""
    monkeypatch.delenv("UNICODE_VERSION", raising=False)


def rich_text(view: object, columns: int) -> str:
    return without_trailing_spaces(draw(view, width=columns))


def test_every_drawable_character_is_as_wide_as_rich_counts_it():
    drawable = [chr(p) for p in range(0x30000) if plain.drawable(chr(p)) and chr(p) != "\n"]
    assert len(drawable) > 90_000  # Chinese, at least
    assert [c for c in drawable if cell_len(c) != width(c)] == []


def test_characters_whose_width_may_differ_are_declined():
    for text in ("e\u0301", "a\u200db", "☰", "👍🏽", "\u3164", "tab\there", "\x1b[1m"):
        assert plain.draw(Styled(text), 80) is None


# Letters, spaces, Chinese, full-width and closing punctuation, digits: what labels hold.
_TEXT = st.text(alphabet="ab xyz 12.%科技企业合同“”（）《》、，。─█", max_size=60)


@given(text=st.text(alphabet="ab xyz 12.%科技企业合同“”（）《》、，。\n", max_size=300),
       columns=st.integers(40, 60))  # fmt: skip
def test_a_text_wraps_as_rich_wraps_it(text, columns):
    assert plain.draw(Styled(text), columns) == rich_text(Styled(text), columns)


@st.composite
def grids(draw_from: st.DrawFn) -> Grid:
    count = draw_from(st.integers(1, 4))
    columns = [
        Column(
            draw_from(st.sampled_from(["Figure", "Label / id", "Where", "A long heading", ""])),
            draw_from(st.sampled_from(["cjk", "spaces", "none"])),
            drop=draw_from(st.integers(0, 3)),
            justify=draw_from(st.sampled_from(["left", "right"])),
        )
        for _ in range(count)
    ]
    rows = draw_from(st.lists(st.lists(_TEXT, min_size=count, max_size=count), max_size=5))
    sections = draw_from(st.lists(st.integers(0, 5), max_size=3))
    return Grid(columns, [[Styled(t) for t in row] for row in rows], sections=tuple(sections))


@given(grid=grids(), columns=st.integers(40, 100))
def test_a_table_is_drawn_as_rich_draws_it_or_declined(grid, columns):
    drawn = plain.draw(grid, columns)
    if drawn is not None:
        assert drawn == rich_text(grid, columns)


def test_the_shipped_tables_are_drawn_not_declined(shipped):
    from cqfacts.search.engine import search

    matches = search(shipped.base, shipped.index, "企业", limit=30)
    for view in (search_table(matches), search_table(matches, "en", years=True),
                 *(pillar_view(shipped.base, p, lang) for p in shipped.base.pillars.values()
                   for lang in ("zh", "en"))):  # fmt: skip
        for columns in (40, 200):  # test_widths holds them at 50, 80 and 160
            assert plain.draw(view, columns) == rich_text(view, columns)


def test_the_width_is_columns_else_80_and_at_least_40(monkeypatch):
    assert plain.console_width({"COLUMNS": "120"}) == 120
    assert plain.console_width({"COLUMNS": "7"}) == 40
    assert plain.console_width({"COLUMNS": "0"}) == 40
    # Not digits: the terminal of stdin, stdout or stderr, else 80 (none here).
    monkeypatch.setattr("os.get_terminal_size", _no_terminal)
    assert plain.console_width({"COLUMNS": "wide"}) == 80
    assert plain.console_width({}) == 80


def _no_terminal(descriptor: int) -> object:
    raise OSError("not a terminal")


@pytest.mark.parametrize("columns", [50, 80, 160])
def test_a_chinese_column_is_never_crushed_to_two_characters(columns):
    """高新/技术/企业 read as noise: a column of Chinese text is four characters wide at
    least, or dropped where it does not fit."""
    rows = [
        [Styled("7565家 增长19.2%"), Styled("高新技术企业总数\nhigh-tech-enterprises-total"),
         Styled("高新技术企业"), Styled("4.1"), Styled("2023 (2015–)")],
    ]  # fmt: skip
    grid = Grid(
        [Column("Figure", "spaces"), Column("Label / id"), Column("Topic", drop=3),
         Column("Where", "none", drop=2), Column("Year", "none", drop=1)],
        rows,
    )  # fmt: skip
    widths = grid.widths(columns)
    assert widths is not None
    if 2 in widths:
        assert widths[2] >= 8
    lines = draw(grid, width=columns).splitlines()
    assert not any(line.split()[-1:] in (["高新"], ["技术"], ["企业"]) for line in lines)
