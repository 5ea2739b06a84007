"""What each table and page shows, without rich: cells of styled text in a
:class:`~cqfacts.output.layout.Grid`, pages as blocks one under another. Two writers draw
them: rich (:mod:`cqfacts.output.render`) everywhere, and the plain writer
(:mod:`cqfacts.output.plain`) where a lookup is piped without colour.
"""

from __future__ import annotations

from cqfacts.derive import english
from cqfacts.facts.model import section_label
from cqfacts.fast_typing import TYPE_CHECKING
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


#: The mark of a drafted fact no curator has checked, in every table's label.
DRAFT_MARK = {"zh": "草稿", "en": "DRAFT"}


def _label(fact: Fact, lang: str, highlights: dict[str, tuple[int, ...]] | None = None) -> Styled:
    name = "label_en" if lang == "en" else "label"
    # In English a policy keeps its Chinese title beside (after) label_en.
    text = Styled(english.label(fact) if lang == "en" else fact.label)
    for position in (highlights or {}).get(name, ()):
        text.stylize(HIGHLIGHT, position, position + 1)
    if fact.draft:  # unchecked: never quoted as a curated figure
        return Styled().append(DRAFT_MARK[lang], "bold reverse").append(" ").append(text)
    return text


def _figure(fact: Fact, lang: str) -> Styled:
    if fact.kind not in FIGURE_KINDS:
        text = Styled(fact.kind, style="dim italic")
        if fact.status is not None:  # 出台, or in English: issued, being drafted …
            state = english.STATES_EN.get(fact.status.state, fact.status.state)
            text.append(f" · {state if lang == 'en' else fact.status.text}")
        return text
    text = Styled(english.figure(fact) if lang == "en" else fact.figure, style="bold")
    if fact.change:
        change = fact.change.text if lang != "en" else _english_change(fact)
        text.append(f" {change}" if text.plain else change, style="green")
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
         Styled(fact.section or ""), *([Styled(_year_cell(fact, match.years))] if years else [])]
        for match in matches
        for fact in (match.fact,)
    ]  # fmt: skip
    return Grid(columns + ([Column("Year", "none", drop=1)] if years else []), rows)


