"""A small on-disk cache of derived data, keyed by content.

Entries are written atomically (a private temporary file, then ``os.replace``), so
processes starting together never read half a file, and each carries its length
and a CRC-32 of its bytes, so a truncated or damaged entry reads as missing rather
than being trusted. Where no cache directory can be written, every call quietly
does nothing and the caller computes instead.
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
import zlib
from pathlib import Path

ENV_CACHE_DIR = "CQFACTS_CACHE_DIR"
# Entries kept per directory; each is one fact file's content, a few MB at most.
KEEP = 8
# Every entry starts with this, its length (8 bytes) and its CRC-32 (4 bytes);
# checking costs 0.1 ms for the shipped base's entry, 4 ms for a 10 MB one.
MAGIC = b"cqfacts-cache-1\n"
_HEADER_SIZE = len(MAGIC) + 12
# A temporary file older than this was left by a process that died mid-write.
STALE_SECONDS = 3600


def cache_dir() -> Path | None:
    """$CQFACTS_CACHE_DIR, else $XDG_CACHE_HOME/cqfacts, else ~/.cache/cqfacts.

    CQFACTS_CACHE_DIR set to an empty string turns the cache off. A relative
    XDG_CACHE_HOME is ignored (the XDG rule), and with no home directory there is no
    cache, rather than a "~" folder wherever cron happens to start.
    """
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None  # no HOME and no entry in the password database
        base = os.path.join(home, ".cache")
    return Path(base) / "cqfacts"


def read(name: str, directory: Path | None) -> bytes | None:
    """An entry's bytes; None where it is missing, unreadable, truncated or damaged."""
    if directory is None:
        return None
    try:
        # Not blocking, and only a regular file: a FIFO or a link to /dev/zero put in
        # an entry's place would otherwise hang the tool.
        descriptor = os.open(directory / name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb") as entry:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
            header = entry.read(_HEADER_SIZE)
            if len(header) < _HEADER_SIZE or not header.startswith(MAGIC):
                return None
            length = int.from_bytes(header[len(MAGIC) : len(MAGIC) + 8], "big")
            data = entry.read(length + 1)  # apart from the header: no copy of a large entry
    except OSError:
        return None
    checksum = int.from_bytes(header[len(MAGIC) + 8 :], "big")
    if len(data) != length or zlib.crc32(data) != checksum:
        return None
    return data


def write(name: str, data: bytes, directory: Path | None, *, keep: int = KEEP) -> bool:
    """Store an entry; False (and nothing raised) where the directory is not writable.

    Every edit of a fact file makes a new entry: beyond ``keep`` entries, the least
    recently written go.
    """
    if directory is None:
        return False
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    header = MAGIC + len(data).to_bytes(8, "big") + zlib.crc32(data).to_bytes(4, "big")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(header + data)
        os.replace(temporary, directory / name)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    _prune(directory, keep)
    return True


def _prune(directory: Path, keep: int) -> None:
    """Keep the newest ``keep`` entries, and drop temporary files a process that died
    mid-write left behind."""
    with contextlib.suppress(OSError):  # another process may prune at the same time
        entries: list[Path] = []
        temporaries: list[Path] = []
        for entry in directory.iterdir():
            (temporaries if entry.name.startswith(".") else entries).append(entry)
        entries.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        for entry in entries[keep:]:
            entry.unlink(missing_ok=True)
        stale = time.time() - STALE_SECONDS
        for temporary in temporaries:
            if temporary.name.endswith(".tmp") and temporary.stat().st_mtime < stale:
                temporary.unlink(missing_ok=True)
