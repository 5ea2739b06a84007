"""The fact base as plain, typed data.

A fact and the records nested in it are declared in :mod:`cqfacts.facts.records` (and
re-exported here); the small fixed records (meta, pillars, topics) are NamedTuples,
which cost a fraction of a dataclass to define: this module is imported on every run
of a tool judged by its start-up time.
"""

from __future__ import annotations

import operator
import os
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import cached_property
from itertools import accumulate, chain

from cqfacts.errors import FactFileError, InvalidArgumentError, Problem, UnknownFactError
from cqfacts.facts.numerals import CHINESE_NUMERALS, numeral_text
from cqfacts.facts.records import (
    BASES,
    DECREASE_WORDS,
    FACT_KEYS,
    FIELDS,
    FILE_KEYS,
    NESTED,
    REQUIRED_KEYS,
    Change,
    Fact,
    Meta,
    Source,
    Spec,
    Status,
    specs,
)
from cqfacts.fast_typing import Any, NamedTuple, overload

KINDS = ("figure", "rank", "policy", "event", "achievement", "platform", "programme")


#: What the report says was done with a policy document, and so what state it is in.
STATES = {
    "issued": "in force: 印发, 印发实施, 出台, 联合出台, 制定, 建立",
    "approved": "approved and issued by a higher authority: 科技部批复印发",
    "drafting": "being prepared, not said to be issued: 组织编制, 研究形成",
    "revised": "an existing document amended: 修订",
    "pursued": "a standing strategy or layout being carried out: 深入实施, 着力构建",
}


def fact_row(fact: Fact) -> tuple[object, ...]:
    """A fact as a tuple of plain values (a nested record as a tuple of its fields),
    for the cache; :func:`fact_from_row` reverses it."""
    values: tuple[Any, ...] = fact
    return tuple(
        tuple(value) if name in NESTED and value is not None else value
        for name, value in zip(FACT_KEYS, values, strict=True)
    )


def fact_from_row(row: Sequence[Any]) -> Fact:
    values: dict[str, Any] = {
        name: NESTED[name](*value) if name in NESTED and value is not None else value
        for name, value in zip(FACT_KEYS, row, strict=True)
    }
    return Fact(**values)


class Topic(NamedTuple):
    name: str
    en: str
    aliases: tuple[str, ...]
    fact_ids: tuple[str, ...]


class Pillar(NamedTuple):
    number: int
    title: str
    title_en: str
    sections: dict[str, str]
    sections_en: dict[str, str]


