from pathlib import Path

import pytest

from cqfacts.errors import FactFileError
from cqfacts.loader import load, shipped_fact_path


def test_the_shipped_fact_file_is_found_and_loads(shipped):
    assert shipped_fact_path().is_file()
    assert len(shipped.base.facts) > 100
    assert set(shipped.base.pillars) == {0, 1, 2, 3, 4, 5, 6}


def test_second_load_comes_from_the_cache_and_equals_the_first(small_fact_file, tmp_path):
    first = load(small_fact_file, cache_dir=tmp_path)
    second = load(small_fact_file, cache_dir=tmp_path)
    assert (first.from_cache, second.from_cache) == (False, True)
    assert list(second.base.facts) == list(first.base.facts)
    assert second.base.topics == first.base.topics
    assert second.index.keys.blob == first.index.keys.blob
    assert second.index.readings == first.index.readings


def test_changed_content_is_not_served_from_the_old_cache(small_fact_file, tmp_path):
    load(small_fact_file, cache_dir=tmp_path)
    small_fact_file.write_text(
        small_fact_file.read_text(encoding="utf-8")
        .replace("1133人", "1134人")
        .replace("value = 1133", "value = 1134"),
        encoding="utf-8",
    )
    reloaded = load(small_fact_file, cache_dir=tmp_path)
    assert reloaded.from_cache is False
    assert reloaded.base.by_id["tech-brokers-new"].value == 1134


def test_damaged_cache_entry_is_rebuilt(small_fact_file, tmp_path):
    directory = tmp_path / "cache"
    load(small_fact_file, cache_dir=directory)
    [entry] = list(directory.iterdir())
    entry.write_bytes(b"\x00garbage")
    again = load(small_fact_file, cache_dir=directory)
    assert again.from_cache is False
    assert len(again.base.facts) == 5


