"""Text laid out for a fixed-width terminal: where a line may break, cell widths,
proportional bars. No rich here: the table renderer (render.py) asks this module
where to break, so an id, a figure or a word is never split inside a cell.

Line-breaking rules, a small part of Unicode's (UAX 14) and of Chinese typesetting's
(禁则): a line breaks at a space, or between two Chinese characters; never next to a
Latin letter or a digit (第8位, 2个, R&D投入 stay whole), never before closing
punctuation (，。、）” …) nor after opening punctuation (（“《 …). A line no wider
than :data:`SHORT` (a topic, a figure, a short label) is never broken; nor is an
amount (CNY 80 million, est. CNY 75 billion, over 13,000 units) at its spaces.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence

from cqfacts.fast_typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Literal

CLOSING = set("，。、；：？！）》」』”’〕】〉…·%,.;:!?)]}")
OPENING = set("（《「『“‘〔【〈([{")
#: Narrower than this, a table is unreadable: COLUMNS=0 (cron, some CI) would print
#: nothing at all, and COLUMNS=3 one letter per line. Both writers draw no narrower.
MIN_WIDTH = 40
#: Eighths of a block, for bars drawn to an eighth of a character.
_EIGHTHS = " ▏▎▍▌▋▊▉"


def char_width(char: str) -> int:
    """Terminal cells of a character: 2 for wide (CJK), 0 for combining, else 1."""
    known = _WIDTHS.get(char)
    if known is None:
        if unicodedata.combining(char) or char in "\u200b\u200c\u200d\ufeff":
            known = 0
        else:
            known = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        _WIDTHS[char] = known
    return known


# Each character's width once: a table measures thousands (every piece of a Chinese
# cell is one character), and a few hundred distinct ones.
_WIDTHS: dict[str, int] = {}


def width(text: str) -> int:
    return len(text) if text.isascii() else sum(map(char_width, text))


def _is_wide(char: str) -> bool:
    return char_width(char) == 2


def _may_break(before: str, after: str) -> bool:
    """Whether a line may break between two characters that are not spaces."""
    if after in CLOSING or before in OPENING:
        return False
    if (before.isascii() and before.isalnum()) or (after.isascii() and after.isalnum()):
        return False  # inside a number, an id or a word, or gluing a number to its unit
    return _is_wide(before) or _is_wide(after)


#: A line of text this wide or narrower (twelve Chinese characters) is never broken: a
#: topic (西部(重庆)科学城) or a short label (知识价值信用贷款发放额) reads as one
#: word, and a column too narrow for it is dropped instead. (A figure breaks at its
#: spaces, never inside its amount.)
SHORT = 24


#: A word (between spaces) this wide or narrower is never broken inside, in a longer
#: line: an alias in a list (研发投入强度, R&D), a name in a sentence.
WORD = 16


def pieces(text: str, *, cjk: bool = True) -> list[str]:
    """The unbreakable pieces of one line of text, spaces kept at the end of the piece
    before them. ``cjk=False`` breaks at spaces only (a figure: 预计750亿元)."""
    if cjk and width(text.rstrip(" ")) <= SHORT:
        return [text] if text else []
    words: list[str] = []  # each with the spaces after it
    for char in text:
        if words and (char == " " or not words[-1].endswith(" ")):
            words[-1] += char
        else:
            words.append(char)
    found: list[str] = []
    for word in words:
        if found and not _may_break_at_space(found[-1], word[0]):
            found[-1] += word
        elif cjk and width(word.rstrip(" ")) > WORD:
            found += _cjk_pieces(word)
        else:
            found.append(word)
    return found


def _cjk_pieces(word: str) -> list[str]:
    """A word without spaces (but at its end) broken where Chinese breaks."""
    found = [word[0]]
    for before, char in itertools.pairwise(word):
        if char != " " and before != " " and _may_break(before, char):
            found.append(char)
        else:
            found[-1] += char
    return found


def _may_break_at_space(before: str, after: str) -> bool:
    """Whether a line may break at the spaces ending ``before``, the text so far of
    the current piece, when ``after`` is the next character: never inside an amount,
    which keeps its currency, qualifier and unit (CNY 75, over 13,000, 80 million,
    est. CNY)."""
    word = before.rstrip(" ").rsplit(" ", 1)[-1]
    if not word.isascii():
        return True
    if after.isdigit():  # CNY 75, over 2,000,000
        return False
    if word[-1:].isdigit() and after.isalpha():  # 80 million, 865.1 亿元
        return False
    # An abbreviation before its amount: est. CNY 75 billion
    return not (word.endswith(".") and len(word) <= 5 and word[:-1].isalpha())


def min_width(text: str, *, cjk: bool = True) -> int:
    """The widest piece: a column narrower than this would have to split it."""
    return max(
        (width(piece.rstrip(" ")) for line in text.split("\n") for piece in pieces(line, cjk=cjk)),
        default=0,
    )


def natural_width(text: str) -> int:
    return max((width(line) for line in text.split("\n")), default=0)


def wrap(text: str, columns: int, *, cjk: bool = True) -> list[tuple[int, int]]:
    """Lines of at most ``columns`` cells, as (start, end) offsets into ``text`` (so a
    caller keeps the styles of its text), trailing spaces left out. A piece wider
    than ``columns`` stands alone on its line, whole."""
    lines: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start = end = offset
        used = 0
        for piece in pieces(line, cjk=cjk):
            if used and used + width(piece.rstrip(" ")) > columns:
                lines.append((start, _trimmed(text, start, end)))
                start, used = end, 0
            end += len(piece)
            used += width(piece)
        lines.append((start, _trimmed(text, start, end)))
        offset += len(line) + 1
    return lines


def _trimmed(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] == " ":
        end -= 1
    return end


def bar(value: float, top: float, columns: int = 20) -> str:
    """A bar of ``columns`` cells for ``top``, ``value``'s in proportion, to an eighth
    of a cell: no one-block floor, so a value under 1/160 of the top draws nothing."""
    if top <= 0 or value <= 0:
        return ""
    eighths = round(columns * 8 * min(1.0, value / top))
    full, rest = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


#: A style over part of a text: (start, end, style name), as rich's Span.
Span = tuple[int, int, str]


class Styled:
    """Text with styles by name ("bold", "dim italic"), without rich: what a table
    cell and a heading hold. The rendering module turns it into rich's ``Text``; the
    plain writer (:mod:`cqfacts.output.plain`) uses ``plain`` alone. Its operations mean what
    rich's do, base style included (a joined or appended text's base style becomes a
    span), so that both draw the same thing."""

    __slots__ = ("plain", "spans", "style")

    def __init__(self, plain: str = "", style: str = "", spans: list[Span] | None = None) -> None:
        self.plain, self.style = plain, style
        self.spans: list[Span] = spans if spans is not None else []

    def __len__(self) -> int:
        return len(self.plain)

    def __repr__(self) -> str:
        return f"Styled({self.plain!r}, {self.style!r}, {self.spans!r})"

    def append(self, text: str | Styled, style: str = "") -> Styled:
        offset = len(self.plain)
        if isinstance(text, Styled) and text.plain:  # rich appends nothing empty
            if text.style:
                self.spans.append((offset, offset + len(text), text.style))
            self.spans += [(start + offset, end + offset, name) for start, end, name in text.spans]
            self.plain += text.plain
        elif isinstance(text, str) and text:
            if style:
                self.spans.append((offset, offset + len(text), style))
            self.plain += text
        return self

    def stylize(self, style: str, start: int, end: int) -> None:
        if style and start < len(self.plain) and start < end:
            self.spans.append((start, min(len(self.plain), end), style))

    def __getitem__(self, where: slice) -> Styled:
        """A part of the text: the base style kept, spans cut to the part."""
        start, stop, _ = where.indices(len(self.plain))
        stop = max(start, stop)
        spans = [
            (max(0, first - start), min(last, stop) - start, name)
            for first, last, name in self.spans
            if min(last, stop) - start > max(0, first - start)
        ]
        return Styled(self.plain[start:stop], self.style, spans)

    def __add__(self, other: Styled) -> Styled:
        return Styled(self.plain, self.style, list(self.spans)).append(other)

    def join(self, parts: list[Styled]) -> Styled:
        """The parts with this text between them, as ``str.join`` (and rich's join:
        each part's base style a span, an empty part's too)."""
        joined = Styled(style=self.style)
        for number, part in enumerate(parts):
            for piece in (self, part) if number and self.plain else (part,):
                offset = len(joined.plain)
                if piece.style:
                    joined.spans.append((offset, offset + len(piece.plain), piece.style))
                joined.spans += [(a + offset, b + offset, name) for a, b, name in piece.spans]
                joined.plain += piece.plain
        return joined


def _line_offsets(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of a text."""
    found, start = [], 0
    for line in text.split("\n"):
        found.append((start, start + len(line)))
        start += len(line) + 1
    return found


