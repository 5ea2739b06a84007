"""The search index as the query path reads it: keys, postings and maps.

Built by ``cqfacts.build`` (slow: pypinyin and OpenCC) once per fact-file content,
then read from the cache; this module imports nothing heavy.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate
from typing import NamedTuple

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


def ints(values: Iterable[int] = ()) -> array[int]:
    return array("i", values)


def ints_from(data: bytes) -> array[int]:
    ints = array("i")
    ints.frombytes(data)
    return ints


class Keys:
    """Search keys joined into one string, so one regex pass in C scans them all."""

    __slots__ = ("blob", "starts")

    def __init__(self, blob: str, starts: array[int]) -> None:
        self.blob = blob
        # Where each key starts in the blob, plus one past the end.
        self.starts = starts

    @classmethod
    def of(cls, keys: list[str]) -> Keys:
        starts = ints(accumulate((len(key) + 1 for key in keys), initial=0))
        return cls("\n".join(keys), starts)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, number: int) -> str:
        return self.blob[self.starts[number] : self.starts[number + 1] - 1]

    def at(self, offset: int) -> int:
        """The number of the key holding a blob offset."""
        return bisect_right(self.starts, offset) - 1

    def as_list(self) -> list[str]:
        return self.blob.split("\n") if self.starts[-1] else []

    def to_tuple(self) -> tuple[str, bytes]:
        return self.blob, self.starts.tobytes()

    @classmethod
    def from_tuple(cls, data: tuple[str, bytes]) -> Keys:
        return cls(data[0], ints_from(data[1]))


class Postings:
    """A list of int lists packed into two arrays, which load as two memory copies."""

    __slots__ = ("offsets", "values")

    def __init__(self, offsets: array[int], values: array[int]) -> None:
        self.offsets = offsets
        self.values = values

    @classmethod
    def of(cls, lists: Iterable[Iterable[int]]) -> Postings:
        offsets, values = ints([0]), ints()
        for items in lists:
            values.extend(items)
            offsets.append(len(values))
        return cls(offsets, values)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, number: int) -> array[int]:
        return self.values[self.offsets[number] : self.offsets[number + 1]]

    def to_tuple(self) -> tuple[bytes, bytes]:
        return self.offsets.tobytes(), self.values.tobytes()

    @classmethod
    def from_tuple(cls, data: tuple[bytes, bytes]) -> Postings:
        return cls(ints_from(data[0]), ints_from(data[1]))


def _pairs(flat: array[int]) -> Iterator[tuple[int, int]]:
    # Postings are stored flat (owner, field, owner, field …): two arrays load faster
    # than a list of tuples.
    return zip(flat[::2], flat[1::2], strict=True)


class SearchIndex(NamedTuple):
    """Strings, arrays and dicts only, so the index caches compactly with marshal.

    A NamedTuple rather than a dataclass: it is built on every run, and a
    NamedTuple class costs a fifth of a dataclass to create at import.

    Each distinct key is stored once with its postings: (owner, field code) pairs,
    where an owner >= 0 is a fact's number and owner < 0 is group ``-1 - owner``
    (the facts of one topic or section). How the pairs are packed is this module's
    business: read them with :meth:`key_entries` and :meth:`pinyin_entries`.
    """

    keys: Keys
    key_postings: Postings
    # Pinyin keys: one syllable per character, each after a space (" gao xin").
    pinyin: Keys
    pinyin_postings: Postings
    #: Fact numbers of each topic or section.
    groups: Postings
    #: For each fact, its label's pinyin keys and the label character each syllable
    #: stands for, to highlight pinyin matches.
    label_pinyin: Postings
    label_chars: list[tuple[int, ...]]
    readings: dict[str, list[str]]
    simplified: dict[str, str]
    #: 0 for a topic's headline fact (its first), 1 for the next …
    headline_rank: array[int]
    #: Each fact's value (NaN where it has none), for number queries.
    values: array[float]

    def key_entries(self, number: int) -> Iterator[tuple[int, int]]:
        """(owner, field code) of every text that folds to key ``number``."""
        return _pairs(self.key_postings[number])

    def pinyin_entries(self, number: int) -> Iterator[tuple[int, int]]:
        """(owner, field code) of every text with pinyin key ``number``."""
        return _pairs(self.pinyin_postings[number])

    def owners(self, owner: int) -> Iterable[int]:
        """The fact numbers a key's owner stands for."""
        return (owner,) if owner >= 0 else self.groups[-1 - owner]

    def to_tuple(self) -> tuple[object, ...]:
        return (
            self.keys.to_tuple(), self.key_postings.to_tuple(),
            self.pinyin.to_tuple(), self.pinyin_postings.to_tuple(),
            self.groups.to_tuple(), self.label_pinyin.to_tuple(), self.label_chars,
            self.readings, self.simplified, self.headline_rank.tobytes(), self.values.tobytes(),
        )  # fmt: skip

    @classmethod
    def from_tuple(cls, data: tuple) -> SearchIndex:  # type: ignore[type-arg]
        keys, key_postings, pinyin, pinyin_postings, groups, label_pinyin, *rest = data
        label_chars, readings, simplified, headline_rank, values = rest
        floats = array("d")
        floats.frombytes(values)
        return cls(
            Keys.from_tuple(keys),
            Postings.from_tuple(key_postings),
            Keys.from_tuple(pinyin),
            Postings.from_tuple(pinyin_postings),
            Postings.from_tuple(groups),
            Postings.from_tuple(label_pinyin),
            label_chars,
            readings,
            simplified,
            ints_from(headline_rank),
            floats,
        )
