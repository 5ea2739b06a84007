"""A small on-disk cache of derived data, keyed by content.

Entries are written atomically (a private temporary file, then ``os.replace``), so
processes starting together never read half a file. Where no cache directory can
be written, every call quietly does nothing and the caller computes instead.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

ENV_CACHE_DIR = "CQFACTS_CACHE_DIR"
# Entries kept per directory; each is one fact file's content, a few MB at most.
KEEP = 8


def cache_dir() -> Path | None:
    """$CQFACTS_CACHE_DIR, else $XDG_CACHE_HOME/cqfacts, else ~/.cache/cqfacts.

    CQFACTS_CACHE_DIR set to an empty string turns the cache off.
    """
    configured = os.environ.get(ENV_CACHE_DIR)
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cqfacts"


def read(name: str, directory: Path | None) -> bytes | None:
    if directory is None:
        return None
    try:
        return (directory / name).read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes, directory: Path | None, *, keep: int = KEEP) -> bool:
    """Store an entry; False (and nothing raised) where the directory is not writable.

    Every edit of a fact file makes a new entry: beyond ``keep`` entries, the least
    recently written go.
    """
    if directory is None:
        return False
    temporary = directory / f".{name}.{os.getpid()}.tmp"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, directory / name)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
    _prune(directory, keep)
    return True


def _prune(directory: Path, keep: int) -> None:
    with contextlib.suppress(OSError):  # another process may prune at the same time
        entries = [entry for entry in directory.iterdir() if not entry.name.startswith(".")]
        entries.sort(key=lambda entry: entry.stat().st_mtime_ns, reverse=True)
        for entry in entries[keep:]:
            entry.unlink(missing_ok=True)
