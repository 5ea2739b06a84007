"""Checking a fact base against the text it claims to come from.

Three lists, each empty when base and source agree:

``uncovered``
    Figures the draft reads in the source (:func:`cqfacts.text.draft.find_figures`, with
    their attached changes, and every 《》 document) that no fact holds. A figure is
    held when a fact *of its section* either has a ``value_text`` (or change text)
    standing in the source at a place that spans the figure (``西部第1位`` holds
    ``第1位``; ``八项行动`` holds ``八项``), or has the same value and unit (a curator
    may write the figure differently). A change is held when a fact of its section
    has a change of the same value and unit. Restricting both to the section keeps a
    generic ``3个`` of one section from hiding a ``3个`` elsewhere.
``unsupported``
    Facts whose ``value_text`` does not stand in the source, whose ``value``/``unit``
    are not the figure their ``value_text`` writes, or whose change disagrees with its
    text or does not stand in the fact's section. One entry per fault.
``misplaced``
    Facts whose ``value_text`` stands in the source, but only outside the fact's own
    pillar and section; the first place found is given.

A text "stands" in the source when it occurs there with no digit glued to a number
at either end (``1亿元`` does not stand in ``207.21亿元``), verbatim or, failing that,
in the detection forms of both (simplified characters, half-width ASCII), so a base
in simplified characters can be audited against a traditional source.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from cqfacts.facts.model import Fact
from cqfacts.text.draft import Figure, find_documents, find_figures, read_figures
from cqfacts.text.report import Report, detection_text, parse_report

_NUMBER_EDGE = "0123456789."
#: Values equal to this relative precision are the same figure (floats from TOML).
_REL_TOLERANCE = 1e-9


class Uncovered(NamedTuple):
    text: str
    value: int | float | None
    unit: str | None
    line: int
    column: int
    pillar: int
    section: str


class Unsupported(NamedTuple):
    id: str
    value_text: str | None
    reason: str


class Misplaced(NamedTuple):
    id: str
    value_text: str
    pillar: int
    section: str
    found_pillar: int
    found_section: str
    line: int
    column: int


@dataclass(frozen=True)
class AuditResult:
    source: str
    paths: tuple[str, ...]
    uncovered: tuple[Uncovered, ...]
    unsupported: tuple[Unsupported, ...]
    misplaced: tuple[Misplaced, ...]

    @property
    def clean(self) -> bool:
        return not (self.uncovered or self.unsupported or self.misplaced)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "facts": list(self.paths),
            "uncovered": [item._asdict() for item in self.uncovered],
            "unsupported": [item._asdict() for item in self.unsupported],
            "misplaced": [item._asdict() for item in self.misplaced],
        }


def _glued(text: str, start: int, end: int, needle: str) -> bool:
    """Whether a match of ``needle`` at start:end runs into a longer number."""
    if needle[0].isdigit() and start and text[start - 1] in _NUMBER_EDGE:
        return True
    after = text[end : end + 2]
    return (
        needle[-1].isdigit()
        and bool(after)
        and (after[0].isdigit() or (after[0] == "." and after[1:].isdigit()))
    )


def _find_all(text: str, needle: str) -> list[int]:
    found, start = [], text.find(needle)
    while start >= 0:
        if not _glued(text, start, start + len(needle), needle):
            found.append(start)
        start = text.find(needle, start + 1)
    return found


def stands_at(report: Report, needle: str) -> list[int]:
    """Where a text stands in the report (see the module docstring)."""
    if not needle:
        return []
    return _find_all(report.text, needle) or _find_all(report.detect, detection_text(needle))


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_REL_TOLERANCE)


def _same_unit(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and detection_text(a) == detection_text(b)


class _Holder(NamedTuple):
    """A fact as the coverage check sees it: its spans in its own section."""

    fact: Fact
    spans: list[tuple[int, int]]


#: Where a text stands in the source, each text looked up once per audit.
_Stands = Callable[[str], list[int]]


def _holders(
    report: Report, facts: Sequence[Fact], stands: _Stands
) -> dict[tuple[int, str], list[_Holder]]:
    by_place: dict[tuple[int, str], list[_Holder]] = {}
    for fact in facts:
        texts = [fact.value_text or ""]
        if fact.change is not None:
            texts.append(fact.change.text)
        place = (fact.pillar, fact.section)
        spans = [
            (start, start + len(text))
            for text in texts
            for start in stands(text)
            if report.place_of(start) == place
        ]
        by_place.setdefault(place, []).append(_Holder(fact, spans))
    return by_place


def _holds(holder: _Holder, figure: Figure) -> bool:
    if any(start <= figure.start and figure.end <= end for start, end in holder.spans):
        return True
    fact = holder.fact
    return (
        figure.kind != "policy"
        and figure.value is not None
        and fact.value is not None
        and _same(fact.value, figure.value)
        and _same_unit(fact.unit, figure.unit)
    )


def _holds_change(holder: _Holder, figure: Figure) -> bool:
    change, found = holder.fact.change, figure.change
    return (
        change is not None
        and found is not None
        and _same(change.value, found.value)
        and _same_unit(change.unit, found.unit)
    )


def _uncovered(report: Report, facts: Sequence[Fact], stands: _Stands) -> list[Uncovered]:
    holders = _holders(report, facts, stands)
    missing: list[Uncovered] = []
    figures = sorted(find_figures(report) + find_documents(report), key=lambda f: f.start)
    for figure in figures:
        place = report.place_of(figure.start)
        mine = holders.get(place, [])
        if not any(_holds(holder, figure) for holder in mine):
            line, column = report.line_col(figure.start)
            missing.append(Uncovered(figure.text, figure.value, figure.unit, line, column, *place))
        change = figure.change
        if change is not None and not any(_holds_change(holder, figure) for holder in mine):
            line, column = report.line_col(change.start)
            missing.append(Uncovered(change.text, change.value, change.unit, line, column, *place))
    return missing


def _value_faults(fact: Fact) -> list[str]:
    """Why a fact's value and unit are not the figure its value_text writes."""
    if fact.value is None or not fact.value_text:
        return []
    read = read_figures(fact.value_text)
    valued = [
        figure for figure in read if figure.value is not None and _same(figure.value, fact.value)
    ]
    if not valued:
        return [f"value {fact.value:g} is not the figure written in {fact.value_text!r}"]
    if not any(_same_unit(figure.unit, fact.unit) for figure in valued):
        return [f"unit {fact.unit!r} is not the unit written in {fact.value_text!r}"]
    return []


