"""Finding, loading and caching the fact base with its search index.

A warm start reads one marshal file keyed by a digest of the fact file's bytes and
of the code that builds the index: no TOML parsing, no pypinyin, no OpenCC.

Several reports (:func:`load_many`): each fact file is one report (its ``[meta]``
year and title), cached as one file is, an entry per file content. The base holds
every report's facts, newest year first, and the search index is the files' cached
indexes joined at load time (arrays concatenated, later parts' numbers moved on:
``index.merge_indexes``), not one index built over the union: editing one report
rebuilds that report's entry only, and two warm reports load in about the time of
two single loads. A directory stands for every ``*.toml`` in it; ``"+"``
(:data:`SHIPPED`) or ``include_shipped=True`` adds the shipped report to one's own
without copying it; ``CQFACTS_FACTS`` may list files and directories separated by
``os.pathsep`` (:func:`paths_from_environment`). The same id in two reports is the
same indicator in two years; two files of one year holding one id are refused.
"""

from __future__ import annotations

import functools
import gc
import marshal
import os
import re
import stat
import sys
import time
import zlib
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from cqfacts import __version__
from cqfacts.errors import FactFileError, Problem
from cqfacts.facts.model import (
    FACT_KEYS,
    Fact,
    FactBase,
    FactSequence,
    Meta,
    Pillar,
    Topic,
    TopicMapping,
    fact_from_row,
    fact_row,
    merge_bases,
)
from cqfacts.search.index import SearchIndex, ints_from, merge_indexes
from cqfacts.store import cache

ENV_FACTS = "CQFACTS_FACTS"
# The modules whose code decides what a cache entry holds: editing any of them makes
# the next run rebuild its entry rather than answer from an index built by old code.
# Every module this one imports, and theirs in turn: tests/test_cache.py holds the list
# to the imports (records.py, the fact's fields, was once left out).
INDEX_CODE = (
    "errors",
    "facts/factfile",
    "facts/model",
    "facts/normalize",
    "facts/records",
    "search/build",
    "search/index",
    "store/cache",
    "store/loader",
)


class Loaded(NamedTuple):
    base: FactBase
    index: SearchIndex  # type: ignore[assignment]  # the name shadows tuple.index, knowingly
    from_cache: bool
    #: Why the cache was not used, where that needs saying (a symlinked or shared
    #: directory); the CLI prints each on stderr.
    warnings: tuple[str, ...] = ()
    #: The shipped fact file's index came from the one built into the package (see
    #: :func:`read_packaged_index`): no cache was needed for it.
    from_package: bool = False


def shipped_fact_path() -> Path:
    """The facts.toml inside the installed package (or the repository's, in a checkout)."""
    packaged = Path(__file__).parents[1] / "facts.toml"
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "facts.toml"


# The shipped file is 85 KB and a base 150 times larger 12 MB: past this, a file
# (or a stream) is not a fact file, and reading on would only fill the memory.
MAX_FACT_FILE_BYTES = 256 * 1024 * 1024


def read_fact_file(path: Path) -> bytes:
    """A fact file's bytes: a regular file, or a pipe (``--facts <(…)``), not a device."""
    return _read_fact_file(path)[0]


def _read_fact_file(path: Path) -> tuple[bytes, os.stat_result | None]:
    """The bytes, and the file's status where it is a regular file whose identity
    (:func:`_identity`) did not change while it was read."""
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
            after = os.fstat(stream.fileno()) if regular else None
    except OSError as error:
        raise _unreadable(path, error.strerror or str(error)) from None
    if len(data) > MAX_FACT_FILE_BYTES:
        raise _too_large(path)
    same = after is not None and _fields(after) == _fields(info) and len(data) == info.st_size
    return data, after if same else None


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


