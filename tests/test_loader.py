from pathlib import Path
from typing import Any

import pytest

from cqfacts.errors import FactFileError
from cqfacts.store.loader import load, shipped_fact_path


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


def test_facts_read_from_the_cache_equal_those_parsed(small_fact_file, tmp_path):
    """As tuples compare: the same facts in the same order, and nothing else."""
    parsed = load(small_fact_file, cache_dir=None).base.facts
    load(small_fact_file, cache_dir=tmp_path)
    cached = load(small_fact_file, cache_dir=tmp_path).base.facts
    assert isinstance(parsed, tuple) and not isinstance(cached, tuple)
    assert cached == parsed and parsed == cached and cached == cached[:]
    assert cached[1:3] == parsed[1:3] and cached[::-1] == parsed[::-1]  # tuples, as sliced
    changed = (*parsed[:-1], parsed[-1]._replace(label="另一个标签"))
    for other in (changed, parsed[:-1], parsed[::-1], list(parsed), (), ("x",) * len(parsed)):
        assert cached != other and other != cached
    with pytest.raises(TypeError):
        hash(cached)


def test_every_meta_field_comes_back_from_the_cache(tmp_path):
    """A report's publisher, address and basis survive the cache as its title does."""
    first = load(shipped_fact_path(), cache_dir=tmp_path, packaged=False)
    second = load(shipped_fact_path(), cache_dir=tmp_path, packaged=False)
    assert second.from_cache and first.base.meta.url and first.base.meta.publisher
    assert second.base.meta == first.base.meta


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
    from cqfacts.store.loader import validate

    assert validate(small_fact_file)[1:] == (5, [], 0)
    broken = tmp_path / "broken.toml"
    broken.write_text(
        small_fact_file.read_text(encoding="utf-8").replace('kind = "policy"', 'kind = "x"')
    )
    path, count, problems, _ = validate(broken)
    assert (path, count, len(problems)) == (str(broken), 0, 1)
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

    from cqfacts.store import cache

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
    import cqfacts.store.loader as loader

    directory = tmp_path / "cache"
    assert load(small_fact_file, cache_dir=directory).from_cache is False
    assert load(small_fact_file, cache_dir=directory).from_cache is True
    copy = tmp_path / "code"
    copy.mkdir()
    package = Path(loader.__file__).parents[1]
    for module in loader.INDEX_CODE:
        (copy / module).parent.mkdir(exist_ok=True)
        (copy / f"{module}.py").write_bytes((package / f"{module}.py").read_bytes())
    monkeypatch.setattr(loader, "__file__", str(copy / "store" / "loader.py"))
    # Each load below stands for a new run, a new process: the digest, which a process
    # makes once, is made afresh (and forgotten after, for the tests that follow).
    monkeypatch.setattr(loader, "load", _as_a_new_process(loader.load, loader.code_digest))
    try:
        assert loader.load(small_fact_file, cache_dir=directory).from_cache is True
        with (copy / "search" / "build.py").open("a") as build:
            build.write("# an edit\n")
        assert loader.load(small_fact_file, cache_dir=directory).from_cache is False
        assert loader.load(small_fact_file, cache_dir=directory).from_cache is True
    finally:
        loader.code_digest.cache_clear()


def _as_a_new_process(load_once: Any, digest: Any) -> Any:
    def load(*args: Any, **kwargs: Any) -> Any:
        digest.cache_clear()
        return load_once(*args, **kwargs)

    return load


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

    monkeypatch.setattr("cqfacts.store.loader.open", denied, raising=False)
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
    monkeypatch.setattr("cqfacts.store.loader.MAX_FACT_FILE_BYTES", 10)
    path = tmp_path / "big.toml"
    path.write_bytes(b"x" * 11)
    with pytest.raises(FactFileError, match="larger than"):
        load(path, cache_dir=None)


def test_a_pipe_past_the_size_limit_is_refused(tmp_path, monkeypatch):
    """A pipe has no size to check first: it is read up to the limit, and no further."""
    import os
    import threading

    monkeypatch.setattr("cqfacts.store.loader.MAX_FACT_FILE_BYTES", 10)
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