class Column(NamedTuple):
    header: str
    #: Where a cell may break: "cjk" at spaces and between Chinese characters,
    #: "spaces" at spaces only (a figure: 预计750亿元 增长10%), "none" nowhere.
    breaks: str = "cjk"
    #: 0: always shown; too narrow a terminal drops the highest first (gh does).
    drop: int = 0
    justify: Literal["left", "center", "right"] = "left"
    style: str | None = None


#: The narrowest a column of text is drawn, in cells: twelve Chinese characters, a
#: few English words.
MIN_TEXT_COLUMN = SHORT


class Grid:
    """A table as text laid out for a width: cells broken only where this module
    allows (never inside an id, a figure or a word, never before closing
    punctuation), so nothing is cut and no "…" hides text; a short label, topic or
    figure is never broken at all. An id wider than its column takes a line of its
    own across the columns to its right. Too narrow for every column, it drops the
    optional ones; too narrow for the rest, each row is stacked, its cells one under
    another. It draws its own lines (:meth:`lines`); two writers print them: rich
    (render.py), in colour, and, piped without colour, the plain one (plain.py).
    (Plain classes here, not dataclasses: a lookup never imports dataclasses, see
    facts/records.py.)"""

    __slots__ = ("caption", "columns", "gap", "header", "rows", "sections", "title")

    def __init__(
        self,
        columns: list[Column],
        rows: list[list[Styled]],
        *,
        title: str | None = None,
        caption: str | None = None,
        header: bool = True,
        gap: int = 2,
        sections: tuple[int, ...] = (),
    ) -> None:
        self.columns, self.rows, self.title, self.caption = columns, rows, title, caption
        self.header, self.gap = header, gap
        #: Rows that start a section: a blank line comes before each but the first.
        self.sections = sections

    def __repr__(self) -> str:
        return (
            f"Grid({self.columns!r}, {self.rows!r}, title={self.title!r}, "
            f"caption={self.caption!r}, header={self.header!r}, gap={self.gap!r}, "
            f"sections={self.sections!r})"
        )

    def _spill(self, number: int, text: str) -> int | None:
        """Where a cell's own-line tail starts (the id under a label), or None: a last
        line of one unbreakable piece, after others. Wider than its column, it is
        drawn on a line of its own running right across the table, so that a long
        id never narrows the other columns (see :meth:`lines`)."""
        breaks = self.columns[number].breaks
        start = text.rfind("\n") + 1
        if not start or breaks == "none" or " " in text[start:] or start == 1:
            return None
        return start if len(pieces(text[start:], cjk=breaks == "cjk")) == 1 else None

    def _body(self, number: int, text: str) -> str:
        start = self._spill(number, text)
        return text if start is None else text[: start - 1]

    def _needs(self, number: int) -> tuple[int, int]:
        """A column's narrowest and natural widths."""
        column = self.columns[number]
        texts = [row[number].plain for row in self.rows]
        cjk = column.breaks == "cjk"
        natural = max([natural_width(t) for t in texts], default=0)
        narrowest = natural if column.breaks == "none" else max(
            [min_width(self._body(number, t), cjk=cjk) for t in texts], default=0
        )  # fmt: skip
        if cjk:
            # Chinese breaks between any two characters, and English between words,
            # but a column of text a few characters or words wide (高新/技术/企业,
            # Tech-based/enterprises/(total)) reads as noise: narrower than this, it
            # is dropped (or the rows stacked) instead.
            narrowest = max(narrowest, min(natural, MIN_TEXT_COLUMN))
        if not self.header:
            return narrowest, natural
        # A long heading wraps at its spaces rather than widen its column.
        heading = min_width(column.header, cjk=False)
        return max(narrowest, heading), max(natural, width(column.header))

    def widths(self, room: int) -> dict[int, int] | None:
        """The width of each column shown, or None where the rows must be stacked."""
        needs = {number: self._needs(number) for number in range(len(self.columns))}
        shown = list(needs)
        while sum(needs[n][0] for n in shown) + self.gap * (len(shown) - 1) > room:
            droppable = [n for n in shown if self.columns[n].drop]
            if not droppable:
                return None
            shown.remove(max(droppable, key=lambda n: self.columns[n].drop))
        spare = room - self.gap * (len(shown) - 1) - sum(needs[n][0] for n in shown)
        widths = {n: needs[n][0] for n in shown}
        # Shared out evenly, the columns that want least first, each taking no more
        # than it wants: a short topic or figure gets all it wants, and a long label
        # is never squeezed to a word per line to give a long topic its whole width.
        wanting = sorted(shown, key=lambda n: needs[n][1] - needs[n][0])
        for place, number in enumerate(wanting):
            share = spare // (len(wanting) - place)
            more = min(share, needs[number][1] - needs[number][0])
            widths[number] += more
            spare -= more
        return widths

    def heading_lines(self, number: int, columns: int) -> list[str]:
        heading = self.columns[number].header
        return [heading[start:end] for start, end in wrap(heading, columns, cjk=False)]

    def broken(self, cell: Styled, number: int, columns: int) -> Styled:
        """A cell with line breaks where its column's width needs them."""
        breaks = self.columns[number].breaks
        if breaks == "none":
            return cell
        lines = wrap(cell.plain, columns, cjk=breaks == "cjk")
        return Styled("\n").join([cell[start:end] for start, end in lines])

    def lines(self, room: int, widths: dict[int, int]) -> list[Styled]:
        """The table as lines of at most ``room`` cells (but an own-line tail wider
        than the whole table): title, header in bold over a rule, rows ``gap`` apart,
        a blank line before each section, caption. Both writers print these."""
        shown = list(widths)
        offsets, edge = {}, 0
        for number in shown:
            offsets[number] = edge
            edge += widths[number] + self.gap
        table_width = max(0, edge - self.gap)
        lines: list[Styled] = []
        if self.title:
            lines += [Styled(self.title[a:b], "italic") for a, b in wrap(self.title, room)]
        if self.header:
            heads = {
                n: [Styled(h, "bold") for h in self.heading_lines(n, widths[n])] for n in shown
            }
            height = max((len(h) for h in heads.values()), default=0)
            for line in range(height):  # aligned at the bottom, as rich aligns a header
                lines.append(self._line({
                    n: head[line - height + len(head)]
                    for n, head in heads.items() if line >= height - len(head)
                }, widths, offsets))  # fmt: skip
            lines.append(Styled("─" * table_width))
        for index, row in enumerate(self.rows):
            if index and index in self.sections:
                lines.append(Styled(""))
            lines += self._row_lines(row, widths, offsets, table_width)
        if self.caption:
            for a, b in wrap(self.caption, table_width or room):
                part = self.caption[a:b]
                indent = " " * max(0, (table_width - width(part)) // 2)
                lines.append(Styled(indent) + Styled(part, "dim italic"))
        return lines

    def _row_lines(
        self, row: list[Styled], widths: dict[int, int], offsets: dict[int, int], table_width: int
    ) -> list[Styled]:
        cells: dict[int, list[Styled]] = {}
        tails: dict[int, Styled] = {}
        for number, room in widths.items():
            cell = row[number]
            start = self._spill(number, cell.plain)
            if start is not None and width(cell.plain[start:]) > room:
                tails[number], cell = cell[start:], cell[: start - 1]
            broken = self.broken(cell, number, room)
            cells[number] = [broken[a:b] for a, b in _line_offsets(broken.plain)]
        height = max((len(lines) for lines in cells.values()), default=0)
        placed: dict[int, list[tuple[int, Styled]]] = {}
        for number, tail in tails.items():
            # Under its own column's lines and those of every column to its right,
            # from its column's left edge; where that leaves it too little room,
            # under the whole row from the table's left edge.
            offset = offsets[number]
            below = max(len(lines) for n, lines in cells.items() if n >= number)
            if offset + width(tail.plain) > table_width:
                offset, below = 0, max(height, max(placed, default=-1) + 1)
            while below in placed and any(o >= offset for o, _ in placed[below]):
                below += 1
            placed.setdefault(below, []).append((offset, tail))
        drawn = []
        for line in range(max(height, max(placed, default=-1) + 1)):
            parts = {n: lines[line] for n, lines in cells.items() if line < len(lines)}
            drawn.append(self._line(parts, widths, offsets, placed.get(line, [])))
        return drawn

    def _line(
        self,
        parts: dict[int, Styled],
        widths: dict[int, int],
        offsets: dict[int, int],
        tails: Sequence[tuple[int, Styled]] = (),
    ) -> Styled:
        """One line of a table: each column's part at its offset, justified in its
        width and in its column's style; a tail from its offset; no trailing spaces."""
        placed: list[tuple[int, Styled]] = list(tails)
        for number, part in parts.items():
            column = self.columns[number]
            text = Styled(part.plain.rstrip(" "), "", [
                *([(0, len(part.plain), column.style)] if column.style else []),
                *([(0, len(part.plain), part.style)] if part.style else []), *part.spans,
            ])[: len(part.plain.rstrip(" "))]  # fmt: skip
            spare = widths[number] - width(text.plain)
            if column.justify == "right":
                placed.append((offsets[number] + max(0, spare), text))
            elif column.justify == "center":
                placed.append((offsets[number] + max(0, spare) // 2, text))
            else:
                placed.append((offsets[number], text))
        line = Styled("")
        for offset, text in sorted(placed, key=lambda item: item[0]):
            if not text.plain:
                continue
            line.append(" " * max(0, offset - width(line.plain)))
            line.append(text)
        return line

    def stacked(self, columns: int) -> list[Styled]:
        """Each row as a block: its first cell, then the others indented under it."""
        blocks = [Styled(self.title)] if self.title else []
        for first, *rest in self.rows:
            blocks.append(
                Styled("\n").join(
                    [first[a:b] for a, b in wrap(first.plain, columns)]
                    + [Styled("  ") + cell[a:b] for cell in rest if cell.plain
                       for a, b in wrap(cell.plain, columns - 2)]
                )
            )  # fmt: skip
        if self.caption:
            blocks.append(Styled(self.caption))
        return blocks
