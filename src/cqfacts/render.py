"""Rich renderables for the terminal. Renderers return them; the caller prints.

Imported only when a table is drawn: rich costs ~25 ms to import.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from rich import box
from rich.console import Console, ConsoleOptions, Group, JustifyMethod, RenderResult
from rich.table import Table
from rich.text import Text

from cqfacts import english, layout
from cqfacts.model import section_label

if TYPE_CHECKING:  # types only: importing these would cost a table its start-up time
    from cqfacts.model import Fact, FactBase, Pillar
    from cqfacts.ranking import Ranked
    from cqfacts.search import Match
    from cqfacts.trend import TrendPoint

HIGHLIGHT = "bold yellow"
FIGURE_KINDS = ("figure", "rank")
BAR_WIDTH = 20
# Narrower than this, a table is unreadable: COLUMNS=0 (cron, some CI) would print
# nothing at all, and COLUMNS=3 one letter per line.
MIN_WIDTH = 40


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """rich would exit with status 1; the caller decides what a closed pipe means."""
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def make_console(
    color: str = "auto", file: IO[str] | None = None, *, terminal: bool | None = None
) -> Console:
    """auto: colour on a terminal unless NO_COLOR is set; always; never. ``terminal``
    says whether ``file`` is one (None: ask the file).

    Markup and emoji codes are off: the report's text is data, never markup (and
    rich's emoji table costs 3 ms to import). The width is at least MIN_WIDTH.
    """
    if color == "always":
        # Our styles are the 16 standard colours; "always" means even on TERM=dumb.
        console = _Console(
            file=file, highlight=False, markup=False, emoji=False,
            force_terminal=True, no_color=False, color_system="standard",
        )  # fmt: skip
    elif color == "never":
        console = _Console(file=file, highlight=False, markup=False, emoji=False, color_system=None)
    else:
        console = _Console(
            file=file, highlight=False, markup=False, emoji=False, force_terminal=terminal
        )
    if console.width < MIN_WIDTH:
        console.width = MIN_WIDTH
    return console


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    #: Where a cell may break: "cjk" at spaces and between Chinese characters,
    #: "spaces" at spaces only (a figure: 预计750亿元 增长10%), "none" nowhere.
    breaks: str = "cjk"
    #: 0: always shown; too narrow a terminal drops the highest first (gh does).
    drop: int = 0
    justify: JustifyMethod = "left"
    style: str | None = None


class Fitted:
    """A table laid out for the width it is drawn at: cells broken only where
    :mod:`cqfacts.layout` allows (never inside an id, a figure or a word, never
    before closing punctuation), so nothing is cut and no "…" hides text. Too narrow
    for every column, it drops the optional ones; too narrow for the rest, each row
    is stacked, its cells one under another."""

    def __init__(
        self,
        columns: list[Column],
        rows: list[list[Text]],
        *,
        title: str | None = None,
        caption: str | None = None,
        header: bool = True,
        gap: int = 3,
        sections: tuple[int, ...] = (),
    ) -> None:
        self.columns, self.rows, self.title, self.caption = columns, rows, title, caption
        self.header, self.gap, self.sections = header, gap, set(sections)

    def _needs(self, number: int) -> tuple[int, int]:
        """A column's narrowest and natural widths."""
        column = self.columns[number]
        texts = [row[number].plain for row in self.rows]
        cjk = column.breaks == "cjk"
        natural = max([layout.natural_width(t) for t in texts], default=0)
        narrowest = natural if column.breaks == "none" else max(
            [layout.min_width(t, cjk=cjk) for t in texts], default=0
        )  # fmt: skip
        if not self.header:
            return narrowest, natural
        # A long heading wraps at its spaces rather than widen its column.
        heading = layout.min_width(column.header, cjk=False)
        return max(narrowest, heading), max(natural, layout.width(column.header))

    def widths(self, room: int) -> dict[int, int] | None:
        """The width of each column shown, or None where the rows must be stacked."""
        needs = {number: self._needs(number) for number in range(len(self.columns))}
        shown = list(needs)
        while sum(needs[n][0] for n in shown) + self.gap * (len(shown) - 1) > room:
            droppable = [n for n in shown if self.columns[n].drop]
            if not droppable:
                return None
            shown.remove(max(droppable, key=lambda n: self.columns[n].drop))
        spare = room - self.gap * (len(shown) - 1) - sum(needs[n][0] for n in shown)
        widths = {n: needs[n][0] for n in shown}
        # The columns that want least get all they want first: one long label wraps
        # rather than every short figure and topic.
        for number in sorted(shown, key=lambda n: needs[n][1] - needs[n][0]):
            more = min(spare, needs[number][1] - needs[number][0])
            widths[number] += more
            spare -= more
        return widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self.widths(options.max_width)
        if widths is None:
            yield from self._stacked(options.max_width)
            return
        if self.header:
            table = _table(title=self.title)
            for number, width in widths.items():
                heading = self.columns[number].header
                lines = layout.wrap(heading, width, cjk=False)
                table.add_column("\n".join(heading[start:end] for start, end in lines))
        else:
            table = Table.grid(padding=(0, self.gap))
            for _ in widths:
                table.add_column()
        for column, (number, width) in zip(table.columns, widths.items(), strict=True):
            column.width, column.no_wrap, column.overflow = width, True, "fold"
            column.justify = self.columns[number].justify
            column.style = self.columns[number].style or ""
        for index, row in enumerate(self.rows):
            if index in self.sections and index:
                table.add_section()
            table.add_row(*(self._broken(row[n], n, w) for n, w in widths.items()))
        table.caption = self.caption
        yield table

    def _broken(self, text: Text, number: int, width: int) -> Text:
        column = self.columns[number]
        if column.breaks != "none":
            lines = layout.wrap(text.plain, width, cjk=column.breaks == "cjk")
            text = Text("\n").join(text[start:end] for start, end in lines)
        text.justify = column.justify
        return text

    def _stacked(self, width: int) -> RenderResult:
        """Each row as a block: its first cell, then the others indented under it."""
        if self.title:
            yield Text(self.title)
        for row in self.rows:
            first, *rest = row
            yield Text("\n").join(
                [first[a:b] for a, b in layout.wrap(first.plain, width)]
                + [Text("  ") + cell[a:b] for cell in rest if cell.plain
                   for a, b in layout.wrap(cell.plain, width - 2)]
            )  # fmt: skip
        if self.caption:
            yield Text(self.caption)


