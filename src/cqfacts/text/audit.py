"""Checking a fact base against the text it claims to come from.

Three lists, each empty when base and source agree:

``uncovered``
    Figures the draft reads in the source (:func:`cqfacts.text.figures.find_figures`, with
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
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from cqfacts.errors import InvalidArgumentError, quoted
from cqfacts.facts.model import Fact, FactBase
from cqfacts.text.figures import (
    ChangeFound,
    Figure,
    find_documents,
    find_figures,
    read_figures,
    report_year,
)
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


#: Past this many texts to look for, one pass over the source finds them all, rather
#: than a scan of the whole source for each (the texts of a base drafted from a long
#: source are as many as its figures: quadratic).
MANY_TEXTS = 1_000


def _starts(haystack: str, needles: set[str]) -> dict[str, list[int]]:
    """Where each needle starts in ``haystack`` (overlapping places too, in order), in
    one pass: an Aho-Corasick automaton of the needles."""
    moves: list[dict[str, int]] = [{}]
    ends: list[list[str]] = [[]]  # the needles that end at each state
    for needle in needles:
        state = 0
        for char in needle:
            following = moves[state].get(char)
            if following is None:
                following = len(moves)
                moves[state][char] = following
                moves.append({})
                ends.append([])
            state = following
        ends[state].append(needle)
    fallback = [0] * len(moves)
    queue = deque(moves[0].values())
    while queue:
        state = queue.popleft()
        for char, child in moves[state].items():
            queue.append(child)
            if state:
                back = fallback[state]
                while back and char not in moves[back]:
                    back = fallback[back]
                fallback[child] = moves[back].get(char, 0)
            ends[child] = ends[child] + ends[fallback[child]]
    found: dict[str, list[int]] = {needle: [] for needle in needles}
    state = 0
    for index, char in enumerate(haystack):
        while state and char not in moves[state]:
            state = fallback[state]
        state = moves[state].get(char, 0)
        for needle in ends[state]:
            found[needle].append(index - len(needle) + 1)
    return found


def _unglued(haystack: str, found: dict[str, list[int]]) -> dict[str, list[int]]:
    return {
        needle: [
            start for start in starts if not _glued(haystack, start, start + len(needle), needle)
        ]
        for needle, starts in found.items()
    }


def stand_all(report: Report, needles: set[str]) -> dict[str, list[int]]:
    """Where each of many texts stands in the report, as :func:`stands_at` says, in
    two passes over the source (verbatim, then the detection forms of those that do
    not stand verbatim) instead of one or two per text."""
    needles = {needle for needle in needles if needle}
    found = _unglued(report.text, _starts(report.text, needles))
    forms = {needle: detection_text(needle) for needle, starts in found.items() if not starts}
    detected = _unglued(report.detect, _starts(report.detect, set(forms.values())))
    for needle, form in forms.items():
        found[needle] = detected[form]
    return found


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=_REL_TOLERANCE)


def _same_unit(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and detection_text(a) == detection_text(b)


#: Where a text stands in the source, each text looked up once per audit.
_Stands = Callable[[str], list[int]]
#: A value and unit as the coverage check compares them (see :func:`_key`).
_Key = tuple[str, float]


def _key(value: float, unit: str) -> _Key:
    """A value to nine significant digits (floats from TOML, within _REL_TOLERANCE)
    and its unit's detection form: figures and facts are matched by looking this up,
    not by comparing every figure of a section with every fact of it (quadratic)."""
    return detection_text(unit), float(f"{value:.9g}")


@dataclass
class _Coverage:
    """What the facts of one section hold: the places their texts stand (starts in
    order, and the furthest end reached by any place starting so far), and their
    values and changes."""

    starts: list[int]
    reach: list[int]
    values: set[_Key]
    changes: set[_Key]

    def holds(self, figure: Figure) -> bool:
        index = bisect_right(self.starts, figure.start) - 1
        if index >= 0 and figure.end <= self.reach[index]:
            return True
        return (
            figure.kind != "policy"
            and figure.value is not None
            and figure.unit is not None
            and _key(figure.value, figure.unit) in self.values
        )

    def holds_change(self, change: ChangeFound) -> bool:
        return _key(change.value, change.unit) in self.changes


def _place(report: Report, fact: Fact, stands: _Stands) -> tuple[int, str]:
    """Where a fact belongs in the text: its pillar and section, or, for a report
    without parts, wherever its figure first stands."""
    if fact.pillar is not None and fact.section is not None:
        return (fact.pillar, fact.section)
    found = stands(fact.value_text) if fact.value_text else []
    return report.place_of(found[0]) if found else (0, "0.0")


def _coverage(
    report: Report, facts: Sequence[Fact], stands: _Stands
) -> dict[tuple[int, str], _Coverage]:
    spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    values: dict[tuple[int, str], set[_Key]] = {}
    changes: dict[tuple[int, str], set[_Key]] = {}
    for fact in facts:
        place = _place(report, fact, stands)
        texts = [fact.value_text or ""]
        mine = values.setdefault(place, set())
        if fact.value is not None and fact.unit is not None:
            mine.add(_key(fact.value, fact.unit))
        if fact.change is not None:
            texts.append(fact.change.text)
            changes.setdefault(place, set()).add(_key(fact.change.value, fact.change.unit))
        spans.setdefault(place, []).extend(
            (start, start + len(text))
            for text in texts
            for start in stands(text)
            if report.place_of(start) == place
        )
    coverage = {}
    for place, found in spans.items():
        found.sort()
        reach, furthest = [], -1
        for _, end in found:
            furthest = max(furthest, end)
            reach.append(furthest)
        coverage[place] = _Coverage(
            [start for start, _ in found], reach, values[place], changes.get(place, set())
        )
    return coverage


def _uncovered(report: Report, facts: Sequence[Fact], stands: _Stands) -> list[Uncovered]:
    coverage = _coverage(report, facts, stands)
    nothing = _Coverage([], [], set(), set())
    missing: list[Uncovered] = []
    figures = sorted(find_figures(report) + find_documents(report), key=lambda f: f.start)
    for figure in figures:
        place = report.place_of(figure.start)
        mine = coverage.get(place, nothing)
        if not mine.holds(figure):
            line, column = report.line_col(figure.start)
            missing.append(Uncovered(figure.text, figure.value, figure.unit, line, column, *place))
        change = figure.change
        if change is not None and not mine.holds_change(change):
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
    place = _place(report, fact, stands)
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
        elif (
            fact.pillar is not None
            and fact.section is not None
            and all(report.place_of(start) != (fact.pillar, fact.section) for start in places)
        ):
            found_pillar, found_section = report.place_of(places[0])
            line, column = report.line_col(places[0])
            misplaced = Misplaced(
                fact.id, fact.value_text, fact.pillar, fact.section,
                found_pillar, found_section, line, column,
            )  # fmt: skip
    faults += _value_faults(fact)
    faults += _change_faults(report, fact, stands)
    return [Unsupported(fact.id, fact.value_text, reason) for reason in faults], misplaced


def _described(part: FactBase) -> str:
    return f"{part.meta.year} {part.meta.title} ({part.path})"


def _is_collection(part: FactBase) -> bool:
    """Whether a fact file gathers figures of other sources (reports/series.toml), no
    fact of it the file's own: no text is its report, so no year chooses it."""
    own = part.meta.own_source()
    return not any(fact.source is None or fact.source == own for fact in part.facts)