@functools.cache
def code_digest() -> bytes:
    """What the cache key takes from the code: the version, the Python (marshal's
    format belongs to one), and the source of every module in :data:`INDEX_CODE`.
    Once per process: the code running is the code imported when it started, even
    should its files change under it (a server, a test run)."""
    package = Path(__file__).parents[1]
    parts = [__version__.encode(), sys.version.encode()]
    for module in INDEX_CODE:
        try:
            parts.append((package / f"{module}.py").read_bytes())
        except OSError:  # installed without sources: the version must do
            parts.append(module.encode())
    return cache.digest(*parts).encode()


def cache_key(data: bytes, code: bytes | None = None) -> str:
    """A cryptographic digest of a fact file's bytes and of the code that indexes them
    (``code``: :func:`code_digest`, where the caller has it already)."""
    return cache.digest(code or code_digest(), data)


class Validation(NamedTuple):
    path: Path
    fact_count: int
    problems: list[Problem]
    #: Facts still marked ``draft = true`` (valid, but not yet checked by a curator).
    draft_count: int = 0


def validate(path: Path | None = None) -> Validation:
    """Check a fact file (the shipped one by default) without the cache: every problem."""
    from cqfacts.facts.factfile import parse_fact_file

    path = path or shipped_fact_path()
    try:
        base = parse_fact_file(decode(read_fact_file(path), path), str(path))
    except FactFileError as error:
        return Validation(path, 0, error.problems)
    return Validation(path, len(base.facts), [], sum(fact.draft for fact in base.facts))


def load(
    path: Path | None = None, *, cache_dir: Path | bool | None = True, packaged: bool = True
) -> Loaded:
    """Load a fact file (the shipped one by default) with its search index.

    ``cache_dir=True`` uses the user's cache directory, ``None`` or ``False`` none.
    The shipped file's index is read from the package where it was built into it for
    exactly these bytes and this code (``packaged=False``: never), and then no cache
    directory is opened at all.
    """
    path = path or shipped_fact_path()
    warnings = [cache.configuration_warning()] if cache_dir is True else []
    code = code_digest()
    data: bytes | None = None
    key = None
    if packaged and _is_shipped(path):
        data = read_fact_file(path)
        key = cache_key(data, code)
        found = _from_package(key, str(path))
        if found is not None:
            notes = tuple(warning for warning in warnings if warning)
            return Loaded(*found, from_cache=False, warnings=notes, from_package=True)
    directory = cache.cache_dir() if cache_dir is True else (cache_dir or None)
    with cache.open_cache(directory) as store:
        warnings.append(store.warning)
        notes = tuple(warning for warning in warnings if warning)
        if key is None:
            key, data = _keyed(path, code, store, [])
        base, index, from_cache, used = _load_file(path, data, key, store, code)
        if from_cache:  # a load of its own, dated by its last use (cache.Cache.prune)
            store.touch(cache.entry_name(used))
    return Loaded(base, index, from_cache=from_cache, warnings=notes)


def _load_file(
    path: Path,
    data: bytes | None,
    key: str,
    store: cache.Cache,
    code: bytes,
    protect: Sequence[str] = (),
) -> tuple[FactBase, SearchIndex, bool, str]:
    """One fact file's base and index, from its cache entry (named by its
    :func:`cache_key`) where that is usable; else parsed, indexed and cached. Also
    whether from the cache, and the key of what was loaded (``data`` None: the key
    came from a memo, and the file is read only if the entry cannot answer)."""
    cached = store.read(cache.entry_name(key))
    if cached is not None:
        found = _unpack(cached, str(path))
        if found is not None:
            return *found, True, key
    if data is None:  # read now: named by what was read, should the file have changed
        data = read_fact_file(path)
        key = cache_key(data, code)
    base, index = _build(path, data)
    store.write(cache.entry_name(key), _pack(base, index), protect=protect)
    return base, index, False, key


# --- Not hashing a large file on every run ------------------------------------------
# A warm run of a 12 MB fact file spent ~20 ms reading and hashing it. Where a file is
# this large, the cache keeps a memo of its key under a digest of its identity (device,
# inode, size, modification and change times in ns) and of the code; a later run that
# finds the same identity reads the key and not the file. The change time cannot be
# set by a program (touch sets the modification time only) and moves on any write.

