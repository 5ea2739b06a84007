"""The fact base as plain, typed data.

Facts and their changes are dataclasses; the small fixed records (meta, pillars,
topics) are NamedTuples, which cost a fifth as much to define: this module is
imported on every run of a tool judged by its start-up time.
"""

from __future__ import annotations

import os
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass, field, fields
from functools import cached_property
from itertools import accumulate
from typing import Any, NamedTuple, overload

from cqfacts.errors import FactFileError, InvalidArgumentError, Problem, UnknownFactError

KINDS = ("figure", "rank", "policy", "event", "achievement", "platform", "programme")

CHINESE_NUMERALS = "〇一二三四五六七八九十"
# A change text with one of these words is a fall, not a rise: the value is its size.
DECREASE_WORDS = ("下降", "减少", "降低")


class Spec(NamedTuple):
    """How one field of a fact is read, checked and written: the one declaration that
    the fact file's checker, the JSON object, the TOML and CSV exports and the cache's
    rows are all derived from (see :data:`FIELDS`)."""

    #: What the fact file holds: text, texts (a list), number, int, kind, id,
    #: section, or "table" (a nested record: Change …).
    type: str
    #: A key every fact table must have.
    required: bool = False
    #: Where the value comes from: the fact's own table ("fact"), its topic's ("topic")
    #: or the file's [meta] ("meta": the report's year and title).
    origin: str = "fact"
    #: One line for the README's JSON schema.
    doc: str = ""


def _spec(type: str, doc: str, *, required: bool = False, origin: str = "fact") -> dict[str, Spec]:
    """A field's metadata: its :class:`Spec`."""
    return {"spec": Spec(type, required, origin, doc)}


#: What the report says was done with a policy document, and so what state it is in.
STATES = {
    "issued": "in force: 印发, 印发实施, 出台, 联合出台, 制定, 建立",
    "approved": "approved and issued by a higher authority: 科技部批复印发",
    "drafting": "being prepared, not said to be issued: 组织编制, 研究形成",
    "revised": "an existing document amended: 修订",
    "pursued": "a standing strategy or layout being carried out: 深入实施, 着力构建",
}


class _Record:
    """A record nested in a fact (a table in the fact file): its JSON object is its
    declared fields."""

    def to_dict(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self)}  # type: ignore[arg-type]


@dataclass
class Change(_Record):
    """A change the report states for a figure (a growth rate, an increase)."""

    value: int | float = field(metadata=_spec("number", "its size as written", required=True))
    unit: str = field(metadata=_spec("text", "% or the figure's own unit", required=True))
    text: str = field(metadata=_spec("text", "as the report words it", required=True))

    @property
    def is_decrease(self) -> bool:
        return any(word in self.text for word in DECREASE_WORDS)

    @property
    def signed_value(self) -> int | float:
        """The change with its direction: 下降50% is -50. Ranking and derived values
        both read this, so a fall is one thing everywhere."""
        return -self.value if self.is_decrease else self.value


@dataclass
class Status(_Record):
    """What the report says was done with a policy document."""

    state: str = field(metadata=_spec("state", "one of STATES", required=True))
    text: str = field(metadata=_spec("text", "the report's verb, verbatim", required=True))


#: Records nested in a fact, by field name: their fields are the table's keys.
NESTED: dict[str, type[Change] | type[Status]] = {"change": Change, "status": Status}