def test_unwritable_cache_directory_still_loads(small_fact_file, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert load(small_fact_file, cache_dir=blocker / "sub").from_cache is False


def test_missing_file_is_a_fact_file_error(tmp_path):
    with pytest.raises(FactFileError, match="cannot read the fact file"):
        load(tmp_path / "absent.toml")


def test_file_that_is_not_utf8_is_a_fact_file_error(tmp_path):
    path = tmp_path / "gbk.toml"
    path.write_bytes("标题".encode("gbk"))
    with pytest.raises(FactFileError, match="not UTF-8"):
        load(path, cache_dir=None)


def test_validate_reports_a_count_or_every_problem(small_fact_file, tmp_path):
    from cqfacts.loader import validate

    assert validate(small_fact_file)[1:] == (5, [], 0)
    broken = tmp_path / "broken.toml"
    broken.write_text(
        small_fact_file.read_text(encoding="utf-8").replace('kind = "policy"', 'kind = "x"')
    )
    path, count, problems, _ = validate(broken)
    assert (path, count, len(problems)) == (broken, 0, 1)
    assert "kind 'x' is not one of" in problems[0].message


def _only_entry(directory):
    [entry] = list(directory.iterdir())
    return entry


def test_truncated_cache_entry_is_rebuilt_and_replaced(small_fact_file, tmp_path):
    directory = tmp_path / "cache"
    load(small_fact_file, cache_dir=directory)
    entry = _only_entry(directory)
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    assert load(small_fact_file, cache_dir=directory).from_cache is False
    assert load(small_fact_file, cache_dir=directory).from_cache is True


@pytest.mark.parametrize(
    "reshape",
    [
        lambda payload: payload[1:],
        lambda payload: (payload[0][:-1], *payload[1:]),
        lambda payload: (*payload[:3], (*payload[3], b"extra"), *payload[4:]),
        lambda payload: (*payload[:3], (*payload[3][:-1], 7), *payload[4:]),
        lambda payload: (*payload[:4], payload[4] + 1, payload[5]),
        lambda payload: (*payload[:2], None, *payload[3:]),
        lambda payload: (*payload[:5], payload[5][:-1]),
        lambda payload: [],
        lambda payload: 7,
    ],
)
def test_an_intact_entry_of_another_shape_is_rebuilt(small_fact_file, tmp_path, reshape):
    """Row 5: entries of the wrong shape once gave exit 3 or a silent empty list."""
    import marshal

    from cqfacts import cache

    directory = tmp_path / "cache"
    first = load(small_fact_file, cache_dir=directory)
    entry = _only_entry(directory)
    with cache.open_cache(directory) as store:
        payload = marshal.loads(store.read(entry.name))
        assert store.write(entry.name, marshal.dumps(reshape(payload)))
    again = load(small_fact_file, cache_dir=directory)
    assert again.from_cache is False
    assert list(again.base.facts) == list(first.base.facts)


def test_editing_the_index_code_makes_the_next_run_rebuild(small_fact_file, tmp_path, monkeypatch):
    """The key holds a digest of the code that builds the index, not a hand-bumped number."""
    import cqfacts.loader as loader

    directory = tmp_path / "cache"
    assert load(small_fact_file, cache_dir=directory).from_cache is False
    assert load(small_fact_file, cache_dir=directory).from_cache is True
    copy = tmp_path / "code"
    copy.mkdir()
    for module in loader.INDEX_CODE:
        source = Path(loader.__file__).with_name(f"{module}.py").read_bytes()
        (copy / f"{module}.py").write_bytes(source)
    monkeypatch.setattr(loader, "__file__", str(copy / "loader.py"))
    assert load(small_fact_file, cache_dir=directory).from_cache is True
    with (copy / "build.py").open("a") as build:
        build.write("# an edit\n")
    assert load(small_fact_file, cache_dir=directory).from_cache is False
    assert load(small_fact_file, cache_dir=directory).from_cache is True


def test_loading_never_writes_to_the_fact_file(small_fact_file, tmp_path):
    before = (small_fact_file.read_bytes(), small_fact_file.stat().st_mtime_ns)
    load(small_fact_file, cache_dir=tmp_path)
    load(small_fact_file, cache_dir=tmp_path)
    assert (small_fact_file.read_bytes(), small_fact_file.stat().st_mtime_ns) == before


def test_a_directory_is_not_a_fact_file(tmp_path):
    with pytest.raises(FactFileError, match=f"{tmp_path}: cannot read the fact file"):
        load(tmp_path)


def test_an_unreadable_fact_file_names_its_path(small_fact_file, monkeypatch):
    """Root reads any file, so a permission error is simulated."""

    def denied(path, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("cqfacts.loader.open", denied, raising=False)
    with pytest.raises(FactFileError) as caught:
        load(small_fact_file)
    assert str(caught.value) == f"{small_fact_file}: cannot read the fact file: Permission denied"


def test_a_device_is_not_a_fact_file():
    """/dev/zero would be read until the memory ran out."""
    from pathlib import Path

    with pytest.raises(FactFileError) as caught:
        load(Path("/dev/zero"), cache_dir=None)
    assert str(caught.value) == "/dev/zero: cannot read the fact file: a device, not a file"


def test_a_fact_file_past_the_size_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("cqfacts.loader.MAX_FACT_FILE_BYTES", 10)
    path = tmp_path / "big.toml"
    path.write_bytes(b"x" * 11)
    with pytest.raises(FactFileError, match="larger than"):
        load(path, cache_dir=None)


def test_a_pipe_past_the_size_limit_is_refused(tmp_path, monkeypatch):
    """A pipe has no size to check first: it is read up to the limit, and no further."""
    import os
    import threading

    monkeypatch.setattr("cqfacts.loader.MAX_FACT_FILE_BYTES", 10)
    fifo = tmp_path / "big.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b"x" * 11))
    writer.start()
    with pytest.raises(FactFileError, match="larger than"):
        load(fifo, cache_dir=None)
    writer.join()


def test_a_fact_file_read_from_a_pipe_loads(small_fact_file, tmp_path):
    """--facts <(…) gives a pipe: it is read like a file."""
    import os
    import threading

    fifo = tmp_path / "facts.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(small_fact_file.read_bytes()))
    writer.start()
    loaded = load(fifo, cache_dir=None)
    writer.join()
    assert len(loaded.base.facts) == 5