class FactBase:
    """Everything one fact file holds, facts in file order; or several fact files
    merged by :func:`merge_bases` (one report each, newest report first).

    A container rather than a record: compared by identity, and its repr is a
    summary (printing every fact helps no one).

    An id is unique within a report; the same id in two reports names the same
    indicator in two years. ``by_id`` and ``get`` answer with the latest year's fact,
    ``get(id, year=…)`` and ``years_of(id)`` with the others.
    """

    def __init__(
        self,
        *,
        meta: Meta,
        pillars: dict[int, Pillar],
        topics: Mapping[str, Topic],
        facts: Sequence[Fact],
        path: str = "",
        reports: Sequence[Meta] | None = None,
        parts: Sequence[FactBase] = (),
        keys: Callable[[], FactKeys] | None = None,
    ) -> None:
        #: The (newest) report's meta.
        self.meta = meta
        self.pillars = pillars
        self.topics = topics
        #: In file order; a tuple, or built lazily from the cache (see store.payload.LazyFacts).
        self.facts = facts
        self.path = path
        #: Every report's meta, newest first: one for a fact file.
        self.reports: list[Meta] = list(reports) if reports is not None else [meta]
        #: The one-file bases a merged base is made of, newest first; () for one file.
        self.parts: tuple[FactBase, ...] = tuple(parts)
        # Each fact's id, year and source without building the fact (a cache entry
        # holds them): which facts an id names is known before any of them is made.
        self._keys_from = keys

    def __repr__(self) -> str:
        return f"FactBase(path={self.path!r}, facts={len(self.facts)}, topics={len(self.topics)})"

    @property
    def paths(self) -> list[str]:
        """The fact file of each report, newest first."""
        return [part.path for part in self.parts] or [self.path]

    @cached_property
    def keys(self) -> FactKeys:
        """Each fact's id, year and source title, in fact order, built no fact: from
        the cache entry, the parts' own, or (a parsed file) the facts."""
        if self._keys_from is not None:
            return self._keys_from()
        if self.parts:
            each = [part.keys for part in self.parts]
            return FactKeys(
                *(tuple(chain.from_iterable(field)) for field in zip(*each, strict=True))
            )
        return fact_keys(self.facts)

    @cached_property
    def _positions(self) -> dict[str, list[int]]:
        """Each id's facts, by position."""
        positions: dict[str, list[int]] = {}
        for number, fact_id in enumerate(self.keys.ids):
            positions.setdefault(fact_id, []).append(number)
        return positions

    @property
    def years(self) -> list[int]:
        """The years the loaded facts describe (and the reports' years), oldest first,
        each once."""
        described = {year for year in self.keys.years if year is not None}
        return sorted(described | {meta.year for meta in self.reports})

    @cached_property
    def by_id(self) -> Mapping[str, Fact]:
        """Each id's headline fact: a checked fact before any draft (a draft never
        outranks a curated figure, whatever its year), then the latest year's, and
        within a year the firmest (see :func:`preference`): statistics before a press
        figure before an estimate, a figure before a change alone. Only the facts of
        an id asked for are built."""
        return _Headlines(self)

    @cached_property
    def repeats_ids(self) -> bool:
        """Whether an id stands for more than one fact (several years or sources)."""
        return len(self._positions) < len(self.keys.ids)

    def _facts_of(self, fact_id: str) -> list[Fact]:
        return [self.facts[number] for number in self._positions.get(fact_id, ())]

    def _firmest(self, fact_id: str, year: int | None) -> Fact | None:
        """The firmest fact of an id for one year (see :func:`preference`)."""
        held = [fact for fact in self._facts_of(fact_id) if fact.year == year]
        return max(held, key=preference) if held else None

    @cached_property
    def renamed(self) -> dict[str, str]:
        """Each former id (a fact's ``former_ids``) and the id it has now. Built on
        the first id not found, from the keys: no fact is built (from the cache, a miss
        in a base of 26,000 facts built them all, 0.3 s)."""
        keys = self.keys
        return {
            former: fact_id
            for fact_id, formers in zip(keys.ids, keys.former_ids, strict=True)
            for former in formers
        }

    def points(self, fact_id: str) -> list[Fact]:
        """Every fact with this id (any case), or with the id it was renamed to: one
        per source per year, oldest year first and the firmest first within a year."""
        key = fact_id.strip().lower()
        held = self._facts_of(fact_id) or self._facts_of(key)
        if not held and key in self.renamed:
            held = self._facts_of(self.renamed[key])
        return sorted(held, key=lambda fact: (_year_of(fact), _negated(preference(fact))))

    @property
    def work_reports(self) -> list[FactBase]:
        """The one-file bases that are work reports (they have parts), newest first: a
        part, a pillar's listing and a default ranking year are theirs, never a press
        item's or a collection's."""
        return [part for part in self.parts or (self,) if part.pillars]

    def is_named(self, name: str) -> bool:
        """Whether ``name`` names this one-file base: its title, its fact file's path or
        that file's name (how --report chooses a report)."""
        return name in (self.meta.title, self.path, os.path.basename(self.path))

    def summary(self) -> str:
        """What is loaded, for a status line: one report's title, or how many reports
        and sources and the years they describe."""
        if len(self.reports) < 2:
            return self.meta.title
        years = self.years
        return f"{len(self.reports)} reports and sources ({years[0]}–{years[-1]})"

    def years_of(self, fact_id: str) -> list[int]:
        """The years whose reports hold this id (any case), oldest first."""
        positions = self._positions.get(fact_id) or self._positions.get(fact_id.strip().lower(), [])
        years = self.keys.years
        return sorted({year for number in positions if (year := years[number]) is not None})

    def facts_in(self, pillar: int) -> list[Fact]:
        return [fact for fact in self.facts if fact.pillar == pillar]

    def get(self, fact_id: str, year: int | None = None) -> Fact:
        """The fact with this id, in any case (ids are lowercase): the latest year's,
        or that of ``year``. :class:`UnknownFactError` names the nearest ids, or the
        years that do hold the id."""
        key = fact_id if fact_id in self.by_id else fact_id.strip().lower()
        fact = self.by_id.get(key) if year is None else self._firmest(key, year)
        if fact is None:
            years = self.years_of(key)
            if years:
                raise UnknownFactError(fact_id, [], year=year, years=years)
            if key in self.renamed:  # an id from before a rename names the same fact
                return self.get(self.renamed[key], year)
            from difflib import get_close_matches

            nearest = get_close_matches(key, list(self.by_id), n=3, cutoff=0.5)
            raise UnknownFactError(fact_id, nearest)
        return fact

    def select(
        self,
        *,
        pillar: int | None = None,
        kind: str | None = None,
        topic: str | None = None,
        status: str | None = None,
        year: int | None = None,
    ) -> list[Fact]:
        """Facts in file order, narrowed to a pillar, a kind, a topic (its Chinese or
        English name, any case), a policy's state and a report's year."""
        wanted = topic.casefold() if topic is not None else None
        return [
            fact
            for fact in self.facts
            if (pillar is None or fact.pillar == pillar)
            and (kind is None or fact.kind == kind)
            and (wanted is None or wanted in (fact.topic.casefold(), fact.topic_en.casefold()))
            and (status is None or (fact.status is not None and fact.status.state == status))
            and (year is None or fact.year == year)
        ]

    def report_of(self, fact: Fact) -> Meta:
        """The meta of the report a fact comes from (the base's own where unknown)."""
        for meta in self.reports:
            if meta.year == fact.year and meta.title == fact.report:
                return meta
        return self.meta

    def only(self, year: int) -> FactBase:
        """The base of that year's report (or reports) alone: its own pillars, sections,
        topics and meta, as one fact file has them. :class:`InvalidArgumentError`
        where no report of that year is loaded."""
        chosen = [part for part in self.parts or (self,) if part.meta.year == year]
        if not chosen:
            loaded = ", ".join(map(str, self.years))
            raise InvalidArgumentError(f"no report of {year} is loaded (years: {loaded})")
        return chosen[0] if len(chosen) == 1 else merge_bases(chosen)


