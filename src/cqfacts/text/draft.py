"""Drafting a fact file from a report's text, for a curator to finish: every figure,
rank, fraction and 《》 document the text holds (:mod:`cqfacts.text.figures` finds
them), labelled and given an id (:mod:`cqfacts.text.labels`), placed in its pillar
and section, as the records of a fact base (:class:`~cqfacts.facts.model.Fact` …),
written by the one TOML writer (:mod:`cqfacts.facts.tomlwriter`).

Whatever the text, the drafted file validates or :class:`DraftError` says why (no
figure at all; no year given and none the text names; more pillars, sections or facts
than a fact file holds): labels and titles are put on one line of at most 500
characters, a generic one standing for one that shows nothing.

The report's year is the caller's, else the one the text names
(:func:`~cqfacts.text.figures.report_year`: its title's, or 2023年,全市… opening a
paragraph); it is never guessed from a year the text merely mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from cqfacts.errors import DraftError, InvalidArgumentError, quoted
from cqfacts.facts.model import Change, Fact, FactBase, Meta, Pillar, Topic
from cqfacts.facts.tomlwriter import to_toml
from cqfacts.facts.units import RATE_UNITS
from cqfacts.facts.values import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_FACTS,
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_PILLARS,
    MAX_SECTIONS,
)
from cqfacts.facts.values import _is_text as shows_text  # the validator's own test
from cqfacts.text.figures import (
    TITLE_MAX,
    UNSHOWABLE,
    ChangeFound,
    Figure,
    find_documents,
    find_figures,
    first_year,
    read_figures,
    report_year,
)
from cqfacts.text.glossary import reading
from cqfacts.text.known import Known, over_years, period_word
from cqfacts.text.labels import Label, labels, unique
from cqfacts.text.report import (
    OVERVIEW,
    OVERVIEW_TITLE,
    PillarText,
    Report,
    detection_text,
    parse_report,
)

# The figure finder's names, importable from here as before the split.
__all__ = [
    "PLACEHOLDER_YEAR",
    "ChangeFound",
    "Drafted",
    "Figure",
    "draft_report",
    "find_documents",
    "find_figures",
    "first_year",
    "read_figures",
    "report_year",
]

#: [meta] year of a draft whose year neither the caller nor the text gives: never
#: written, as :meth:`Drafted.check` refuses such a draft (its facts' year is None).
PLACEHOLDER_YEAR = 1
_UNDATED = (
    "the text names no year it reports on (in its title, or as 2023年,… opening a "
    "paragraph): give the year with --year"
)
_HEADING_START = re.compile(r"[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)")
_HEADER = "Drafted by cqfacts: every fact has draft = true until a curator checks it."


class Drafted:
    """A drafted fact file: ``base`` holds its records ([meta], the report's pillars,
    a topic per section and the drafted facts, each with ``draft``, ``line`` and
    ``column``), in file order; ``facts`` are those facts as JSON objects (what
    ``draft --json`` prints). ``year`` is the report's, None where neither the caller
    nor the text gives it (then :meth:`check` refuses the draft)."""

    def __init__(self, base: FactBase, year: int | None) -> None:
        self.base = base
        self.year = year

    def __repr__(self) -> str:
        return f"Drafted(facts={len(self.base.facts)}, pillars={len(self.base.pillars)})"

    @property
    def meta(self) -> Meta:
        return self.base.meta

    @property
    def pillars(self) -> dict[int, Pillar]:
        return self.base.pillars

    @property
    def facts(self) -> list[dict[str, Any]]:
        """The drafted facts as fact objects of the JSON contract, in file order."""
        return [fact.to_dict() for fact in self.base.facts]

    def check(self) -> None:
        """:class:`DraftError` where a fact file could not hold the draft: no fact (it
        holds at least one topic), no year, or more pillars, sections or facts than it
        holds."""
        if not self.base.facts:
            raise DraftError(
                "nothing to draft: the text holds no figure with a unit, rank, fraction "
                "or 《》 document"
            )
        fault = _too_large(self.base)
        if fault:
            raise DraftError(fault)
        if self.year is None:  # last: given a year, a text of faults would still fail
            raise DraftError(_UNDATED)

    def to_toml(self) -> str:
        """The fact file (see :meth:`check` for what it refuses)."""
        self.check()
        return to_toml(self.base, header=_HEADER)

    def to_json(self) -> list[dict[str, Any]]:
        """The facts of :meth:`to_toml` as JSON objects: [] where the text holds none,
        :class:`DraftError` where a fact file could not hold them."""
        if not self.base.facts:
            return []
        self.check()
        return self.facts


def _shown(text: str, fallback: str, limit: int = MAX_NAME_LENGTH) -> str:
    """A text as a fact file takes it: control characters and line breaks as spaces,
    on one line, trimmed and cut to ``limit``; ``fallback`` where nothing is left that
    shows (a heading of a zero-width space, a label of punctuation only)."""
    cleaned = " ".join(UNSHOWABLE.sub(" ", text).split())[:limit].strip()
    return cleaned if shows_text(cleaned) else fallback


def _given(what: str, text: str | None, limit: int = MAX_NAME_LENGTH) -> str | None:
    """A text the caller gave for [meta], as it is, or :class:`InvalidArgumentError`
    saying why a fact file would refuse it (it is not changed behind the caller)."""
    if text is None:
        return None
    control = UNSHOWABLE.search(text)
    if control:
        fault = f"holds a control character ({control[0]!r})"
    elif not shows_text(text):
        fault = "shows nothing"
    elif len(text) > limit:
        fault = f"is {len(text):,} characters long (at most {limit:,})"
    else:
        return text
    raise InvalidArgumentError(f"the {what} {quoted(text)} {fault}: a fact file would refuse it")


def _too_large(base: FactBase) -> str | None:
    """Why a draft is more than a fact file holds, if it is."""
    pillars = base.pillars
    sections = sum(len(pillar.sections) for pillar in pillars.values())
    if len(pillars) > MAX_PILLARS:
        return (
            f"the text has {len(pillars) - 1:,} pillar headings (一、…): "
            f"a fact file holds at most {MAX_PILLARS - 1} besides the overview"
        )
    if sections > MAX_SECTIONS:
        return f"the text has {sections:,} sections: a fact file holds at most {MAX_SECTIONS:,}"
    if len(base.facts) > MAX_FACTS:
        return f"the text has {len(base.facts):,} figures: a fact file holds at most {MAX_FACTS:,}"
    return None


def _suffixed(text: str, suffix: str) -> str:
    """``text`` and ``suffix``, the text cut so that both fit in a fact file's name."""
    return text[: MAX_NAME_LENGTH - len(suffix)] + suffix


