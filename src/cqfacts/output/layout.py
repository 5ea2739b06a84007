"""Text laid out for a fixed-width terminal: where a line may break, cell widths,
proportional bars. No rich here: the table renderer (render.py) asks this module
where to break, so an id, a figure or a word is never split inside a cell.

Line-breaking rules, a small part of Unicode's (UAX 14) and of Chinese typesetting's
(禁则): a line breaks at a space, or between two Chinese characters; never next to a
Latin letter or a digit (第8位, 2个, R&D投入 stay whole), never before closing
punctuation (，。、）” …) nor after opening punctuation (（“《 …).
"""

from __future__ import annotations

import unicodedata

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


def pieces(text: str, *, cjk: bool = True) -> list[str]:
    """The unbreakable pieces of one line of text, spaces kept at the end of the piece
    before them. ``cjk=False`` breaks at spaces only (a figure: 预计750亿元)."""
    found: list[str] = []
    current = ""
    for char in text:
        if current and (
            (current[-1] == " " and char != " ")
            or (cjk and char != " " and current[-1] != " " and _may_break(current[-1], char))
        ):
            found.append(current)
            current = ""
        current += char
    if current:
        found.append(current)
    return found


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


class Column(NamedTuple):
    header: str
    #: Where a cell may break: "cjk" at spaces and between Chinese characters,
    #: "spaces" at spaces only (a figure: 预计750亿元 增长10%), "none" nowhere.
    breaks: str = "cjk"
    #: 0: always shown; too narrow a terminal drops the highest first (gh does).
    drop: int = 0
    justify: Literal["left", "center", "right"] = "left"
    style: str | None = None


#: The narrowest a column of Chinese text is drawn, in cells (four characters).
MIN_CJK_COLUMN = 8


class Grid:
    """A table as text laid out for a width: cells broken only where this module
    allows (never inside an id, a figure or a word, never before closing
    punctuation), so nothing is cut and no "…" hides text. Too narrow for every
    column, it drops the optional ones; too narrow for the rest, each row is stacked,
    its cells one under another. Two writers draw it: rich (render.py) and, piped
    without colour, the plain one (plain.py). (Plain classes here, not dataclasses:
    a lookup never imports dataclasses, see facts/records.py.)"""

    __slots__ = ("caption", "columns", "gap", "header", "rows", "sections", "title")

    def __init__(
        self,
        columns: list[Column],
        rows: list[list[Styled]],
        *,
        title: str | None = None,
        caption: str | None = None,
        header: bool = True,
        gap: int = 3,
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

    def _needs(self, number: int) -> tuple[int, int]:
        """A column's narrowest and natural widths."""
        column = self.columns[number]
        texts = [row[number].plain for row in self.rows]
        cjk = column.breaks == "cjk"
        natural = max([natural_width(t) for t in texts], default=0)
        narrowest = natural if column.breaks == "none" else max(
            [min_width(t, cjk=cjk) for t in texts], default=0
        )  # fmt: skip
        if cjk:
            # Chinese breaks between any two characters, but a column two characters
            # wide (高新/技术/企业) reads as noise: narrower than this, it is dropped
            # (or the rows stacked) instead.
            narrowest = max(narrowest, min(natural, MIN_CJK_COLUMN))
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
        # The columns that want least get all they want first: one long label wraps
        # rather than every short figure and topic.
        for number in sorted(shown, key=lambda n: needs[n][1] - needs[n][0]):
            more = min(spare, needs[number][1] - needs[number][0])
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