def _label(fact: Fact, lang: str, highlights: dict[str, tuple[int, ...]] | None = None) -> Text:
    name = "label_en" if lang == "en" else "label"
    # In English a policy keeps its Chinese title beside (after) label_en.
    text = Text(english.label(fact) if lang == "en" else fact.label)
    for position in (highlights or {}).get(name, ()):
        text.stylize(HIGHLIGHT, position, position + 1)
    return text


def _figure(fact: Fact, lang: str) -> Text:
    if fact.kind not in FIGURE_KINDS:
        text = Text(fact.kind, style="dim italic")
        if fact.status is not None:  # 出台, or in English: issued
            text.append(f" · {fact.status.state if lang == 'en' else fact.status.text}")
        return text
    text = Text(english.figure(fact) if lang == "en" else fact.figure, style="bold")
    if fact.change:
        change = fact.change.text if lang != "en" else _english_change(fact)
        text.append(f" {change}", style="green")
    return text


def _english_change(fact: Fact) -> str:
    from cqfacts.cite import change_text  # most tables need nothing else from cite

    return change_text(fact, "en")


def _table(*columns: str, title: str | None = None) -> Table:
    table = Table(
        title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False, show_edge=False
    )
    for column in columns:
        table.add_column(column)
    return table


def _with_id(label: Text, fact: Fact) -> Text:
    label.append(f"\n{fact.id}", style="dim")
    return label