def _shown_pillars(pillars: dict[int, PillarText]) -> dict[int, PillarText]:
    """The report's pillar and section titles as a fact file takes them (see _shown)."""
    shown = {}
    for number, pillar in pillars.items():
        title = _shown(pillar.title, f"第{number}部分")
        titles = {
            key: _shown(text, title if key.endswith(".0") else _suffixed(title, f"（{key}）"))
            for key, text in pillar.sections.items()
        }
        shown[number] = PillarText(number, title, titles)
    return shown


def _topic_names(pillars: dict[int, PillarText]) -> dict[str, tuple[str, str]]:
    """Section -> (topic name, English name): one topic per section, named after it."""
    names: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for pillar in pillars.values():
        for section, title in pillar.sections.items():
            name, count = title, 1
            while name in used:  # the section's key makes it unique; a count, if not
                suffix = f" ({section})" if count == 1 else f" ({section}-{count})"
                name, count = _suffixed(title, suffix), count + 1
            used.add(name)
            names[section] = (name, _section_en(section))
    return names


def _section_en(section: str) -> str:
    if section == "0.0":
        return "Overview"
    pillar, _, item = section.partition(".")
    return f"Draft: part {pillar}" + (f" ({item})" if item != "0" else "")


def _given_year(year: int | None) -> int | None:
    """The caller's year, or :class:`InvalidArgumentError` where a fact file refuses it."""
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidArgumentError(
            f"the year {year} is not one a fact file takes ({FIRST_YEAR} to {LAST_YEAR})"
        )
    return year