def _year_of(fact: Fact) -> int:
    return -1 if fact.year is None else fact.year


_BASIS_RANK = {basis: len(BASES) - rank for rank, basis in enumerate(BASES)}


class FactKeys(NamedTuple):
    """What tells facts apart, in fact order, without the facts: each one's id, the
    year it describes, its source's title (its report's, where it names none) and the
    ids it was known by before (its ``former_ids``)."""

    ids: tuple[str, ...]
    years: tuple[int | None, ...]
    sources: tuple[str, ...]
    former_ids: tuple[tuple[str, ...], ...]


def fact_keys(facts: Sequence[Fact]) -> FactKeys:
    return FactKeys(
        tuple(fact.id for fact in facts),
        tuple(fact.year for fact in facts),
        tuple(fact.source.title if fact.source else fact.report or "" for fact in facts),
        tuple(fact.former_ids for fact in facts),
    )


class _Headlines(Mapping[str, Fact]):
    """``FactBase.by_id``: each id's headline fact, built when first asked for."""

    __slots__ = ("_base", "_made")

    def __init__(self, base: FactBase) -> None:
        self._base = base
        self._made: dict[str, Fact] = {}

    def __getitem__(self, fact_id: str) -> Fact:
        fact = self._made.get(fact_id)
        if fact is None:
            held = self._base._facts_of(fact_id)
            if not held:
                raise KeyError(fact_id)
            fact = self._made[fact_id] = max(held, key=_headline_order)
        return fact

    def __contains__(self, fact_id: object) -> bool:
        return fact_id in self._base._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._base._positions)

    def __len__(self) -> int:
        return len(self._base._positions)


def _headline_order(fact: Fact) -> tuple[bool, int, tuple[int, int, int, int, str]]:
    return (not fact.draft, _year_of(fact), preference(fact))


def preference(fact: Fact) -> tuple[int, int, int, int, str]:
    """How firmly a fact answers for its indicator and year, larger first: a checked
    fact before a draft, a figure before a change alone, then by basis (final,
    preliminary, estimated, none), then the publisher's own address before a site
    reposting it (the citation to give), then the later publication."""
    source = fact.source
    return (
        not fact.draft,
        fact.value is not None,
        _BASIS_RANK.get(fact.basis or "", 0),
        not (source is not None and source.copy),
        (source.published if source is not None else None) or "",
    )


