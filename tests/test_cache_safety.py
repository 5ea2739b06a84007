"""The cache's safety rules on a real directory: real modes, links and a pair of fact
files forged to share the old cache key (issue 10, rows 1-5).

The CLI runs in-process: what these rules decide (which directory is used, what is
written there, what stderr says, the output and exit code) shows there as in a
process, and no state outlives a run (each loads from its cache directory again).
The umask and the working directory are the process's own, set for the run alone."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from cqfacts.cli.app import app
from tests.conftest import SMALL_FACTS


class Ran(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _umask(mask: int | None) -> Iterator[None]:
    if mask is None:
        yield
        return
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


def _cqfacts(
    *args: str,
    cache: str | Path,
    cwd: Path | None = None,
    umask: int | None = None,
    facts: Path | None = None,
) -> Ran:
    # facts: not the shipped file, which an installed wheel answers for from its
    # packaged index without opening the cache these tests are about.
    env = {"CQFACTS_CACHE_DIR": str(cache), "CQFACTS_FACTS": str(facts) if facts else None}
    with contextlib.chdir(cwd or Path.cwd()), _umask(umask):
        result = CliRunner().invoke(app, list(args), env=env)
    return Ran(result.exit_code, result.stdout, result.stderr)


def _crc_change(length: int, masks: dict[int, int]) -> int:
    """How XORing ``masks`` into bytes at those offsets changes a CRC-32 (it is linear)."""
    changed = bytearray(length)
    for offset, mask in masks.items():
        changed[offset] ^= mask
    return zlib.crc32(bytes(changed)) ^ zlib.crc32(bytes(length))


def forge(first: bytes, second: bytes, pairs: int = 70) -> tuple[bytes, bytes]:
    """Append a comment line to two equal-length texts with equal byte sums so that
    the results share their length, CRC-32 and Adler-32: the key cache entries had.

    The comment is pairs of "bc"; swapping a pair to "cb" keeps the byte sum (Adler's
    A), moves Adler's B by one, and flips bit 0 of two bytes, a fixed CRC change.
    Which pairs to swap, one way in one text and the other way in the other, is a
    linear system over GF(2), solved by elimination.
    """
    assert len(first) == len(second) and sum(first) == sum(second)
    comment = b"\n# " + b"bc" * pairs + b"\n"
    length = len(first) + len(comment)
    start = len(first) + 3
    differ = {i: a ^ b for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b}
    b_gap = sum((length - i) * (b - a) for i, (a, b) in enumerate(zip(first, second, strict=True)))
    parity = 1 << 32  # a 33rd bit: the number of swaps has the parity of the B gap
    target = _crc_change(length, differ) | (parity if b_gap % 2 else 0)
    basis: list[tuple[int, int]] = []
    for pair in range(pairs):
        vector = _crc_change(length, {start + 2 * pair: 1, start + 2 * pair + 1: 1}) | parity
        chosen = 1 << pair
        for known, known_chosen in basis:
            if vector ^ known < vector:
                vector, chosen = vector ^ known, chosen ^ known_chosen
        if vector:
            basis.append((vector, chosen))
            basis.sort(reverse=True)
    chosen = 0
    for known, known_chosen in basis:
        if target ^ known < target:
            target, chosen = target ^ known, chosen ^ known_chosen
    assert target == 0, "no solution: use more pairs"
    swapped = [pair for pair in range(pairs) if chosen >> pair & 1]
    # Pairs "bc" in the first text and "cb" in the second move B by +1, the others by -1.
    forward = (len(swapped) - b_gap) // 2
    one, two = bytearray(comment), bytearray(comment)
    for number, pair in enumerate(swapped):
        at = 3 + 2 * pair
        one[at : at + 2], two[at : at + 2] = (b"bc", b"cb") if number < forward else (b"cb", b"bc")
    return first + bytes(one), second + bytes(two)


def test_forged_files_share_the_old_key():
    first = SMALL_FACTS.encode()
    second = first.replace(b"value = 1133", b"value = 1142").replace(
        "1133人".encode(), "1142人".encode()
    )
    one, two = forge(first, second)
    assert one != two and len(one) == len(two)
    assert (zlib.crc32(one), zlib.adler32(one)) == (zlib.crc32(two), zlib.adler32(two))


def test_two_forged_fact_files_each_show_their_own_figures(tmp_path):
    """Row 4: the second file showed the first one's figures from the shared entry."""
    first = SMALL_FACTS.encode()
    second = first.replace(b"value = 1133", b"value = 1142").replace(
        "1133人".encode(), "1142人".encode()
    )
    one, two = forge(first, second)
    cache = tmp_path / "cache"
    for name, data in (("one.toml", one), ("two.toml", two)):
        (tmp_path / name).write_bytes(data)
    shown = {}
    for name in ("one.toml", "two.toml", "one.toml"):
        result = _cqfacts("--facts", str(tmp_path / name), "show", "tech-brokers-new", "--json",
                          cache=cache)  # fmt: skip
        assert result.returncode == 0, result.stderr
        shown.setdefault(name, json.loads(result.stdout)["value"])
    assert shown == {"one.toml": 1133, "two.toml": 1142}