def _year_cell(fact: Fact, years: tuple[int, ...]) -> str:
    """The fact's year, and where the indicator has others, the first: 2023 (2015–)."""
    if len(years) > 1 and fact.year is not None and years[0] < fact.year:
        return f"{fact.year} ({years[0]}–)"
    return str(fact.year)


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
         *([Styled(fact.section or "")] if where else []),
         *([Styled(str(fact.year))] if years else [])]
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
        by_section.setdefault(fact.section or "", []).append(fact)
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
    # Which report the part is of: several may be loaded, each with its own parts.
    report = f"{base.meta.title_en if lang == 'en' else base.meta.title} ({base.meta.year})"
    return (Styled(heading, style="bold underline"), Styled(report, "dim"), Styled(""), table)


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
    pillar = base.pillars.get(fact.pillar) if fact.pillar is not None else None
    section = fact.section or ""
    section_title = pillar.sections.get(section, "") if pillar else ""
    if en and pillar:
        section_title = pillar.sections_en.get(section, section_title)
    where = f"{section} {cite.where(fact, lang, base)} {section_title}".strip()
    # The value row carries the qualifier too: it is quoted on its own.
    amount = "" if fact.value is None else (
        english.qualified(fact, english.amount(fact.value, fact.unit)) if en
        else f"{fact.qualifier or ''}{fact.value} {fact.unit}"
    )  # fmt: skip
    qualifier = fact.qualifier or ""
    if en and qualifier:
        qualifier = f"{english.qualifier(fact) or qualifier} ({qualifier})"
    rows: list[tuple[str, str | Styled]] = [
        ("id", fact.id),
        *([("label_en", fact.label_en), ("label", fact.label)] if en
          else [("label", fact.label), ("label_en", fact.label_en)]),
        ("figure", _figure(fact, lang) if fact.kind in FIGURE_KINDS else (
            english.name(fact) if en else fact.figure)),
        ("value", amount),
        ("qualifier", qualifier),
        ("change", cite.change_text(fact, lang) if fact.change else ""),
        ("kind", fact.kind),
        ("status", _status(fact, lang)),
        ("topic", f"{fact.topic_en} ({fact.topic})" if en else f"{fact.topic} ({fact.topic_en})"),
        ("where", f"{section} {section_title}" if fact.pillar == 0 else where),
        ("basis", _basis(fact, lang)),
        ("source", _source_line(fact)),
        ("note", fact.note or ""),
        ("years", _years_line(fact, base)),
        ("aliases", ", ".join(fact.aliases)),
        ("formerly", ", ".join(fact.former_ids)),
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
    # The address on a line of its own, never in the grid: an address wider than the
    # terminal would stack every row; printed alone, it folds and copies whole.
    url = fact.source.url if fact.source is not None else None
    head: Page = (grid, Styled(url), Styled("")) if url else (grid, Styled(""))
    points = base.points(fact.id)
    if len(points) < 2:
        return head
    # Every source's figure for every year, under the fact: its series at a glance.
    heading = "Series" if en else "历年数据"
    series = Grid(
        [Column("Year", "none"), Column("Figure", "spaces"), Column("Basis", "none", drop=1),
         Column("Source", "spaces")],
        [[Styled(str(point.year)), Styled(english.figure(point) if en else point.figure, "bold"),
          Styled(_basis_short(point, lang)), Styled(_source_short(point))]
         for point in points],
        title=heading,
    )  # fmt: skip
    return (*head, series, Styled(""))


def _status(fact: Fact, lang: str) -> str:
    """A policy's state: in English with the verb's meaning (issued (formulated, 制定)),
    else the state and the report's verb."""
    if fact.status is None:
        return ""
    return english.status(fact) if lang == "en" else f"{fact.status.state} ({fact.status.text})"


def citation_line(fact: Fact, base: FactBase, lang: str = "zh") -> Styled:
    """The citation, to be printed with soft_wrap=True: the terminal wraps it, so a
    copied line holds no line breaks."""
    from cqfacts.derive import cite

    return Styled(cite.citation(fact, base, lang), style="bold")


def rank_table(
    rows: list[Ranked], by: str, lang: str = "zh", *, years: bool = False, year: int | None = None
) -> Grid:
    """A ranked table with a bar per row in proportion to the largest value (to an
    eighth of a cell: a value 1/2000 of the top draws nothing, not a whole block);
    ``years`` adds the year of each figure to its label; ``year`` (the one year
    ranked) is the title. In English by value, the value is the English figure
    itself: no Figure column repeats it."""
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
            value = english.qualified(row.fact, english.amount(row.value, row.unit)) if (
                row.converted
            ) else english.figure(row.fact)  # fmt: skip
        else:  # the qualifier as written, before the converted number (超过240,000 人)
            value = f"{row.fact.qualifier or ''}{english.number(row.value)} {row.unit}"
        label = _label(row.fact, lang)
        if years:
            label.append(f" ({row.fact.year})", style="dim")
        figure = english.figure(row.fact) if lang == "en" else row.fact.figure
        cells.append([Styled(str(position)), label, *([Styled(figure)] if figures else []),
                      Styled(value + ("*" if row.converted else "")),
                      Styled(layout.bar(abs(row.value), top, BAR_WIDTH))])  # fmt: skip
    caption = "* converted from the report's unit (derived)"
    title = None if year is None else (f"{year}" if lang == "en" else f"{year}年")
    return Grid(
        columns, cells, title=title, caption=caption if any(r.converted for r in rows) else None
    )


def trend_table(points: list[TrendPoint], lang: str = "zh") -> Page:
    """One indicator year by year, a row per source: the figure as written, its
    basis and source, and a bar in the series' unit. What a reader must not miss
    (sources that disagree, an estimate later contradicted, a stated previous value
    the next change does not give) is marked ⚠ and said under the table."""
    latest = max(points, key=lambda point: (point.year or 0, point.fact is points[-1].fact))
    en = lang == "en"
    unit = next((point.unit for point in reversed(points) if point.unit), None)
    label = latest.fact.label_en if en else latest.fact.label
    title = f"{label}  ({latest.fact.id}{', ' + unit if unit else ''})"
    # Too narrow, the bar goes first and the source last: a point is cited by it.
    columns = [Column("Year", "none"), Column("Figure", "spaces"),
               Column("Change", "spaces", drop=3),
               Column("Basis", "none", drop=2), Column("Source", "spaces", drop=1),
               Column("", "none", drop=4, style="cyan"), Column("", "none")]  # fmt: skip
    values = [abs(point.value) for point in points if point.value is not None]
    top = max(values, default=0) or 1
    rows, notes = [], []
    for point in points:
        fact = point.fact
        bar = "" if point.value is None else layout.bar(abs(point.value), top, BAR_WIDTH)
        change = ""
        if fact.change is not None:
            change = _english_change(fact) if en else fact.change.text
        figure = english.figure(fact) if en else fact.figure
        if not figure and change:  # a change alone, said to be one: never read as a level
            figure = f"change {change}" if en else f"变化：{change}"
        mark = Styled("")
        said = [flag.text_en if en else flag.text for flag in point.flags]
        # Against an estimate, the estimate's own row says it (estimate-contradicted).
        stated_estimate = point.stated_previous is not None and (
            point.stated_previous.basis == "estimated"
        )
        if (
            point.disagrees
            and point.derived_previous
            and point.stated_previous
            and not (stated_estimate)
        ):
            derived = point.derived_previous
            shown = f"{english.number(derived.value, grouped=False)}{derived.unit}"
            stated = point.stated_previous.figure
            said.append(
                f"implies {shown} for {fact.year - 1 if fact.year else ''}, not {stated}"
                if en
                else f"推算上年为{shown}，与所载{stated}不符"
            )
        for text in said:
            notes.append(f"⚠ {fact.year} {figure}: {text}")
        if said:
            mark.append("⚠", style="bold red")
        rows.append([Styled(str(point.year)), Styled(figure, "bold"), Styled(change),
                     Styled(_basis_short(fact, lang)), Styled(_source_short(fact)), Styled(bar),
                     mark])  # fmt: skip
    grid = Grid(columns, rows, title=title)
    return (grid, Styled("\n".join(notes), "red")) if notes else (grid,)


def _basis_short(fact: Fact, lang: str) -> str:
    if fact.draft:
        return "DRAFT" if lang == "en" else "草稿"
    if fact.basis is None:
        return ""
    return fact.basis if lang == "en" else BASIS_ZH[fact.basis]


def _source_short(fact: Fact) -> str:
    """Publisher and date, the way a trend row names its source."""
    source = fact.source
    if source is None:
        return fact.report or ""
    return " ".join(part for part in (source.publisher or source.title, source.published) if part)


def _years_line(fact: Fact, base: FactBase) -> str:
    """ "2024 (also 2023, 2022)", where other loaded reports hold the same id."""
    others = [year for year in base.years_of(fact.id) if year != fact.year]
    if not others:
        return ""
    return f"{fact.year} (also {', '.join(map(str, reversed(others)))}: cqfacts trend {fact.id})"


def _basis(fact: Fact, lang: str) -> str:
    """final / preliminary / estimated, in the reader's language."""
    if fact.basis is None:
        return ""
    return fact.basis if lang == "en" else f"{BASIS_ZH[fact.basis]} ({fact.basis})"


#: The bases in Chinese, for tables and citations.
BASIS_ZH = {"final": "统计数", "preliminary": "初步数", "estimated": "预计数"}


def _source_line(fact: Fact) -> str:
    """The source as a reader cites it: publisher, date, title (its address is
    printed under the fact, see :func:`fact_view`)."""
    source = fact.source
    if source is None:
        return ""
    parts = [source.publisher or "", source.published or "", source.title]
    line = ", ".join(part for part in parts if part)
    return line + (" (copy)" if source.copy else "")


def sources_view(entries: list[dict[str, object]], lang: str = "zh") -> Styled:
    """Every source cited, newest first: date, publisher, what it gives, then its
    title and address on lines of their own (an address is never cut)."""
    text = Styled("")
    for number, entry in enumerate(entries):
        years = entry["years"]
        assert isinstance(years, list)
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else "".join(map(str, years))
        facts = entry["facts"]
        count = f"{facts} fact{'s' * (facts != 1)}" if lang == "en" else f"{facts}条"
        drafts = entry["drafts"]
        if drafts:
            count += f", {drafts} DRAFT" if lang == "en" else f"，草稿{drafts}条"
        head = " · ".join(
            str(part)
            for part in (entry.get("published"), entry.get("publisher"), span, count)
            if part
        )
        text.append(("\n\n" if number else "") + head, style="bold")
        text.append(f"\n  {entry['title']}")
        if entry.get("url"):
            copy = " (copy)" if entry.get("copy") else ""
            text.append(f"\n  {entry['url']}{copy}", style="cyan")
        else:
            text.append("\n  " + ("no address" if lang == "en" else "无网址"), style="dim")
    return text
