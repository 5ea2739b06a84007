"""Which fact files a load reads: the shipped one, paths and directories named on the
command line or in ``CQFACTS_FACTS``, and ``"+"`` for the shipped file among one's own.

Names only, never contents: reading a file is the loader's (:mod:`cqfacts.store.loader`).
Imports nothing of the package but its errors.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from cqfacts.errors import FactFileError, Problem

ENV_FACTS = "CQFACTS_FACTS"

#: A path that stands for the shipped fact files, so that one's own reports are added
#: to them without copying them: ``["+", "facts-2024.toml"]``, ``CQFACTS_FACTS=+:mine/``.
SHIPPED = "+"
#: The shipped reports beside facts.toml: the yearly series and other sources.
SHIPPED_REPORTS = "reports"


def shipped_root() -> Path:
    """Where the shipped files are: the installed package, or a checkout's top level."""
    packaged = Path(__file__).parents[1]
    if (packaged / "facts.toml").is_file():
        return packaged
    return Path(__file__).resolve().parents[3]


def shipped_fact_path() -> Path:
    """The shipped 2023 work summary: facts.toml in the package (or the checkout)."""
    return shipped_root() / "facts.toml"


def shipped_fact_paths() -> list[Path]:
    """Every shipped fact file: facts.toml, then reports/*.toml by name."""
    reports = shipped_root() / SHIPPED_REPORTS
    return [shipped_fact_path(), *sorted(reports.glob("*.toml"))]


def is_shipped(path: Path) -> bool:
    """Whether ``path`` is one of the shipped fact files (by another name too)."""
    shipped = _shipped_real_paths()
    return str(path) in shipped or os.path.realpath(path) in shipped


@cache
def _shipped_real_paths() -> frozenset[str]:
    """The shipped files' paths, as named and resolved: read once per process (a load
    asks for each file it reads)."""
    paths = shipped_fact_paths()
    return frozenset(map(str, paths)) | frozenset(map(os.path.realpath, paths))


def paths_from_environment(value: str) -> list[Path]:
    """The fact files a ``CQFACTS_FACTS`` value names: a list separated by
    ``os.pathsep`` (":" on Linux and macOS, ";" on Windows), empty items ignored."""
    return [Path(item) for item in value.split(os.pathsep) if item.strip()]


def fact_paths(paths: Sequence[Path | str] | None, *, include_shipped: bool = False) -> list[Path]:
    """The fact files that ``paths`` name, each once, in the order named: a directory
    stands for every ``*.toml`` in it (sorted by name; hidden files left out),
    :data:`SHIPPED` for the shipped files; no paths (None or empty) for the shipped
    files alone. ``include_shipped`` puts the shipped files first."""
    named: list[Path | str] = list(paths or ())
    if include_shipped or not named:
        named.insert(0, SHIPPED)
    found: list[Path] = []
    for item in named:
        if str(item) == SHIPPED:
            found += shipped_fact_paths()
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
