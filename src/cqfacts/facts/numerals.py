"""Chinese numerals, read and written: the one place that knows them.

Three readings, from the strictest: a pillar's or section's number 〇…十
(:data:`CHINESE_NUMERALS`, for ``--pillar 四``), a heading's or a rank's number
一…九十九 (:func:`small_numeral_value`: 二十三、, 第十一位), and any numeral a query or
text may hold (:func:`chinese_numeral`: 五万八千五百二十四, 两万, 二〇二三). One writing:
:func:`numeral_text`, the way the report numbers its parts (四（一）). Folding turns an
ordinal's numeral into a digit with :data:`ORDINAL_DIGITS` (第一 is 第1).

Imports nothing: folding runs it on every query, and the cache key covers it.
"""

from __future__ import annotations

#: The numerals 0 to 10 by their value (a pillar or section number: 〇 is the overview).
CHINESE_NUMERALS = "〇一二三四五六七八九十"
_TEN = "十"
_ONE_TO_NINE = CHINESE_NUMERALS[1:10]
#: The characters of a heading's or a rank's number (1 to 99), as a regular-expression
#: class body.
SMALL_NUMERAL_CLASS = _ONE_TO_NINE + _TEN
#: An ordinal's numeral and the digit folding writes for it (第一 -> 第1).
ORDINAL_DIGITS = {numeral: str(digit) for digit, numeral in enumerate(_ONE_TO_NINE, 1)}

# Any numeral: digits, then the multipliers within a myriad and the myriads.
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_TENS = {"十": 10, "百": 100, "千": 1000}
_MYRIADS = {"万": 10_000, "亿": 100_000_000}
#: The characters a Chinese numeral is written with, as a regular-expression class body.
NUMERAL_CLASS = "零〇一二两三四五六七八九十百千万亿"


def chinese_numeral(text: str) -> int | None:
    """The value of a Chinese numeral (五万八千五百二十四 -> 58524, 十二 -> 12, 二〇二三
    -> 2023), or None where ``text`` is not one (一带一路, 百百)."""
    if not text or any(char not in NUMERAL_CLASS for char in text):
        return None
    if all(char in _DIGITS for char in text):  # read digit by digit: 二〇二三
        return int("".join(str(_DIGITS[char]) for char in text))
    high = 0  # the part before the last 亿
    myriad = 0  # the part before the last 万, since the last 亿
    section = 0  # the part below 万
    digit: int | None = None
    for char in text:
        if char in _DIGITS:
            if digit:  # two digits in a row (五五) are no numeral in this notation
                return None
            digit = _DIGITS[char]
        elif char in _TENS:
            if digit == 0 or (digit is None and char != _TEN):  # only 十 stands alone: 十二
                return None
            section += (1 if digit is None else digit) * _TENS[char]
            digit = None
        elif char == "万":
            if myriad:
                return None
            myriad = (section + (digit or 0)) * _MYRIADS[char]
            section, digit = 0, None
            if not myriad:
                return None
        else:  # 亿
            high = (high + myriad + section + (digit or 0)) * _MYRIADS[char]
            myriad, section, digit = 0, 0, None
            if not high:
                return None
    return high + myriad + section + (digit or 0)


def small_numeral_value(text: str) -> int | None:
    """A heading's or a rank's number, 1 to 99 as the report writes it: 一 -> 1,
    十二 -> 12, 二十 -> 20, 三十五 -> 35; None for anything else (零, 两, 五五, 一百)."""
    if not 0 < len(text) <= 3 or any(char not in SMALL_NUMERAL_CLASS for char in text):
        return None
    # One digit alone, or 十 once with at most one digit either side (二十三, not 五五).
    if len(text) > 1 and (text.count(_TEN) != 1 or (len(text) == 3 and text[1] != _TEN)):
        return None
    return chinese_numeral(text)


def numeral_text(number: int) -> str:
    """0 to 19 in numerals, the way the report numbers its parts (4 -> 四, 12 -> 十二);
    other numbers in digits."""
    if 0 <= number <= 10:
        return CHINESE_NUMERALS[number]
    if number < 20:
        return _TEN + CHINESE_NUMERALS[number - 10]
    return str(number)