FIGURE = Column("Figure", breaks="spaces")
LABEL_ID = Column("Label / id")


def search_table(matches: list[Match], lang: str = "zh", *, years: bool = False) -> Fitted:
    """Each match with its id under its label (what `show` takes); ``years`` adds a
    Year column, for several reports loaded together."""
    columns = [FIGURE, LABEL_ID, Column("Topic", drop=3), Column("Where", "none", drop=2)]
    rows = [
        [_figure(fact, lang), _with_id(_label(fact, lang, match.highlights), fact),
         Text(fact.topic_en if lang == "en" else fact.topic),
         Text(fact.section), *([Text(str(fact.year))] if years else [])]
        for match in matches
        for fact in (match.fact,)
    ]  # fmt: skip
    return Fitted(columns + ([Column("Year", "none", drop=1)] if years else []), rows)


def facts_table(
    facts: list[Fact],
    lang: str = "zh",
    title: str | None = None,
    *,
    where: bool = True,
    years: bool = False,
) -> Fitted:
    """Facts with their ids under the labels (ids are what `show` takes); ``years``
    adds a Year column, for several reports loaded together."""
    columns = [FIGURE, LABEL_ID, *([Column("Where", "none", drop=2)] if where else []),
               *([Column("Year", "none", drop=1)] if years else [])]  # fmt: skip
    rows = [
        [_figure(fact, lang), _with_id(_label(fact, lang), fact),
         *([Text(fact.section)] if where else []), *([Text(str(fact.year))] if years else [])]
        for fact in facts
    ]  # fmt: skip
    return Fitted(columns, rows, title=title)


def pillar_view(base: FactBase, pillar: Pillar, lang: str = "zh") -> Group:
    """The pillar's title, then one table: each section's heading row, then its facts."""
    title = pillar.title_en if lang == "en" else pillar.title
    if lang == "en":
        heading = f"Part {pillar.number}. {title}" if pillar.number else title
    else:
        heading = f"{section_label(str(pillar.number))}、{title}" if pillar.number else title
    # Facts by section in one pass, figures first: they are what a reader of a pillar
    # looks for.
    by_section: dict[str, list[Fact]] = {}
    for fact in sorted(base.facts_in(pillar.number), key=lambda f: f.kind not in FIGURE_KINDS):
        by_section.setdefault(fact.section, []).append(fact)
    rows: list[list[Text]] = []
    sections: list[int] = []
    for section, section_title in pillar.sections.items():
        name = pillar.sections_en.get(section, section_title) if lang == "en" else section_title
        number = section if lang == "en" or not pillar.number else (
            f"{section} {section_label(section)}"
        )  # fmt: skip
        sections.append(len(rows))
        rows.append([Text(number, style="bold"), Text(name, style="bold")])
        rows += [
            [_figure(f, lang), _with_id(_label(f, lang), f)] for f in by_section.get(section, ())
        ]
    table = Fitted([FIGURE, LABEL_ID], rows, sections=tuple(sections))
    return Group(Text(heading, style="bold underline"), Text(""), table)


def pillars_table(base: FactBase, lang: str = "zh") -> Fitted:
    columns = [Column("Pillar", "none"), Column("Title"), Column("Sections", "none", drop=1),
               Column("Facts", "none")]  # fmt: skip
    rows = [
        [Text(str(pillar.number)), Text(pillar.title_en if lang == "en" else pillar.title),
         Text(str(len(pillar.sections))), Text(str(len(base.facts_in(pillar.number))))]
        for pillar in base.pillars.values()
    ]  # fmt: skip
    return Fitted(columns, rows)


