"""Building the search index: folded keys, pinyin and a traditional map.

Needs pypinyin (~0.25 s and 50 MiB of phrase data) and OpenCC, so it runs only when
the cache has no entry for a fact file's content (see ``loader``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from math import nan

from cqfacts.facts.model import FactBase
from cqfacts.facts.normalize import fold, has_cjk, is_cjk, latin_words
from cqfacts.search.index import FIELD, PINYIN_FIELDS, Keys, Postings, SearchIndex, ints

# Alternative readings of polyphonic characters are indexed one at a time, up to this many per key.
MAX_VARIANTS = 6
# Traditional forms as Mainland, Taiwan and Hong Kong write them.
_OPENCC_CONFIGS = ("s2t", "s2tw", "s2hk")


class _KeyTable:
    """Distinct keys in first-seen order, each with its flat postings."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.postings: list[list[int]] = []

    def add(self, key: str, owner: int, field: int) -> int:
        number = self.numbers.setdefault(key, len(self.numbers))
        if number == len(self.postings):
            self.postings.append([])
        self.postings[number] += (owner, field)
        return number

    def keys(self) -> Keys:
        return Keys.of(list(self.numbers))

    def frozen_postings(self) -> Postings:
        return Postings.of(self.postings)


def _texts(base: FactBase) -> tuple[list[tuple[int, ...]], list[tuple[int, int, str]]]:
    """The groups, and (owner, field code, text) for every searchable text.

    An owner >= 0 is a fact's number; owner < 0 is group ``-1 - owner``, the facts of
    one topic or one section, whose names are indexed once rather than per fact.
    """
    numbers = {fact.id: number for number, fact in enumerate(base.facts)}
    groups: list[tuple[int, ...]] = []
    texts: list[tuple[int, int, str]] = []
    for topic in base.topics.values():
        owner = -1 - len(groups)
        groups.append(tuple(numbers[fact_id] for fact_id in topic.fact_ids))
        texts += [(owner, FIELD["topic"], topic.name), (owner, FIELD["topic_en"], topic.en)]
        texts += [(owner, FIELD["topic_alias"], alias) for alias in topic.aliases]
    # Facts by section in one pass: a pass per section read every fact a thousand times.
    by_section: dict[str, list[int]] = {}
    for number, fact in enumerate(base.facts):
        if fact.section is not None:
            by_section.setdefault(fact.section, []).append(number)
    for pillar in base.pillars.values():
        for section, title in pillar.sections.items():
            owner = -1 - len(groups)
            groups.append(tuple(by_section.get(section, ())))
            texts.append((owner, FIELD["section"], title))
            if section in pillar.sections_en:
                texts.append((owner, FIELD["section"], pillar.sections_en[section]))
    for number, fact in enumerate(base.facts):
        change = fact.change.text if fact.change else None
        texts += [
            (number, FIELD["label"], fact.label),
            (number, FIELD["label_en"], fact.label_en),
            (number, FIELD["id"], fact.id.replace("-", " ")),
            *((number, FIELD["alias"], alias) for alias in fact.aliases),
            *(
                (number, FIELD[field], text)
                for text, field in (
                    (fact.value_text, "value_text"),
                    (change, "change"),
                    (fact.note, "note"),
                )
                if text
            ),
        ]
    return groups, texts


class _Pinyin:
    """pypinyin with memoised results; phrase data decides readings where it can."""

    def __init__(self) -> None:
        from pypinyin import Style, pinyin

        self._pinyin = pinyin
        self._style = Style.NORMAL
        self._memo: dict[str, tuple[list[str], tuple[int, ...]]] = {}
        self._runs: dict[str, list[list[str]]] = {}

    def keys(self, text: str) -> tuple[list[str], tuple[int, ...]]:
        """The text's pinyin keys, and the character each syllable stands for."""
        if text not in self._memo:
            syllables = list(self._syllables(text))
            self._memo[text] = (
                list(_variants(syllables)),
                tuple(position for position, _ in syllables),
            )
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
                if run not in self._runs:
                    # heteronym=True: one reading where a phrase decides, all of them elsewhere.
                    self._runs[run] = self._pinyin(run, style=self._style, heteronym=True)
                readings = self._runs[run]
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
    yield "".join(f" {reading}" for reading in first)
    made = 0
    for position, (_, options) in enumerate(syllables):
        for alternative in options[1:]:
            if made == MAX_VARIANTS:
                return
            variant = [*first[:position], alternative, *first[position + 1 :]]
            yield "".join(f" {reading}" for reading in variant)
            made += 1


def _simplified_map(texts: set[str], known: set[str]) -> dict[str, str]:
    """Traditional character -> simplified, for the characters this base uses."""
    import opencc

    mapping: dict[str, str] = {}
    for config in _OPENCC_CONFIGS:
        converter = opencc.OpenCC(config)
        # Whole texts first (phrase-aware), then each character on its own; in sorted
        # order, not a set's (which varies with the hash seed): the first mapping of a
        # character wins, and two builds of one file give the same bytes.
        for text in [*sorted(texts), *sorted(known)]:
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
    groups, texts = _texts(base)
    keys, pinyin_keys = _KeyTable(), _KeyTable()
    label_pinyin: list[list[int]] = [[] for _ in base.facts]
    label_chars: list[tuple[int, ...]] = [()] * len(base.facts)
    cjk_texts: set[str] = set()
    folded_texts: dict[str, str] = {}  # a large base repeats its texts many times
    for owner, field, text in texts:
        folded = folded_texts.get(text)
        if folded is None:
            folded = folded_texts[text] = fold(text)
        if not folded:
            continue
        keys.add(folded, owner, field)
        if field not in PINYIN_FIELDS or not has_cjk(text):
            continue
        cjk_texts.add(text)
        variants, chars = pinyin.keys(text)
        numbers = [pinyin_keys.add(variant, owner, field) for variant in variants]
        if field == FIELD["label"]:
            label_pinyin[owner] = numbers
            label_chars[owner] = chars
    known = {char for char in set("".join(folded_texts.values())) if is_cjk(char)}
    # An id's place among its topic's ids (a collection lists an id once a year).
    ranks = {
        fact_id: rank
        for topic in base.topics.values()
        for rank, fact_id in enumerate(dict.fromkeys(topic.fact_ids))
    }
    return SearchIndex(
        keys=keys.keys(),
        key_postings=keys.frozen_postings(),
        pinyin=pinyin_keys.keys(),
        pinyin_postings=pinyin_keys.frozen_postings(),
        groups=Postings.of(groups),
        label_pinyin=Postings.of(label_pinyin),
        label_chars=label_chars,
        readings={char: pinyin.readings(char) for char in sorted(known)},
        simplified=_simplified_map(cjk_texts, known),
        headline_rank=ints(ranks[fact.id] for fact in base.facts),
        values=array("d", (nan if f.value is None else f.value for f in base.facts)),
    )
