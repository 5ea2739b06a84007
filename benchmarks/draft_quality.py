"""How good a draft is, on real texts labelled by hand (issue 23): figures found,
changes attached to their figure, subjects in the label, non-figures drafted as
figures, spurious facts.

Usage:  python benchmarks/draft_quality.py [--truth benchmarks/draft_truth.toml]
                                           [--shared ../shared] [--verbose]

Another set of texts is measured alike with ``--truth its-truth.toml --shared its-folder``.
Its truth file may say ``source_line = true`` (each text's first line names where it was
published and is dropped before drafting; line numbers count after it), and an entry
``paragraphs = true`` (a PDF's copy whose paragraphs are blank-line separated: its
labels are by paragraph, so the same labels serve the text and its copy) and
``pdf_copy = true`` (a text already a PDF's copy, not cut again for the PDF variant).

The labels are ours (benchmarks/draft_truth.toml: each line's figures with the
subject a label must hold and the change that belongs to them, and its numbers that
are no figures); the texts stay in the shared folder beside the repository. It
drafts with whatever ``cqfacts`` imports, so an older checkout is measured alike
(``git archive <commit> src | tar -x -C /tmp/old`` and ``PYTHONPATH=/tmp/old/src``).

Matching, line by line: a hand-labelled figure is found when a drafted fact of its
line (not a 《》 document) has a value_text that holds it, each fact used once, in
text order; its change is attached when that fact's change text holds the change;
its subject is right when the fact's label holds one of the subject's alternatives
(compared in simplified characters). A drafted fact that holds no labelled figure
is a non-figure drafted when it holds a labelled non-figure, else a spurious fact
(a change drafted apart from its figure, a repeat, a piece of a name).
A measurement, not a target: nothing in the code is tuned to these texts.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cqfacts.text.draft import draft_report
from cqfacts.text.report import detection_text

HERE = Path(__file__).resolve().parent
DEFAULT_TRUTH = HERE / "draft_truth.toml"
DEFAULT_SHARED = HERE.parents[1] / "shared"


@dataclass
class Score:
    figures: int = 0
    found: int = 0
    changes: int = 0
    attached: int = 0
    subjects_right: int = 0
    non_figures_drafted: int = 0
    spurious: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("figures", "found", "changes", "attached", "subjects_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.non_figures_drafted += other.non_figures_drafted
        self.spurious += other.spurious
        self.misses += other.misses


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}% ({part}/{whole})" if whole else "    -"


def _compared(text: str) -> str:
    """A text as figures and labels are compared: simplified, no spaces."""
    return "".join(detection_text(text).split())


def _held(fact: dict[str, Any]) -> str:
    """What a drafted fact holds of the text: its value_text, or for a change alone
    (no level in the text, 研发人员增长64.4%) its change's text."""
    return fact["value_text"] or (fact["change"]["text"] if fact["change"] else "")


def _score_line(where: str, truth: dict[str, Any], facts: list[dict[str, Any]]) -> Score:
    score = Score()
    unused = list(facts)
    for written, subject, change in truth.get("figures", []):
        score.figures += 1
        score.changes += bool(change)
        needle = _compared(written)
        match = next((fact for fact in unused if needle in _compared(_held(fact))), None)
        if match is None:
            score.misses.append(f"{where}: {written} not found")
            continue
        unused.remove(match)
        score.found += 1
        drafted_change = _compared(match["change"]["text"]) if match["change"] else ""
        if change and _compared(change) in drafted_change:
            score.attached += 1
        elif change:
            score.misses.append(f"{where}: {written}'s change {change} not attached")
        label = _compared(match["label"])
        if any(_compared(part) in label for part in subject.split("|")):
            score.subjects_right += 1
        else:
            score.misses.append(f"{where}: {written} labelled {match['label']!r}, not {subject}")
    non_figures = [_compared(text) for text in truth.get("non_figures", [])]
    for fact in unused:
        value_text = _compared(_held(fact))
        if any(text in value_text or value_text in text for text in non_figures):
            score.non_figures_drafted += 1
            score.misses.append(f"{where}: non-figure {_held(fact)} drafted")
        else:
            score.spurious += 1
            score.misses.append(f"{where}: spurious {_held(fact)} ({fact['label']})")
    return score