def test_clean_up_never_deletes_a_users_files(small_fact_file, tmp_path):
    """Row 1: the 8 newest files of the directory were kept and every other deleted."""
    directory = tmp_path / "d"
    directory.mkdir(mode=0o700)
    for day in range(1, 13):
        path = directory / f"f{day}"
        path.write_text("mine")
        os.utime(path, (1577836800 + day * 86400,) * 2)
    result = _cqfacts("search", "高企", "--json", cache=directory, facts=small_fact_file)
    assert result.returncode == 0
    assert {f"f{day}" for day in range(1, 13)} <= {path.name for path in directory.iterdir()}


def test_a_relative_cache_directory_is_not_used(tmp_path):
    """Row 1: `CQFACTS_CACHE_DIR=.` beside myfacts.toml deleted the fact file."""
    facts = tmp_path / "myfacts.toml"
    facts.write_text(SMALL_FACTS, encoding="utf-8")
    before = sorted(path.name for path in tmp_path.iterdir())
    for _ in range(2):
        result = _cqfacts("--facts", "myfacts.toml", "search", "高企", "--json", cache=".",
                          cwd=tmp_path)  # fmt: skip
        assert result.returncode == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == before
    assert result.stderr == (
        "cqfacts: CQFACTS_CACHE_DIR must be an absolute path; working without a cache\n"
    )


def test_the_directory_is_created_private_under_umask_000(small_fact_file, tmp_path):
    """Row 2: it was created 0777 & ~umask."""
    directory = tmp_path / "c"
    result = _cqfacts("search", "高企", "--json", cache=directory, umask=0, facts=small_fact_file)
    assert (result.returncode, result.stderr) == (0, "")
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for entry in directory.iterdir():
        assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_a_symlinked_cache_directory_is_refused_with_one_line(small_fact_file, tmp_path):
    """Row 2: a link to a directory of someone else's made clean-up delete there."""
    target = tmp_path / "root-only"
    target.mkdir(mode=0o700)
    for number in range(12):
        (target / f"precious{number}").write_text("keep")
    link = tmp_path / "link"
    link.symlink_to(target)
    expected = _cqfacts(
        "search", "高企", "--json", cache=tmp_path / "real", facts=small_fact_file
    ).stdout
    result = _cqfacts("search", "高企", "--json", cache=link, facts=small_fact_file)
    assert (result.returncode, result.stdout) == (0, expected)
    assert result.stderr == (
        f"cqfacts: the cache directory {link} is a symbolic link; working without a cache\n"
    )
    assert sorted(path.name for path in target.iterdir()) == sorted(
        f"precious{number}" for number in range(12)
    )


@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o775])
def test_a_directory_others_can_write_is_refused(small_fact_file, tmp_path, mode):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    result = _cqfacts("search", "高企", "--json", cache=shared, facts=small_fact_file)
    assert result.returncode == 0
    assert result.stderr == (
        f"cqfacts: the cache directory {shared} is writable by other users; "
        "working without a cache\n"
    )
    assert list(shared.iterdir()) == []


def test_planted_links_are_never_written_through(small_fact_file, tmp_path):
    """Row 3: a link planted at the predictable temporary name was written through."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    directory = tmp_path / "cache"
    first = _cqfacts("search", "高企", "--json", cache=directory, facts=small_fact_file)
    [entry] = list(directory.iterdir())
    entry.unlink()
    entry.symlink_to(victim)
    for number in range(32768):  # every name the old scheme could have used
        if number % 997 == 0:
            (directory / f".{entry.name}.{number}.tmp").symlink_to(victim)
    again = _cqfacts("search", "高企", "--json", cache=directory, facts=small_fact_file)
    assert (again.returncode, again.stdout) == (0, first.stdout)
    assert victim.read_text() == "precious"
    assert not entry.is_symlink()


@pytest.mark.parametrize(
    "planted",
    [
        b"\xe3\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0\x7f" + bytes(16),
        b"cqfacts-cache-3\n" + (2**62).to_bytes(8, "big") + bytes(4),
        b"",
    ],
)
def test_a_crafted_entry_is_rebuilt_not_decoded(small_fact_file, tmp_path, planted):
    """Row 5: marshal once decoded any entry (33 crafted bytes asked for 16 GiB)."""
    directory = tmp_path / "cache"
    first = _cqfacts("pillar", "4", "--json", cache=directory, facts=small_fact_file)
    [entry] = list(directory.iterdir())
    entry.write_bytes(planted)
    again = _cqfacts("pillar", "4", "--json", cache=directory, facts=small_fact_file)
    assert (again.returncode, again.stdout, again.stderr) == (0, first.stdout, "")
