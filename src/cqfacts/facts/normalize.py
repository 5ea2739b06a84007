"""Text folding shared by the index and the query, so both sides compare alike, and
the one traditional-to-simplified converter (:func:`to_simplified`) that queries and
report texts are read through.

rapidfuzz's ``default_process`` is not used: it turns "19.2%" into "19 2".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

# NUMERAL_CLASS and chinese_numeral: importable from here as before (search.quantities).
from cqfacts.facts.numerals import NUMERAL_CLASS as NUMERAL_CLASS
from cqfacts.facts.numerals import ORDINAL_DIGITS
from cqfacts.facts.numerals import chinese_numeral as chinese_numeral
from cqfacts.fast_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Protocol

# Quote and title marks never decide a match: 《方案》 and 方案 are the same query.
_QUOTE_MARKS = '“”‘’"《》「」『』〈〉'
_LATIN_RUN = re.compile(r"[a-z0-9]+")
_DROP = {ord(char): None for char in _QUOTE_MARKS}
#: The characters :func:`is_cjk` accepts, as a regular-expression class body.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
# Kept as text: re compiles (and caches) a pattern on its first use, where compiling
# both at import would cost every query about half a millisecond.
_ORDINAL = f"第([{''.join(ORDINAL_DIGITS)}])"
# Characters that are never seen but ride along in pasted text: control characters
# (C0 and C1, whitespace apart), soft hyphen, zero-width spaces and joiners,
# direction marks and overrides, word joiners, byte-order marks, tag characters and
# lone surrogates (undecodable bytes in a command line).
_INVISIBLE = (
    "[\x00-\x08\x0e-\x1b\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)


def is_cjk(char: str) -> bool:
    """A CJK unified ideograph (the BMP blocks and extension B onwards)."""
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3134F


def has_cjk(text: str) -> bool:
    # A loop, not a regular expression: compiling a class of 27,000 ideographs takes
    # over a millisecond, a twentieth of a lookup's own work.
    return not text.isascii() and any(map(is_cjk, text))


def _fold_forms(text: str) -> str:
    """Invisible characters and quote marks dropped, NFKC, casefold; unicodedata (an
    extension module) is loaded only for non-ASCII text.

    Repeated until nothing changes, so that folding folded text changes nothing:
    casefolding can undo NFKC (ǰ becomes j and a combining caron), and so can a
    dropped mark between a letter and its accent. Chinese text needs one round.
    """
    if not text.isprintable():  # cheap: compiling _INVISIBLE costs 0.4 ms a process
        text = re.sub(_INVISIBLE, "", text)
    if text.isascii():
        return text.casefold().translate(_DROP)  # NFKC leaves ASCII as it is
    import unicodedata

    for _ in range(4):
        folded = unicodedata.normalize("NFKC", text).casefold().translate(_DROP)
        if folded == text:
            break
        text = folded
    return text


def fold_char(char: str) -> str:
    """One character folded like :func:`fold`: '' for marks and invisible characters."""
    folded = _fold_forms(char)
    return " " if folded.isspace() else folded


def fold(text: str, simplified: Mapping[str, str] | None = None) -> str:
    """Fold text for matching: invisible characters dropped, NFKC, casefold, quotes
    dropped, whitespace collapsed, then traditional -> simplified characters (with
    ``simplified``), no space between two CJK characters, ordinals as digits.

    Folding is idempotent, and gives the same text as :func:`fold_with_positions`
    in C-speed string operations (it runs on every key).
    """
    text = " ".join(_fold_forms(text).split())
    if simplified:
        text = "".join([simplified.get(char, char) for char in text])
    if " " in text and not text.isascii():
        text = _without_spaces_between_cjk(text)
    if "第" in text:
        text = re.sub(_ORDINAL, lambda found: "第" + ORDINAL_DIGITS[found[1]], text)
    return text


def _without_spaces_between_cjk(text: str) -> str:
    """科技 特派员 is 科技特派员. A loop over the spaces, not a regular expression: one
    with the ideographs' class takes ~2.5 ms to compile, a tenth of a lookup's work."""
    words = text.split(" ")
    joined = words[0]
    for word in words[1:]:
        glued = joined and word and is_cjk(joined[-1]) and is_cjk(word[0])
        joined += word if glued else " " + word
    return joined


def fold_with_positions(
    text: str, simplified: Mapping[str, str] | None = None
) -> tuple[str, list[int]]:
    """Fold like :func:`fold` and say, for each folded character, where it came from.

    Beyond NFKC and casefold: whitespace between two CJK characters goes (科技 特派员
    is 科技特派员), and an ordinal's numeral becomes a digit (第一 is 第1, as the
    report writes ranks).
    """
    chars: list[str] = []
    unconverted: list[str] = []  # chars before ordinals became digits
    positions: list[int] = []
    for index, char in enumerate(text):
        for part in fold_char(char):
            if simplified is not None:
                part = simplified.get(part, part)
            if part == " " and (not chars or chars[-1] == " "):
                continue
            if is_cjk(part) and len(chars) > 1 and chars[-1] == " " and is_cjk(unconverted[-2]):
                del chars[-1], unconverted[-1], positions[-1]
            unconverted.append(part)
            if part in ORDINAL_DIGITS and chars and chars[-1] == "第":
                part = ORDINAL_DIGITS[part]
            chars.append(part)
            positions.append(index)
    if chars and chars[-1] == " ":
        del chars[-1], positions[-1]
    folded = "".join(chars)
    whole = fold(text, simplified)
    if folded != whole:
        # Folding the whole text composed characters across positions (e and a
        # combining accent are one é): place each folded character at the first
        # position whose prefix reaches it.
        positions = []
        for index in range(len(text)):
            reached = min(len(fold(text[: index + 1], simplified)), len(whole))
            positions.extend([index] * (reached - len(positions)))
        positions.extend([len(text) - 1] * (len(whole) - len(positions)))
    return whole, positions


if TYPE_CHECKING:

    class Converter(Protocol):
        """An OpenCC converter, as used here."""

        def convert(self, text: str) -> str: ...


@functools.cache
def simplified_converter() -> Converter:
    """OpenCC's traditional-to-simplified converter, one per process: imported on first
    use (a warm query whose characters the index knows never needs it), and made once,
    since making one loads its dictionaries (about 20 ms), which a server answering many
    queries, or an audit reading many texts, would pay for each."""
    import opencc

    converter: Converter = opencc.OpenCC("t2s")
    return converter


def to_simplified(text: str) -> str:
    """Traditional characters (and phrases) made simplified, by OpenCC's rules."""
    return simplified_converter().convert(text)


def latin_words(text: str) -> list[str]:
    """Runs of ASCII letters and digits in folded text ('AI+诊疗' -> ['ai'])."""
    return _LATIN_RUN.findall(text)
