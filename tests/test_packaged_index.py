"""The shipped base's index built into the wheel (issue 16): a fresh install's first
run is a warm run, used only for the exact bytes, code and Python it was built for."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cqfacts.search.engine import search
from cqfacts.store import loader
from cqfacts.store import packaged as packaged_index
from cqfacts.store.loader import load, load_many, shipped_fact_path, write_packaged_index

REPOSITORY = Path(__file__).resolve().parents[1]


def reports_shipped() -> list[Path]:
    return sorted((REPOSITORY / "reports").glob("*.toml"))


@pytest.fixture(scope="module")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped file's packaged index, built as the build hook builds it."""
    target = tmp_path_factory.mktemp("package") / loader.PACKAGED_INDEX
    write_packaged_index(target)
    return target


@pytest.fixture
def packaged(built_index: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(packaged_index, "packaged_index_path", lambda path=None: built_index)
    return built_index


def test_a_valid_packaged_index_answers_and_no_cache_directory_is_made(packaged, tmp_path, shipped):
    directory = tmp_path / "cache"
    loaded = load(cache_dir=directory)
    assert (loaded.from_package, loaded.from_cache) == (True, False)
    assert not directory.exists()
    built = shipped  # built by the indexing code, never read from a package
    assert not built.from_package
    assert list(loaded.base.facts) == list(built.base.facts)
    assert dict(loaded.base.topics) == dict(built.base.topics)
    assert loaded.index.keys.blob == built.index.keys.blob
    for query in ("高新技术企业", "gxjsqy", "technology contract", "7565"):
        assert search(loaded.base, loaded.index, query) == search(built.base, built.index, query)


def test_a_machine_without_a_usable_cache_is_served_from_the_package(packaged, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert load(cache_dir=blocker / "sub").from_package


def test_a_changed_fact_file_is_not_served_from_the_package(packaged, tmp_path, monkeypatch):
    changed = tmp_path / "facts.toml"
    text = shipped_fact_path().read_text(encoding="utf-8")
    assert "value = 7565" in text
    changed.write_text(text.replace("value = 7565", "value = 7566"), encoding="utf-8")
    # The shipped file, changed after the package was built: its bytes no longer match.
    monkeypatch.setattr(loader, "shipped_fact_file", lambda: str(changed))
    monkeypatch.setattr(loader, "is_shipped", lambda path: True)
    loaded = load(cache_dir=tmp_path / "cache")
    assert (loaded.from_package, loaded.from_cache) == (False, False)
    assert loaded.base.by_id["high-tech-enterprises-total"].value == 7566
    assert load(cache_dir=tmp_path / "cache").from_cache  # the cache as for any file


@pytest.mark.parametrize("change", ["code", "python"])
def test_other_code_or_another_python_is_not_served_from_the_package(
    packaged, tmp_path, monkeypatch, request, change
):
    if change == "code":
        monkeypatch.setattr(loader, "code_digest", lambda: b"edited indexing code")
    else:  # marshal's format belongs to one Python: another one is another process,
        # whose digest is its own (a process makes it once: made afresh, then forgotten)
        monkeypatch.setattr(sys, "version", sys.version + " (another build)")
        loader.code_digest.cache_clear()
        request.addfinalizer(loader.code_digest.cache_clear)
    loaded = load(cache_dir=tmp_path / "cache")
    assert (loaded.from_package, loaded.from_cache) == (False, False)
    assert load(cache_dir=tmp_path / "cache").from_cache


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "key"])
def test_a_damaged_packaged_index_is_not_decoded(built_index, tmp_path, monkeypatch, damage):
    data = bytearray(built_index.read_bytes())
    if damage == "flip":
        data[-100] ^= 0xFF
    elif damage == "truncate":
        del data[len(data) // 2 :]
    elif damage == "empty":
        data.clear()
    else:
        data[30] ^= 0x01  # within the key
    broken = tmp_path / "facts.index"
    broken.write_bytes(bytes(data))
    monkeypatch.setattr(packaged_index, "packaged_index_path", lambda path=None: broken)
    assert not load(cache_dir=None).from_package


def test_only_the_shipped_file_is_served_from_the_package(small_fact_file, tmp_path, monkeypatch):
    # An index built for a custom file, where the shipped one's would be: never used
    # for that file, though its key matches.
    target = tmp_path / "facts.index"
    write_packaged_index(target, small_fact_file)
    monkeypatch.setattr(packaged_index, "packaged_index_path", lambda path=None: target)
    loaded = load(small_fact_file, cache_dir=tmp_path / "cache")
    assert (loaded.from_package, loaded.from_cache) == (False, False)


def test_several_reports_take_the_shipped_ones_index_from_the_package(
    packaged, small_fact_file, tmp_path
):
    other = tmp_path / "2022.toml"
    other.write_text(
        small_fact_file.read_text(encoding="utf-8").replace("year = 2023", "year = 2022"),
        encoding="utf-8",
    )
    first = load_many(["+", other], cache_dir=tmp_path / "cache")
    again = load_many(["+", other], cache_dir=tmp_path / "cache")
    assert first.from_package and again.from_package
    assert {2022, 2023} <= set(again.base.years)
    assert search(again.base, again.index, "高新技术企业") == search(
        first.base, first.index, "高新技术企业"
    )


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built by the project's build backend and hook (hatchling, from the test
    extra) through the build_wheel hook of PEP 517, in the tree, as `pip install .` and
    `pip wheel --no-build-isolation` call it; once per session. Not through pip, whose
    own start costs half a second of CPU, nor in pip's isolated build environment:
    making one costs 3 s and fetches hatchling from an index."""
    import tomllib

    out = tmp_path_factory.mktemp("wheel")
    pyproject = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    backend = pyproject["build-system"]["build-backend"]
    build = "import importlib, sys; importlib.import_module(sys.argv[1]).build_wheel(sys.argv[2])"
    subprocess.run(
        [sys.executable, "-c", build, backend, str(out)],
        check=True,
        capture_output=True,
        cwd=REPOSITORY,
    )
    [built] = out.glob("cqfacts-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_carries_an_index_its_installed_code_accepts(wheel, tmp_path):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {"cqfacts/facts.toml", "cqfacts/facts.index"} <= names
        reports = sorted(path.stem for path in (REPOSITORY / "reports").glob("*.toml"))
        assert reports and all(
            {f"cqfacts/reports/{name}.toml", f"cqfacts/reports/{name}.index"} <= names
            for name in reports
        )
        archive.extractall(tmp_path / "site")
    # The unpacked wheel ahead of the editable install on the path: what an install
    # of it would run, in a process whose cache directory cannot be made.
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / "site"),
        "CQFACTS_CACHE_DIR": str(tmp_path / "no-cache"),
    }
    env.pop("CQFACTS_FACTS", None)
    check = (
        "import cqfacts.store.loader as l; x = l.load(); every = l.load_many(None); "
        "print(l.__file__, x.from_package, len(x.base.facts), every.from_package, "
        "len(every.base.reports), len(every.base.years))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], env=env, capture_output=True, text=True, check=True
    )
    module, from_package, count, every_from_package, reports, years = result.stdout.split()
    assert Path(module).is_relative_to(tmp_path / "site")
    assert (from_package, int(count) > 100) == ("True", True)
    # Every shipped file, each from its packaged entry: the years out of the box.
    assert every_from_package == "True" and int(reports) == 1 + len(reports_shipped())
    assert int(years) >= 10