# --- The same texts as the hidden kinds come: in traditional characters, and as a
# PDF's copy (hard line breaks at a page's width, a space between number and unit).

PDF_WIDTH = 36  # characters a copied PDF line holds
_NUMBER_THEN_UNIT = re.compile(r"(\d)(?=[\u4e00-\u9fff%])")


def as_published(text: str) -> tuple[str, list[int]]:
    return text, list(range(1, text.count("\n") + 2))


def in_traditional(text: str) -> tuple[str, list[int]]:
    import opencc

    return opencc.OpenCC("s2t").convert(text), list(range(1, text.count("\n") + 2))


def as_pdf_copy(text: str) -> tuple[str, list[int]]:
    """Each line cut every PDF_WIDTH characters, a space after each number that a
    unit or a Chinese word follows; and which original line each new line was."""
    lines, origin = [], []
    for number, line in enumerate(text.split("\n"), start=1):
        spaced = _NUMBER_THEN_UNIT.sub(r"\1 ", line)
        pieces = [spaced[at : at + PDF_WIDTH] for at in range(0, len(spaced), PDF_WIDTH)]
        for piece in pieces or [""]:
            lines.append(piece)
            origin.append(number)
    return "\n".join(lines), origin


VARIANTS = {
    "as published": as_published,
    "traditional characters": in_traditional,
    "PDF copy (line breaks, spaces)": as_pdf_copy,
}


def _paragraph_of(text: str) -> list[int]:
    """Each line's paragraph (paragraphs end at a blank line), counted from 1."""
    numbers, paragraph, blank = [], 1, False
    for line in text.split("\n"):
        if not line.strip():
            blank = True
        elif blank:
            paragraph, blank = paragraph + 1, False
        numbers.append(paragraph)
    return numbers


def score_text(
    shared: Path, entry: dict[str, Any], variant: str = "as published", source_line: bool = False
) -> Score:
    original = (shared / entry["path"]).read_text(encoding="utf-8")
    if source_line:
        original = original.partition("\n")[2]
    # A text that is already a PDF's copy is not cut again (a 36-character line then a
    # 3-character one is no page's wrapping).
    made = as_published if entry.get("pdf_copy") else VARIANTS[variant]
    text, origin = made(original) if variant.startswith("PDF") else VARIANTS[variant](original)
    place = _paragraph_of(original) if entry.get("paragraphs") else None
    facts = [f for f in draft_report(text, year=entry["year"]).facts if f["kind"] != "policy"]
    by_line: dict[int, list[dict[str, Any]]] = {}
    for fact in sorted(facts, key=lambda fact: (fact["line"], fact["column"])):
        line = origin[fact["line"] - 1]
        by_line.setdefault(place[line - 1] if place else line, []).append(fact)
    lines: dict[str, Any] = entry.get("lines", {})
    score = Score()
    for line in sorted(set(by_line) | {int(key) for key in lines}):
        where = f"{Path(entry['path']).name}:{line}"
        score.add(_score_line(where, lines.get(str(line), {}), by_line.get(line, [])))
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, default=DEFAULT_TRUTH)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--verbose", action="store_true", help="List every miss.")
    args = parser.parse_args()
    truth = tomllib.loads(args.truth.read_text(encoding="utf-8"))
    if not (args.shared / truth["texts"][0]["path"]).is_file():
        print(f"the shared texts are not at {args.shared}: give --shared", file=sys.stderr)
        return 2
    for variant in VARIANTS:
        total = Score()
        for entry in truth["texts"]:
            total.add(score_text(args.shared, entry, variant, truth.get("source_line", False)))
        print(f"--- {variant}")
        print(f"figures found            {_share(total.found, total.figures)}")
        print(f"changes attached         {_share(total.attached, total.changes)}")
        print(f"subjects right           {_share(total.subjects_right, total.found)}")
        print(f"non-figures drafted      {total.non_figures_drafted}")
        print(f"spurious facts           {total.spurious}")
        if args.verbose and total.misses:
            print("  " + "\n  ".join(total.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