def _guess_meta(
    report: Report, year: int | None, title: str | None, source: str | None
) -> tuple[Meta, int | None]:
    """[meta] from the caller's values, else the text's; and the report's year, None
    where neither gives it (the meta then holds :data:`PLACEHOLDER_YEAR`)."""
    first = report.first_line
    # A short first line that is no heading and no sentence is the report's title.
    is_title = (
        len(first) <= TITLE_MAX and "。" not in first and report.place_of(0) == (OVERVIEW, "0.0")
    )
    title_line = first if is_title and not _HEADING_START.match(detection_text(first)) else ""
    title_line = _shown(title_line, "")  # 「 or a zero-width space alone is no title
    if year is None:
        year = report_year(report, title)
    if title is None:
        title = title_line or (f"{year}年报告（草稿）" if year else "未命名报告（草稿）")
    year_en = str(year) if year else "of unknown year"
    meta = Meta(
        title=title,
        title_en=f"DRAFT: report {year_en} (translate the title)",
        year=year or PLACEHOLDER_YEAR,
        region="重庆市" if "重庆" in report.detect else "DRAFT: region",
        source=source or "DRAFT: say where this text was published",
    )
    return meta, year


def _pillar(pillar: PillarText) -> Pillar:
    """A report's pillar as a fact file's, English stand-ins for the curator."""
    number = pillar.number
    overview = number == OVERVIEW
    return Pillar(
        number=number,
        title=OVERVIEW_TITLE if overview else pillar.title,
        title_en="Overview" if overview else f"DRAFT: part {number}",
        sections=pillar.sections,
        sections_en={key: _section_en(key) for key in pillar.sections},
    )


def _fact(
    report: Report,
    figure: Figure,
    label: str,
    topic: tuple[str, str],
    label_en: str,
    note: str,
    meta: Meta,
    year: int | None,
) -> Fact:
    """A drafted fact, as the file loads it (the report's year, or the one a from-to
    pair names for its figure, and the report as its source, which the writer leaves
    to [meta]); its id is set once every fact's is known."""
    pillar, section = report.place_of(figure.start)
    line, column = report.line_col(figure.start)
    change = figure.change
    value, unit = figure.value, figure.unit
    value_text: str | None = _one_line(figure.text)
    if _rate_alone(figure):
        # A rate with no level before it (研发人员增长64.4%) is a change alone, as the
        # shipped reports hold one: never a % value under an indicator counted in 家.
        # An increase in a count (较去年增加4项) stays a value, as the 2023 base has it.
        assert figure.value is not None
        change = ChangeFound(figure.value, figure.unit or "", _change_text(report, figure), 0)
        value = unit = value_text = None
    return Fact(
        id="",
        topic=topic[0],
        topic_en=topic[1],
        pillar=pillar,
        section=section,
        kind=figure.kind,
        label=label,
        label_en=label_en,
        value=value,
        unit=unit,
        # A wrapped line inside a figure (512.3\n亿元) reads as a space, on one line.
        value_text=value_text,
        qualifier=figure.qualifier,
        change=Change(change.value, change.unit, _one_line(change.text)) if change else None,
        note=_shown(note, "DRAFT", MAX_NOTE_LENGTH),
        draft=True,
        line=line,
        column=column,
        year=figure.year if figure.year and year else year,
        report=meta.title,
        basis=meta.basis,
        source=meta.own_source(),
    )


def _rate_alone(figure: Figure) -> bool:
    """Whether a figure is a rate of change with no level before it (增长64.4%)."""
    return (
        figure.is_change
        and figure.change is None
        and figure.value is not None
        and figure.unit in RATE_UNITS
    )


def _change_text(report: Report, figure: Figure) -> str:
    """A change alone as written, its verb included (增长64.4%); a 分别 list's later
    item is its figure alone (分别增长12%、9%: 9%), as the text writes it (and the
    audit finds it)."""
    assert figure.verb_start is not None
    return _one_line(report.text[min(figure.verb_start, figure.start) : figure.end])


def _one_line(text: str) -> str:
    return re.sub(r"[ \t]*[\r\n]+[ \t]*", " ", text) if "\n" in text or "\r" in text else text


def _base(meta: Meta, pillars: dict[int, PillarText], facts: list[Fact]) -> FactBase:
    """The drafted records as a fact base: a topic per section that holds a fact, in
    text order, and the facts in file order (grouped by topic, as the file has them)."""
    by_topic: dict[str, list[Fact]] = {}
    for fact in facts:
        by_topic.setdefault(fact.topic, []).append(fact)
    topics = {
        name: Topic(name, held[0].topic_en, (), tuple(fact.id for fact in held))
        for name, held in by_topic.items()
    }
    return FactBase(
        meta=meta,
        pillars={number: _pillar(pillar) for number, pillar in pillars.items()},
        topics=topics,
        facts=tuple(fact for held in by_topic.values() for fact in held),
    )