# --- Loading only what a query needs, at scale (issue 16) ----------------------------


def _small_chunks(monkeypatch):
    monkeypatch.setattr("cqfacts.store.payload.ROWS_PER_CHUNK", 2)  # 5 facts: 3 chunks


def test_facts_are_decoded_a_chunk_at_a_time_and_round_trip(small_fact_file, tmp_path, monkeypatch):
    _small_chunks(monkeypatch)
    built = load(small_fact_file, cache_dir=tmp_path / "c")
    cached = load(small_fact_file, cache_dir=tmp_path / "c")
    assert cached.from_cache
    facts = cached.base.facts
    assert facts[4] == built.base.facts[4] and facts[-1] == facts[4]
    assert sum(chunk is not None for chunk in facts._rows) == 1  # only the last chunk
    assert list(facts) == list(built.base.facts)
    assert dict(cached.base.topics) == dict(built.base.topics)
    with pytest.raises(IndexError):
        facts[5]


@pytest.mark.parametrize("chunk", [b"", b"not zlib", __import__("zlib").compress(b"\xff")])
def test_a_damaged_chunk_is_an_error_not_wrong_facts(small_fact_file, tmp_path, monkeypatch, chunk):
    import marshal

    from cqfacts.store import cache

    _small_chunks(monkeypatch)
    load(small_fact_file, cache_dir=tmp_path / "c")
    entry = _only_entry(tmp_path / "c")
    with cache.open_cache(tmp_path / "c") as store:
        payload = marshal.loads(store.read(entry.name))
        chunks = (chunk, *payload[3][1:])
        assert store.write(entry.name, marshal.dumps((*payload[:3], chunks, *payload[4:])))
    loaded = load(small_fact_file, cache_dir=tmp_path / "c")
    assert loaded.base.facts[4].id  # another chunk: intact
    with pytest.raises(ValueError, match="a damaged cache entry"):
        loaded.base.facts[0]


def _memo_any_file(monkeypatch):
    # The shipped test files are small and fresh; the memo is for large, settled ones.
    monkeypatch.setattr("cqfacts.store.loader.MEMO_MIN_BYTES", 0)
    monkeypatch.setattr("cqfacts.store.loader.MEMO_SETTLED_NS", 0)


def _memos(directory):
    return sorted(path.name for path in directory.glob("key-*"))


def test_a_settled_large_file_is_not_read_again_while_unchanged(
    small_fact_file, tmp_path, monkeypatch
):
    from cqfacts.store import loader

    _memo_any_file(monkeypatch)
    first = load(small_fact_file, cache_dir=tmp_path / "c")
    assert len(_memos(tmp_path / "c")) == 1

    def unread(path):
        raise AssertionError("the file was read")

    monkeypatch.setattr(loader, "_read_fact_file", unread)
    again = load(small_fact_file, cache_dir=tmp_path / "c")
    assert again.from_cache
    assert list(again.base.facts) == list(first.base.facts)


