"""Shared fixtures: every test runs with its own cache directory, a fixed terminal
width and no fact-file override from the caller's environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any


def _keep_bytecode() -> None:
    """Where PYTHONDONTWRITEBYTECODE is set, every process compiled cqfacts (and the
    tests) from source, nothing being kept: about 0.1 s for each of the suite's hundred
    `python -m cqfacts` processes, and a second or two for each pytest process (assertion
    rewriting included). Bytecode is written instead, where Python keeps it (the
    gitignored __pycache__ folders), for this process and every process it starts; the
    installed packages' and the standard library's own bytecode is used as it is (a
    separate cache prefix would compile all of them anew on a fresh clone)."""
    if not sys.flags.dont_write_bytecode:
        return
    sys.dont_write_bytecode = False
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


_keep_bytecode()  # before the imports below: cqfacts is most of what gets compiled

import pytest  # noqa: E402

from cqfacts.store.loader import Loaded, load, shipped_fact_path  # noqa: E402


@pytest.hookimpl(tryfirst=True)  # before Hypothesis's plugin loads --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis's profiles, in each process that runs tests: not in pytest-xdist's
    controller, which runs none and would only start its workers later by importing
    Hypothesis (some 0.15 s), unless --hypothesis-profile names one (Hypothesis loads
    it there too).

    No deadline: a test is not a timing (a cold index build takes a varying 0.1-0.5 s).
    Where CI is set, Hypothesis loads its "ci" profile: no deadline, derandomized (a CI
    run repeats the last one's examples, so it catches a change, not a new input), and
    here 50 examples a test rather than its 100: the same 50 each run, where the other
    50 cost the suite about 6 s of its 40 on two cores. A local run tries 50 new ones
    each time, which is where new inputs are found; `--hypothesis-profile=thorough`, or
    CQFACTS_HYPOTHESIS_PROFILE=thorough, tries 2000."""
    distributing = config.getoption("numprocesses", None) and config.getoption("dist") != "no"
    controller = distributing and not os.environ.get("PYTEST_XDIST_WORKER")
    if controller and not config.getoption("--hypothesis-profile", None):
        return
    from hypothesis import settings

    settings.register_profile("ci", settings.get_profile("ci"), max_examples=50)
    settings.register_profile("local", deadline=None, max_examples=50)
    settings.register_profile("thorough", deadline=None, max_examples=2000)
    if os.environ.get("CQFACTS_HYPOTHESIS_PROFILE"):
        settings.load_profile(os.environ["CQFACTS_HYPOTHESIS_PROFILE"])
    elif settings.default.deadline is not None:
        settings.load_profile("local")


SMALL_FACTS = """\
[meta]
title = "测试报告"
title_en = "Test report"
year = 2023
region = "重庆市"
source = "A tiny fact file for tests"

[pillars.0]
title = "总体情况"
title_en = "Overview"
sections = { "0.0" = "总体情况" }
sections_en = { "0.0" = "Overview" }

[pillars.4]
title = "强化企业创新主体地位取得新突破"
title_en = "Enterprises as innovators"
sections = { "4.1" = "“双倍增”行动目标超额完成", "4.2" = "科技成果加快落地转化" }
sections_en = { "4.1" = "Double doubling", "4.2" = "Commercialising results" }

[topics."研发投入"]
en = "R&D investment"
aliases = ["R&D spending"]

[[topics."研发投入".facts]]
id = "rd-investment-total"
pillar = 0
section = "0.0"
kind = "figure"
label = "全社会研发投入总量"
label_en = "Total R&D investment"
value = 750
unit = "亿元"
value_text = "750亿元"
qualifier = "预计"
change = { value = 10, unit = "%", text = "增长10%" }

[topics."高新技术企业"]
en = "High-tech enterprises"
aliases = ["高企"]

[[topics."高新技术企业".facts]]
id = "high-tech-enterprises-total"
pillar = 4
section = "4.1"
kind = "figure"
label = "高新技术企业总数"
label_en = "High-tech enterprises (total)"
value = 7565
unit = "家"
value_text = "7565家"
change = { value = 19.2, unit = "%", text = "增长19.2%" }

[[topics."高新技术企业".facts]]
id = "high-tech-enterprises-new"
pillar = 4
section = "4.1"
kind = "figure"
label = "新认定高新技术企业"
label_en = "High-tech enterprises newly certified"
value = 3071
unit = "家"
value_text = "3071家"

[topics."技术经纪人"]
en = "Technology brokers"
aliases = []

[[topics."技术经纪人".facts]]
id = "tech-brokers-new"
pillar = 4
section = "4.2"
kind = "figure"
label = "新培育技术经纪人"
label_en = "Technology brokers newly trained"
value = 1133
unit = "人"
value_text = "1133人"

[topics."成果转化政策"]
en = "Commercialisation policy"
aliases = []

[[topics."成果转化政策".facts]]
id = "university-transfer-measures"
pillar = 4
section = "4.2"
kind = "policy"
label = "高校科技成果转化与产业化若干措施"
label_en = "Measures on commercialising university research"
value_text = "高校科技成果转化与产业化若干措施"
"""


