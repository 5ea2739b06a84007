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

CLOSING = set("，。、；：？！）》」』”’〕】〉…·%,.;:!?)]}")
OPENING = set("（《「『“‘〔【〈([{")
#: Eighths of a block, for bars drawn to an eighth of a character.
_EIGHTHS = " ▏▎▍▌▋▊▉"


def char_width(char: str) -> int:
    """Terminal cells of a character: 2 for wide (CJK), 0 for combining, else 1."""
    if unicodedata.combining(char) or char in "\u200b\u200c\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width(text: str) -> int:
    return sum(char_width(char) for char in text)


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
