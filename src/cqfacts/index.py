"""Search keys derived from a fact base: folded texts, pinyin and a traditional map.

Building them needs pypinyin (~0.25 s, 50 MiB of phrase data) and OpenCC, so it
runs once per fact-file content and the result is cached (see ``loader``).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from cqfacts.model import FactBase
from cqfacts.normalize import fold, is_cjk, latin_words

# The field a search key comes from, and how much a match on it counts.
FIELDS = (
    "label",
    "topic",
    "alias",
    "topic_alias",
    "label_en",
    "topic_en",
    "value_text",
    "change",
    "note",
    "section",
    "id",
)
# A topic's names speak for all its facts, so they count a little less than a fact's own.
FIELD_WEIGHTS = (1.0, 0.96, 1.0, 0.94, 1.0, 0.95, 0.96, 0.9, 0.8, 0.75, 0.85)
FIELD = {name: code for code, name in enumerate(FIELDS)}
# Fields whose pinyin is indexed: names, not prose.
PINYIN_FIELDS = frozenset(
    FIELD[name] for name in ("label", "topic", "alias", "topic_alias", "value_text")
)
# Alternative readings of polyphonic characters are indexed one at a time, up to this many per key.
MAX_VARIANTS = 6
# Traditional forms as Mainland, Taiwan and Hong Kong write them.
_OPENCC_CONFIGS = ("s2t", "s2tw", "s2hk")


class Keys:
    """Search keys joined into one string, so one regex pass in C scans them all."""

    __slots__ = ("blob", "starts")

    def __init__(self, blob: str, starts: list[int]) -> None:
        self.blob = blob
        # Where each key starts in the blob, plus one past the end.
        self.starts = starts

    @classmethod
    def of(cls, keys: list[str]) -> Keys:
        return cls("\n".join(keys), list(accumulate((len(key) + 1 for key in keys), initial=0)))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, number: int) -> str:
        return self.blob[self.starts[number] : self.starts[number + 1] - 1]

    def at(self, offset: int) -> int:
        """The number of the key holding a blob offset."""
        return bisect_right(self.starts, offset) - 1

    def as_list(self) -> list[str]:
        return self.blob.split("\n") if self.starts[-1] else []


@dataclass(slots=True)
class SearchIndex:
    """Plain types only, so the index can be cached with marshal."""

    keys: Keys
    key_fact: list[int]
    key_field: list[int]
    # Pinyin keys: one syllable per character, each followed by a space ("gao xin ").
    pinyin: Keys
    pinyin_fact: list[int]
    pinyin_field: list[int]
    # For pinyin keys of labels: the label character each syllable stands for.
    pinyin_chars: list[tuple[int, ...]]
    readings: dict[str, list[str]]
    simplified: dict[str, str]
    # 0 for a topic's headline fact (its first), 1 for the next …
    headline_rank: list[int]

    def to_tuple(self) -> tuple[object, ...]:
        return (
            (self.keys.blob, self.keys.starts), self.key_fact, self.key_field,
            (self.pinyin.blob, self.pinyin.starts), self.pinyin_fact, self.pinyin_field,
            self.pinyin_chars, self.readings, self.simplified, self.headline_rank,
        )  # fmt: skip

    @classmethod
    def from_tuple(cls, data: tuple) -> SearchIndex:  # type: ignore[type-arg]
        keys, key_fact, key_field, pinyin, *rest = data
        return cls(Keys(*keys), key_fact, key_field, Keys(*pinyin), *rest)


def _texts(base: FactBase) -> Iterator[tuple[int, int, str]]:
    """(fact index, field code, text) for every searchable text of every fact."""
    for number, fact in enumerate(base.facts):
        topic = base.topics[fact.topic]
        pillar = base.pillars[fact.pillar]
        yield number, FIELD["label"], fact.label
        yield number, FIELD["topic"], fact.topic
        yield number, FIELD["label_en"], fact.label_en
        yield number, FIELD["topic_en"], fact.topic_en
        yield number, FIELD["id"], fact.id.replace("-", " ")
        for alias in fact.aliases:
            yield number, FIELD["alias"], alias
        for alias in topic.aliases:
            yield number, FIELD["topic_alias"], alias
        change = fact.change.text if fact.change else None
        for text, field in (
            (fact.value_text, "value_text"),
            (change, "change"),
            (fact.note, "note"),
        ):
            if text:
                yield number, FIELD[field], text
        for sections in (pillar.sections, pillar.sections_en):
            if fact.section in sections:
                yield number, FIELD["section"], sections[fact.section]


class _Pinyin:
    """pypinyin with memoised results; phrase data decides readings where it can."""

    def __init__(self) -> None:
        from pypinyin import Style, pinyin

        self._pinyin = pinyin
        self._style = Style.NORMAL
        self._memo: dict[str, list[tuple[int, list[str]]]] = {}

    def syllables(self, text: str) -> list[tuple[int, list[str]]]:
        """(character index, readings) per syllable; Latin words count as one syllable."""
        if text not in self._memo:
            self._memo[text] = list(self._syllables(text))
        return self._memo[text]

    def _syllables(self, text: str) -> Iterator[tuple[int, list[str]]]:
        run_start = None
        for index, char in enumerate([*text, "\0"]):
            if is_cjk(char):
                if run_start is None:
                    run_start = index
                continue
            if run_start is not None:
                run = text[run_start:index]
                # heteronym=True: one reading where a phrase decides, every reading elsewhere.
                readings = self._pinyin(run, style=self._style, heteronym=True)
                for offset, options in enumerate(readings):
                    yield run_start + offset, list(dict.fromkeys(options))
                run_start = None
            if char != "\0":
                for word in latin_words(fold(char)):
                    yield index, [word]

    def readings(self, char: str) -> list[str]:
        return self._pinyin(char, style=self._style, heteronym=True)[0]


def _variants(syllables: list[tuple[int, list[str]]]) -> Iterable[str]:
    """The key with first readings, then one key per alternative reading of one character."""
    first = [options[0] for _, options in syllables]
    yield "".join(f"{reading} " for reading in first)
    made = 0
    for position, (_, options) in enumerate(syllables):
        for alternative in options[1:]:
            if made == MAX_VARIANTS:
                return
            variant = [*first[:position], alternative, *first[position + 1 :]]
            yield "".join(f"{reading} " for reading in variant)
            made += 1


def _simplified_map(texts: set[str], known: set[str]) -> dict[str, str]:
    """Traditional character -> simplified, for the characters this base uses."""
    import opencc

    mapping: dict[str, str] = {}
    for config in _OPENCC_CONFIGS:
        converter = opencc.OpenCC(config)
        # Whole texts first (phrase-aware), then each character on its own.
        for text in [*texts, *known]:
            converted = converter.convert(text)
            if len(converted) != len(text):
                continue
            for simple, traditional in zip(text, converted, strict=True):
                if simple != traditional and traditional not in known:
                    mapping.setdefault(traditional, simple)
    return mapping


def build_index(base: FactBase) -> SearchIndex:
    """Derive every search key of a fact base (slow: imports pypinyin and OpenCC)."""
    pinyin = _Pinyin()
    keys: list[str] = []
    key_fact: list[int] = []
    key_field: list[int] = []
    pinyin_keys: list[str] = []
    pinyin_fact: list[int] = []
    pinyin_field: list[int] = []
    pinyin_chars: list[tuple[int, ...]] = []
    cjk_texts: set[str] = set()
    for number, field, text in _texts(base):
        folded = fold(text)
        if not folded:
            continue
        keys.append(folded)
        key_fact.append(number)
        key_field.append(field)
        if field not in PINYIN_FIELDS or not any(is_cjk(char) for char in text):
            continue
        cjk_texts.add(text)
        syllables = pinyin.syllables(text)
        chars = tuple(position for position, _ in syllables)
        for variant in _variants(syllables):
            pinyin_keys.append(variant)
            pinyin_fact.append(number)
            pinyin_field.append(field)
            pinyin_chars.append(chars if field == FIELD["label"] else ())
    known = {char for text in keys for char in text if is_cjk(char)}
    ranks = {
        fact_id: rank
        for topic in base.topics.values()
        for rank, fact_id in enumerate(topic.fact_ids)
    }
    return SearchIndex(
        keys=Keys.of(keys),
        key_fact=key_fact,
        key_field=key_field,
        pinyin=Keys.of(pinyin_keys),
        pinyin_fact=pinyin_fact,
        pinyin_field=pinyin_field,
        pinyin_chars=pinyin_chars,
        readings={char: pinyin.readings(char) for char in sorted(known)},
        simplified=_simplified_map(cjk_texts, known),
        headline_rank=[ranks[fact.id] for fact in base.facts],
    )