MEMO_MIN_BYTES = 1 << 20
# A memo is written only for a file unchanged for this long: a write within the same
# tick of the file system's clock as the one before would keep the file's times.
MEMO_SETTLED_NS = 2_000_000_000


def _fields(info: os.stat_result) -> tuple[int, ...]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _identity(info: os.stat_result, code: bytes) -> str:
    return cache.digest(b"memo", code, repr(_fields(info)).encode())


def _keyed(
    path: Path, code: bytes, store: cache.Cache, memos: list[str]
) -> tuple[str, bytes | None]:
    """A fact file's cache key, and its bytes where they were read to make it; the name
    of the memo read or written for it is added to ``memos`` (its load's set keeps it)."""
    if store.usable:
        try:
            info = os.stat(path)
        except OSError:
            info = None  # read_fact_file says why
        if info is not None and stat.S_ISREG(info.st_mode) and info.st_size >= MEMO_MIN_BYTES:
            name = cache.memo_name(_identity(info, code))
            memo = store.read(name)
            if memo is not None and _KEY.fullmatch(memo):
                memos.append(name)
                return bytes(memo).decode(), None
    data, info = _read_fact_file(path)
    key = cache_key(data, code)
    if (
        info is not None
        and store.usable
        and info.st_size >= MEMO_MIN_BYTES
        and time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) >= MEMO_SETTLED_NS
    ):
        name = cache.memo_name(_identity(info, code))
        if store.write(name, key.encode()):
            memos.append(name)
    return key, data


_KEY = re.compile(rb"[0-9a-f]{%d}" % (2 * cache.DIGEST_SIZE))


def _build(path: Path, data: bytes) -> tuple[FactBase, SearchIndex]:
    from cqfacts.facts.factfile import parse_fact_file
    from cqfacts.search.build import build_index

    # Millions of objects, none cyclic: the collector's passes over them cost a large
    # base's cold load about a second (the console script has it off already).
    collecting = gc.isenabled()
    gc.disable()
    try:
        base = parse_fact_file(decode(data, path), str(path))
        return base, build_index(base)
    finally:
        if collecting:
            gc.enable()


def _pack(base: FactBase, index: SearchIndex) -> bytes:
    return marshal.dumps(_to_payload(base, index))  # type: ignore[arg-type]


def _unpack(payload: bytes | memoryview, path: str) -> tuple[FactBase, SearchIndex] | None:
    """The base and index an entry's bytes hold; None where they are not what this
    version writes (the caller rebuilds)."""
    # Unpacking makes many objects at once and none of them cyclic: the collector's
    # passes over them would only cost time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _from_payload(marshal.loads(payload), path)
    except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError):
        return None
    finally:
        if collecting:
            gc.enable()


# --- The index built into the package ------------------------------------------------
# The wheel carries the shipped file's entry, built at build time (hatch_build.py), so
# that a fresh install's first run, or one with no usable cache directory, is as fast
# as a warm one. It is used only for the shipped file, and only where its key, written
# before the entry, is the key of the bytes read now and of this code (the version,
# the Python, whose marshal format it is, and the indexing modules: code_digest);
# else the cache answers as for any file. An editable install has none.

PACKAGED_INDEX = "facts.index"
_PACKAGED_MAGIC = b"cqfacts-packaged-index-1\n"
_PACKAGED_PREFIX_SIZE = len(_PACKAGED_MAGIC) + 2 * cache.DIGEST_SIZE + 1


def packaged_index_path() -> Path:
    return Path(__file__).parents[1] / PACKAGED_INDEX


def write_packaged_index(target: Path, path: Path | None = None) -> str:
    """Build the entry of a fact file (the shipped one by default) for the package;
    its key."""
    path = path or shipped_fact_path()
    data = read_fact_file(path)
    key = cache_key(data)
    payload = _pack(*_build(path, data))
    prefix = _PACKAGED_MAGIC + key.encode() + b"\n"
    target.write_bytes(prefix + cache.entry_header(payload) + payload)
    return key