def _proposal(
    figure: Figure,
    label: Label,
    shown: str,
    section_topic: tuple[str, str],
    known: Known | None,
    period: str | None = None,
) -> tuple[tuple[str, str], str, str, list[str]]:
    """A drafted figure's topic, English label, id and the reasons for them: a loaded
    indicator's where its subject names one, else the section's topic, a TODO and an
    id from the subject's words."""
    why = [f"label from {label.why}" if shown == label.text else "no subject found: the "
           "section's title stands for the label"]  # fmt: skip
    change_unit = (
        figure.change.unit if figure.change else (figure.unit if figure.is_change else None)
    )
    unit = None if figure.is_change else figure.unit
    found = (
        known.match(shown, figure.kind, unit, change_unit, period=bool(period)) if known else None
    )
    if found is not None:
        indicator = found.indicator
        where = f" ({indicator.year})" if indicator.year else ""
        why.append(f"matches the loaded indicator {indicator.id}{where} by its {found.how} "
                   f"{found.name}")  # fmt: skip
        return (indicator.topic, indicator.topic_en), indicator.label_en, indicator.id, why
    if known and over_years(period, figure.kind, unit):
        why.append(f"over several years ({period}): no loaded indicator of a period "
                   "matches, and a year's is not proposed; id from the label's words")  # fmt: skip
    elif known:
        why.append("no loaded indicator matches: id from the label's words")
    found_words = reading(shown)
    fact_id = found_words.fact_id(figure.kind)
    if figure.kind == "policy":
        fact_id = "doc-" + fact_id.removesuffix("-policy")
    return section_topic, found_words.label_en(), fact_id, why


def draft_report(
    text: str,
    *,
    year: int | None = None,
    title: str | None = None,
    source: str | None = None,
    known: Iterable[Fact] | None = None,
) -> Drafted:
    """Draft a fact file from a report's text: every figure, rank, fraction and 《》
    document, placed in its pillar and section (see the module docstring). ``year``
    (else the one the text names) is the report's: a draft of no year is refused when
    written (:meth:`Drafted.check`); one a fact file refuses, at once. ``known``: the
    facts of loaded reports, whose indicators a figure's subject may name (their id,
    topic and English label are then proposed)."""
    title, source = _given("title", title), _given("source", source, MAX_NOTE_LENGTH)
    report = parse_report(text)
    meta, year = _guess_meta(report, _given_year(year), title, source)
    pillars = _shown_pillars(report.pillars)
    figures = sorted(find_figures(report) + find_documents(report), key=lambda f: f.start)
    topics = _topic_names(pillars)
    indicators = Known(known) if known is not None else None
    facts, ids = [], []
    for figure, label in zip(figures, labels(report, figures), strict=True):
        pillar, section = report.place_of(figure.start)
        # Every label shows something: else its section's title stands for it.
        shown = _shown(label.text, pillars[pillar].sections[section])
        period = period_word(report, figure.start) if indicators else None
        topic, label_en, fact_id, why = _proposal(
            figure, label, shown, topics[section], indicators, period
        )
        if figure.previous is not None:
            earlier = figure.previous
            when = f" ({earlier.year})" if earlier.year else ""
            why.append(f"previous value {_one_line(earlier.text)}{when}, the from-to pair's")
        if figure.note:
            why.append(figure.note.removeprefix("DRAFT: "))
        why += figure.also  # a second change (年均增长11.4%): the curator's to keep
        note = "DRAFT: " + "; ".join(why)
        facts.append(_fact(report, figure, shown, topic, label_en, note, meta, year))
        if figure.year and year and figure.year != year and not figure.is_change:
            fact_id += f"-{figure.year}"  # a from-to pair's earlier year: 研发经费 2016
        ids.append(fact_id)
    facts = [fact._replace(id=new_id) for fact, new_id in zip(facts, unique(ids), strict=True)]
    return Drafted(_base(meta, pillars, facts), year)
