"""Finding, loading and caching the fact base with its search index.

A warm start reads one marshal file keyed by checksums of the fact file's bytes:
no TOML parsing, no pypinyin, no OpenCC.
"""

from __future__ import annotations

import gc
import marshal
import os
import stat
import sys
import zlib
from array import array
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import NamedTuple, overload

from cqfacts import __version__, cache
from cqfacts.errors import FactFileError, Problem
from cqfacts.index import SearchIndex, ints_from
from cqfacts.model import Change, Fact, FactBase, Meta, Pillar, Topic

ENV_FACTS = "CQFACTS_FACTS"
# Bump when the cached layout (or the folding behind its keys) changes.
CACHE_FORMAT = 6


class Loaded(NamedTuple):
    base: FactBase
    index: SearchIndex  # type: ignore[assignment]  # the name shadows tuple.index, knowingly
    from_cache: bool


def shipped_fact_path() -> Path:
    """The facts.toml inside the installed package (or the repository's, in a checkout)."""
    packaged = Path(__file__).with_name("facts.toml")
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "facts.toml"


# The shipped file is 85 KB and a base 150 times larger 12 MB: past this, a file
# (or a stream) is not a fact file, and reading on would only fill the memory.
MAX_FACT_FILE_BYTES = 256 * 1024 * 1024


def read_fact_file(path: Path) -> bytes:
    """A fact file's bytes: a regular file, or a pipe (``--facts <(…)``), not a device."""
    try:
        with open(path, "rb") as stream:
            info = os.fstat(stream.fileno())
            if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode):
                raise _unreadable(path, "a device, not a file")
            regular = stat.S_ISREG(info.st_mode)
            if regular and info.st_size > MAX_FACT_FILE_BYTES:
                raise _too_large(path)
            # A file's read is sized by the file; a pipe's reads no further than the limit.
            data = stream.read() if regular else stream.read(MAX_FACT_FILE_BYTES + 1)
    except OSError as error:
        raise _unreadable(path, error.strerror or str(error)) from None
    if len(data) > MAX_FACT_FILE_BYTES:
        raise _too_large(path)
    return data


def _unreadable(path: Path, reason: str) -> FactFileError:
    return FactFileError([Problem(str(path), f"cannot read the fact file: {reason}")])


def _too_large(path: Path) -> FactFileError:
    return _unreadable(path, f"larger than {MAX_FACT_FILE_BYTES // 2**20} MiB")


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text; a byte-order mark (Windows editors write one) is dropped."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        problem = Problem(str(path), f"not UTF-8 text (byte {error.start})")
        raise FactFileError([problem]) from None


def content_key(data: bytes) -> str:
    """Two checksums and the length of a fact file's bytes: any edit changes the key.

    Not cryptographic, and need not be: 10 ms less than a hash on a 12 MB file,
    and hashlib alone costs 13 ms to import.
    """
    return f"{len(data):x}-{zlib.crc32(data):08x}-{zlib.adler32(data):08x}"


class Validation(NamedTuple):
    path: Path
    fact_count: int
    problems: list[Problem]


def validate(path: Path | None = None) -> Validation:
    """Check a fact file (the shipped one by default) without the cache: every problem."""
    from cqfacts.factfile import parse_fact_file

    path = path or shipped_fact_path()
    try:
        base = parse_fact_file(decode(read_fact_file(path), path), str(path))
    except FactFileError as error:
        return Validation(path, 0, error.problems)
    return Validation(path, len(base.facts), [])