def _negated(key: tuple[int, int, int, int, str]) -> tuple[int, int, int, int, str]:
    """A preference sorted ascending puts the firmest first."""
    published = "".join(chr(0x10FFFF - ord(c)) for c in key[4])
    return (-key[0], -key[1], -key[2], -key[3], published)


class FactSequence(Sequence[Fact]):
    """Facts made on demand: a subclass says how many there are and how to make the
    fact at a (valid, non-negative) position; indexing and slicing are done here."""

    __slots__ = ()

    def fact_at(self, number: int) -> Fact:
        raise NotImplementedError

    def __iter__(self) -> Iterator[Fact]:
        # Sequence's own __iter__ indexes (and bounds-checks) one fact at a time: three
        # times as long, over every fact each time a pillar is listed.
        return map(self.fact_at, range(len(self)))

    def __eq__(self, other: object) -> bool:
        """Equal to the tuple a parsed fact file gives, or to another such sequence,
        holding the same facts in the same order (a base read from the cache and one
        parsed have equal facts); like a tuple, never equal to a list."""
        if self is other:
            return True
        if not isinstance(other, (tuple, FactSequence)):
            return NotImplemented
        return len(self) == len(other) and all(map(operator.eq, self, other))

    # Equal to a tuple, so hashable by content or not at all; by content would build
    # every fact, and nothing hashes a base's facts.
    __hash__ = None  # type: ignore[assignment]

    @overload
    def __getitem__(self, number: int) -> Fact: ...
    @overload
    def __getitem__(self, number: slice) -> tuple[Fact, ...]: ...
    def __getitem__(self, number: int | slice) -> Fact | tuple[Fact, ...]:
        if isinstance(number, slice):  # a tuple, as a parsed file's facts slice
            return tuple(map(self.fact_at, range(*number.indices(len(self)))))
        if number < 0:
            number += len(self)
        if not 0 <= number < len(self):
            raise IndexError("fact number out of range")
        return self.fact_at(number)


class _Chain(FactSequence):
    """The facts of several bases as one sequence, without copying (or building) them."""

    __slots__ = ("_parts", "_starts")

    def __init__(self, parts: Sequence[Sequence[Fact]]) -> None:
        self._parts = parts
        self._starts = list(accumulate(map(len, parts), initial=0))

    def __len__(self) -> int:
        return self._starts[-1]

    def fact_at(self, number: int) -> Fact:
        part = bisect_right(self._starts, number) - 1
        return self._parts[part][number - self._starts[part]]


class TopicMapping(Mapping[str, Topic]):
    """Topics by name, made on first use (a search never needs them): a subclass says
    how, in :meth:`made`."""

    def made(self) -> dict[str, Topic]:
        raise NotImplementedError

    @cached_property
    def _topics(self) -> dict[str, Topic]:
        return self.made()

    def __getitem__(self, name: str) -> Topic:
        return self._topics[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._topics)

    def __len__(self) -> int:
        return len(self._topics)


class _MergedTopics(TopicMapping):
    """Topics of several reports by name, merged on first use (a search never needs
    them): the newest report's English name, every alias and id once."""

    def __init__(self, parts: Sequence[FactBase]) -> None:
        self._parts = parts

    def made(self) -> dict[str, Topic]:
        merged: dict[str, Topic] = {}
        for part in self._parts:
            for name, topic in part.topics.items():
                held = merged.get(name)
                merged[name] = (
                    topic
                    if held is None
                    else held._replace(
                        aliases=tuple(dict.fromkeys(held.aliases + topic.aliases)),
                        fact_ids=tuple(dict.fromkeys(held.fact_ids + topic.fact_ids)),
                    )
                )
        return merged


def _section_order(section: str) -> int:
    return int(section.partition(".")[2] or 0)


