"""The fact base as plain, typed data.

Facts and their changes are dataclasses; the small fixed records (meta, pillars,
topics) are NamedTuples, which cost a fifth as much to define: this module is
imported on every run of a tool judged by its start-up time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from cqfacts.errors import UnknownFactError

KINDS = ("figure", "rank", "policy", "event", "achievement", "platform", "programme")

#: The keys of a fact object in JSON output: a documented contract (add keys, never rename).
FACT_KEYS = (
    "id",
    "topic",
    "topic_en",
    "pillar",
    "section",
    "kind",
    "label",
    "label_en",
    "value",
    "unit",
    "value_text",
    "qualifier",
    "change",
    "note",
    "aliases",
)

CHINESE_NUMERALS = "〇一二三四五六七八九十"
# A change text with one of these words is a fall, not a rise: the value is its size.
DECREASE_WORDS = ("下降", "减少", "降低")


@dataclass
class Change:
    """A change the report states for a figure (a growth rate, an increase)."""

    value: int | float
    unit: str
    text: str

    @property
    def is_decrease(self) -> bool:
        return any(word in self.text for word in DECREASE_WORDS)

    @property
    def signed_value(self) -> int | float:
        """The change with its direction: 下降50% is -50. Ranking and derived values
        both read this, so a fall is one thing everywhere."""
        return -self.value if self.is_decrease else self.value

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "text": self.text}


@dataclass
class Fact:
    id: str
    topic: str
    topic_en: str
    pillar: int
    section: str
    kind: str
    label: str
    label_en: str
    value: int | float | None = None
    unit: str | None = None
    value_text: str | None = None
    qualifier: str | None = None
    change: Change | None = None
    note: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def figure(self) -> str:
        """The figure as a reader quotes it: qualifier and text, as written."""
        text = self.value_text or ""
        if self.qualifier and self.qualifier not in text:
            text = f"{self.qualifier}{text}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "topic_en": self.topic_en,
            "pillar": self.pillar,
            "section": self.section,
            "kind": self.kind,
            "label": self.label,
            "label_en": self.label_en,
            "value": self.value,
            "unit": self.unit,
            "value_text": self.value_text,
            "qualifier": self.qualifier,
            "change": self.change.to_dict() if self.change else None,
            "note": self.note,
            "aliases": list(self.aliases),
        }


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
    """Everything a fact file holds, facts in file order.

    A container rather than a record: compared by identity, and its repr is a
    summary (printing every fact helps no one).
    """

    def __init__(
        self,
        *,
        meta: Meta,
        pillars: dict[int, Pillar],
        topics: Mapping[str, Topic],
        facts: Sequence[Fact],
        path: str = "",
    ) -> None:
        self.meta = meta
        self.pillars = pillars
        self.topics = topics
        #: In file order; a tuple, or built lazily from the cache (see loader.LazyFacts).
        self.facts = facts
        self.path = path

    def __repr__(self) -> str:
        return f"FactBase(path={self.path!r}, facts={len(self.facts)}, topics={len(self.topics)})"

    @cached_property
    def by_id(self) -> dict[str, Fact]:
        return {fact.id: fact for fact in self.facts}

    def facts_in(self, pillar: int) -> list[Fact]:
        return [fact for fact in self.facts if fact.pillar == pillar]

    def get(self, fact_id: str) -> Fact:
        """The fact with this id; :class:`UnknownFactError` names the nearest ids."""
        fact = self.by_id.get(fact_id)
        if fact is None:
            from difflib import get_close_matches

            nearest = get_close_matches(fact_id, list(self.by_id), n=3, cutoff=0.5)
            raise UnknownFactError(fact_id, nearest)
        return fact

    def select(
        self, *, pillar: int | None = None, kind: str | None = None, topic: str | None = None
    ) -> list[Fact]:
        """Facts in file order, narrowed to a pillar, a kind and a topic (its Chinese or
        English name, any case)."""
        wanted = topic.casefold() if topic is not None else None
        return [
            fact
            for fact in self.facts
            if (pillar is None or fact.pillar == pillar)
            and (kind is None or fact.kind == kind)
            and (wanted is None or wanted in (fact.topic.casefold(), fact.topic_en.casefold()))
        ]


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
