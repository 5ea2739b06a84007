"""A private on-disk cache of derived data, keyed by content.

What the cache may touch, and when it trusts what it reads:

- Only an absolute directory: ``$CQFACTS_CACHE_DIR``, else ``$XDG_CACHE_HOME/cqfacts``,
  else ``~/.cache/cqfacts``. A relative ``CQFACTS_CACHE_DIR`` turns the cache off.
- The directory is created ``0700``. An existing one is used only if it is a real
  directory (not a symbolic link), owned by the user running the tool, and not
  writable by group or others; otherwise the tool works without a cache and says so
  in one line.
- Every file operation goes through a descriptor of that checked directory, so the
  path cannot be swapped for another between the check and the use.
- An entry is written to a temporary file created exclusively (``O_EXCL``,
  ``O_NOFOLLOW``, a random name, mode ``0600``), then renamed into place.
- Clean-up removes only files whose names match this cache's own patterns.
- The cap (:data:`KEEP`) counts loads, not files: a load of several fact files
  records the entries (and memos) it uses together in a set record (``set-…``), and
  clean-up keeps the loads used last with everything they name. Ten reports loaded
  together are one load, so another load evicts none of them (it evicted some when
  the cap counted files, and the next run of the ten rebuilt them). A load is dated
  by its last use: a set record, or a file loaded alone its entry, is touched
  (its modification time made now) on each use.
- A memo (``key-…``) maps a large fact file's identity (device, inode, size, times)
  to its entry's key, so that a warm run need not hash it: the same kind of entry
  in the same directory, so trusted as far as the entries it names.
- An entry is a magic line, its length and a CRC-32 of its bytes; its size is checked
  against the file's before anything is read, and an entry that is not exactly what
  this version writes reads as missing (the caller rebuilds it).

Where no cache directory can be used, every call quietly does nothing and the
caller computes instead.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
import zlib
from collections.abc import Collection, Iterator

try:
    # hashlib's own BLAKE2 (hashlib.blake2b is this class): importing hashlib also
    # loads OpenSSL, 3-4 ms of every run, a tenth of a lookup's budget, for a digest
    # it does not use. Any other Python gets it through hashlib.
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - CPython always has _blake2
    from hashlib import blake2b
from cqfacts.fast_typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import BinaryIO, Literal

ENV_CACHE_DIR = "CQFACTS_CACHE_DIR"
# Loads kept per directory, the last used first: each a set of entries (one per fact
# file, a few MB at most, and a joined index where there are several) and memos.
KEEP = 8
# Every entry starts with this, its length (8 bytes) and the digest of what follows.
MAGIC = b"cqfacts-cache-3\n"
DIGEST_SIZE = 16
# The header: the magic line, the entry's length (8 bytes) and its CRC-32 (4 bytes).
# A CRC, not a digest: it is there to catch damage (a truncated write, a flipped
# bit). Intent is kept out by the directory, which only the user can write, and by
# the name, a digest of what the entry was built from; a digest of a 10 MB entry
# would cost every run of a large base 25 ms more, for nothing.
_HEADER_SIZE = len(MAGIC) + 8 + 4
# The largest entry read: the index of a fact file at its 256 MiB limit stays below it.
MAX_ENTRY_BYTES = 1 << 30
# Entries from this size on are mapped into memory rather than read (map_entry).
MAP_MIN_BYTES = 1 << 20
# A temporary file older than this was left by a process that died mid-write.
STALE_SECONDS = 3600
# The only names the cache writes, and so the only ones clean-up may remove.
ENTRY_NAME = re.compile(r"index-[0-9a-f]{32}\.marshal")
MEMO_NAME = re.compile(r"key-[0-9a-f]{32}")
# Memos kept beyond those a kept set names: one per large fact file (and code) in use;
# each a few dozen bytes.
KEEP_MEMOS = 64
# A set record: the names of the entries and memos one load uses, a line each.
SET_NAME = re.compile(r"set-[0-9a-f]{32}")
TEMPORARY_NAME = re.compile(r"\.tmp-[0-9a-f]{16}")
# Group- or world-writable: someone else could plant or replace entries.
_WRITABLE_BY_OTHERS = stat.S_IWGRP | stat.S_IWOTH
# Only where files can be opened, renamed and removed relative to a directory
# descriptor (Linux, macOS, the BSDs) is the cache safe; elsewhere there is none.
_SUPPORTED = {os.open, os.unlink, os.rename, os.stat} <= os.supports_dir_fd and hasattr(
    os, "O_NOFOLLOW"
)
# Touching what a load uses dates the load by its last use, not its first (prune).
_CAN_TOUCH = os.utime in os.supports_dir_fd and os.utime in os.supports_follow_symlinks


def _own_name(name: str) -> bool:
    return bool(ENTRY_NAME.fullmatch(name) or MEMO_NAME.fullmatch(name) or SET_NAME.fullmatch(name))


def memo_name(key: str) -> str:
    """The file name of a memo for a key made by :func:`digest`."""
    return f"key-{key}"


def digest(*parts: bytes) -> str:
    """A hex BLAKE2b digest of the parts, each prefixed by its length (no two
    different sequences of parts share a digest by concatenation)."""
    hasher = blake2b(digest_size=DIGEST_SIZE)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "big"))
        hasher.update(part)
    return hasher.hexdigest()


def entry_name(key: str) -> str:
    """The file name of the entry for a key made by :func:`digest`."""
    return f"index-{key}.marshal"


def cache_dir() -> str | None:
    """$CQFACTS_CACHE_DIR, else $XDG_CACHE_HOME/cqfacts, else ~/.cache/cqfacts.

    CQFACTS_CACHE_DIR set to an empty string (or a relative path) turns the cache off.
    A relative XDG_CACHE_HOME is ignored (the XDG rule), and with no home directory
    there is no cache, rather than a "~" folder wherever cron happens to start.
    """
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured is not None:
        return configured if os.path.isabs(configured) else None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None  # no HOME and no entry in the password database
        base = os.path.join(home, ".cache")
    return os.path.join(base, "cqfacts")


def configuration_warning() -> str | None:
    """Why the configured cache directory is ignored, where it is (a relative path)."""
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured and not os.path.isabs(configured):
        return f"{ENV_CACHE_DIR} must be an absolute path; working without a cache"
    return None


def entry_header(data: bytes) -> bytes:
    """What precedes an entry's bytes: the magic line, their length and CRC-32."""
    return MAGIC + len(data).to_bytes(8, "big") + zlib.crc32(data).to_bytes(4, "big")