def _merged_pillars(parts: Sequence[FactBase]) -> dict[int, Pillar]:
    """Pillars by number: the newest report's titles, every report's sections (a
    section's newest title), so that each fact's section has a title."""
    pillars: dict[int, Pillar] = {}
    for part in reversed(parts):  # oldest first: a newer report's titles replace
        for number, pillar in part.pillars.items():
            held = pillars.get(number)
            if held is not None:
                sections = {**held.sections, **pillar.sections}
                sections_en = {**held.sections_en, **pillar.sections_en}
                pillar = pillar._replace(
                    sections=dict(sorted(sections.items(), key=lambda s: _section_order(s[0]))),
                    sections_en=dict(
                        sorted(sections_en.items(), key=lambda s: _section_order(s[0]))
                    ),
                )
            pillars[number] = pillar
    return dict(sorted(pillars.items()))


def merge_bases(bases: Sequence[FactBase]) -> FactBase:
    """One base of several reports, newest year first (in the given order within a
    year). Facts are neither copied nor built; topics are merged on first use.

    Raises :class:`FactFileError` where two files of the same year hold the same id:
    that id would name two figures of one year.
    """
    parts = [part for base in bases for part in (base.parts or (base,))]
    if len(parts) == 1:
        return parts[0]
    parts.sort(key=lambda part: -part.meta.year)  # stable: the given order within a year
    _refuse_same_year_ids(parts)
    return FactBase(
        meta=parts[0].meta,
        pillars=_merged_pillars(parts),
        topics=_MergedTopics(parts),
        facts=_Chain([part.facts for part in parts]),
        path=os.pathsep.join(part.path for part in parts),
        reports=[part.meta for part in parts],
        parts=parts,
    )


def _refuse_same_year_ids(parts: Sequence[FactBase]) -> None:
    """Two files may give one indicator for one year from two sources (trend sets
    them side by side); the same source twice (a report loaded twice, or a copy of it)
    is refused. Only files of one year are compared: the usual case costs nothing."""
    by_year: dict[int, list[FactBase]] = {}
    for part in parts:
        by_year.setdefault(part.meta.year, []).append(part)
    problems: list[Problem] = []
    for same in by_year.values():
        if len(same) < 2:
            continue
        first_path: dict[tuple[str, int | None, str | None], str] = {}
        for part in same:
            keys = part.keys  # no fact built: a collection's may be thousands
            for fact_id, year, title in zip(keys.ids, keys.years, keys.sources, strict=True):
                held = first_path.setdefault((fact_id, year, title), part.path)
                if held != part.path:
                    problems.append(
                        Problem(
                            part.path,
                            f"the id is also in {held}, for the same year ({year})"
                            f" and source ({title})",
                            fact=fact_id,
                            field="id",
                        )
                    )
    if problems:
        raise FactFileError(problems)


#: What the overview is called where its report does not say (its pillar 0 title).
OVERVIEW_LABEL = "总体情况"


def section_label(section: str | None, overview: str | None = None) -> str:
    """'4.1' -> '四（一）', the way the report numbers its parts; '0.0' -> the
    report's own overview title (``overview``: its pillar 0's), else '总体情况';
    None (a report without parts) -> ''."""
    if section is None:
        return ""
    pillar, _, item = section.partition(".")
    if pillar == "0":
        return overview or OVERVIEW_LABEL
    head = numeral_text(int(pillar))
    return f"{head}（{numeral_text(int(item))}）" if item and item != "0" else head


def parse_pillar_number(text: str) -> int | None:
    """'4', '四' or '４' -> 4; None if the text names no pillar number."""
    text = text.strip()
    if len(text) == 1 and text in CHINESE_NUMERALS:
        return CHINESE_NUMERALS.index(text)
    if text in ("零", "总"):
        return 0
    if not text.isdigit() or len(text) > 4:  # int() would also take "0_4" and "-1"
        return None
    try:
        return int(text)  # full-width digits too
    except ValueError:  # a digit int() does not know (superscripts)
        return None


__all__ = [
    "BASES", "CHINESE_NUMERALS", "DECREASE_WORDS", "FACT_KEYS", "FIELDS", "FILE_KEYS", "KINDS",
    "NESTED",
    "REQUIRED_KEYS", "STATES", "Change", "Fact", "FactBase", "FactSequence", "Meta", "Pillar",
    "Source", "Spec", "Status", "Topic", "TopicMapping", "fact_from_row", "fact_row", "merge_bases",
    "parse_pillar_number", "section_label", "specs",
]  # fmt: skip
