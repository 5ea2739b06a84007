"""Rich renderables for the terminal. Renderers return them; the caller prints.

Imported only when a table is drawn: rich costs ~25 ms to import.
"""

from __future__ import annotations

import errno
import os
from typing import IO, TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

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


def _label(fact: Fact, lang: str, highlights: dict[str, tuple[int, ...]] | None = None) -> Text:
    name = "label_en" if lang == "en" else "label"
    text = Text(getattr(fact, name))
    for position in (highlights or {}).get(name, ()):
        text.stylize(HIGHLIGHT, position, position + 1)
    return text


def _figure(fact: Fact, lang: str) -> Text:
    if fact.kind not in FIGURE_KINDS:
        text = Text(fact.kind, style="dim italic")
        if fact.status is not None:  # 出台, or in English: issued
            text.append(f" · {fact.status.state if lang == 'en' else fact.status.text}")
        return text
    text = Text(fact.figure, style="bold")
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


def search_table(matches: list[Match], lang: str = "zh", *, years: bool = False) -> Table:
    """``years``: a Year column, for several reports loaded together."""
    table = _table("Figure", "Label", "Topic", "Where", *(["Year"] if years else []))
    table.columns[0].no_wrap = True
    table.columns[3].no_wrap = True
    table.columns[1].ratio = 3
    table.columns[1].overflow = "fold"
    table.columns[2].ratio = 1
    table.columns[2].overflow = "fold"
    for match in matches:
        fact = match.fact
        topic = fact.topic_en if lang == "en" else fact.topic
        table.add_row(
            _figure(fact, lang), _label(fact, lang, match.highlights), topic, fact.section,
            *([str(fact.year)] if years else []),
        )  # fmt: skip
    return table


def facts_table(
    facts: list[Fact],
    lang: str = "zh",
    title: str | None = None,
    *,
    where: bool = True,
    years: bool = False,
) -> Table:
    """Facts with their ids under the labels (ids are what `show` takes); ``years``
    adds a Year column, for several reports loaded together."""
    columns = ["Figure", "Label / id", *(["Where"] if where else []), *(["Year"] if years else [])]
    table = _table(*columns, title=title)
    table.columns[0].no_wrap = True
    table.columns[1].ratio = 1
    table.columns[1].overflow = "fold"
    for fact in facts:
        label = _label(fact, lang)
        label.append(f"\n{fact.id}", style="dim")
        table.add_row(
            _figure(fact, lang), label, *([fact.section] if where else []),
            *([str(fact.year)] if years else []),
        )  # fmt: skip
    return table


def pillar_view(base: FactBase, pillar: Pillar, lang: str = "zh") -> Group:
    """The pillar's title, then one table: each section's heading row, then its facts.

    One table rather than one per section: every table costs a layout pass.
    """
    title = pillar.title_en if lang == "en" else pillar.title
    heading = f"{section_label(str(pillar.number))}、{title}" if pillar.number else title
    table = _table("Figure", "Label / id")
    table.columns[0].no_wrap = True
    table.columns[1].ratio = 1
    table.columns[1].overflow = "fold"
    # Facts by section in one pass, figures first: they are what a reader of a pillar
    # looks for.
    by_section: dict[str, list[Fact]] = {}
    for fact in sorted(base.facts_in(pillar.number), key=lambda f: f.kind not in FIGURE_KINDS):
        by_section.setdefault(fact.section, []).append(fact)
    for section, section_title in pillar.sections.items():
        name = pillar.sections_en.get(section, section_title) if lang == "en" else section_title
        number = f"{section} {section_label(section)}" if pillar.number else section
        if table.row_count:
            table.add_section()
        table.add_row(Text(number, style="bold"), Text(name, style="bold"))
        for fact in by_section.get(section, ()):
            label = _label(fact, lang)
            label.append(f"\n{fact.id}", style="dim")
            table.add_row(_figure(fact, lang), label)
    return Group(Text(heading, style="bold underline"), Text(""), table)


def pillars_table(base: FactBase, lang: str = "zh") -> Table:
    table = _table("Pillar", "Title", "Sections", "Facts")
    table.columns[1].ratio = 1
    for pillar in base.pillars.values():
        title = pillar.title_en if lang == "en" else pillar.title
        table.add_row(
            str(pillar.number),
            title,
            str(len(pillar.sections)),
            str(len(base.facts_in(pillar.number))),
        )
    return table


def topics_table(base: FactBase) -> Table:
    table = _table("Topic", "English", "Facts", "Aliases")
    table.columns[1].ratio = 1
    table.columns[3].ratio = 1
    for topic in base.topics.values():
        table.add_row(topic.name, topic.en, str(len(topic.fact_ids)), ", ".join(topic.aliases))
    return table


