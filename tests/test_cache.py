"""The cache's own rules: where it lives, what it trusts, what it may remove."""

import os
import stat
import time
from pathlib import Path

import pytest

from cqfacts.store import cache

NAME = cache.entry_name(cache.digest(b"test"))
OTHER = cache.entry_name(cache.digest(b"other"))


def _write(directory: Path, data: bytes, name: str = NAME, **options: int) -> bool:
    with cache.open_cache(directory) as store:
        return store.write(name, data, **options)


def _read(directory: Path, name: str = NAME) -> bytes | None:
    with cache.open_cache(directory) as store:
        return store.read(name)


def test_cache_dir_prefers_the_explicit_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("CQFACTS_CACHE_DIR", str(tmp_path))
    assert cache.cache_dir() == str(tmp_path)


def test_empty_variable_turns_the_cache_off(monkeypatch):
    monkeypatch.setenv("CQFACTS_CACHE_DIR", "")
    assert cache.cache_dir() is None
    assert cache.configuration_warning() is None


def test_a_relative_variable_turns_the_cache_off_with_a_warning(monkeypatch):
    """Row 1: `CQFACTS_CACHE_DIR=.` once made the working directory the cache."""
    monkeypatch.setenv("CQFACTS_CACHE_DIR", "d")
    assert cache.cache_dir() is None
    assert cache.configuration_warning() == (
        "CQFACTS_CACHE_DIR must be an absolute path; working without a cache"
    )


def test_xdg_cache_home_is_used_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("CQFACTS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == str(tmp_path / "cqfacts")


def test_write_then_read_leaves_no_temporary_file(tmp_path):
    directory = tmp_path / "new" / "dir"
    assert _write(directory, b"data")
    assert _read(directory) == b"data"
    assert [path.name for path in directory.iterdir()] == [NAME]


def test_the_directory_is_made_private_whatever_the_umask(tmp_path):
    """Row 2: under `umask 000` it was made 0777."""
    previous = os.umask(0)
    try:
        assert _write(tmp_path / "parent" / "cache", b"data")
    finally:
        os.umask(previous)
    for made in (tmp_path / "parent", tmp_path / "parent" / "cache"):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700
    entry = tmp_path / "parent" / "cache" / NAME
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_a_symlinked_directory_is_refused_and_its_target_untouched(tmp_path):
    """Row 2: clean-up once deleted files in a link's target."""
    target = tmp_path / "target"
    target.mkdir(mode=0o700)
    (target / "precious").write_bytes(b"keep me")
    link = tmp_path / "link"
    link.symlink_to(target)
    with cache.open_cache(link) as store:
        assert not store.usable
        assert store.warning == (
            f"the cache directory {link} is a symbolic link; working without a cache"
        )
        assert store.write(NAME, b"data") is False
    assert [path.name for path in target.iterdir()] == ["precious"]


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702, 0o720])
def test_a_directory_others_can_write_is_refused(tmp_path, mode):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    with cache.open_cache(shared) as store:
        assert not store.usable
        assert store.warning is not None and "writable by other users" in store.warning
    assert list(shared.iterdir()) == []


def test_a_directory_of_another_user_is_refused(tmp_path, monkeypatch):
    """Simulated: the suite may run as root, who owns every directory it makes."""
    monkeypatch.setattr(os, "geteuid", lambda: os.stat(tmp_path).st_uid + 1)
    with cache.open_cache(tmp_path) as store:
        assert not store.usable
        assert store.warning is not None and "belongs to another user" in store.warning


def test_clean_up_removes_only_the_caches_own_entries(tmp_path):
    """Row 1: it kept the 8 newest files and deleted every other file, cqfacts' or not."""
    for number in range(12):
        path = tmp_path / f"f{number}"
        path.write_bytes(b"user data")
        os.utime(path, (number, number))
    (tmp_path / "myfacts.toml").write_text("[meta]")
    names = [cache.entry_name(cache.digest(str(n).encode())) for n in range(5)]
    for number, name in enumerate(names):
        assert _write(tmp_path, b"x", name, keep=3)
        os.utime(tmp_path / name, ns=((100 + number) * 10**9,) * 2)
    _write(tmp_path, b"x", OTHER, keep=3)
    left = {path.name for path in tmp_path.iterdir()}
    assert left == {f"f{n}" for n in range(12)} | {"myfacts.toml", *names[3:], OTHER}


