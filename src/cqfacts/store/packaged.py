"""The shipped fact files' cache entries built into the wheel (by hatch_build.py):
``facts.index`` beside ``facts.toml``, ``reports/NAME.index`` beside each report.

A fresh install's first run, or one with no usable cache directory, is then as fast
as a warm one. An entry is used only for its shipped file, and only where its key,
written before the entry, is the key of the bytes read now and of this code (the
version, the Python, whose marshal format it is, and the indexing modules:
``loader.code_digest``); else the cache answers as for any file. An editable install
has none.
"""

from __future__ import annotations

import os
from pathlib import Path

from cqfacts.facts.model import FactBase
from cqfacts.search.index import SearchIndex
from cqfacts.store import cache, payload
from cqfacts.store.paths import shipped_fact_path, shipped_root

PACKAGED_INDEX = "facts.index"
_PACKAGED_MAGIC = b"cqfacts-packaged-index-1\n"
_PACKAGED_PREFIX_SIZE = len(_PACKAGED_MAGIC) + 2 * cache.DIGEST_SIZE + 1


def packaged_index_path(path: Path | None = None) -> Path:
    """Where the package holds the entry of a shipped file (facts.toml by default):
    its place among the shipped files, named .index."""
    shipped = Path(os.path.realpath(path or shipped_fact_path()))
    try:
        relative = shipped.relative_to(os.path.realpath(shipped_root()))
    except ValueError:  # not a shipped file: a name no package holds
        return Path(__file__).parents[1] / "not-shipped.index"
    if relative == Path("facts.toml"):
        return Path(__file__).parents[1] / PACKAGED_INDEX
    return Path(__file__).parents[1] / relative.with_suffix(".index")


def write_packaged_index(target: Path, path: Path | None = None) -> str:
    """Build the entry of a fact file (the shipped one by default) for the package;
    its key."""
    # At build time only; the loader imports this module for the reading side.
    from cqfacts.store.loader import build, cache_key, read_fact_file

    path = path or shipped_fact_path()
    data = read_fact_file(path)
    key = cache_key(data)
    entry = payload.pack(*build(path, data))
    prefix = _PACKAGED_MAGIC + key.encode() + b"\n"
    target.write_bytes(prefix + cache.entry_header(entry) + entry)
    return key


def read_packaged_index(key: str, path: Path | None = None) -> bytes | None:
    """The packaged entry's bytes of a shipped file (facts.toml by default) if it was
    built for ``key``; else None. Its size, key and CRC are checked before anything is
    decoded, as a cache entry's are."""
    try:
        with open(packaged_index_path(path), "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            if stream.read(_PACKAGED_PREFIX_SIZE) != _PACKAGED_MAGIC + key.encode() + b"\n":
                return None
            return cache.read_entry(stream, size - _PACKAGED_PREFIX_SIZE)
    except OSError:
        return None


def from_package_index(key: str, path: str) -> tuple[FactBase, SearchIndex] | None:
    """A shipped file's base and index from the package, if built for ``key``."""
    entry = read_packaged_index(key, Path(path))
    return None if entry is None else payload.unpack(entry, path)
