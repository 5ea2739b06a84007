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

import functools
import os

from cqfacts.facts.model import FactBase
from cqfacts.search.index import SearchIndex
from cqfacts.store import cache, payload
from cqfacts.store.paths import StrPath, shipped_root

PACKAGED_INDEX = "facts.index"
_PACKAGED_MAGIC = b"cqfacts-packaged-index-1\n"
_PACKAGED_PREFIX_SIZE = len(_PACKAGED_MAGIC) + 2 * cache.DIGEST_SIZE + 1


def packaged_index_path(path: StrPath | None = None) -> str:
    """Where the package holds the entry of a shipped file (facts.toml by default):
    its place among the shipped files, named .index."""
    package = os.path.dirname(os.path.dirname(__file__))
    root = _real_root()
    named = os.fspath(path) if path is not None else os.path.join(root, "facts.toml")
    # A shipped file as the loader names it is under the root as written; any other
    # name (a link, a relative path) is resolved first.
    plain = shipped_root()
    if named.startswith(plain + os.sep):
        relative = os.path.relpath(named, plain)
    else:
        relative = os.path.relpath(os.path.realpath(named), root)
    if relative.startswith(os.pardir) or os.path.isabs(relative):
        return os.path.join(package, "not-shipped.index")  # a name no package holds
    if relative == "facts.toml":
        return os.path.join(package, PACKAGED_INDEX)
    return os.path.join(package, os.path.splitext(relative)[0] + ".index")


@functools.cache
def _real_root() -> str:
    return os.path.realpath(shipped_root())


def write_packaged_index(target: StrPath, path: StrPath | None = None) -> str:
    """Build the entry of a fact file (the shipped one by default) for the package;
    its key."""
    # At build time only; the loader imports this module for the reading side.
    from cqfacts.store.loader import build, cache_key, read_fact_file

    path = path or os.path.join(shipped_root(), "facts.toml")
    data = read_fact_file(path)
    key = cache_key(data)
    entry = payload.pack(*build(path, data))
    prefix = _PACKAGED_MAGIC + key.encode() + b"\n"
    with open(target, "wb") as stream:
        stream.write(prefix + cache.entry_header(entry) + entry)
    return key


def read_packaged_index(key: str, path: StrPath | None = None) -> bytes | None:
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
    entry = read_packaged_index(key, path)
    return None if entry is None else payload.unpack(entry, path)
