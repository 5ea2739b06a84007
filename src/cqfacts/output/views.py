"""What each table and page shows, without rich: cells of styled text in a
:class:`~cqfacts.output.layout.Grid`, pages as blocks one under another. Two writers draw
them: rich (:mod:`cqfacts.output.render`) everywhere, and the plain writer
(:mod:`cqfacts.output.plain`) where a lookup is piped without colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cqfacts.derive import english
from cqfacts.facts.model import section_label
from cqfacts.output import layout
from cqfacts.output.layout import Column, Grid, Styled

if TYPE_CHECKING:  # types only: importing these would cost a table its start-up time
    from cqfacts.derive.ranking import Ranked
    from cqfacts.derive.trend import TrendPoint
    from cqfacts.facts.model import Fact, FactBase, Pillar
    from cqfacts.search.engine import Match

#: Blocks shown one under another.
Page = tuple["Grid | Styled", ...]
#: What a command shows.
View = Grid | Styled | Page

HIGHLIGHT = "bold yellow"
FIGURE_KINDS = ("figure", "rank")
BAR_WIDTH = 20


def _label(fact: Fact, lang: str, highlights: dict[str, tuple[int, ...]] | None = None) -> Styled:
    name = "label_en" if lang == "en" else "label"
    # In English a policy keeps its Chinese title beside (after) label_en.
    text = Styled(english.label(fact) if lang == "en" else fact.label)
    for position in (highlights or {}).get(name, ()):
        text.stylize(HIGHLIGHT, position, position + 1)
    return text


def _figure(fact: Fact, lang: str) -> Styled:
    if fact.kind not in FIGURE_KINDS:
        text = Styled(fact.kind, style="dim italic")
        if fact.status is not None:  # 出台, or in English: issued
            text.append(f" · {fact.status.state if lang == 'en' else fact.status.text}")
        return text
    text = Styled(english.figure(fact) if lang == "en" else fact.figure, style="bold")
    if fact.change:
        change = fact.change.text if lang != "en" else _english_change(fact)
        text.append(f" {change}", style="green")
    return text


def _english_change(fact: Fact) -> str:
    from cqfacts.derive.cite import change_text  # most tables need nothing else from cite

    return change_text(fact, "en")


def _with_id(label: Styled, fact: Fact) -> Styled:
    label.append(f"\n{fact.id}", style="dim")
    return label


FIGURE = Column("Figure", breaks="spaces")
LABEL_ID = Column("Label / id")


def search_table(matches: list[Match], lang: str = "zh", *, years: bool = False) -> Grid:
    """Each match with its id under its label (what `show` takes); ``years`` adds a
    Year column, for several reports loaded together."""
    columns = [FIGURE, LABEL_ID, Column("Topic", drop=3), Column("Where", "none", drop=2)]
    rows = [
        [_figure(fact, lang), _with_id(_label(fact, lang, match.highlights), fact),
         Styled(fact.topic_en if lang == "en" else fact.topic),
         Styled(fact.section), *([Styled(str(fact.year))] if years else [])]
        for match in matches
        for fact in (match.fact,)
    ]  # fmt: skip
    return Grid(columns + ([Column("Year", "none", drop=1)] if years else []), rows)


def facts_table(
    facts: list[Fact],
    lang: str = "zh",
    title: str | None = None,
    *,
    where: bool = True,
    years: bool = False,
) -> Grid:
    """Facts with their ids under the labels (ids are what `show` takes); ``years``
    adds a Year column, for several reports loaded together."""
    columns = [FIGURE, LABEL_ID, *([Column("Where", "none", drop=2)] if where else []),
               *([Column("Year", "none", drop=1)] if years else [])]  # fmt: skip
    rows = [
        [_figure(fact, lang), _with_id(_label(fact, lang), fact),
         *([Styled(fact.section)] if where else []), *([Styled(str(fact.year))] if years else [])]
        for fact in facts
    ]  # fmt: skip
    return Grid(columns, rows, title=title)


def pillar_view(base: FactBase, pillar: Pillar, lang: str = "zh") -> Page:
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
    rows: list[list[Styled]] = []
    sections: list[int] = []
    for section, section_title in pillar.sections.items():
        name = pillar.sections_en.get(section, section_title) if lang == "en" else section_title
        number = section if lang == "en" or not pillar.number else (
            f"{section} {section_label(section)}"
        )  # fmt: skip
        sections.append(len(rows))
        rows.append([Styled(number, style="bold"), Styled(name, style="bold")])
        rows += [
            [_figure(f, lang), _with_id(_label(f, lang), f)] for f in by_section.get(section, ())
        ]
    table = Grid([FIGURE, LABEL_ID], rows, sections=tuple(sections))
    return (Styled(heading, style="bold underline"), Styled(""), table)


def pillars_table(base: FactBase, lang: str = "zh") -> Grid:
    columns = [Column("Pillar", "none"), Column("Title"), Column("Sections", "none", drop=1),
               Column("Facts", "none")]  # fmt: skip
    rows = [
        [Styled(str(pillar.number)), Styled(pillar.title_en if lang == "en" else pillar.title),
         Styled(str(len(pillar.sections))), Styled(str(len(base.facts_in(pillar.number))))]
        for pillar in base.pillars.values()
    ]  # fmt: skip
    return Grid(columns, rows)


def topics_table(base: FactBase, lang: str = "zh") -> Grid:
    """Topics; in English, the English name first."""
    names = ("English", "Topic") if lang == "en" else ("Topic", "English")
    columns = [Column(names[0]), Column(names[1], drop=2), Column("Facts", "none"),
               Column("Aliases", drop=1)]  # fmt: skip
    rows = []
    for topic in base.topics.values():
        first, second = (topic.en, topic.name) if lang == "en" else (topic.name, topic.en)
        rows.append([Styled(first), Styled(second), Styled(str(len(topic.fact_ids))),
                     Styled(", ".join(topic.aliases))])  # fmt: skip
    return Grid(columns, rows)


def fact_view(fact: Fact, base: FactBase, lang: str = "zh") -> Page:
    """One fact in full; the caller prints :func:`citation_line` after it. In English
    every figure is English (derived for display, the fact unchanged)."""
    from cqfacts.derive import cite

    en = lang == "en"
    pillar = base.pillars[fact.pillar]
    section_title = pillar.sections.get(fact.section, "")
    if en:
        section_title = pillar.sections_en.get(fact.section, section_title)
    where = f"{fact.section} {cite.where(fact, lang)} {section_title}"
    amount = "" if fact.value is None else (
        english.amount(fact.value, fact.unit) if en else f"{fact.value} {fact.unit}"
    )  # fmt: skip
    rows: list[tuple[str, str | Styled]] = [
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
        rows.append(("previous (derived)", Styled(shown, "italic")))
    cells = [[Styled(key), value if isinstance(value, Styled) else Styled(value)]
             for key, value in rows if value]  # fmt: skip
    grid = Grid([Column("", "none", style="dim"), Column("")], cells, header=False, gap=2)
    return (grid, Styled(""))


def citation_line(fact: Fact, base: FactBase, lang: str = "zh") -> Styled:
    """The citation, to be printed with soft_wrap=True: the terminal wraps it, so a
    copied line holds no line breaks."""
    from cqfacts.derive import cite

    return Styled(cite.citation(fact, base, lang), style="bold")


def rank_table(rows: list[Ranked], by: str, lang: str = "zh", *, years: bool = False) -> Grid:
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
        cells.append([Styled(str(position)), label, *([Styled(figure)] if figures else []),
                      Styled(value + ("*" if row.converted else "")),
                      Styled(layout.bar(abs(row.value), top, BAR_WIDTH))])  # fmt: skip
    caption = "* converted from the report's unit (derived)"
    return Grid(columns, cells, caption=caption if any(r.converted for r in rows) else None)


def trend_table(points: list[TrendPoint], lang: str = "zh") -> Grid:
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
        previous = Styled("")
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
        rows.append([Styled(str(point.year)), Styled(figure, "bold"), Styled(change), Styled(bar),
                     previous])  # fmt: skip
    return Grid(columns, rows, title=title)


def _years_line(fact: Fact, base: FactBase) -> str:
    """ "2024 (also 2023, 2022)", where other loaded reports hold the same id."""
    others = [year for year in base.years_of(fact.id) if year != fact.year]
    if not others:
        return ""
    return f"{fact.year} (also {', '.join(map(str, reversed(others)))}: cqfacts trend {fact.id})"