def read_entry(stream: BinaryIO, size: int) -> bytes | None:
    """The bytes of an entry (:func:`entry_header` and data) that ``stream`` holds from
    its position, ``size`` bytes in all; None unless it is exactly what was written:
    the length is checked against ``size`` before the data is read."""
    if not _HEADER_SIZE <= size <= _HEADER_SIZE + MAX_ENTRY_BYTES:
        return None
    header = stream.read(_HEADER_SIZE)
    length = int.from_bytes(header[len(MAGIC) : len(MAGIC) + 8], "big")
    if not header.startswith(MAGIC) or length != size - _HEADER_SIZE:
        return None
    data = stream.read(length + 1)  # apart from the header: no copy of it
    expected = int.from_bytes(header[len(MAGIC) + 8 :], "big")
    if len(data) != length or zlib.crc32(data) != expected:
        return None
    return data


def map_entry(stream: BinaryIO, size: int) -> memoryview | Literal[False] | None:
    """As :func:`read_entry`, the entry's bytes (a view of the file mapped into
    memory); False where the file cannot be mapped (read it instead).

    Reading a 10 MB entry into a fresh buffer cost a large base's warm run ~20 ms
    (page faults, and a copy the decoding then copies again); mapped, the check and
    the decoding read the page cache directly. An entry is never changed in place
    (written to a new file, then renamed), so no mapping shrinks under its reader.
    """
    import mmap  # 0.3 ms, for large entries only

    if not _HEADER_SIZE <= size <= _HEADER_SIZE + MAX_ENTRY_BYTES:
        return None
    try:
        mapped = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return False
    # Unmapped when the last view of it goes (marshal copies out what it decodes).
    header = mapped[:_HEADER_SIZE]
    length = int.from_bytes(header[len(MAGIC) : len(MAGIC) + 8], "big")
    expected = int.from_bytes(header[len(MAGIC) + 8 :], "big")
    if len(mapped) != size or not header.startswith(MAGIC) or length != size - _HEADER_SIZE:
        mapped.close()
        return None
    data = memoryview(mapped)[_HEADER_SIZE:]
    if zlib.crc32(data) != expected:
        data.release()
        mapped.close()
        return None
    return data