def test_an_entry_must_be_named_as_the_cache_names_them(tmp_path):
    with cache.open_cache(tmp_path) as store:
        assert store.write("../escape", b"data") is False
    assert not (tmp_path.parent / "escape").exists()


def test_a_planted_symlink_is_never_written_through(tmp_path):
    """Row 3: the temporary name was predictable and opened without O_EXCL/O_NOFOLLOW."""
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o700)
    for pid in range(os.getpid() - 5, os.getpid() + 5):
        (directory / f".{NAME}.{pid}.tmp").symlink_to(victim)
    (directory / NAME).symlink_to(victim)
    assert _read(directory) is None
    assert _write(directory, b"data")
    assert victim.read_bytes() == b"precious"
    assert (directory / NAME).is_symlink() is False


def test_unwritable_directory_is_skipped_quietly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with cache.open_cache(blocker / "sub") as store:
        assert (store.usable, store.warning) == (False, None)
        assert store.write(NAME, b"data") is False
        assert store.read(NAME) is None


def test_no_directory_means_no_cache():
    with cache.open_cache(None) as store:
        assert store.write(NAME, b"data") is False
        assert store.read(NAME) is None
        assert store.entries() == []


def test_missing_entry_reads_as_none(tmp_path: Path):
    assert _read(tmp_path) is None


def test_a_truncated_entry_reads_as_missing(tmp_path):
    _write(tmp_path, b"0123456789" * 100)
    path = tmp_path / NAME
    path.write_bytes(path.read_bytes()[:-1])
    assert _read(tmp_path) is None


def test_a_damaged_byte_reads_as_missing(tmp_path):
    _write(tmp_path, b"0123456789" * 100)
    path = tmp_path / NAME
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert _read(tmp_path) is None


@pytest.mark.parametrize("byte", [0xFF, 0x01, 0x7F])
def test_a_damaged_length_field_reads_as_missing(tmp_path, byte):
    """Row 6: byte 16 of an entry 0xff made every run exit 3 until deleted by hand."""
    _write(tmp_path, b"0123456789" * 100)
    path = tmp_path / NAME
    data = bytearray(path.read_bytes())
    data[16] = byte
    path.write_bytes(bytes(data))
    assert _read(tmp_path) is None
    assert _write(tmp_path, b"again") and _read(tmp_path) == b"again"


def test_a_file_without_the_header_reads_as_missing(tmp_path):
    (tmp_path / NAME).write_bytes(b"written by something else")
    assert _read(tmp_path) is None
    (tmp_path / OTHER).write_bytes(cache.MAGIC[:4])
    assert _read(tmp_path, OTHER) is None


def test_an_entry_that_is_a_directory_reads_as_missing(tmp_path):
    (tmp_path / NAME).mkdir()
    assert _read(tmp_path) is None


