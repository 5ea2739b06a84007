"""Figures in English: 865.1亿元 is CNY 86.51 billion, 7565家 is 7,565, 第8位 is 8th.

Display only, derived at the moment of showing: a fact's ``value`` and
``value_text`` are never changed (the JSON keeps the report's words). Shared by the
tables (render) and the citations (cite); no rich here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from cqfacts.facts.units import ENGLISH_NOUNS, MONEY, MYRIADS
from cqfacts.fast_typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cqfacts.derive.cite import Derived
    from cqfacts.facts.model import Fact

# Money: the unit's size in yuan, exact (facts.units holds the table).
_MONEY = {unit: Decimal(size) for unit, size in MONEY.items()}
_TEN_THOUSAND = Decimal(MYRIADS["万"])
_QUALIFIERS = {
    "预计": "est.", "累计": "cumulative", "近": "nearly", "余": "over", "多": "over",
    "以上": "over", "超过": "over", "超": "over", "突破": "over",
}  # fmt: skip
_REGIONS = {"全国": "nationally", "西部": "in western China", "全市": "in the city"}
_SCALES = ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def number(value: Decimal | float | int, *, grouped: bool = True) -> str:
    """A number as English writes it: 7,565; 0.48; never 1e+06 or 1.5e-07."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(value))
    text = format(exact.normalize() if exact == exact.to_integral() else exact, "f")
    whole, _, decimals = text.partition(".")
    if grouped:
        whole = f"{int(whole):,}" if whole.lstrip("-") else whole
        if text.startswith("-0") and not whole.startswith("-"):
            whole = "-" + whole
    decimals = decimals.rstrip("0")
    return f"{whole}.{decimals}" if decimals else whole


def ordinal(value: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def money(yuan: Decimal) -> str:
    """CNY 86.51 billion, CNY 51.48 million, CNY 500,000."""
    for size, word in _SCALES:
        if abs(yuan) >= size:
            return f"CNY {number(yuan / size)} {word}"
    return f"CNY {number(yuan)}"


def amount(value: float | int, unit: str | None) -> str:
    """A value in a unit of the report, in English."""
    exact = Decimal(repr(value))
    if unit in _MONEY:
        return money(exact * _MONEY[unit])
    if unit is None:
        return number(exact)
    if unit.startswith("万") and unit[1:] in ENGLISH_NOUNS:  # 1.3万台/套: ten thousands
        return number(exact * _TEN_THOUSAND) + ENGLISH_NOUNS[unit[1:]]
    if unit in ENGLISH_NOUNS:
        return number(exact) + ENGLISH_NOUNS[unit]
    return f"{number(exact)} {unit}"  # a unit we have no word for stays as written


def figure(fact: Fact) -> str:
    """The fact's figure in English: qualifier, number, unit (第8位 is 8th, 西部第1位
    1st in western China). A fact without a number keeps its text."""
    if fact.value is None:
        return fact.figure
    text = fact.value_text or ""
    if fact.unit == "位" and float(fact.value).is_integer():
        region = next((words for name, words in _REGIONS.items() if text.startswith(name)), "")
        return f"{ordinal(int(fact.value))} {region}".rstrip()
    shown = amount(fact.value, fact.unit)
    # A qualifier in traditional characters (超過, 預計) is the same word.
    qualifier = _simplified(fact.qualifier) if fact.qualifier else _qualifier_in(text)
    if qualifier in _QUALIFIERS:
        shown = f"{_QUALIFIERS[qualifier]} {shown}"
    return shown


def _simplified(text: str) -> str:
    from cqfacts.facts.normalize import to_simplified

    return text if text in _QUALIFIERS else to_simplified(text)


def _qualifier_in(text: str) -> str | None:
    pattern = "|".join(sorted(_QUALIFIERS, key=len, reverse=True))
    found = re.search(pattern, text) or re.search(pattern, _simplified(text))
    return found[0] if found else None


def previous(derived: Derived) -> str:
    """A derived previous value with its method: ≈ CNY 63.054 billion (derived: …)."""
    return f"≈ {amount(derived.value, derived.unit)} ({derived.method_en})"


def label(fact: Fact) -> str:
    """The English label; a policy keeps its Chinese title beside it, the name a
    reader searches for."""
    if fact.kind == "policy":
        title = fact.value_text or fact.label
        return f"{fact.label_en} ({title})"
    return fact.label_en


#: Ways of matching that read Latin letters as pinyin, not as English words.
_PINYIN_MATCHES = ("pinyin", "abbreviation")


def is_english_query(query: str, how: str | None) -> bool:
    """A query in English words: Latin letters, no Chinese, and not matched as pinyin
    (gxjsqy, jishujingjiren). An id (``how`` None) is no query."""
    letters = any(char.isascii() and char.isalpha() for char in query)
    return how is not None and letters and query.isascii() and how not in _PINYIN_MATCHES