def load(path: Path | None = None, *, cache_dir: Path | bool | None = True) -> Loaded:
    """Load a fact file (the shipped one by default) with its search index.

    ``cache_dir=True`` uses the user's cache directory, ``None`` or ``False`` none.
    """
    path = path or shipped_fact_path()
    directory = cache.cache_dir() if cache_dir is True else (cache_dir or None)
    data = read_fact_file(path)
    # marshal's format belongs to one Python version: the name says which.
    python = "".join(map(str, sys.version_info[:2]))
    name = f"facts-{__version__}-{CACHE_FORMAT}-py{python}-{content_key(data)}.marshal"
    cached = cache.read(name, directory)
    if cached is not None:
        # Unpacking makes many objects at once and none of them cyclic: the
        # collector's passes over them would only cost time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            base, index = _from_payload(marshal.loads(cached), str(path))
            return Loaded(base, index, from_cache=True)
        except (ValueError, EOFError, TypeError, KeyError, IndexError):
            pass  # a damaged entry is rebuilt below
        finally:
            if collecting:
                gc.enable()
    from cqfacts.build import build_index
    from cqfacts.factfile import parse_fact_file

    base = parse_fact_file(decode(data, path), str(path))
    index = build_index(base)
    cache.write(name, marshal.dumps(_to_payload(base, index)), directory)  # type: ignore[arg-type]
    return Loaded(base, index, from_cache=False)


def _to_payload(base: FactBase, index: SearchIndex) -> tuple[object, ...]:
    meta = base.meta
    numbers = {fact.id: number for number, fact in enumerate(base.facts)}
    return (
        CACHE_FORMAT,
        (meta.title, meta.title_en, meta.year, meta.region, meta.source),
        tuple(
            (p.number, p.title, p.title_en, p.sections, p.sections_en)
            for p in base.pillars.values()
        ),
        tuple(
            (t.name, t.en, t.aliases, array("i", (numbers[i] for i in t.fact_ids)).tobytes())
            for t in base.topics.values()
        ),
        tuple(
            (
                f.id, f.topic, f.topic_en, f.pillar, f.section, f.kind, f.label, f.label_en,
                f.value, f.unit, f.value_text, f.qualifier,
                (f.change.value, f.change.unit, f.change.text) if f.change else None,
                f.note, f.aliases,
            )
            for f in base.facts
        ),
        index.to_tuple(),
    )  # fmt: skip


def _fact(row: tuple) -> Fact:  # type: ignore[type-arg]
    change = row[12]
    return Fact(*row[:12], Change(*change) if change else None, *row[13:])  # type: ignore[call-arg]


class LazyFacts(Sequence[Fact]):
    """Facts built from cached rows on first access: a search over a large base
    builds only the facts it returns."""

    __slots__ = ("_made", "_rows")

    def __init__(self, rows: Sequence[tuple]) -> None:  # type: ignore[type-arg]
        self._rows = rows
        self._made: list[Fact | None] = [None] * len(rows)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, number: int) -> Fact: ...
    @overload
    def __getitem__(self, number: slice) -> list[Fact]: ...
    def __getitem__(self, number: int | slice) -> Fact | list[Fact]:
        if isinstance(number, slice):
            return [self[i] for i in range(*number.indices(len(self)))]
        fact = self._made[number]
        if fact is None:
            fact = self._made[number] = _fact(self._rows[number])
        return fact


class LazyTopics(Mapping[str, Topic]):
    """Topics built from cached rows on first use; a search never needs them."""

    def __init__(self, rows: Sequence[tuple], fact_rows: Sequence[tuple]) -> None:  # type: ignore[type-arg]
        self._rows = rows
        self._fact_rows = fact_rows

    @cached_property
    def _topics(self) -> dict[str, Topic]:
        return {
            name: Topic(name, en, aliases, tuple(self._fact_rows[n][0] for n in ints_from(numbers)))
            for name, en, aliases, numbers in self._rows
        }

    def __getitem__(self, name: str) -> Topic:
        return self._topics[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._topics)

    def __len__(self) -> int:
        return len(self._rows)


def _from_payload(payload: tuple, path: str) -> tuple[FactBase, SearchIndex]:  # type: ignore[type-arg]
    format_, meta, pillars, topics, rows, index = payload
    if format_ != CACHE_FORMAT:
        raise ValueError("cache format")
    base = FactBase(
        meta=Meta(*meta),
        pillars={p[0]: Pillar(*p) for p in pillars},
        topics=LazyTopics(topics, rows),
        facts=LazyFacts(rows),
        path=path,
    )
    return base, SearchIndex.from_tuple(index)