def test_no_home_directory_means_no_cache(monkeypatch):
    monkeypatch.delenv("CQFACTS_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    # What expanduser gives with no HOME and no password entry: "~" unexpanded.
    monkeypatch.setattr("os.path.expanduser", lambda path: path)
    assert cache.cache_dir() is None


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch, tmp_path):
    monkeypatch.delenv("CQFACTS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() == str(tmp_path / ".cache" / "cqfacts")


def test_a_home_under_proc_cannot_be_written_and_is_skipped(monkeypatch):
    monkeypatch.delenv("CQFACTS_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "/proc/x")
    directory = cache.cache_dir()
    assert directory == "/proc/x/.cache/cqfacts"
    assert _write(directory, b"data") is False
    assert _read(directory) is None


def test_temporary_files_left_by_a_dead_process_are_removed_only_when_old(tmp_path):
    old, fresh = tmp_path / ".tmp-0123456789abcdef", tmp_path / ".tmp-fedcba9876543210"
    lookalike = tmp_path / ".tmp-not-ours"
    for path in (old, fresh, lookalike):
        path.write_bytes(b"half")
    long_ago = time.time() - 2 * cache.STALE_SECONDS
    for path in (old, lookalike):
        os.utime(path, (long_ago, long_ago))
    _write(tmp_path, b"data")
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [fresh.name, lookalike.name, NAME]
    )


def test_an_entry_that_never_ends_or_blocks_reads_as_missing(tmp_path):
    """A FIFO or a link to /dev/zero in an entry's place would hang the tool."""
    os.mkfifo(tmp_path / NAME)
    (tmp_path / OTHER).symlink_to("/dev/zero")
    assert _read(tmp_path) is None
    assert _read(tmp_path, OTHER) is None


def test_clear_removes_the_entries_and_nothing_else(tmp_path):
    _write(tmp_path, b"one")
    _write(tmp_path, b"two", OTHER)
    (tmp_path / "notes.txt").write_text("mine")
    with cache.open_cache(tmp_path) as store:
        assert sorted(entry.name for entry in store.entries()) == sorted([NAME, OTHER])
        assert len(store.clear()) == 2
        assert store.entries() == []
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_digests_of_different_parts_differ_even_when_joined_alike():
    assert cache.digest(b"ab", b"c") != cache.digest(b"a", b"bc")
    assert len(cache.digest(b"x")) == 2 * cache.DIGEST_SIZE


# --- What the cache key covers (issue 20 row 18) ------------------------------------

PACKAGE = Path(cache.__file__).parents[1]


def _module_path(dotted: str) -> str | None:
    """``cqfacts.facts.model`` as ``facts/model`` where that module is a file."""
    relative = "/".join(dotted.split(".")[1:])
    return relative if relative and (PACKAGE / f"{relative}.py").is_file() else None


def _imported(module: str) -> set[str]:
    """The package's modules that ``module`` (``facts/model``) imports anywhere in its
    source (at its top, in a function, under TYPE_CHECKING)."""
    import ast

    found: set[str | None] = set()
    for node in ast.walk(ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cqfacts"):
            assert not node.level, "the package imports itself by absolute names"
            named = node.module or ""
            found.add(_module_path(named))
            found |= {_module_path(f"{named}.{alias.name}") for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {_module_path(alias.name) for alias in node.names}
    return {name for name in found if name is not None}


def _closure(start: str) -> set[str]:
    seen: set[str] = set()
    waiting = [start]
    while waiting:
        module = waiting.pop()
        if module not in seen:
            seen.add(module)
            waiting += _imported(module)
    return seen


def test_the_cache_key_covers_every_module_the_loader_imports():
    """records.py (the fact's fields, hence the cached rows) was missing from the key:
    a warm cache served label and label_en swapped after a field change. The list is
    held to the imports, so the next module added cannot be forgotten."""
    from cqfacts.store import loader

    assert "facts/records" in _closure("store/loader")
    assert sorted(loader.INDEX_CODE) == sorted(_closure("store/loader"))
    assert len(set(loader.INDEX_CODE)) == len(loader.INDEX_CODE)


def test_editing_any_module_of_the_index_code_changes_the_key(tmp_path, monkeypatch):
    from cqfacts.store import loader

    for source in PACKAGE.rglob("*.py"):
        copy = tmp_path / source.relative_to(PACKAGE)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes())
    monkeypatch.setattr(loader, "__file__", str(tmp_path / "store" / "loader.py"))
    loader.code_digest.cache_clear()
    try:
        seen = {loader.code_digest()}
        for edits, module in enumerate(sorted(_closure("store/loader")), start=1):
            with (tmp_path / f"{module}.py").open("a", encoding="utf-8") as edited:
                edited.write("# an edit\n")
            loader.code_digest.cache_clear()
            seen.add(loader.code_digest())
            assert len(seen) == 1 + edits, module
    finally:
        loader.code_digest.cache_clear()


# --- The cap counts loads, not files (issue 20 row 15) ------------------------------


def _reports(folder: Path, years: range) -> Path:
    """A directory of one small report per year."""
    from tests.conftest import SMALL_FACTS

    folder.mkdir()
    for year in years:
        text = SMALL_FACTS.replace("year = 2023", f"year = {year}")
        (folder / f"{year}.toml").write_text(text, encoding="utf-8")
    return folder


def _entries(directory: Path) -> list[tuple[str, float]]:
    with cache.open_cache(directory) as store:
        return sorted((entry.name, entry.modified) for entry in store.entries())


def test_a_set_of_more_reports_than_the_cap_stays_warm_after_another_load(tmp_path):
    """Ten files loaded together were eleven entries against a cap of eight: any other
    load evicted some, and the next run of the ten rebuilt them (0.08 s became 0.87 s;
    200 files 0.13 s became 32 s)."""
    from cqfacts.store.loader import load_many

    many = _reports(tmp_path / "many", range(2000, 2000 + cache.KEEP + 2))
    other = _reports(tmp_path / "other", range(1990, 1992))
    directory = tmp_path / "cache"
    assert not load_many([many], cache_dir=directory).from_cache
    warm = _entries(directory)
    assert len(warm) == cache.KEEP + 3  # an entry per file and the joined index
    assert not load_many([other], cache_dir=directory).from_cache
    assert load_many(sorted(other.iterdir())[:1], cache_dir=directory).from_cache
    again = load_many([many], cache_dir=directory)
    assert again.from_cache
    assert set(warm) <= set(_entries(directory))  # nothing of it rebuilt or rewritten


def test_the_cap_counts_loads_least_recently_used_first(tmp_path, monkeypatch):
    from cqfacts.store.loader import load_many

    monkeypatch.setattr(cache, "KEEP", 2)
    sets = [_reports(tmp_path / name, range(year, year + 3)) for name, year in
            (("a", 2000), ("b", 2010), ("c", 2020))]  # fmt: skip
    directory = tmp_path / "cache"
    seen: set[Path] = set()
    for number, folder in enumerate(sets[:2]):
        load_many([folder], cache_dir=directory)
        # Each load's files dated an hour after the one before's.
        for path in set(directory.iterdir()) - seen:
            os.utime(path, ((number + 1) * 3600,) * 2)
            seen.add(path)
    assert load_many([sets[0]], cache_dir=directory).from_cache  # a is used again
    load_many([sets[2]], cache_dir=directory)  # b, now the least recently used, goes
    assert load_many([sets[0]], cache_dir=directory).from_cache
    assert load_many([sets[2]], cache_dir=directory).from_cache
    assert not load_many([sets[1]], cache_dir=directory).from_cache


def test_a_damaged_set_record_is_no_load_and_is_written_again(tmp_path):
    from cqfacts.store.loader import load_many

    reports = _reports(tmp_path / "reports", range(2000, 2003))
    directory = tmp_path / "cache"
    load_many([reports], cache_dir=directory)
    [record] = directory.glob("set-*")
    written = record.read_bytes()
    record.write_bytes(written[:-1])
    with cache.open_cache(directory) as store:
        store.prune()
    assert not record.exists()
    assert load_many([reports], cache_dir=directory).from_cache  # its entries kept
    assert record.read_bytes() == written
    with cache.open_cache(directory) as store:
        assert len(store.clear()) == 4
    assert list(directory.iterdir()) == []


def test_the_digest_is_hashlibs_blake2b_without_hashlibs_openssl_load():
    """The key is hashlib's BLAKE2b (the same class), read where importing hashlib would
    not also load OpenSSL on every run."""
    import hashlib

    from cqfacts.store import cache

    assert cache.blake2b is hashlib.blake2b
    framed = b"".join(len(part).to_bytes(8, "big") + part for part in (b"a", b"bc"))
    expected = hashlib.blake2b(framed, digest_size=cache.DIGEST_SIZE).hexdigest()
    assert cache.digest(b"a", b"bc") == expected
