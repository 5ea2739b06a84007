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


def write(name: str, data: bytes, directory: Path | None) -> bool:
    """Store an entry; False (and nothing raised) where the directory is not writable."""
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
    return True