def topics_table(base: FactBase, lang: str = "zh") -> Fitted:
    """Topics; in English, the English name first."""
    names = ("English", "Topic") if lang == "en" else ("Topic", "English")
    columns = [Column(names[0]), Column(names[1], drop=2), Column("Facts", "none"),
               Column("Aliases", drop=1)]  # fmt: skip
    rows = []
    for topic in base.topics.values():
        first, second = (topic.en, topic.name) if lang == "en" else (topic.name, topic.en)
        rows.append([Text(first), Text(second), Text(str(len(topic.fact_ids))),
                     Text(", ".join(topic.aliases))])  # fmt: skip
    return Fitted(columns, rows)


def fact_view(fact: Fact, base: FactBase, lang: str = "zh") -> Group:
    """One fact in full; the caller prints :func:`citation_line` after it. In English
    every figure is English (derived for display, the fact unchanged)."""
    from cqfacts import cite

    en = lang == "en"
    pillar = base.pillars[fact.pillar]
    section_title = pillar.sections.get(fact.section, "")
    if en:
        section_title = pillar.sections_en.get(fact.section, section_title)
    where = f"{fact.section} {cite.where(fact, lang)} {section_title}"
    amount = "" if fact.value is None else (
        english.amount(fact.value, fact.unit) if en else f"{fact.value} {fact.unit}"
    )  # fmt: skip
    rows: list[tuple[str, str | Text]] = [
        ("id", fact.id),
        *([("label_en", fact.label_en), ("label", fact.label)] if en
          else [("label", fact.label), ("label_en", fact.label_en)]),
        ("figure", _figure(fact, lang) if fact.kind in FIGURE_KINDS else fact.figure),
        ("value", amount),
        ("qualifier", "" if en else fact.qualifier or ""),
        ("change", cite.change_text(fact, lang) if fact.change else ""),
        ("kind", fact.kind),
        ("status", f"{fact.status.state} ({fact.status.text})" if fact.status else ""),
        ("topic", f"{fact.topic_en} ({fact.topic})" if en else f"{fact.topic} ({fact.topic_en})"),
        ("where", f"{fact.section} {section_title}" if fact.pillar == 0 else where),
        ("note", fact.note or ""),
        ("years", _years_line(fact, base)),
        ("aliases", ", ".join(fact.aliases)),
    ]  # fmt: skip
    previous = cite.previous_value(fact)
    if previous is not None:
        shown = english.previous(previous) if en else (
            f"≈{previous.value}{previous.unit}  {previous.method}"
        )  # fmt: skip
        rows.append(("previous (derived)", Text(shown, "italic")))
    cells = [[Text(key), value if isinstance(value, Text) else Text(value)]
             for key, value in rows if value]  # fmt: skip
    grid = Fitted([Column("", "none", style="dim"), Column("")], cells, header=False, gap=2)
    return Group(grid, Text(""))


def citation_line(fact: Fact, base: FactBase, lang: str = "zh") -> Text:
    """The citation, to be printed with soft_wrap=True: the terminal wraps it, so a
    copied line holds no line breaks."""
    from cqfacts import cite

    return Text(cite.citation(fact, base, lang), style="bold")


def rank_table(rows: list[Ranked], by: str, lang: str = "zh", *, years: bool = False) -> Fitted:
    """A ranked table with a bar per row in proportion to the largest value (to an
    eighth of a cell: a value 1/2000 of the top draws nothing, not a whole block);
    ``years`` adds the year of each figure to its label. In English by value, the
    value is the English figure itself: no Figure column repeats it."""
    figures = not (lang == "en" and by == "value")
    columns = [Column("#", "none"), Column("Label"),
               *([Column("Figure", "spaces", drop=1)] if figures else []),
               Column("Value", "spaces", justify="right"),
               Column("", "none", drop=2, style="cyan")]  # fmt: skip
    top = max((abs(row.value) for row in rows), default=0) or 1
    cells = []
    for position, row in enumerate(rows, 1):
        if by == "change":
            value = f"{english.number(row.value)}%"
        elif lang == "en":
            value = english.amount(row.value, row.unit) if row.converted else (
                english.figure(row.fact)
            )  # fmt: skip
        else:
            value = f"{english.number(row.value)} {row.unit}"
        label = _label(row.fact, lang)
        if years:
            label.append(f" ({row.fact.year})", style="dim")
        figure = english.figure(row.fact) if lang == "en" else row.fact.figure
        cells.append([Text(str(position)), label, *([Text(figure)] if figures else []),
                      Text(value + ("*" if row.converted else "")),
                      Text(layout.bar(abs(row.value), top, BAR_WIDTH))])  # fmt: skip
    caption = "* converted from the report's unit (derived)"
    return Fitted(columns, cells, caption=caption if any(r.converted for r in rows) else None)


