"""Views drawn as plain text, without rich: what rich draws for a pipe without colour,
character for character, at a fraction of its start-up cost (rich takes ~25 ms to
import; this module nothing).

It draws only what it can draw exactly as rich does, and answers None for anything
else (a title or caption, a cell line wider than its column, a character
whose width rich might count otherwise), so the caller lets rich draw it instead.
``tests/test_fast_path.py`` holds the two to the same text.
"""

from __future__ import annotations

import itertools
import os
import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence

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
# rich's table: columns apart by one space of padding, a space and another padding.
_TABLE_GAP = 3
_RULE = "─"


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
    if grid.title or grid.caption or not grid.header or grid.gap != _TABLE_GAP:
        return None
    widths = grid.widths(columns)
    if widths is None:  # too narrow: each row stacked, as lines of text
        stacked = [_styled(block, columns) for block in grid.stacked(columns)]
        return None if None in stacked else [line for lines in stacked for line in lines or ()]
    justify = [grid.columns[number].justify for number in widths]
    if not widths or 0 in widths.values() or any(way not in ("left", "right") for way in justify):
        return None  # an empty column: rich gives it a cell all the same
    header = [grid.heading_lines(number, room) for number, room in widths.items()]
    rows: list[list[list[str]]] = [header]
    for cells_styled in grid.rows:
        cells = [grid.broken(cells_styled[n], n, room).plain for n, room in widths.items()]
        if not all(drawable(cell) for cell in cells):
            return None
        rows.append([cell.split("\n") for cell in cells])
    rooms = list(widths.values())
    lines: list[str] = []
    for number, lines_of_cells in enumerate(rows):
        if number > 1 and number - 1 in grid.sections:
            lines.append("")  # rich's section line: spaces only
        drawn = _row(lines_of_cells, rooms, justify, bottom=number == 0)
        if drawn is None:
            return None
        lines += drawn
        if number == 0:
            lines.append(_RULE * (sum(rooms) + _TABLE_GAP * (len(rooms) - 1)))
    return lines


def _row(
    cells: list[list[str]], rooms: list[int], justify: Sequence[str], *, bottom: bool = False
) -> list[str] | None:
    """One table row: each cell's lines padded to its column, the cells aligned at
    the top (the header's, as rich aligns them, at the bottom)."""
    height = max(len(lines) for lines in cells)
    if bottom:
        cells = [[""] * (height - len(lines)) + lines for lines in cells]
    drawn = []
    for line_number in range(height):
        parts = []
        for lines, room, way in zip(cells, rooms, justify, strict=True):
            line = lines[line_number] if line_number < len(lines) else ""
            spare = room - width(line)
            if spare < 0:
                return None  # rich would fold it
            if way == "right":  # rich right-justifies a line without its trailing spaces
                line = line.rstrip(" ")
                spare = room - width(line)
            parts.append(line + " " * spare if way == "left" else " " * spare + line)
        drawn.append((" " * _TABLE_GAP).join(parts))
    return drawn