def _change_faults(report: Report, fact: Fact, stands: _Stands) -> list[str]:
    change = fact.change
    if change is None:
        return []
    read = [figure for figure in read_figures(change.text) if figure.value is not None]
    agreeing = [
        figure
        for figure in read
        if figure.value is not None
        and _same(figure.value, change.value)
        and _same_unit(figure.unit, change.unit)
    ]
    if not agreeing:
        return [f"change {change.value:g}{change.unit} is not the figure in {change.text!r}"]
    place = (fact.pillar, fact.section)
    if not any(
        report.place_of(start) == place for figure in agreeing for start in stands(figure.text)
    ):
        return [f"change {change.text!r} does not stand in section {fact.section}"]
    return []


def _check_fact(
    report: Report, fact: Fact, stands: _Stands
) -> tuple[list[Unsupported], Misplaced | None]:
    faults: list[str] = []
    misplaced = None
    if fact.value_text:
        places = stands(fact.value_text)
        if not places:
            faults.append(f"value_text {fact.value_text!r} does not stand in the source")
        elif all(report.place_of(start) != (fact.pillar, fact.section) for start in places):
            found_pillar, found_section = report.place_of(places[0])
            line, column = report.line_col(places[0])
            misplaced = Misplaced(
                fact.id, fact.value_text, fact.pillar, fact.section,
                found_pillar, found_section, line, column,
            )  # fmt: skip
    faults += _value_faults(fact)
    faults += _change_faults(report, fact, stands)
    return [Unsupported(fact.id, fact.value_text, reason) for reason in faults], misplaced


def audit(
    source_text: str, facts: Sequence[Fact], *, source: str = "", paths: Sequence[str] = ()
) -> AuditResult:
    """Audit facts against their source text (see the module docstring)."""
    report = parse_report(source_text)
    found: dict[str, list[int]] = {}

    def stands(text: str) -> list[int]:
        if text not in found:
            found[text] = stands_at(report, text)
        return found[text]

    unsupported: list[Unsupported] = []
    misplaced: list[Misplaced] = []
    for fact in facts:
        faults, place = _check_fact(report, fact, stands)
        unsupported += faults
        if place is not None:
            misplaced.append(place)
    return AuditResult(
        source=source,
        paths=tuple(paths),
        uncovered=tuple(_uncovered(report, facts, stands)),
        unsupported=tuple(unsupported),
        misplaced=tuple(misplaced),
    )
