"""Seconds per MB of `draft` and `audit` on large and hostile texts (issue 20, row 8).

Usage:  python benchmarks/draft_scale.py [--source REPORT.txt] [--budget S_PER_MB]

The texts the issue timed: the report repeated 160 times (1.6 MB: 24 s before),
485 times on one line (5 MB: killed after 120 s), and "二" * 100,000 + "个" (22 s);
besides them, a text of distinct words (where spelling ids cannot reuse a word
already spelled) and one dense with figures (a figure every few characters, the most
work per MB a text can ask). Each is drafted (``draft_report`` and its TOML) and
audited against the shipped facts in this process, imports and the first call's
start-up left out. The text of distinct words is audited against its own draft too:
60,000 facts in one section, whose texts a scan of the source each made quadratic
(36 s); past audit.MANY_TEXTS texts, one pass finds them all.
Prints a table; exits 1 if one of the issue's texts takes more than the budget
(3 s per MB) in either.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cqfacts.errors import DraftError
from cqfacts.facts.factfile import parse_fact_file
from cqfacts.store.loader import load
from cqfacts.text.audit import audit
from cqfacts.text.draft import draft_report

BUDGET = 3.0  # seconds per MB
DEFAULT_SOURCE = (
    Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_6d581c0dd9f637d5.txt"
)


def _texts(report: str) -> dict[str, tuple[str, bool]]:
    """Name -> (text, whether the issue timed it and the budget applies)."""
    lines = report if report.endswith("\n") else report + "\n"
    one_line = report.replace("\r", "").replace("\n", "")
    chosen = random.Random(20)
    characters = [char for char in dict.fromkeys(report) if "\u4e00" <= char <= "\u9fff"]
    distinct = "".join(
        "".join(chosen.choices(characters, k=chosen.randint(4, 12)))
        + f"{chosen.randint(1, 99_999)}{chosen.choice('个家项亿元%名')},"
        for _ in range(60_000)
    )
    return {
        "report x160, lines": (lines * 160, True),
        "report x485, one line": (one_line * 485, True),
        '"二" * 100,000 + "个"': ("二" * 100_000 + "个", True),
        "distinct words": (distinct, False),
        "a figure every 4 characters": ("新增3个," * 60_000, False),
    }


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _draft(text: str) -> None:
    """Drafted, and written as TOML where a fact file can hold it (the report repeated
    160 times has 960 pillars, past a fact file's 100: `cqfacts draft` says so)."""
    drafted = draft_report(text, year=2024)
    with contextlib.suppress(DraftError):
        drafted.to_toml()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="The report's text.")
    parser.add_argument("--budget", type=float, default=BUDGET, help="Seconds per MB allowed.")
    args = parser.parse_args()
    if not args.source.is_file():
        print(f"no report text at {args.source}: give one with --source", file=sys.stderr)
        return 2
    facts = load(cache_dir=None, packaged=False).base.facts
    draft_report("2023年,新增企业3个。").to_toml()  # imports, OpenCC and pypinyin warmed
    missed = []
    print(f"{'text':32} {'MB':>6} {'draft s':>8} {'s/MB':>6} {'audit s':>8} {'s/MB':>6}")
    for name, (text, budgeted) in _texts(args.source.read_text(encoding="utf-8")).items():
        megabytes = len(text.encode()) / 2**20
        drafted = _seconds(lambda text=text: _draft(text))
        audited = _seconds(lambda text=text: audit(text, facts))
        rates = drafted / megabytes, audited / megabytes
        over = budgeted and max(rates) > args.budget
        mark = "  over budget" if over else "" if budgeted else "  (no budget)"
        print(
            f"{name:32} {megabytes:6.2f} {drafted:8.2f} {rates[0]:6.2f} {audited:8.2f}"
            f" {rates[1]:6.2f}{mark}",
            flush=True,
        )
        if over:
            missed.append(name)
    own = _texts(args.source.read_text(encoding="utf-8"))["distinct words"][0]
    own_facts = parse_fact_file(draft_report(own, year=2024).to_toml(), "own.toml").facts
    megabytes = len(own.encode()) / 2**20
    audited = _seconds(lambda: audit(own, own_facts))
    print(
        f"{'distinct words, own draft':32} {megabytes:6.2f} {'':8} {'':6} {audited:8.2f}"
        f" {audited / megabytes:6.2f}  (no budget)"
    )
    if missed:
        print(f"over {args.budget} s per MB: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