def report_for(
    base: FactBase, source_text: str, *, year: int | None = None, report: str | None = None
) -> FactBase:
    """The one loaded report a source text is audited against, never all of them
    (each would list the others' facts as unsupported). ``year`` and ``report`` (a
    title, a fact file's path or name) choose it; else the only one loaded, else the
    one whose title the text names, else the one of the year the text is of (as
    ``draft`` reads it: :func:`~cqfacts.text.figures.report_year`). A collection of
    other sources' figures is chosen only by its title or path.
    :class:`InvalidArgumentError` where none or several fit, listing the reports."""
    parts = list(base.parts or (base,))
    listing = "; ".join(map(_described, parts))
    if year is not None or report is not None:
        chosen = [
            part
            for part in parts
            if (year is None or (part.meta.year == year and not _is_collection(part)))
            and (report is None or part.is_named(report))
        ]
        asked = " and ".join(
            ([f"of {year}"] if year is not None else [])
            + ([f"named {quoted(report)}"] if report is not None else [])
        )
        if len(chosen) != 1:
            several = "several loaded reports are" if chosen else "no loaded report is"
            raise InvalidArgumentError(f"{several} {asked}; loaded: {listing}")
        return chosen[0]
    if len(parts) == 1:
        return parts[0]
    detect = detection_text(source_text)
    named = [part for part in parts if detection_text(part.meta.title) in detect]
    if len(named) != 1:
        own = report_year(parse_report(source_text))  # the year a draft of it takes
        dated = [part for part in named or parts if not _is_collection(part)]
        named = [part for part in dated if part.meta.year == own]
    if len(named) == 1:
        return named[0]
    raise InvalidArgumentError(
        "cannot tell which loaded report the text is of (it names no one title or year "
        f"of theirs): choose one with --year or --report; loaded: {listing}"
    )


def audit(
    source_text: str, facts: Sequence[Fact], *, source: str = "", paths: Sequence[str] = ()
) -> AuditResult:
    """Audit facts against their source text (see the module docstring)."""
    report = parse_report(source_text)
    texts = {fact.value_text or "" for fact in facts}
    texts |= {fact.change.text for fact in facts if fact.change is not None}
    found = stand_all(report, texts) if len(texts) > MANY_TEXTS else {}

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
