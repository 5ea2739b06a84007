"""Which fact files a load reads: the shipped one, paths and directories named on the
command line or in ``CQFACTS_FACTS``, and ``"+"`` for the shipped file among one's own.

Names only, never contents: reading a file is the loader's (:mod:`cqfacts.store.loader`).
Imports nothing of the package but its errors.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache

from cqfacts.errors import FactFileError, Problem
from cqfacts.fast_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

#: A path as a caller may give it. Paths are strings inside: importing pathlib (and the
#: urllib.parse and ipaddress it brings) costs every run some 5 ms, an eighth of a lookup.
StrPath = str | os.PathLike[str]

ENV_FACTS = "CQFACTS_FACTS"

#: A path that stands for the shipped fact files, so that one's own reports are added
#: to them without copying them: ``["+", "facts-2024.toml"]``, ``CQFACTS_FACTS=+:mine/``.
SHIPPED = "+"
#: The shipped reports beside facts.toml: the yearly series and other sources.
SHIPPED_REPORTS = "reports"


@cache
def shipped_root() -> str:
    """Where the shipped files are: the installed package, or a checkout's top level
    (found once per process)."""
    packaged = os.path.dirname(os.path.dirname(__file__))
    if os.path.isfile(os.path.join(packaged, "facts.toml")):
        return packaged
    return os.path.dirname(os.path.dirname(os.path.realpath(packaged)))  # src/cqfacts → top


def _shipped_files() -> list[str]:
    """Every shipped fact file, as strings: facts.toml, then reports/*.toml by name."""
    root = shipped_root()
    reports = os.path.join(root, SHIPPED_REPORTS)
    try:
        names = sorted(name for name in os.listdir(reports) if name.endswith(".toml"))
    except OSError:
        names = []
    return [shipped_fact_file(), *(os.path.join(reports, name) for name in names)]


def shipped_fact_file() -> str:
    """The shipped 2023 work summary: facts.toml in the package (or the checkout)."""
    return os.path.join(shipped_root(), "facts.toml")


def shipped_fact_path() -> Path:
    """:func:`shipped_fact_file` as a :class:`~pathlib.Path`."""
    from pathlib import Path

    return Path(shipped_fact_file())


def shipped_fact_paths() -> list[Path]:
    """Every shipped fact file: facts.toml, then reports/*.toml by name."""
    from pathlib import Path

    return [Path(path) for path in _shipped_files()]


def is_shipped(path: StrPath) -> bool:
    """Whether ``path`` is one of the shipped fact files (by another name too)."""
    shipped = _shipped_real_paths()
    return str(path) in shipped or os.path.realpath(path) in shipped


@cache
def _shipped_real_paths() -> frozenset[str]:
    """The shipped files' paths, as named and resolved: read once per process (a load
    asks for each file it reads)."""
    paths = _shipped_files()
    return frozenset(paths) | frozenset(map(os.path.realpath, paths))


def paths_from_environment(value: str) -> list[str]:
    """The fact files a ``CQFACTS_FACTS`` value names: a list separated by
    ``os.pathsep`` (":" on Linux and macOS, ";" on Windows), empty items ignored."""
    return [item for item in value.split(os.pathsep) if item.strip()]


def fact_paths(paths: Sequence[StrPath] | None, *, include_shipped: bool = False) -> list[str]:
    """The fact files that ``paths`` name, each once, in the order named: a directory
    stands for every ``*.toml`` in it (sorted by name; hidden files left out),
    :data:`SHIPPED` for the shipped files; no paths (None or empty) for the shipped
    files alone. ``include_shipped`` puts the shipped files first."""
    named: list[str] = [os.fspath(item) for item in paths or ()]
    if include_shipped or not named:
        named.insert(0, SHIPPED)
    found: list[str] = []
    for item in named:
        if item == SHIPPED:
            found += _shipped_files()
        elif os.path.isdir(item):
            inside = sorted(
                os.path.join(item, name)
                for name in os.listdir(item)
                if name.endswith(".toml")
                and not name.startswith(".")
                and os.path.isfile(os.path.join(item, name))
            )
            if not inside:
                message = "a directory with no fact file (*.toml) in it"
                raise FactFileError([Problem(item, message)])
            found += inside
        else:
            found.append(item)
    # A file named twice (alone and in its directory) is loaded once.
    unique: dict[str, str] = {}
    for path in found:
        unique.setdefault(os.path.realpath(path), path)
    return list(unique.values())