@dataclass
class Fact:
    id: str = field(
        metadata=_spec("id", "unique within a report, lowercase ASCII kebab-case", required=True)
    )
    topic: str = field(
        metadata=_spec("text", "the topic it is filed under (Chinese)", origin="topic")
    )
    topic_en: str = field(metadata=_spec("text", "the topic's English name", origin="topic"))
    pillar: int = field(metadata=_spec("pillar", "0 (overview) to 6", required=True))
    section: str = field(
        metadata=_spec("section", '"4.1" is 四（一）; "0.0" the overview', required=True)
    )
    kind: str = field(metadata=_spec("kind", "one of KINDS", required=True))
    label: str = field(metadata=_spec("text", "what it is, in Chinese (our words)", required=True))
    label_en: str = field(metadata=_spec("text", "the same in English", required=True))
    value: int | float | None = field(
        default=None, metadata=_spec("number", "the number as written; null if none")
    )
    unit: str | None = field(default=None, metadata=_spec("text", "家, 亿元, %, 个百分点 …"))
    value_text: str | None = field(
        default=None, metadata=_spec("text", "the figure or name exactly as the report writes it")
    )
    qualifier: str | None = field(
        default=None, metadata=_spec("text", "预计, 累计, 近, 超过, 余, 以上 …")
    )
    change: Change | None = field(
        default=None, metadata=_spec("table", "{value, unit, text}: the stated change")
    )
    note: str | None = field(default=None, metadata=_spec("text", "a short note (our words)"))
    aliases: tuple[str, ...] = field(
        default=(), metadata=_spec("texts", "other names it is searched by")
    )
    status: Status | None = field(
        default=None, metadata=_spec("table", "{state, text}: a policy's state (null otherwise)")
    )
    draft: bool = field(
        default=False, metadata=_spec("bool", "true until a curator has checked a drafted fact")
    )
    line: int | None = field(
        default=None, metadata=_spec("position", "the line of value_text in the source, if known")
    )
    column: int | None = field(
        default=None, metadata=_spec("position", "its column (1-based), if known")
    )
    # Last, so that the JSON object only gains keys at its end.
    year: int | None = field(
        default=None, metadata=_spec("int", "the report's year ([meta] year)", origin="meta")
    )
    report: str | None = field(
        default=None, metadata=_spec("text", "the report's title ([meta] title)", origin="meta")
    )

    @property
    def figure(self) -> str:
        """The figure as a reader quotes it: qualifier and text, as written."""
        text = self.value_text or ""
        if self.qualifier and self.qualifier not in text:
            text = f"{self.qualifier}{text}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The fact object of the JSON contract: every field, in declared order."""
        return {name: _json_value(getattr(self, name)) for name in FACT_KEYS}


def _json_value(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, _Record):
        return value.to_dict()
    return value


def specs(record: type[object]) -> dict[str, Spec]:
    """The declared fields of a fact or of a record nested in one."""
    return {item.name: item.metadata["spec"] for item in fields(record)}  # type: ignore[arg-type]


#: Every field of a fact with its declaration, in order.
FIELDS: dict[str, Spec] = specs(Fact)
#: The keys of a fact object in JSON output: a documented contract (add keys, never rename).
FACT_KEYS = tuple(FIELDS)
#: The keys a fact table in a fact file may hold, and those it must.
FILE_KEYS = tuple(name for name, spec in FIELDS.items() if spec.origin == "fact")
REQUIRED_KEYS = tuple(name for name in FILE_KEYS if FIELDS[name].required)