def read_packaged_index(key: str) -> bytes | None:
    """The packaged entry's bytes if it was built for ``key``; else None. Its size,
    key and CRC are checked before anything is decoded, as a cache entry's are."""
    try:
        with open(packaged_index_path(), "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if stream.read(_PACKAGED_PREFIX_SIZE) != _PACKAGED_MAGIC + key.encode() + b"\n":
                return None
            return cache.read_entry(stream, size - _PACKAGED_PREFIX_SIZE)
    except OSError:
        return None


def _is_shipped(path: Path) -> bool:
    shipped = shipped_fact_path()
    return path == shipped or os.path.realpath(path) == os.path.realpath(shipped)


def _from_package(key: str, path: str) -> tuple[FactBase, SearchIndex] | None:
    payload = read_packaged_index(key)
    return None if payload is None else _unpack(payload, path)


# --- Several fact files -------------------------------------------------------------

#: A path that stands for the shipped fact file, so that one's own reports are added
#: to it without copying it: ``["+", "facts-2024.toml"]``, ``CQFACTS_FACTS=+:reports/``.
SHIPPED = "+"


def paths_from_environment(value: str) -> list[Path]:
    """The fact files a ``CQFACTS_FACTS`` value names: a list separated by
    ``os.pathsep`` (":" on Linux and macOS, ";" on Windows), empty items ignored."""
    return [Path(item) for item in value.split(os.pathsep) if item.strip()]


def fact_paths(paths: Sequence[Path | str] | None, *, include_shipped: bool = False) -> list[Path]:
    """The fact files that ``paths`` name, each once, in the order named: a directory
    stands for every ``*.toml`` in it (sorted by name; hidden files left out),
    :data:`SHIPPED` for the shipped file; no paths (None or empty) for the shipped
    file alone. ``include_shipped`` puts the shipped file first."""
    named: list[Path | str] = list(paths or ())
    if include_shipped or not named:
        named.insert(0, SHIPPED)
    found: list[Path] = []
    for item in named:
        if str(item) == SHIPPED:
            found.append(shipped_fact_path())
        elif os.path.isdir(item):
            inside = sorted(
                entry
                for entry in Path(item).glob("*.toml")
                if not entry.name.startswith(".") and entry.is_file()
            )
            if not inside:
                message = "a directory with no fact file (*.toml) in it"
                raise FactFileError([Problem(str(item), message)])
            found += inside
        else:
            found.append(Path(item))
    # A file named twice (alone and in its directory) is loaded once.
    unique: dict[str, Path] = {}
    for path in found:
        unique.setdefault(os.path.realpath(path), path)
    return list(unique.values())


def load_many(
    paths: Sequence[Path | str] | None = None,
    *,
    include_shipped: bool = False,
    cache_dir: Path | bool | None = True,
    packaged: bool = True,
) -> Loaded:
    """Load several fact files (see :func:`fact_paths`) as one base and one index.

    Each file is cached as :func:`load` caches it (an entry per file content; the
    shipped file's index read from the package where it can be); the base holds every
    report's facts, newest year first (see ``model.merge_bases``), and the index is
    the files' indexes joined (``index.merge_indexes``), itself cached per combination
    of file contents. One file is :func:`load`'s result as it is. Two files of one
    year that share an id raise :class:`FactFileError` naming both.
    """
    files = fact_paths(paths, include_shipped=include_shipped)
    if len(files) == 1:
        return load(files[0], cache_dir=cache_dir, packaged=packaged)
    directory = cache.cache_dir() if cache_dir is True else (cache_dir or None)
    warnings = [cache.configuration_warning()] if cache_dir is True else []
    code = code_digest()  # the same for every file: read once
    loaded: list[tuple[FactBase, SearchIndex, str]] = []
    memos: list[str] = []
    with cache.open_cache(directory) as store:
        warnings.append(store.warning)
        keyed: list[tuple[str, bytes | None]] = []
        for path in files:
            if packaged and _is_shipped(path):
                data = read_fact_file(path)
                keyed.append((cache_key(data, code), data))
            else:
                keyed.append(_keyed(path, code, store, memos))
        # The files are one load, one set of entries: the cache's cap counts loads, so
        # that any number of files loaded together stay warm (cache.Cache.prune).
        names = [*_set_names([key for key, _ in keyed]), *memos]
        store.remember(names)
        keys = []
        for path, (key, content) in zip(files, keyed, strict=True):
            found = _from_package(key, str(path)) if packaged and _is_shipped(path) else None
            if found is not None:
                loaded.append((*found, "package"))
                keys.append(key)
                continue
            base, index, from_cache, used = _load_file(path, content, key, store, code, names)
            loaded.append((base, index, "cache" if from_cache else "built"))
            keys.append(used)
        if keys != [key for key, _ in keyed]:  # a memo's key had no entry, and the file
            names = [*_set_names(keys), *memos]  # said otherwise
        merged_name = names[len(keys)]
        # Newest report first, the order named within a year: the base's order,
        # which the joined index's fact numbers must follow.
        loaded.sort(key=lambda part: -part[0].meta.year)
        base = merge_bases([part[0] for part in loaded])
        indexes = [part[1] for part in loaded]
        index = _merged_index(store, merged_name, indexes, len(base.facts), names)
        store.remember(names)  # again: its set newer than any entry it wrote
    notes = tuple(dict.fromkeys(warning for warning in warnings if warning))
    return Loaded(
        base,
        index,
        from_cache=all(part[2] == "cache" for part in loaded),
        warnings=notes,
        from_package=any(part[2] == "package" for part in loaded),
    )


def _set_names(keys: Sequence[str]) -> list[str]:
    """The entries of a load of several files: each file's (named by its key), then the
    joined index's, named after the files' contents (as loaded) and their order, which
    the order of the joined numbers follows."""
    merged = cache.entry_name(cache.digest(b"merged", *(key.encode() for key in keys)))
    return [*(cache.entry_name(key) for key in keys), merged]


def _merged_index(
    store: cache.Cache,
    name: str,
    indexes: Sequence[SearchIndex],
    fact_count: int,
    protect: Sequence[str],
) -> SearchIndex:
    """The indexes joined: from the cache where this combination was joined before
    (moving a large base's numbers costs ~90 ms of Python; reading them back ~2 ms)."""
    cached = store.read(name)
    if cached is not None:
        try:
            index = SearchIndex.from_tuple(marshal.loads(cached))
            if len(index.headline_rank) == len(index.values) == fact_count:
                return index
        except (ValueError, EOFError, TypeError, KeyError, IndexError, AttributeError):
            pass  # not what this version writes: joined again below
    index = merge_indexes(indexes)
    store.write(name, marshal.dumps(index.to_tuple()), protect=protect)  # type: ignore[arg-type]
    return index


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
    meta = base.meta
    numbers = {fact.id: number for number, fact in enumerate(base.facts)}
    rows = [fact_row(fact) for fact in base.facts]
    return (
        (meta.title, meta.title_en, meta.year, meta.region, meta.source),
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
_META_FIELDS, _PILLAR_FIELDS, _TOPIC_FIELDS, _INDEX_PARTS = 5, 5, 4, 11
_FACT_FIELDS = len(FACT_KEYS)


def _from_payload(payload: tuple, path: str) -> tuple[FactBase, SearchIndex]:  # type: ignore[type-arg]
    """The base and index of an entry; ValueError (or TypeError …) where its shape is
    not what this version writes: checked before any of it is trusted (a chunk of
    facts, and the topics, when first decoded)."""
    meta, pillars, topics, chunks, count, index = payload
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
    )
    search_index = SearchIndex.from_tuple(index)
    if not len(search_index.headline_rank) == len(search_index.values) == count:
        raise ValueError("an index of another fact base")
    return base, search_index
