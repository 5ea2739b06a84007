"""What a cache entry holds: a fact base and its search index as marshal data.

The facts are stored as rows (``model.fact_row``) in compressed chunks, each decoded
on first use (:class:`LazyFacts`), the topics likewise (:class:`LazyTopics`), so that
a warm search of a large base builds only the facts it returns. :func:`pack` writes
an entry's bytes, :func:`unpack` reads them back, checking every part's shape before
any of it is trusted; the cache (:mod:`cqfacts.store.cache`) and the packaged index
(:mod:`cqfacts.store.packaged`) hold the bytes, the loader names them.
"""

from __future__ import annotations

import gc
import marshal
import zlib
from array import array
from collections.abc import Sequence

from cqfacts.facts.model import (
    FACT_KEYS,
    Fact,
    FactBase,
    FactKeys,
    FactSequence,
    Meta,
    Pillar,
    Topic,
    TopicMapping,
    fact_from_row,
    fact_keys,
    fact_row,
)
from cqfacts.search.index import SearchIndex, ints_from

# What a damaged or foreign entry raises while decoded: it reads as missing.
_NOT_AN_ENTRY = (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError)


def pack(base: FactBase, index: SearchIndex) -> bytes:
    return marshal.dumps(_to_payload(base, index))  # type: ignore[arg-type]


def unpack(payload: bytes | memoryview, path: str) -> tuple[FactBase, SearchIndex] | None:
    """The base and index an entry's bytes hold; None where they are not what this
    version writes (the caller rebuilds)."""
    # Unpacking makes many objects at once and none of them cyclic: the collector's
    # passes over them would only cost time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _from_payload(marshal.loads(payload), path)
    except _NOT_AN_ENTRY:
        return None
    finally:
        if collecting:
            gc.enable()


def pack_index(index: SearchIndex) -> bytes:
    """A joined index's entry (several fact files loaded together)."""
    return marshal.dumps(index.to_tuple())  # type: ignore[arg-type]


def unpack_index(payload: bytes | memoryview, fact_count: int) -> SearchIndex | None:
    """The joined index an entry holds, if it is one of ``fact_count`` facts; else None."""
    try:
        index = SearchIndex.from_tuple(marshal.loads(payload))
    except _NOT_AN_ENTRY:
        return None  # not what this version writes: the caller joins again
    return index if len(index.headline_rank) == len(index.values) == fact_count else None


def _shared(rows: tuple[tuple[object, ...], ...]) -> tuple[tuple[object, ...], ...]:
    """The rows with equal texts (and equal nested tuples) as one object each: marshal
    writes an object it has seen as a reference, so a topic's name or a unit repeated
    by thousands of facts is stored once."""
    seen: dict[object, object] = {}
    intern = seen.setdefault

    # Exact types, not isinstance: a third faster on a cold run of a large base, and a
    # subclass (none is made) would only be stored twice.
    def one(value: object) -> object:
        kind = type(value)
        if kind is str:
            return intern(value, value)
        if kind is tuple:
            value = tuple(map(one, value))  # type: ignore[call-overload]
            return intern(value, value)
        return value

    return tuple(tuple(map(one, row)) for row in rows)


# Facts are stored in chunks of this many rows, each marshalled on its own and decoded
# on first use: a search of a 25,000-fact base decodes the few chunks its results are
# in, not 500,000 objects (20 ms). Within a chunk equal texts are stored once
# (_shared), and each is compressed (zlib, fastest level: ~0.1 s for a 25,000-fact
# base, on a cold run): every byte of an entry is checked and copied on every warm
# run, and at 150 times the shipped base compression makes 8.7 MB of rows 3.5. A
# chunk of 128 rows decodes in ~0.3 ms; a search's ten results touch up to ten.
ROWS_PER_CHUNK = 128
# No chunk (nor the topics) expands beyond this: a damaged one is not inflated without end.
MAX_CHUNK_BYTES = 1 << 28


def _to_payload(base: FactBase, index: SearchIndex) -> tuple[object, ...]:
    numbers = {fact.id: number for number, fact in enumerate(base.facts)}
    rows = [fact_row(fact) for fact in base.facts]
    return (
        tuple(base.meta),  # every declared field: a field added to Meta is cached with no edit
        tuple(
            (p.number, p.title, p.title_en, p.sections, p.sections_en)
            for p in base.pillars.values()
        ),
        _compressed(tuple(
            (t.name, t.en, t.aliases, array("i", (numbers[i] for i in t.fact_ids)).tobytes())
            for t in base.topics.values()
        )),
        tuple(
            _compressed(_shared(tuple(rows[start : start + ROWS_PER_CHUNK])))
            for start in range(0, len(rows), ROWS_PER_CHUNK)
        ),
        len(rows),
        index.to_tuple(),
        # Each fact's id, year, source and former ids, one chunk: an id's facts are
        # found, the years listed and a former id followed, with no fact built
        # (FactBase.keys).
        _compressed((tuple(fact_keys(base.facts)),)),
    )  # fmt: skip


def _compressed(rows: tuple[tuple[object, ...], ...]) -> bytes:
    return zlib.compress(marshal.dumps(rows), 1)  # type: ignore[arg-type]