class Entry(NamedTuple):
    name: str
    size: int
    modified: float


class Cache:
    """An opened, checked cache directory; use :func:`open_cache`.

    ``warning`` says why a directory that exists is not used (a symbolic link, another
    owner, writable by others); a directory that cannot be made or read is simply
    not used, silently.
    """

    def __init__(self, path: str | None, descriptor: int | None, warning: str | None) -> None:
        self.path = path
        self._descriptor = descriptor
        self.warning = warning

    @property
    def usable(self) -> bool:
        return self._descriptor is not None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._descriptor is not None:
            with contextlib.suppress(OSError):
                os.close(self._descriptor)
            self._descriptor = None

    def read(self, name: str) -> bytes | memoryview | None:
        """An entry's bytes; None where it is missing or not exactly what
        :meth:`write` wrote (truncated, damaged, too large, not a regular file)."""
        if self._descriptor is None or not _own_name(name):
            return None
        try:
            # Not blocking, not following a link, and only a regular file: a FIFO or a
            # link to /dev/zero in an entry's place would otherwise hang the tool.
            flags = os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
            descriptor = os.open(name, flags, dir_fd=self._descriptor)
        except OSError:
            return None
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode) or not (
                _HEADER_SIZE <= info.st_size <= _HEADER_SIZE + MAX_ENTRY_BYTES
            ):
                os.close(descriptor)
                return None
            with open(descriptor, "rb") as entry:
                if info.st_size >= MAP_MIN_BYTES:
                    mapped = map_entry(entry, info.st_size)
                    if mapped is not False:
                        return mapped
                return read_entry(entry, info.st_size)
        except OSError:
            return None

    def write(
        self, name: str, data: bytes, *, keep: int | None = None, protect: Collection[str] = ()
    ) -> bool:
        """Store an entry; False (and nothing raised) where that cannot be done.

        Every edit of a fact file makes a new entry: an entry or set record written
        prunes the cache to ``keep`` loads (:meth:`prune`), never removing a name in
        ``protect`` (the entries of the load under way).
        """
        if self._descriptor is None or not _own_name(name) or len(data) > MAX_ENTRY_BYTES:
            return False
        header = entry_header(data)
        temporary = f".tmp-{os.urandom(8).hex()}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        try:
            descriptor = os.open(temporary, flags, 0o600, dir_fd=self._descriptor)
        except OSError:
            return False
        try:
            with open(descriptor, "wb") as stream:
                stream.write(header)
                stream.write(data)
            os.rename(temporary, name, src_dir_fd=self._descriptor, dst_dir_fd=self._descriptor)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self._descriptor)
            return False
        if not MEMO_NAME.fullmatch(name):  # a memo is pruned with the entries, not itself
            self.prune(keep, protect)
        return True

    def remember(self, names: Collection[str]) -> None:
        """Record that one load uses these entries and memos together (see
        :meth:`prune`): a set record named after them, written the first time,
        touched every time after. Called before the load writes any entry, so that
        nothing it writes is pruned as another load's, and again after it wrote some,
        so that its entries are older than its set (else each would count as a load
        of its own)."""
        if self._descriptor is None:
            return
        members = sorted({name for name in names if _member(name)})
        name = f"set-{digest(*(member.encode() for member in members))}"
        if not self.touch(name):  # the warm run's whole cost: one system call
            self.write(name, "\n".join(members).encode(), protect=members)

    def touch(self, name: str) -> bool:
        """Make an entry's or set record's modification time now: it was used (see
        :meth:`prune`). False where it is not there (or cannot be touched)."""
        if self._descriptor is None or not _CAN_TOUCH or not _own_name(name):
            return False
        try:
            os.utime(name, dir_fd=self._descriptor, follow_symlinks=False)
        except OSError:
            return False
        return True

    def entries(self) -> list[Entry]:
        """The cache's own entries, newest first (other files are not listed)."""
        return [
            Entry(name, info.st_size, info.st_mtime) for name, info in self._own_files(ENTRY_NAME)
        ]

    def prune(self, keep: int | None = None, protect: Collection[str] = ()) -> None:
        """Keep the ``keep`` (:data:`KEEP`) loads used last with every entry and memo
        they name, and what ``protect`` names; drop temporary files a process that
        died mid-write left behind. Files not named as the cache names its own are
        never touched.

        A load is a set record (:meth:`remember`: several files loaded together), or
        an entry used since every set that names it (a file loaded alone; any entry
        where no set names it): each counts once, however many files it holds, by its
        modification time, the time of its last use.
        """
        keep = KEEP if keep is None else keep
        entries = self.entries()
        records = list(self._own_files(SET_NAME))
        sets = {name: self._members(name) for name, _ in records}
        last_set_use: dict[str, float] = {}
        for name, info in records:
            for member in sets[name]:
                last_set_use[member] = max(last_set_use.get(member, 0.0), info.st_mtime)
        # A damaged set record is no load (and, gone, is written again on next use).
        loads = sorted(
            [(info.st_mtime, name, sets[name]) for name, info in records if sets[name]]
            + [
                (entry.modified, entry.name, [entry.name])
                for entry in entries
                # The load under way's entries are its set's (written before them).
                if entry.modified > last_set_use.get(entry.name, -1.0) and entry.name not in protect
            ],
            reverse=True,
        )
        kept = set(protect)
        for _, name, members in loads[:keep]:
            kept.add(name)
            kept.update(members)
        for entry in entries:
            if entry.name not in kept:
                self._remove(entry.name)
        for name in sets:
            if name not in kept:
                self._remove(name)
        loose = [name for name, _ in self._own_files(MEMO_NAME) if name not in kept]
        for name in loose[KEEP_MEMOS:]:
            self._remove(name)
        stale = time.time() - STALE_SECONDS
        for name, info in self._own_files(TEMPORARY_NAME):
            if info.st_mtime < stale:
                self._remove(name)

    def clear(self) -> list[Entry]:
        """Remove every entry (and temporary file) of the cache; the entries removed."""
        removed = self.entries()
        for entry in removed:
            self._remove(entry.name)
        for pattern in (MEMO_NAME, SET_NAME, TEMPORARY_NAME):
            for name, _ in self._own_files(pattern):
                self._remove(name)
        return removed

    def _members(self, name: str) -> list[str]:
        """The names a set record holds; none where it is damaged."""
        data = self.read(name)
        if data is None:
            return []
        try:
            text = bytes(data).decode("ascii")
        except UnicodeDecodeError:
            return []
        return [member for member in text.split("\n") if _member(member)]

    def _own_files(self, pattern: re.Pattern[str]) -> Iterator[tuple[str, os.stat_result]]:
        if self._descriptor is None:
            return iter(())
        found: list[tuple[str, os.stat_result]] = []
        # Another process may prune at the same time.
        with contextlib.suppress(OSError), os.scandir(self._descriptor) as scan:
            for item in scan:
                if pattern.fullmatch(item.name):
                    with contextlib.suppress(OSError):
                        info = item.stat(follow_symlinks=False)
                        if stat.S_ISREG(info.st_mode):
                            found.append((item.name, info))
        found.sort(key=lambda pair: pair[1].st_mtime_ns, reverse=True)
        return iter(found)

    def _remove(self, name: str) -> None:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=self._descriptor)


def _member(name: str) -> bool:
    """A name a set record may hold: an entry's or a memo's."""
    return bool(ENTRY_NAME.fullmatch(name) or MEMO_NAME.fullmatch(name))


def open_cache(directory: str | os.PathLike[str] | None) -> Cache:
    """Make (0700) and check the directory; a :class:`Cache` that may be unusable."""
    path = None if directory is None else os.fspath(directory)
    if path is None or not _SUPPORTED or not os.path.isabs(path):
        return Cache(path, None, None)
    try:
        # The parents as XDG asks for its base directory: private to the user.
        os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)
        descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        if os.path.islink(path):
            return Cache(path, None, _refusal(path, "is a symbolic link"))
        return Cache(path, None, None)  # cannot be made or read: no cache, silently
    info = os.fstat(descriptor)
    reason = None
    if info.st_uid != os.geteuid():
        reason = "belongs to another user"
    elif info.st_mode & _WRITABLE_BY_OTHERS:
        reason = "is writable by other users"
    if reason is not None:
        os.close(descriptor)
        return Cache(path, None, _refusal(path, reason))
    return Cache(path, descriptor, None)


def _refusal(path: str, reason: str) -> str:
    return f"the cache directory {path} {reason}; working without a cache"
