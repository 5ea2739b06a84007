"""Finding, loading and caching the fact base with its search index.

A warm start reads one marshal file keyed by a hash of the fact file's bytes:
no TOML parsing, no pypinyin, no OpenCC.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from pathlib import Path

from cqfacts import __version__, cache
from cqfacts.errors import FactFileError, Problem
from cqfacts.index import SearchIndex
from cqfacts.model import Change, Fact, FactBase, Meta, Pillar, Topic

try:
    # hashlib pulls in OpenSSL (~13 ms); the built-in blake2 is all a cache key needs.
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other interpreters
    from hashlib import blake2b

ENV_FACTS = "CQFACTS_FACTS"
# Bump when the cached layout changes.
CACHE_FORMAT = 2


@dataclass(slots=True)
class Loaded:
    base: FactBase
    index: SearchIndex
    from_cache: bool


def shipped_fact_path() -> Path:
    """The facts.toml inside the installed package (or the repository's, in a checkout)."""
    packaged = Path(__file__).with_name("facts.toml")
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "facts.toml"


def read_fact_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or str(error)
        raise FactFileError([Problem(str(path), f"cannot read the fact file: {reason}")]) from None


def decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = Problem(str(path), f"not UTF-8 text (byte {error.start})")
        raise FactFileError([problem]) from None


def load(path: Path | None = None, *, cache_dir: Path | bool | None = True) -> Loaded:
    """Load a fact file (the shipped one by default) with its search index.

    ``cache_dir=True`` uses the user's cache directory, ``None`` or ``False`` none.
    """
    path = path or shipped_fact_path()
    directory = cache.cache_dir() if cache_dir is True else (cache_dir or None)
    data = read_fact_file(path)
    key = blake2b(data, digest_size=16, person=f"cqfacts{CACHE_FORMAT}".encode()).hexdigest()
    name = f"facts-{__version__}-{key}.marshal"
    cached = cache.read(name, directory)
    if cached is not None:
        try:
            base, index = _from_payload(marshal.loads(cached), str(path))
            return Loaded(base, index, from_cache=True)
        except (ValueError, EOFError, TypeError, KeyError):
            pass  # a damaged entry is rebuilt below
    from cqfacts.factfile import parse_fact_file
    from cqfacts.index import build_index

    base = parse_fact_file(decode(data, path), str(path))
    index = build_index(base)
    cache.write(name, marshal.dumps(_to_payload(base, index)), directory)
    return Loaded(base, index, from_cache=False)


def _to_payload(base: FactBase, index: SearchIndex) -> tuple[object, ...]:
    meta = base.meta
    return (
        CACHE_FORMAT,
        (meta.title, meta.title_en, meta.year, meta.region, meta.source),
        tuple(
            (p.number, p.title, p.title_en, p.sections, p.sections_en)
            for p in base.pillars.values()
        ),
        tuple((t.name, t.en, t.aliases, t.fact_ids) for t in base.topics.values()),
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


def _from_payload(payload: tuple, path: str) -> tuple[FactBase, SearchIndex]:  # type: ignore[type-arg]
    format_, meta, pillars, topics, rows, index = payload
    if format_ != CACHE_FORMAT:
        raise ValueError("cache format")
    facts = []
    for row in rows:
        change = row[12]
        facts.append(Fact(*row[:12], Change(*change) if change else None, *row[13:]))
    base = FactBase(
        meta=Meta(*meta),
        pillars={p[0]: Pillar(*p) for p in pillars},
        topics={t[0]: Topic(*t) for t in topics},
        facts=tuple(facts),
        path=path,
    )
    return base, SearchIndex.from_tuple(index)
