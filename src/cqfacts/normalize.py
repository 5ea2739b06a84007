"""Text folding shared by the index and the query, so both sides compare alike.

rapidfuzz's ``default_process`` is not used: it turns "19.2%" into "19 2".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Quote and title marks never decide a match: 《方案》 and 方案 are the same query.
_IGNORED = frozenset('“”‘’"《》「」『』〈〉')
_LATIN_RUN = re.compile(r"[a-z0-9]+")
_ORDINAL_DIGITS = {numeral: str(digit) for digit, numeral in enumerate("一二三四五六七八九", 1)}
_DROP = {ord(char): None for char in _IGNORED}
#: The characters :func:`is_cjk` accepts, as a regular-expression class body.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
# Kept as text: re compiles (and caches) a pattern on its first use, where compiling
# them all at import would cost every query a few milliseconds.
_CJK = f"[{CJK_CLASS}]"
_SPACE_BETWEEN_CJK = f"(?<=[{CJK_CLASS}]) (?=[{CJK_CLASS}])"
_ORDINAL = "第([一二三四五六七八九])"


def is_cjk(char: str) -> bool:
    """A CJK unified ideograph (the BMP blocks and extension B onwards)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3134F


def has_cjk(text: str) -> bool:
    return re.search(_CJK, text) is not None


def _nfkc(text: str) -> str:
    """NFKC, with unicodedata (an extension module) loaded only for non-ASCII text."""
    if text.isascii():
        return text  # NFKC leaves ASCII as it is
    import unicodedata

    return unicodedata.normalize("NFKC", text)


def fold_char(char: str) -> str:
    """NFKC (full-width forms to ASCII) then casefold; '' for marks that never matter."""
    if char in _IGNORED:
        return ""
    folded = _nfkc(char).casefold()
    return " " if folded.isspace() else folded


def fold(text: str, simplified: Mapping[str, str] | None = None) -> str:
    """Fold text for matching: NFKC, casefold, quotes dropped, whitespace collapsed.

    With ``simplified`` (traditional -> simplified characters), CJK characters are
    mapped as well, so 技術 and 技术 fold alike. Same result as
    :func:`fold_with_positions`, in C-speed string operations (it runs on every key).
    """
    if simplified:
        text = "".join([simplified.get(char, char) for char in text])
    if "第" in text:
        text = re.sub(_ORDINAL, lambda found: "第" + _ORDINAL_DIGITS[found[1]], text)
    text = " ".join(_nfkc(text).casefold().translate(_DROP).split())
    return re.sub(_SPACE_BETWEEN_CJK, "", text) if " " in text else text


def fold_with_positions(
    text: str, simplified: Mapping[str, str] | None = None
) -> tuple[str, list[int]]:
    """Fold like :func:`fold` and say, for each folded character, where it came from.

    Beyond NFKC and casefold: whitespace between two CJK characters goes (科技 特派员
    is 科技特派员), and an ordinal's numeral becomes a digit (第一 is 第1, as the
    report writes ranks).
    """
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if simplified is not None:
            char = simplified.get(char, char)
        if char in _ORDINAL_DIGITS and chars and chars[-1] == "第":
            char = _ORDINAL_DIGITS[char]
        for part in fold_char(char):
            if part == " " and (not chars or chars[-1] == " "):
                continue
            if is_cjk(part) and len(chars) > 1 and chars[-1] == " " and is_cjk(chars[-2]):
                chars.pop()
                positions.pop()
            chars.append(part)
            positions.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        positions.pop()
    return "".join(chars), positions


def latin_words(text: str) -> list[str]:
    """Runs of ASCII letters and digits in folded text ('AI+诊疗' -> ['ai'])."""
    return _LATIN_RUN.findall(text)