def fact_row(fact: Fact) -> tuple[object, ...]:
    """A fact as a tuple of plain values (a nested record as a tuple of its fields),
    for the cache; :func:`fact_from_row` reverses it."""
    return tuple(
        astuple(value) if name in NESTED and value is not None else value
        for name, value in zip(FACT_KEYS, (getattr(fact, name) for name in FACT_KEYS), strict=True)
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


class Meta(NamedTuple):
    title: str
    title_en: str
    year: int
    region: str
    source: str


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
    ) -> None:
        #: The (newest) report's meta.
        self.meta = meta
        self.pillars = pillars
        self.topics = topics
        #: In file order; a tuple, or built lazily from the cache (see loader.LazyFacts).
        self.facts = facts
        self.path = path
        #: Every report's meta, newest first: one for a fact file.
        self.reports: list[Meta] = list(reports) if reports is not None else [meta]
        #: The one-file bases a merged base is made of, newest first; () for one file.
        self.parts: tuple[FactBase, ...] = tuple(parts)

    def __repr__(self) -> str:
        return f"FactBase(path={self.path!r}, facts={len(self.facts)}, topics={len(self.topics)})"

    @property
    def paths(self) -> list[str]:
        """The fact file of each report, newest first."""
        return [part.path for part in self.parts] or [self.path]

    @property
    def years(self) -> list[int]:
        """The years of the reports loaded, oldest first, each once."""
        return sorted({meta.year for meta in self.reports})

    @cached_property
    def by_id(self) -> dict[str, Fact]:
        """Each id's fact: where several reports hold an id, the latest year's."""
        if len(self.reports) == 1:  # one report: ids are unique (the hot path)
            return {fact.id: fact for fact in self.facts}
        found: dict[str, Fact] = {}
        for fact in self.facts:
            held = found.get(fact.id)
            if held is None or _year_of(fact) > _year_of(held):
                found[fact.id] = fact
        return found

    @cached_property
    def _by_year(self) -> dict[tuple[str, int | None], Fact]:
        return {(fact.id, fact.year): fact for fact in self.facts}

    @cached_property
    def _years(self) -> dict[str, list[int]]:
        years: dict[str, set[int]] = {}
        for fact_id, year in self._by_year:
            if year is not None:
                years.setdefault(fact_id, set()).add(year)
        return {fact_id: sorted(held) for fact_id, held in years.items()}

    def years_of(self, fact_id: str) -> list[int]:
        """The years whose reports hold this id (any case), oldest first."""
        return list(self._years.get(fact_id) or self._years.get(fact_id.strip().lower(), []))

    def facts_in(self, pillar: int) -> list[Fact]:
        return [fact for fact in self.facts if fact.pillar == pillar]

    def get(self, fact_id: str, year: int | None = None) -> Fact:
        """The fact with this id, in any case (ids are lowercase): the latest year's,
        or that of ``year``. :class:`UnknownFactError` names the nearest ids, or the
        years that do hold the id."""
        key = fact_id if fact_id in self.by_id else fact_id.strip().lower()
        fact = self.by_id.get(key) if year is None else self._by_year.get((key, year))
        if fact is None:
            years = self.years_of(key)
            if years:
                raise UnknownFactError(fact_id, [], year=year, years=years)
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


class FactSequence(Sequence[Fact]):
    """Facts made on demand: a subclass says how many there are and how to make the
    fact at a (valid, non-negative) position; indexing and slicing are done here."""

    __slots__ = ()

    def fact_at(self, number: int) -> Fact:
        raise NotImplementedError

    @overload
    def __getitem__(self, number: int) -> Fact: ...
    @overload
    def __getitem__(self, number: slice) -> list[Fact]: ...
    def __getitem__(self, number: int | slice) -> Fact | list[Fact]:
        if isinstance(number, slice):
            return [self.fact_at(i) for i in range(*number.indices(len(self)))]
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
    """Only files of one year are compared: the usual case (a year each) costs nothing."""
    by_year: dict[int, list[FactBase]] = {}
    for part in parts:
        by_year.setdefault(part.meta.year, []).append(part)
    problems: list[Problem] = []
    for year, same in by_year.items():
        if len(same) < 2:
            continue
        first_path: dict[str, str] = {}
        for part in same:
            for fact in part.facts:
                held = first_path.setdefault(fact.id, part.path)
                if held != part.path:
                    problems.append(
                        Problem(
                            part.path,
                            f"the id is also in {held}, a report of the same year ({year})",
                            fact=fact.id,
                            field="id",
                        )
                    )
    if problems:
        raise FactFileError(problems)


def section_label(section: str) -> str:
    """'4.1' -> '四（一）', the way the report numbers its parts; '0.0' -> '总体情况'."""
    pillar, _, item = section.partition(".")
    if pillar == "0":
        return "总体情况"
    head = _chinese_number(int(pillar))
    return f"{head}（{_chinese_number(int(item))}）" if item and item != "0" else head


def _chinese_number(number: int) -> str:
    if 0 <= number <= 10:
        return CHINESE_NUMERALS[number]
    if number < 20:
        return "十" + CHINESE_NUMERALS[number - 10]
    return str(number)


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
