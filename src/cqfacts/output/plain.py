"""Views drawn as plain text, without rich: what rich draws for a pipe without colour,
character for character, at a fraction of its start-up cost (rich takes ~25 ms to
import; this module nothing).

A table is the layout's own lines (:meth:`cqfacts.output.layout.Grid.lines`), which
rich prints too; text is wrapped as rich wraps it. It answers None for what it cannot
promise to draw as rich does (a character whose width rich might count otherwise), so
the caller lets rich draw it instead. ``tests/test_fast_path.py`` holds the two to the
same text.
"""

from __future__ import annotations

import itertools
import os
import re
from bisect import bisect_right
from collections.abc import Mapping

from cqfacts.output.layout import MIN_WIDTH, Grid, Styled, width
from cqfacts.output.terminal import size_from
from cqfacts.output.views import Page, View

#: Characters whose terminal width :func:`cqfacts.output.layout.width` and rich count alike,
#: one by one and in a row: printable ASCII, Latin, Greek and Cyrillic letters,
#: punctuation, symbols, box drawing, and Chinese, Japanese and full-width forms.
#: Left out: combining marks, joiners, variation selectors, emoji sequences, and a
#: few symbols the two disagree on (trigrams ☰…☷, digrams ⚊…⚏, Hangul fillers).
#: ``tests/test_plain.py`` checks every character of these ranges against rich.
DRAWABLE_RANGES = (
    (0x20, 0x7E), (0xA1, 0xAC), (0xAE, 0x2FF), (0x391, 0x3C9), (0x401, 0x451),
    (0x2010, 0x2027), (0x2030, 0x205E), (0x2100, 0x23FF), (0x2460, 0x262F),
    (0x2638, 0x2689), (0x2690, 0x27BF), (0x2E80, 0x2FDF), (0x3000, 0x3029),
    (0x3030, 0x3098), (0x309B, 0x3163), (0x3165, 0x33FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF01, 0xFF9F),
    (0xFFA1, 0xFFEE), (0x20000, 0x2FA1F),
)  # fmt: skip
# The ranges' edges in order: a code point inside a range falls after an odd number
# of them. (A regular expression of these ranges takes ~1 ms to compile.)
_EDGES = [edge for first, last in DRAWABLE_RANGES for edge in (first, last + 1)]


def drawable(text: str) -> bool:
    """Whether every character of the text (line breaks aside) is one whose width
    rich counts as we do."""
    text = text.replace("\n", "")
    return text.isprintable() and all(bisect_right(_EDGES, ord(char)) % 2 for char in set(text))


def console_width(environ: Mapping[str, str]) -> int:
    """The width rich gives a console writing to a pipe (not a terminal): $COLUMNS
    where it is digits, else the terminal of stdin, stdout or stderr, else 80; at
    least :data:`MIN_WIDTH`, as ``render.make_console`` makes it."""
    columns = size_from(environ, "COLUMNS")  # ² is digits to rich, and not a width
    if columns is not None:
        found = columns
    else:
        found = 0
        for descriptor in (0, 1, 2):
            try:
                found = os.get_terminal_size(descriptor).columns
            except (AttributeError, ValueError, OSError):  # not a terminal
                continue
            break
        found = found or 80
    return max(found, MIN_WIDTH)


def draw(view: View, columns: int) -> str | None:
    """The view as rich would print it to a pipe without colour, trailing spaces
    left out; None where this module cannot promise the same text."""
    if columns < MIN_WIDTH:
        return None  # the CLI never draws narrower; rich's handling there is its own
    blocks: Page = view if isinstance(view, tuple) else (view,)
    lines: list[str] = []
    for block in blocks:
        drawn = _grid(block, columns) if isinstance(block, Grid) else _styled(block, columns)
        if drawn is None:
            return None
        lines += drawn
    return "".join(line.rstrip(" ") + "\n" for line in lines)


def _styled(block: Styled, columns: int) -> list[str] | None:
    """A text's lines, each wrapped as rich wraps a line (see :func:`_wrapped`)."""
    text = block.plain
    if not drawable(text):
        return None
    return [part for line in text.split("\n") for part in _wrapped(line, columns)]


# rich's "word": a run of non-spaces with the spaces before and after it.
_WORD = re.compile(r"\s*\S+\s*")


def _wrapped(line: str, columns: int) -> list[str]:
    """One line broken as rich's ``divide_line`` breaks it: word by word, greedily,
    a word wider than the line folded at the last character that fits."""
    breaks: list[int] = []
    used = 0
    for found in _WORD.finditer(line):
        start, word = found.start(), found[0]
        needed = width(word.rstrip())
        if needed <= columns - used:
            used += width(word)
        elif needed > columns:  # folded across lines
            pieces = _chopped(word, columns)
            for piece in pieces[:-1]:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            used = width(pieces[-1])
        elif used and start:
            breaks.append(start)
            used = width(word)
    edges = [0, *breaks, len(line)]
    return [line[first:last] for first, last in itertools.pairwise(edges)]


def _chopped(word: str, columns: int) -> list[str]:
    """rich's ``chop_cells``: as many characters on each line as fit."""
    lines = [""]
    used = 0
    for char in word:
        cells = width(char)
        if used + cells > columns:
            lines.append(char)
            used = cells
        else:
            lines[-1] += char
            used += cells
    return lines


def _grid(grid: Grid, columns: int) -> list[str] | None:
    widths = grid.widths(columns)
    if widths is None:  # too narrow: each row stacked, as lines of text
        stacked = [_styled(block, columns) for block in grid.stacked(columns)]
        return None if None in stacked else [line for lines in stacked for line in lines or ()]
    lines = [line.plain for line in grid.lines(columns, widths)]
    if not all(drawable(line) for line in lines):
        return None
    # A line wider than the terminal (an id longer than the table is wide, on its own
    # line) is folded as rich folds it.
    return [part for line in lines for part in _wrapped(line, columns)]
