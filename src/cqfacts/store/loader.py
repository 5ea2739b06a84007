"""Loading the fact base with its search index: reading fact files, the cache key,
warm and cold loads, several reports at once.

A warm start reads one marshal file keyed by a digest of the fact file's bytes and
of the code that builds the index: no TOML parsing, no pypinyin, no OpenCC. Which
files a load reads is :mod:`cqfacts.store.paths`'s; what an entry holds,
:mod:`cqfacts.store.payload`'s; the entry built into the wheel,
:mod:`cqfacts.store.packaged`'s; where entries are kept, :mod:`cqfacts.store.cache`'s.
Their public names are importable from here too.

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
import os
import re
import stat
import sys
import time
from collections.abc import Sequence

from cqfacts import __version__
from cqfacts.errors import FactFileError, Problem
from cqfacts.facts.model import FactBase, merge_bases
from cqfacts.fast_typing import NamedTuple
from cqfacts.search.index import SearchIndex, merge_indexes
from cqfacts.store import cache, payload
from cqfacts.store.packaged import (
    PACKAGED_INDEX,
    from_package_index,
    packaged_index_path,
    read_packaged_index,
    write_packaged_index,
)
from cqfacts.store.paths import (
    ENV_FACTS,
    SHIPPED,
    StrPath,
    fact_paths,
    is_shipped,
    paths_from_environment,
    shipped_fact_file,
    shipped_fact_path,
    shipped_fact_paths,
)

__all__ = [
    "ENV_FACTS",
    "INDEX_CODE",
    "MAX_FACT_FILE_BYTES",
    "PACKAGED_INDEX",
    "SHIPPED",
    "Loaded",
    "Validation",
    "build",
    "cache_key",
    "code_digest",
    "decode",
    "fact_paths",
    "load",
    "load_many",
    "packaged_index_path",
    "paths_from_environment",
    "read_fact_file",
    "read_packaged_index",
    "shipped_fact_file",
    "shipped_fact_path",
    "shipped_fact_paths",
    "validate",
    "write_packaged_index",
]

# The modules whose code decides what a cache entry holds: editing any of them makes
# the next run rebuild its entry rather than answer from an index built by old code.
# Every module this one imports, and theirs in turn: tests/test_cache.py holds the list
# to the imports (records.py, the fact's fields, was once left out).
INDEX_CODE = (
    "errors",
    "fast_typing",
    "facts/factfile",
    "facts/model",
    "facts/normalize",
    "facts/numerals",
    "facts/records",
    "facts/values",
    "search/build",
    "search/index",
    "store/cache",
    "store/loader",
    "store/packaged",
    "store/paths",
    "store/payload",
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


# The shipped file is 85 KB and a base 150 times larger 12 MB: past this, a file
# (or a stream) is not a fact file, and reading on would only fill the memory.
MAX_FACT_FILE_BYTES = 256 * 1024 * 1024


def read_fact_file(path: StrPath) -> bytes:
    """A fact file's bytes: a regular file, or a pipe (``--facts <(…)``), not a device."""
    return _read_fact_file(path)[0]


def _read_fact_file(path: StrPath) -> tuple[bytes, os.stat_result | None]:
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


def _unreadable(path: StrPath, reason: str) -> FactFileError:
    return FactFileError([Problem(str(path), f"cannot read the fact file: {reason}")])


def _too_large(path: StrPath) -> FactFileError:
    return _unreadable(path, f"larger than {MAX_FACT_FILE_BYTES // 2**20} MiB")


def decode(data: bytes, path: StrPath) -> str:
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
    package = os.path.dirname(os.path.dirname(__file__))
    parts = [__version__.encode(), sys.version.encode()]
    for module in INDEX_CODE:
        try:
            with open(os.path.join(package, f"{module}.py"), "rb") as source:
                parts.append(source.read())
        except OSError:  # installed without sources: the version must do
            parts.append(module.encode())
    return cache.digest(*parts).encode()


def cache_key(data: bytes, code: bytes | None = None) -> str:
    """A cryptographic digest of a fact file's bytes and of the code that indexes them
    (``code``: :func:`code_digest`, where the caller has it already)."""
    return cache.digest(code or code_digest(), data)


class Validation(NamedTuple):
    path: str
    fact_count: int
    problems: list[Problem]
    #: Facts still marked ``draft = true`` (valid, but not yet checked by a curator).
    draft_count: int = 0


def validate(path: StrPath | None = None) -> Validation:
    """Check a fact file (the shipped one by default) without the cache: every problem."""
    from cqfacts.facts.factfile import parse_fact_file

    named = os.fspath(path or shipped_fact_file())
    try:
        base = parse_fact_file(decode(read_fact_file(named), named), named)
    except FactFileError as error:
        return Validation(named, 0, error.problems)
    return Validation(named, len(base.facts), [], sum(fact.draft for fact in base.facts))


def load(
    path: StrPath | None = None, *, cache_dir: StrPath | bool | None = True, packaged: bool = True
) -> Loaded:
    """Load a fact file (the shipped one by default) with its search index.

    ``cache_dir=True`` uses the user's cache directory, ``None`` or ``False`` none.
    The shipped file's index is read from the package where it was built into it for
    exactly these bytes and this code (``packaged=False``: never), and then no cache
    directory is opened at all.
    """
    path = path or shipped_fact_file()
    warnings = [cache.configuration_warning()] if cache_dir is True else []
    code = code_digest()
    data: bytes | None = None
    key = None
    if packaged and is_shipped(path):
        data = read_fact_file(path)
        key = cache_key(data, code)
        found = from_package_index(key, str(path))
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
    path: StrPath,
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
        found = payload.unpack(cached, str(path))
        if found is not None:
            return *found, True, key
    if data is None:  # read now: named by what was read, should the file have changed
        data = read_fact_file(path)
        key = cache_key(data, code)
    base, index = build(path, data)
    store.write(cache.entry_name(key), payload.pack(base, index), protect=protect)
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
    path: StrPath, code: bytes, store: cache.Cache, memos: list[str]
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


def build(path: StrPath, data: bytes) -> tuple[FactBase, SearchIndex]:
    """A fact file's base and index, parsed and built from its bytes (a cold load)."""
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


# --- Several fact files -------------------------------------------------------------


def load_many(
    paths: Sequence[StrPath] | None = None,
    *,
    include_shipped: bool = False,
    cache_dir: StrPath | bool | None = True,
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
            if packaged and is_shipped(path):
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
            found = from_package_index(key, str(path)) if packaged and is_shipped(path) else None
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
        index = payload.unpack_index(cached, fact_count)
        if index is not None:
            return index
    index = merge_indexes(indexes)
    store.write(name, payload.pack_index(index), protect=protect)
    return index