def audit_lines(report: dict[str, Any]) -> str:
    """An audit as plain lines, one per finding, grep-able: SOURCE:LINE:COLUMN: …"""
    source = report["source"]
    lines = [
        f"{source}:{item['line']}:{item['column']}: uncovered figure {item['text']!r} "
        f"(section {item['section']})"
        for item in report["uncovered"]
    ]
    lines += [
        f"fact {item['id']!r}: unsupported: {item['reason']} ({item['value_text']!r})"
        for item in report["unsupported"]
    ]
    lines += [
        f"{source}:{item['line']}:{item['column']}: fact {item['id']!r} says section "
        f"{item['section']}, its figure {item['value_text']!r} stands in {item['found_section']}"
        for item in report["misplaced"]
    ]
    found = len(lines)
    lines.append(f"{source}: {'clean' if not found else f'{found} finding' + 's' * (found > 1)}")
    return "\n".join(lines)


def trend_table(points: list[TrendPoint], lang: str = "zh") -> Fitted:
    """One indicator year by year: the figure and its change, a bar in proportion to
    the largest value, and the previous value each change implies beside the one the
    earlier report states (≠ where they differ by more than 1%)."""
    first = points[-1].fact
    en = lang == "en"
    title = f"{first.label_en if en else first.label}  ({first.id})"
    columns = [Column("Year", "none"), Column("Figure", "spaces"), Column("Change", "spaces"),
               Column("", "none", drop=1, style="cyan"),
               Column("Previous year (derived / stated)", "spaces")]  # fmt: skip
    values = [abs(point.fact.value) for point in points if point.fact.value is not None]
    top = max(values, default=0) or 1
    rows = []
    for point in points:
        fact = point.fact
        bar = "" if fact.value is None else layout.bar(abs(fact.value), top, BAR_WIDTH)
        change = ""
        if fact.change is not None:
            change = _english_change(fact) if en else fact.change.text
        previous = Text("")
        if point.derived_previous is not None:
            derived = point.derived_previous
            shown = f"≈ {english.amount(derived.value, derived.unit)}" if en else (
                f"≈{english.number(derived.value, grouped=False)}{derived.unit}"
            )  # fmt: skip
            previous.append(shown, style="italic")
        if point.stated_previous is not None:
            stated_fact = point.stated_previous
            stated = (english.figure(stated_fact) if en else stated_fact.figure) or ""
            previous.append(f" / {stated}" if previous else stated)
        if point.difference is not None:
            style = "bold red" if point.disagrees else "dim"
            mark = "≠ " if point.disagrees else ""
            previous.append(f"  {mark}{point.difference:+.2f}%", style=style)
        figure = english.figure(fact) if en else fact.figure
        rows.append([Text(str(point.year)), Text(figure, "bold"), Text(change), Text(bar),
                     previous])  # fmt: skip
    return Fitted(columns, rows, title=title)


def _years_line(fact: Fact, base: FactBase) -> str:
    """ "2024 (also 2023, 2022)", where other loaded reports hold the same id."""
    others = [year for year in base.years_of(fact.id) if year != fact.year]
    if not others:
        return ""
    return f"{fact.year} (also {', '.join(map(str, reversed(others)))}: cqfacts trend {fact.id})"