@pytest.fixture(scope="session", autouse=True)
def opencc_converters_made_once() -> Iterator[None]:
    """One OpenCC converter per configuration for the session (per xdist worker).

    Making one loads its dictionaries and dropping it frees them: about 0.15 s for the
    three an index build makes, nearly all of a small base's cold build, paid by every
    test that builds an index in-process (and by each query with a character the base
    lacks, which search simplifies with a new "t2s" converter). A converter holds no
    state between calls, so a shared one converts exactly as a new one would; only the
    dictionaries' loading is skipped. Processes a test starts make their own."""
    import opencc

    made: dict[tuple[Any, ...], Any] = {}
    original = opencc.OpenCC

    def shared(*args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in made:
            made[key] = original(*args, **kwargs)
        return made[key]

    patch = pytest.MonkeyPatch()
    patch.setattr(opencc, "OpenCC", shared)
    yield
    patch.undo()


@pytest.fixture(scope="session", autouse=True)
def temporary_bytecode_dropped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Where a PYTHONPYCACHEPREFIX gathers bytecode, that of code under the session's
    temporary directory (a wheel a test installs) is dropped at the end, so that the
    cache does not grow with every run."""
    yield
    if sys.pycache_prefix:
        base = tmp_path_factory.getbasetemp()
        for path in {base, base.resolve()}:
            kept = Path(sys.pycache_prefix, *path.parts[1:])
            shutil.rmtree(kept, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache directory for the session, shared by the xdist workers (as processes
    share a user's cache: entries are written atomically): a process a test starts
    answers from a warm cache instead of building the index again (0.5-1 s each), and
    an index one worker built the other reads. Tests about the cache itself give their
    processes a directory of their own."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # each worker's base is in the run's own
        base = base.parent
    cache = base / "cache"
    cache.mkdir(mode=0o700, exist_ok=True)
    return cache


@pytest.fixture(autouse=True)
def isolated_environment(shared_cache: Path, monkeypatch, request) -> Path:
    cache = shared_cache
    monkeypatch.setenv("CQFACTS_CACHE_DIR", str(cache))
    # Tests pin the commands' behaviour on one known report, the 2023 work summary
    # (facts.toml); those marked shipped_set run on every shipped file, as a user does.
    if request.node.get_closest_marker("shipped_set"):
        monkeypatch.delenv("CQFACTS_FACTS", raising=False)
    else:
        monkeypatch.setenv("CQFACTS_FACTS", str(shipped_fact_path()))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("CQFACTS_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("TERM", "dumb")
    return cache


@pytest.fixture
def small_fact_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL_FACTS, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """The small fact base, indexed once per session (a cold build costs 0.3 s); read
    only, as every test uses it."""
    path = tmp_path_factory.mktemp("small") / "small.toml"
    path.write_text(SMALL_FACTS, encoding="utf-8")
    return load(path, cache_dir=None)


@pytest.fixture(scope="session")
def shipped() -> Loaded:
    """The shipped fact base, indexed once for the whole session (here, not read from
    an installed wheel's packaged index)."""
    return load(cache_dir=None, packaged=False)


# The web server's own name for the in-process client: TestClient's default, testserver,
# is a Host it refuses.
LOOPBACK = "http://127.0.0.1:8765"


# Each client is entered once per module: its requests share one event loop, as a
# server's do, rather than each starting a thread and a loop of its own (a third of a
# request's time). Starlette is imported here, not at collection: only the web tests'
# worker needs it.
@pytest.fixture(scope="module")
def client(small: Loaded) -> Iterator[Any]:
    """The web API over the small report, in process."""
    from starlette.testclient import TestClient

    from cqfacts.web.app import create_app

    with TestClient(create_app(small), base_url=LOOPBACK) as entered:
        yield entered


@pytest.fixture(scope="module")
def shipped_client(shipped: Loaded) -> Iterator[Any]:
    """The web API over the shipped report, in process."""
    from starlette.testclient import TestClient

    from cqfacts.web.app import create_app

    with TestClient(create_app(shipped), base_url=LOOPBACK) as entered:
        yield entered


@pytest.fixture(scope="session")
def shipped_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped facts at another path: read through the cache, as an installed
    wheel's own facts.toml would not be (it has a packaged index)."""
    path = tmp_path_factory.mktemp("shipped-copy") / "facts.toml"
    path.write_bytes(shipped_fact_path().read_bytes())
    return path


@pytest.fixture
def run(small_fact_file: Path) -> Callable[..., Any]:
    """Invoke the CLI in-process on the small fact file, colour off, 80 columns."""
    from typer.testing import CliRunner

    from cqfacts.cli.app import app

    runner = CliRunner()

    def invoke(*args: str, facts: Path | None = small_fact_file, **kwargs: Any) -> Any:
        options = ["--color", "never"] + (["--facts", str(facts)] if facts else [])
        return runner.invoke(app, [*options, *args], **kwargs)

    return invoke


def cqfacts_process(
    *args: str | bytes, env_extra: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m cqfacts` in a real process: for what only a process shows."""
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run(
        [sys.executable, "-m", "cqfacts", *args], capture_output=True, env=env, **kwargs
    )


# --- Scheduling (pytest-xdist) ----------------------------------------------------------

# Modules whose tests share a costly module fixture (the fast path's searches of every
# query, a browser, an MCP server), costliest first: xdist's
# `--dist loadfile` (set in pyproject.toml) runs each module on one worker, so one
# worker alone pays for it.
ONE_WORKER_MODULES = ("tests/test_fast_path.py", "tests/test_web_page.py", "tests/test_mcp.py")


def _module_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def _costly(item: pytest.Item) -> bool:
    """Marked slow, or a Hypothesis test (its examples make one test of seconds)."""
    test = getattr(item, "obj", None)
    return item.get_closest_marker("slow") is not None or bool(
        getattr(test, "is_hypothesis_test", False)
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The costliest modules first: those above in their order, then those with a test
    marked slow or a Hypothesis test, then the others, each group by decreasing number
    of tests, each module's costly tests first: with two workers, a module of seconds
    started last would leave the other idle while it runs, where modules of a fraction
    of a second at the end let both finish together. `--no-loadscope-reorder`
    (pyproject.toml) keeps this order where xdist would sort modules by their number of
    tests alone."""
    count: dict[str, int] = {}
    costly: set[str] = set()
    for item in items:
        module = _module_of(item)
        count[module] = count.get(module, 0) + 1
        if _costly(item):
            costly.add(module)

    def cost(module: str) -> tuple[int, int, int]:
        if module in ONE_WORKER_MODULES:
            return (0, ONE_WORKER_MODULES.index(module), 0)
        return (1 if module in costly else 2, 0, -count[module])

    rank = {module: place for place, module in enumerate(sorted(count, key=cost))}
    items.sort(key=lambda item: (rank[_module_of(item)], not _costly(item)))