def fact_view(fact: Fact, base: FactBase, lang: str = "zh") -> Group:
    """One fact in full; the caller prints :func:`citation_line` after it."""
    from cqfacts import cite

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    pillar = base.pillars[fact.pillar]
    section_title = pillar.sections.get(fact.section, "")
    if lang == "en":
        section_title = pillar.sections_en.get(fact.section, section_title)
    rows: list[tuple[str, str | Text]] = [
        ("id", fact.id),
        ("label", fact.label),
        ("label_en", fact.label_en),
        ("figure", _figure(fact, lang) if fact.kind in FIGURE_KINDS else fact.figure),
        ("value", "" if fact.value is None else f"{fact.value} {fact.unit}"),
        ("qualifier", fact.qualifier or ""),
        ("change", fact.change.text if fact.change else ""),
        ("kind", fact.kind),
        ("status", f"{fact.status.state} ({fact.status.text})" if fact.status else ""),
        ("topic", f"{fact.topic} ({fact.topic_en})"),
        (
            "where",
            f"{fact.section} {section_title}"
            if fact.pillar == 0
            else (f"{fact.section} {cite.where(fact, lang)} {section_title}"),
        ),
        ("note", fact.note or ""),
        ("years", _years_line(fact, base)),
        ("aliases", ", ".join(fact.aliases)),
    ]
    previous = cite.previous_value(fact)
    if previous is not None:
        rows.append(
            (
                "previous (derived)",
                Text(f"≈{previous.value}{previous.unit}  {previous.method}", "italic"),
            )
        )
    for key, value in rows:
        if value:
            grid.add_row(key, value)
    return Group(grid, Text(""))


def citation_line(fact: Fact, base: FactBase, lang: str = "zh") -> Text:
    """The citation, to be printed with soft_wrap=True: the terminal wraps it, so a
    copied line holds no line breaks."""
    from cqfacts import cite

    return Text(cite.citation(fact, base, lang), style="bold")


def rank_table(rows: list[Ranked], by: str, lang: str = "zh", *, years: bool = False) -> Table:
    """A ranked table with a bar per row, scaled to the largest value; ``years`` adds
    the year of each figure to its label."""
    table = _table("#", "Label", "Figure", "Value", "")
    table.columns[1].ratio = 1
    table.columns[1].overflow = "fold"
    table.columns[3].justify = "right"
    table.columns[4].no_wrap = True
    top = max((abs(row.value) for row in rows), default=0) or 1
    for position, row in enumerate(rows, 1):
        value = f"{row.value:g}{'%' if by == 'change' else ' ' + row.unit}"
        if row.converted:
            value += "*"
        # Divided first: twenty times a value near the float limit is infinite.
        bar = "█" * max(1, round(BAR_WIDTH * (abs(row.value) / top)))
        label = _label(row.fact, lang)
        if years:
            label.append(f" ({row.fact.year})", style="dim")
        table.add_row(str(position), label, row.fact.figure, value, Text(bar, "cyan"))
    if any(row.converted for row in rows):
        table.caption = "* converted from the report's unit (derived)"
    return table


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


def trend_table(points: list[TrendPoint], lang: str = "zh") -> Table:
    """One indicator year by year: the figure and its change, a bar scaled to the
    largest value, and the previous value each change implies beside the one the
    earlier report states (≠ where they differ by more than 1%)."""
    first = points[-1].fact
    title = f"{first.label_en if lang == 'en' else first.label}  ({first.id})"
    table = _table("Year", "Figure", "Change", "", "Previous year (derived / stated)", title=title)
    table.columns[3].no_wrap = True
    values = [abs(point.fact.value) for point in points if point.fact.value is not None]
    top = max(values, default=0) or 1
    for point in points:
        fact = point.fact
        bar = "" if fact.value is None else "█" * max(1, round(BAR_WIDTH * abs(fact.value) / top))
        change = ""
        if fact.change is not None:
            change = _english_change(fact) if lang == "en" else fact.change.text
        previous = Text("")
        if point.derived_previous is not None:
            derived = point.derived_previous
            previous.append(f"≈{derived.value:g}{derived.unit}", style="italic")
        if point.stated_previous is not None:
            stated = point.stated_previous.figure or ""
            previous.append(f" / {stated}" if previous else stated)
        if point.difference is not None:
            style = "bold red" if point.disagrees else "dim"
            mark = "≠ " if point.disagrees else ""
            previous.append(f"  {mark}{point.difference:+.2f}%", style=style)
        table.add_row(
            str(point.year), Text(fact.figure, "bold"), change, Text(bar, "cyan"), previous
        )
    return table


def _years_line(fact: Fact, base: FactBase) -> str:
    """ "2024 (also 2023, 2022)", where other loaded reports hold the same id."""
    others = [year for year in base.years_of(fact.id) if year != fact.year]
    if not others:
        return ""
    return f"{fact.year} (also {', '.join(map(str, reversed(others)))}: cqfacts trend {fact.id})"
