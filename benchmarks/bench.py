"""Start-up and search timings of the installed `cqfacts`, as ratios to `python -c pass`.

Usage:  python benchmarks/bench.py [--runs N]

Builds a fact base 150 times the shipped one (its topics repeated under new names
and ids), then times each command interleaved with `python -c pass` in one run, so
machine load affects both alike (commands in a shuffled order each round): among
them two reports loaded together (the shipped one and a copy as 2022's; the 150x
base as 2022's with the shipped one), and the first run after install, with an
empty cache each time (against a warm run: the wheel carries the shipped base's
index; an editable install has none, and that row says so), and ten reports loaded
together, warm, against the same run just after another fact file's first load (which
once evicted some of their entries: the cache's cap counted files, not loads). Then
times searches for 20,000-character queries of the shapes that once were slow,
against a budget of one second each, and searches that once backtracked for minutes
on a fact file with a 150-character label. Prints a table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cqfacts.facts.model import FactBase, Topic
from cqfacts.output.export import to_toml
from cqfacts.store.loader import load
from cqfacts.store.paths import shipped_fact_path

SCALE = 150
COLD_RUNS = 3
LONG_QUERY = 20_000
# Pasted pages and keyboard accidents: each shape once cost one scan per word.
LONG_QUERIES = {
    "one character repeated": "高" * LONG_QUERY,
    "a two-letter word repeated": ("kj " * LONG_QUERY)[:LONG_QUERY],
    "a number repeated": ("7565 " * LONG_QUERY)[:LONG_QUERY],
    "distinct numbers": " ".join(map(str, range(LONG_QUERY)))[:LONG_QUERY],
    "distinct words": " ".join(f"w{n}" for n in range(LONG_QUERY))[:LONG_QUERY],
    "mixed pieces repeated": ("高新 high tech 7565 gxjsqy " * LONG_QUERY)[:LONG_QUERY],
    "characters in no order": "".join(chr(0x4E00 + n * 7919 % 20_000) for n in range(LONG_QUERY)),
    "a letter, then one character": "a" + "平" * (LONG_QUERY - 1),
}
LONG_QUERY_BUDGET = 1.0  # seconds, the whole run
# A label of one character 150 times: abbreviations and loose pinyin once tried every
# way to spread these queries over it (two minutes and more each).
LONG_LABEL = "技" * 150
LONG_LABEL_QUERIES = ("技技技技技龙", "j j j j z", "技技技技z", "ji" * 19 + "z")


def build_large_base(copies: int = SCALE) -> str:
    base = load(cache_dir=None).base
    facts, topics = [], {}
    for copy in range(copies):
        for topic in base.topics.values():
            name = f"{topic.name}{copy}" if copy else topic.name
            ids = []
            for fact_id in topic.fact_ids:
                fact = base.by_id[fact_id]
                new_id, former = fact.id, fact.former_ids
                if copy:  # a copy's ids, and the ids it had before, are its own
                    new_id = f"{fact.id}-{copy}"
                    former = tuple(f"{old}-{copy}" for old in fact.former_ids)
                facts.append(fact._replace(id=new_id, topic=name, former_ids=former))
                ids.append(new_id)
            topics[name] = Topic(name, topic.en, topic.aliases, tuple(ids))
    large = FactBase(meta=base.meta, pillars=base.pillars, topics=topics, facts=tuple(facts))
    return to_toml(large)


def build_long_label_base() -> str:
    base = load(cache_dir=None).base
    first = base.facts[0]
    long = first._replace(label=LONG_LABEL, aliases=(*first.aliases, " ".join(LONG_LABEL)))
    facts = (long, *base.facts[1:])
    return to_toml(FactBase(meta=base.meta, pillars=base.pillars, topics=base.topics, facts=facts))


def as_year(text: str, year: int) -> str:
    """A fact file's text as another year's report (its first `year = ` line, [meta]'s)."""
    head, found, tail = text.partition("\nyear = ")
    assert found, "no year in [meta]"
    return f"{head}{found}{year}{tail[tail.index(chr(10)) :]}"


def has_packaged_index() -> bool:
    """Whether the installed cqfacts carries the shipped base's index (not editable)."""
    from cqfacts.store import loader

    finder = getattr(loader, "packaged_index_path", None)
    return finder is not None and os.path.isfile(finder())


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time in seconds and peak memory in KiB of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed")
    return elapsed, usage.ru_maxrss


def row(name: str, value: str, ratio: str, target: str, ok: bool) -> str:
    return f"{name:<46} {value:>10} {ratio:>6} {target:>8}  {'ok' if ok else 'MISSED'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (default 21)")
    parser.add_argument("--write-large", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--write-long-label", metavar="PATH", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.write_large:
        Path(arguments.write_large).write_text(build_large_base(), encoding="utf-8")
        return 0
    if arguments.write_long_label:
        Path(arguments.write_long_label).write_text(build_long_label_base(), encoding="utf-8")
        return 0
    runs = arguments.runs
    here = str(Path(sys.executable).parent)
    cqfacts = shutil.which("cqfacts", path=here) or shutil.which("cqfacts")
    if not cqfacts:
        raise SystemExit("cqfacts is not installed next to this Python")

    with tempfile.TemporaryDirectory() as scratch:
        large = Path(scratch) / "large.toml"
        # Built in another process: a child inherits this one's peak memory
        # (Linux keeps ru_maxrss across exec), which would spoil the measurement.
        subprocess.run([sys.executable, __file__, "--write-large", str(large)], check=True)
        long_label = Path(scratch) / "long-label.toml"
        subprocess.run(
            [sys.executable, __file__, "--write-long-label", str(long_label)], check=True
        )
        env = {**os.environ, "CQFACTS_CACHE_DIR": str(Path(scratch) / "cache"), "COLUMNS": "100"}
        env.pop("CQFACTS_FACTS", None)
        large_env = {**env, "CQFACTS_FACTS": str(large)}
        cold_env = dict(large_env)
        # The path only: loading the base here would grow this process, and every
        # child it starts begins with its peak memory (Linux's ru_maxrss after fork).
        shipped = str(shipped_fact_path())
        earlier = Path(scratch) / "2022.toml"
        earlier.write_text(as_year(Path(shipped).read_text(encoding="utf-8"), 2022), "utf-8")
        large_earlier = Path(scratch) / "large-2022.toml"
        large_earlier.write_text(as_year(large.read_text(encoding="utf-8"), 2022), "utf-8")
        two_env = {**env, "CQFACTS_FACTS": os.pathsep.join(("+", str(earlier)))}
        two_large_env = {**env, "CQFACTS_FACTS": os.pathsep.join(("+", str(large_earlier)))}
        # A cache directory removed before each run: every run is a first run.
        first_dir = Path(scratch) / "first"
        first_env = {**env, "CQFACTS_CACHE_DIR": str(first_dir)}
        fact_count = large.read_text(encoding="utf-8").count("[[topics.")
        shipped_text = Path(shipped).read_text(encoding="utf-8")
        reports = Path(scratch) / "reports"
        reports.mkdir()
        for year in range(TEN_FROM, TEN_FROM + 10):
            (reports / f"{year}.toml").write_text(as_year(shipped_text, year), "utf-8")
        # A cache of their own: the other files' first loads evict the least recently
        # used load, which in the shared cache could be another case's.
        ten_cache = str(Path(scratch) / "ten-cache")
        ten_env = {**env, "CQFACTS_FACTS": str(reports), "CQFACTS_CACHE_DIR": ten_cache}
        hello = Path(scratch) / "hello.py"
        hello.write_text(HELLO_TYPER, encoding="utf-8")

        search = [cqfacts, "search", "高新技术企业", "--json"]
        cases = [
            ("cqfacts search 高新技术企业 --json", search, env, 3.5),
            ("cqfacts search gxjsqy --json", [cqfacts, "search", "gxjsqy", "--json"], env, 3.5),
            ("cqfacts search 技术合同 (table, piped)", [cqfacts, "search", "技术合同"], env, 5),
            ("cqfacts pillar 4 (table, piped)", [cqfacts, "pillar", "4"], env, 5),
            ("cqfacts --help", [cqfacts, "--help"], env, 7),
            (f"search, {SCALE}x base ({fact_count} facts), warm", search, large_env, 12),
            # No target of the for two small reports: shown beside one report.
            ("search, two reports (shipped + 2022's)", search, two_env, 0),
            # The large base's target: its index joined after the shipped one's.
            (f"search, shipped + {SCALE}x base as 2022's", search, two_large_env, 12),
            (FIRST_RUN, search, first_env, 0),
            ("(reference: a hello-world typer app)", [sys.executable, str(hello)], env, 0),
        ]
        # The median of three first runs, each with a cache directory of its own: one
        # run of seconds is at the mercy of whatever else the machine does.
        colds = [
            run_once(search, {**cold_env, "CQFACTS_CACHE_DIR": str(Path(scratch) / f"cold{n}")})
            for n in range(COLD_RUNS)
        ]
        cold_time = statistics.median(time for time, _ in colds)
        cold_memory = max(memory for _, memory in colds)
        run_once(search, large_env)  # the large base's warm-up
        for _, command, case_env, _ in cases:
            run_once(command, case_env)
        long_times = {
            shape: statistics.median(
                run_once([cqfacts, "search", "--json", "--", query], env)[0]
                for _ in range(max(3, runs // 4))
            )
            for shape, query in LONG_QUERIES.items()
        }
        long_label_search = [cqfacts, "--facts", str(long_label), "search", "--json", "--"]
        run_once([*long_label_search, "技"], env)  # builds its index
        long_label_times = {
            query: statistics.median(
                run_once([*long_label_search, query], env)[0] for _ in range(max(3, runs // 4))
            )
            for query in LONG_LABEL_QUERIES
        }

        run_once(search, ten_env)  # builds their entries
        ten_warm: list[float] = []
        ten_after_other: list[float] = []
        for number in range(max(3, runs // 4)):
            ten_warm.append(run_once(search, ten_env)[0])
            other = Path(scratch) / f"other-{number}.toml"
            other.write_text(as_year(shipped_text, TEN_FROM - 1 - number), "utf-8")
            run_once(search, {**ten_env, "CQFACTS_FACTS": str(other)})  # writes an entry
            ten_after_other.append(run_once(search, ten_env)[0])

        baseline: list[float] = []
        times: dict[str, list[float]] = {name: [] for name, *_ in cases}
        warm_memory = 0
        order = random.Random(2023)
        for _ in range(runs):
            baseline.append(run_once([sys.executable, "-c", "pass"], env)[0])
            # A fresh order each round: no command always follows the same one.
            for name, command, case_env, _ in order.sample(cases, len(cases)):
                if case_env is first_env:
                    shutil.rmtree(first_dir, ignore_errors=True)
                elapsed, memory = run_once(command, case_env)
                times[name].append(elapsed)
                if case_env is large_env:
                    warm_memory = max(warm_memory, memory)

    floor = statistics.median(baseline)
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"python -c pass: {floor * 1000:.1f} ms, median of {runs} runs interleaved\n")
    print(f"{'command':<46} {'median':>10} {'ratio':>6} {'target':>8}")
    failures = 0
    for name, _, _, target in cases:
        median = statistics.median(times[name])
        ok = not target or median / floor <= target
        failures += not ok
        limit = f"≤{target}x" if target else ""
        print(row(name, f"{median * 1000:.1f}ms", f"{median / floor:.1f}x", limit, ok))
    first, warm = (statistics.median(times[name]) for name in (FIRST_RUN, cases[0][0]))
    packaged = has_packaged_index()
    ten = statistics.median(ten_after_other) / statistics.median(ten_warm)
    checks = [
        (
            "first run after install / a warm run" + ("" if packaged else " (editable: n/a)"),
            f"{first / warm:.2f}x",
            "≤1.5x" if packaged else "",
            not packaged or first / warm <= 1.5,
        ),
        ("first (cold) run, large base", f"{cold_time:.2f}s", "≤5s", cold_time <= 5),
        ("10 reports after another's first load / warm", f"{ten:.2f}x", "≤1.5x", ten <= 1.5),
        ("peak memory, large base, warm", f"{warm_memory / 1024:.0f}MiB", "≤150MiB",
         warm_memory / 1024 <= 150),
        ("peak memory, large base, cold (no target)", f"{cold_memory / 1024:.0f}MiB", "", True),
    ]  # fmt: skip
    for name, value, target, ok in checks:
        failures += not ok
        print(row(name, value, "", target, ok))
    print(f"\nsearch --json for a {LONG_QUERY:,}-character query, median")
    for shape, elapsed in long_times.items():
        ok = elapsed <= LONG_QUERY_BUDGET
        failures += not ok
        print(row(f"  {shape}", f"{elapsed * 1000:.0f}ms", "", f"≤{LONG_QUERY_BUDGET:.0f}s", ok))
    print(f"\nsearch --json on a fact file with a {len(LONG_LABEL)}-character label, median")
    for query, elapsed in long_label_times.items():
        ok = elapsed <= LONG_QUERY_BUDGET
        failures += not ok
        print(row(f"  {query}", f"{elapsed * 1000:.0f}ms", "", f"≤{LONG_QUERY_BUDGET:.0f}s", ok))
    return 1 if failures else 0


FIRST_RUN = "search, first run (empty cache each run)"
TEN_FROM = 2000  # the years of the ten reports loaded together
HELLO_TYPER = """\
import typer

app = typer.Typer()


@app.command()
def main(name: str = "x"):
    print(name)


app()
"""


if __name__ == "__main__":
    sys.exit(main())
