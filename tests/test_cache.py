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
