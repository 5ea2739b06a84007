"""The search index as the query path reads it: keys, postings and maps.

Built by ``cqfacts.search.build`` (slow: pypinyin and OpenCC) once per fact-file content,
then read from the cache; this module imports nothing heavy.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

from cqfacts.fast_typing import NamedTuple

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


# --- Several fact files ----------------------------------------------------------------
# Each fact file's index is cached on its own; a base of several files joins them at
# load time: texts and arrays concatenated, the numbers in a later part moved past
# the earlier parts' facts, groups and pinyin keys. For the shipped base that is
# about 7,000 numbers, a fraction of a millisecond; no pypinyin, no OpenCC.


def _joined_keys(parts: Sequence[Keys]) -> Keys:
    """Keys of several indexes as one: blobs joined, each part's starts moved on by
    the blobs before it (a part's last start is one past its end: the next's first)."""
    parts = [part for part in parts if len(part)]  # an empty blob would add a "\n"
    starts, moved = ints(), 0
    for part in parts:
        starts.extend(map(moved.__add__, part.starts[:-1]))
        moved += part.starts[-1]
    starts.append(moved)
    return Keys("\n".join(part.blob for part in parts), starts)


def _joined_postings(parts: Sequence[tuple[array[int], array[int]]]) -> Postings:
    """Postings from (offsets, values) parts whose values are already moved."""
    offsets, values = ints([0]), ints()
    for part_offsets, part_values in parts:
        offsets.extend(map(len(values).__add__, part_offsets[1:]))
        values.extend(part_values)
    return Postings(offsets, values)


def _moved(values: array[int], by: int) -> array[int]:
    return ints(map(by.__add__, values)) if by else values


def _moved_owners(values: array[int], facts: int, groups: int) -> array[int]:
    """(owner, field) pairs with facts moved on by ``facts`` and groups (negative
    owners) by ``groups``."""
    if not facts and not groups:
        return values
    moved = array("i", values)
    moved[::2] = ints([owner + facts if owner >= 0 else owner - groups for owner in values[::2]])
    return moved


def merge_indexes(indexes: Sequence[SearchIndex]) -> SearchIndex:
    """One index over several fact files' facts, numbered in the given order (the
    order of the merged base's facts)."""
    if len(indexes) == 1:
        return indexes[0]
    facts = groups = pinyin_keys = 0
    key_parts, pinyin_parts, group_parts, label_parts = [], [], [], []
    label_chars: list[tuple[int, ...]] = []
    readings: dict[str, list[str]] = {}
    simplified: dict[str, str] = {}
    headline_rank, values = ints(), array("d")
    for index in indexes:
        key_parts.append(
            (index.key_postings.offsets, _moved_owners(index.key_postings.values, facts, groups))
        )
        pinyin_parts.append(
            (
                index.pinyin_postings.offsets,
                _moved_owners(index.pinyin_postings.values, facts, groups),
            )
        )
        group_parts.append((index.groups.offsets, _moved(index.groups.values, facts)))
        label_parts.append(
            (index.label_pinyin.offsets, _moved(index.label_pinyin.values, pinyin_keys))
        )
        label_chars += index.label_chars
        for char, options in index.readings.items():
            readings.setdefault(char, options)
        for traditional, simple in index.simplified.items():
            simplified.setdefault(traditional, simple)
        headline_rank.extend(index.headline_rank)
        values.extend(index.values)
        facts += len(index.headline_rank)
        groups += len(index.groups)
        pinyin_keys += len(index.pinyin)
    return SearchIndex(
        keys=_joined_keys([index.keys for index in indexes]),
        key_postings=_joined_postings(key_parts),
        pinyin=_joined_keys([index.pinyin for index in indexes]),
        pinyin_postings=_joined_postings(pinyin_parts),
        groups=_joined_postings(group_parts),
        label_pinyin=_joined_postings(label_parts),
        label_chars=label_chars,
        readings=readings,
        # A character one file writes as a simplified form is never folded away, as
        # build._simplified_map leaves out the characters a base uses.
        simplified={t: s for t, s in simplified.items() if t not in readings},
        headline_rank=headline_rank,
        values=values,
    )