def _decoded(data: bytes, size: int, count: int | None = None) -> tuple[tuple, ...]:  # type: ignore[type-arg]
    """Rows as _to_payload stores them, each a tuple of ``size`` items (``count`` rows);
    ValueError where they are not."""
    inflate = zlib.decompressobj()
    try:
        plain = inflate.decompress(data, MAX_CHUNK_BYTES)
    except zlib.error:
        raise ValueError("a damaged cache entry") from None
    if not inflate.eof or inflate.unused_data:
        raise ValueError("a damaged cache entry")
    try:
        rows = marshal.loads(plain)
    except (EOFError, TypeError, ValueError):
        raise ValueError("a damaged cache entry") from None
    if not isinstance(rows, tuple) or not all(
        isinstance(row, tuple) and len(row) == size for row in rows
    ):
        raise ValueError("a damaged cache entry")
    if count is not None and len(rows) != count:
        raise ValueError("a damaged cache entry")
    return rows


class LazyFacts(FactSequence):
    """Facts built from cached rows on first access, their chunk decoded on first
    access to any of its rows: a search over a large base builds only the facts it
    returns."""

    __slots__ = ("_chunks", "_count", "_made", "_rows")

    def __init__(self, chunks: Sequence[bytes], count: int) -> None:
        self._chunks = chunks
        self._count = count
        self._rows: list[tuple[tuple, ...] | None] = [None] * len(chunks)  # type: ignore[type-arg]
        self._made: list[Fact | None] = [None] * count

    def __len__(self) -> int:
        return self._count

    def row(self, number: int) -> tuple:  # type: ignore[type-arg]
        chunk, at = divmod(number, ROWS_PER_CHUNK)
        rows = self._rows[chunk]
        if rows is None:
            size = min(ROWS_PER_CHUNK, self._count - chunk * ROWS_PER_CHUNK)
            rows = self._rows[chunk] = _decoded(self._chunks[chunk], _FACT_FIELDS, size)
        return rows[at]

    def fact_at(self, number: int) -> Fact:
        fact = self._made[number]
        if fact is None:
            fact = self._made[number] = fact_from_row(self.row(number))
        return fact


class LazyTopics(TopicMapping):
    """Topics built from cached rows on first use; a search never needs them."""

    def __init__(self, data: bytes, facts: LazyFacts) -> None:
        self._data = data
        self._facts = facts

    def made(self) -> dict[str, Topic]:
        ids = self._facts.row
        return {
            name: Topic(name, en, aliases, tuple(ids(n)[0] for n in ints_from(numbers)))
            for name, en, aliases, numbers in _decoded(self._data, _TOPIC_FIELDS)
        }


# The lengths of a payload's parts as _to_payload writes them.
_PILLAR_FIELDS, _TOPIC_FIELDS, _INDEX_PARTS = 5, 4, 11
_META_FIELDS = len(Meta._fields)
_FACT_FIELDS = len(FACT_KEYS)


def _keys(data: bytes, count: int) -> FactKeys:
    """The facts' keys an entry holds; ValueError where they are not ``count`` of each
    (a damaged entry, met on first use)."""
    [keys] = _decoded(data, len(FactKeys._fields), 1)
    found = FactKeys(*keys)
    if not all(isinstance(part, tuple) and len(part) == count for part in found) or not all(
        isinstance(formers, tuple) for formers in found.former_ids
    ):
        raise ValueError("a damaged cache entry")
    return found


def _from_payload(payload: tuple, path: str) -> tuple[FactBase, SearchIndex]:  # type: ignore[type-arg]
    """The base and index of an entry; ValueError (or TypeError …) where its shape is
    not what this version writes: checked before any of it is trusted (a chunk of
    facts, and the topics, when first decoded)."""
    meta, pillars, topics, chunks, count, index, keys = payload
    shapes = (
        (meta, _META_FIELDS, False), (pillars, _PILLAR_FIELDS, True), (index, _INDEX_PARTS, False),
    )  # fmt: skip
    for part, size, nested in shapes:
        if not isinstance(part, tuple) or not all(
            isinstance(item, tuple) and len(item) == size for item in (part if nested else (part,))
        ):
            raise ValueError("not an entry of this version")
    if (
        not isinstance(topics, bytes)
        or not isinstance(keys, bytes)
        or not isinstance(count, int)
        or not isinstance(chunks, tuple)
        or len(chunks) != -(-count // ROWS_PER_CHUNK)
        or not all(isinstance(chunk, bytes) for chunk in chunks)
    ):
        raise ValueError("not an entry of this version")
    facts = LazyFacts(chunks, count)
    base = FactBase(
        meta=Meta(*meta),
        pillars={p[0]: Pillar(*p) for p in pillars},
        topics=LazyTopics(topics, facts),
        facts=facts,
        path=path,
        keys=lambda: _keys(keys, count),
    )
    search_index = SearchIndex.from_tuple(index)
    if not len(search_index.headline_rank) == len(search_index.values) == count:
        raise ValueError("an index of another fact base")
    return base, search_index
