"""Start-up and search timings of the installed `cqfacts`, as ratios to `python -c pass`.

Usage:  python benchmarks/bench.py [--runs N]

Builds a fact base 150 times the shipped one (its topics repeated under new names
and ids), then times each command interleaved with `python -c pass` in one run, so
machine load affects both alike. Prints a table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from cqfacts.export import to_toml
from cqfacts.loader import load
from cqfacts.model import FactBase, Topic

SCALE = 150


def build_large_base(copies: int = SCALE) -> str:
    base = load(cache_dir=None).base
    facts, topics = [], {}
    for copy in range(copies):
        for topic in base.topics.values():
            name = f"{topic.name}{copy}" if copy else topic.name
            ids = []
            for fact_id in topic.fact_ids:
                fact = base.by_id[fact_id]
                new_id = f"{fact.id}-{copy}" if copy else fact.id
                facts.append(replace(fact, id=new_id, topic=name))
                ids.append(new_id)
            topics[name] = Topic(name, topic.en, topic.aliases, tuple(ids))
    large = FactBase(meta=base.meta, pillars=base.pillars, topics=topics, facts=tuple(facts))
    return to_toml(large)


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time in seconds and peak memory in KiB of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per command (default 21)")
    runs = parser.parse_args().runs
    cqfacts = shutil.which("cqfacts", path=str(Path(sys.executable).parent)) or shutil.which("cqfacts")
    if not cqfacts:
        raise SystemExit("cqfacts is not installed next to this Python")

    with tempfile.TemporaryDirectory() as scratch:
        large = Path(scratch) / "large.toml"
        large.write_text(build_large_base(), encoding="utf-8")
        env = {**os.environ, "CQFACTS_CACHE_DIR": str(Path(scratch) / "cache"), "COLUMNS": "100"}
        env.pop("CQFACTS_FACTS", None)
        large_env = {**env, "CQFACTS_FACTS": str(large)}
        cold_env = {**large_env, "CQFACTS_CACHE_DIR": str(Path(scratch) / "cold")}
        facts_count = large.read_text(encoding="utf-8").count("[[topics.")

        baseline = [sys.executable, "-c", "pass"]
        cases = [
            ("cqfacts search 高新技术企业 --json", [cqfacts, "search", "高新技术企业", "--json"], env, 7),
            ("cqfacts search gxjsqy --json", [cqfacts, "search", "gxjsqy", "--json"], env, 7),
            ("cqfacts search 技术合同 (table, piped)", [cqfacts, "search", "技术合同"], env, 10),
            ("cqfacts pillar 4 (table, piped)", [cqfacts, "pillar", "4"], env, 10),
            ("cqfacts --help", [cqfacts, "--help"], env, 10),
            (
                f"search on {SCALE}x base ({facts_count} facts), warm",
                [cqfacts, "search", "高新技术企业", "--json"],
                large_env,
                15,
            ),
        ]
        cold_time, cold_memory = run_once(cases[-1][1], cold_env)  # also the warm-up
        for _, command, case_env, _ in cases:
            run_once(command, case_env)

        times: dict[str, list[float]] = {"baseline": []}
        peak = 0
        for _ in range(runs):
            times["baseline"].append(run_once(baseline, env)[0])
            for name, command, case_env, _ in cases:
                elapsed, memory = run_once(command, case_env)
                times.setdefault(name, []).append(elapsed)
                if case_env is large_env:
                    peak = max(peak, memory)

    floor = statistics.median(times["baseline"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"python -c pass: {floor * 1000:.1f} ms (median of {runs})\n")
    print(f"{'command':<48} {'median':>9} {'ratio':>6} {'target':>7}")
    failures = 0
    for name, _, _, target in cases:
        median = statistics.median(times[name])
        ratio = median / floor
        failures += ratio > target
        verdict = "ok" if ratio <= target else "MISSED"
        print(f"{name:<48} {median * 1000:7.1f}ms {ratio:5.1f}x {'≤' + str(target) + 'x':>7} {verdict}")
    peak_mib = max(peak, cold_memory) / 1024
    cold_ok, memory_ok = cold_time <= 5, peak_mib <= 150
    failures += (not cold_ok) + (not memory_ok)
    print(f"{'first (cold) run on the large base':<48} {cold_time * 1000:7.0f}ms {'':>6} {'≤5s':>7} {'ok' if cold_ok else 'MISSED'}")
    print(f"{'peak memory on the large base':<48} {peak_mib:7.1f}MiB {'':>4} {'≤150MiB':>7} {'ok' if memory_ok else 'MISSED'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
