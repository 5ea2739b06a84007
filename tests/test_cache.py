from pathlib import Path

from cqfacts import cache


def test_cache_dir_prefers_the_explicit_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("CQFACTS_CACHE_DIR", str(tmp_path))
    assert cache.cache_dir() == tmp_path


def test_empty_variable_turns_the_cache_off(monkeypatch):
    monkeypatch.setenv("CQFACTS_CACHE_DIR", "")
    assert cache.cache_dir() is None


def test_xdg_cache_home_is_used_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("CQFACTS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "cqfacts"


def test_write_then_read_leaves_no_temporary_file(tmp_path):
    directory = tmp_path / "new" / "dir"
    assert cache.write("entry", b"data", directory)
    assert cache.read("entry", directory) == b"data"
    assert [path.name for path in directory.iterdir()] == ["entry"]


def test_unwritable_directory_is_skipped_quietly(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    assert cache.write("entry", b"data", blocker / "sub") is False
    assert cache.read("entry", blocker / "sub") is None


def test_no_directory_means_no_cache():
    assert cache.write("entry", b"data", None) is False
    assert cache.read("entry", None) is None


def test_missing_entry_reads_as_none(tmp_path: Path):
    assert cache.read("absent", tmp_path) is None


def test_only_the_newest_entries_are_kept(tmp_path):
    import os

    for number in range(5):
        assert cache.write(f"entry-{number}", b"x", tmp_path, keep=3)
        os.utime(tmp_path / f"entry-{number}", ns=(number * 10**9, number * 10**9))
    cache.write("entry-5", b"x", tmp_path, keep=3)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["entry-3", "entry-4", "entry-5"]


def test_a_truncated_entry_reads_as_missing(tmp_path):
    cache.write("entry", b"0123456789" * 100, tmp_path)
    path = tmp_path / "entry"
    path.write_bytes(path.read_bytes()[:-1])
    assert cache.read("entry", tmp_path) is None


def test_a_damaged_byte_reads_as_missing(tmp_path):
    cache.write("entry", b"0123456789" * 100, tmp_path)
    path = tmp_path / "entry"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert cache.read("entry", tmp_path) is None


def test_a_file_without_the_header_reads_as_missing(tmp_path):
    (tmp_path / "entry").write_bytes(b"written by something else")
    assert cache.read("entry", tmp_path) is None
    (tmp_path / "short").write_bytes(cache.MAGIC[:4])
    assert cache.read("short", tmp_path) is None


def test_an_entry_that_is_a_directory_reads_as_missing(tmp_path):
    (tmp_path / "entry").mkdir()
    assert cache.read("entry", tmp_path) is None


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
    assert cache.cache_dir() == tmp_path / ".cache" / "cqfacts"


def test_a_home_under_proc_cannot_be_written_and_is_skipped(monkeypatch):
    monkeypatch.delenv("CQFACTS_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", "/proc/x")
    directory = cache.cache_dir()
    assert directory == Path("/proc/x/.cache/cqfacts")
    assert cache.write("entry", b"data", directory) is False
    assert cache.read("entry", directory) is None


def test_temporary_files_left_by_a_dead_process_are_removed_only_when_old(tmp_path):
    import os
    import time

    old, fresh = tmp_path / ".entry.1.tmp", tmp_path / ".entry.2.tmp"
    old.write_bytes(b"half")
    fresh.write_bytes(b"half")
    long_ago = time.time() - 2 * cache.STALE_SECONDS
    os.utime(old, (long_ago, long_ago))
    cache.write("entry", b"data", tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == [".entry.2.tmp", "entry"]


def test_an_entry_that_never_ends_or_blocks_reads_as_missing(tmp_path):
    """A FIFO or a link to /dev/zero in an entry's place would hang the tool."""
    import os

    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "zero").symlink_to("/dev/zero")
    assert cache.read("fifo", tmp_path) is None
    assert cache.read("zero", tmp_path) is None