def test_a_changed_file_is_read_though_its_size_and_modification_time_are_kept(
    small_fact_file, tmp_path, monkeypatch
):
    import os

    _memo_any_file(monkeypatch)
    load(small_fact_file, cache_dir=tmp_path / "c")
    before = small_fact_file.stat()
    text = small_fact_file.read_text(encoding="utf-8")
    small_fact_file.write_text(text.replace("value = 1133", "value = 1134"), encoding="utf-8")
    os.utime(small_fact_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert small_fact_file.stat().st_size == before.st_size
    reloaded = load(small_fact_file, cache_dir=tmp_path / "c")
    assert reloaded.base.by_id["tech-brokers-new"].value == 1134


def test_no_memo_for_a_file_changed_moments_ago_or_a_small_one(
    small_fact_file, tmp_path, monkeypatch
):
    load(small_fact_file, cache_dir=tmp_path / "c")  # small
    monkeypatch.setattr("cqfacts.store.loader.MEMO_MIN_BYTES", 0)
    load(small_fact_file, cache_dir=tmp_path / "c")  # just written
    assert _memos(tmp_path / "c") == []


def test_a_memo_that_is_not_a_key_is_ignored(small_fact_file, tmp_path, monkeypatch):
    from cqfacts.store import cache

    _memo_any_file(monkeypatch)
    load(small_fact_file, cache_dir=tmp_path / "c")
    [memo] = _memos(tmp_path / "c")
    with cache.open_cache(tmp_path / "c") as store:
        assert store.write(memo, b"../../etc/passwd" + bytes(16))
    assert load(small_fact_file, cache_dir=tmp_path / "c").from_cache


def test_memos_are_removed_with_the_cache_and_only_theirs(small_fact_file, tmp_path, monkeypatch):
    from cqfacts.store import cache

    _memo_any_file(monkeypatch)
    load(small_fact_file, cache_dir=tmp_path / "c")
    (tmp_path / "c" / "key-mine").write_text("mine")
    with cache.open_cache(tmp_path / "c") as store:
        store.clear()
    assert sorted(path.name for path in (tmp_path / "c").iterdir()) == ["key-mine"]


def test_a_joined_index_is_cached_per_combination_and_equals_a_fresh_join(
    small_fact_file, tmp_path
):
    from cqfacts.search.index import merge_indexes
    from cqfacts.store import cache
    from cqfacts.store.loader import load_many

    other = tmp_path / "2022.toml"
    other.write_text(
        small_fact_file.read_text(encoding="utf-8").replace("year = 2023", "year = 2022"),
        encoding="utf-8",
    )
    directory = tmp_path / "cache"
    first = load_many([small_fact_file, other], cache_dir=directory)
    again = load_many([small_fact_file, other], cache_dir=directory)
    assert len(list(directory.glob("index-*"))) == 3
    parts = [load(path, cache_dir=None).index for path in (small_fact_file, other)]
    assert again.index.to_tuple() == first.index.to_tuple() == merge_indexes(parts).to_tuple()
    # A damaged joined entry is joined again.
    with cache.open_cache(directory) as store:
        for entry in store.entries():
            assert store.write(entry.name, b"\x00") if entry.size < 3000 else True
    assert load_many([small_fact_file, other], cache_dir=directory).index.to_tuple() == (
        first.index.to_tuple()
    )


@pytest.mark.parametrize("damage", [None, "flip", "truncate", "length"])
def test_a_large_entry_is_mapped_and_checked_as_one_read_is(
    small_fact_file, tmp_path, monkeypatch, damage
):
    from cqfacts.store import cache

    monkeypatch.setattr(cache, "MAP_MIN_BYTES", 0)  # every entry mapped, as a large one is
    directory = tmp_path / "c"
    first = load(small_fact_file, cache_dir=directory)
    entry = _only_entry(directory)
    with cache.open_cache(directory) as store:
        assert isinstance(store.read(entry.name), memoryview)
    data = bytearray(entry.read_bytes())
    if damage == "flip":
        data[-10] ^= 0xFF
    elif damage == "truncate":
        del data[-1]
    elif damage == "length":
        data[len(cache.MAGIC) + 7] ^= 0x01
    entry.write_bytes(bytes(data))
    again = load(small_fact_file, cache_dir=directory)
    assert again.from_cache is (damage is None)
    assert list(again.base.facts) == list(first.base.facts)


def test_a_warm_search_of_several_years_builds_only_the_facts_it_needs(tmp_path):
    """Every shipped file from the cache: the years, the ids repeated across years and
    the headline of an indicator are known from the entry's keys, so a search builds
    only the facts it looks at, not the whole base."""
    from cqfacts.search.engine import search
    from cqfacts.store.loader import load_many

    load_many(None, cache_dir=tmp_path, packaged=False)
    warm = load_many(None, cache_dir=tmp_path, packaged=False)
    assert warm.from_cache
    base = warm.base
    assert len(base.years) > 5 and base.get("rd-intensity").year >= 2023
    found = search(base, warm.index, "研发投入强度", limit=3)
    assert found and found[0].years[0] < found[0].fact.year
    built = sum(
        made is not None
        for part in base.parts
        for made in part.facts._made  # type: ignore[attr-defined]
    )
    assert built < len(base.facts) / 3
