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
# One English word per qualifier, before the number; 累计 alone follows it ("330
# cumulative"), so that the label need not say it again.
_QUALIFIERS = {
    "预计": "est.", "累计": "cumulative", "近": "nearly", "余": "over", "多": "over",
    "以上": "more than", "超过": "over", "超": "over", "突破": "over",
}  # fmt: skip
_AFTER_THE_NUMBER = ("累计",)
# A share the report writes as a fraction (1/4以上): in words.
_FRACTIONS = {"1/2": "half", "1/3": "a third", "1/4": "a quarter", "2/3": "two thirds",
              "3/4": "three quarters", "1/5": "a fifth"}  # fmt: skip
#: A policy's state (model.STATES) in English, and the report's verbs in English where
#: the state's word alone would say less than the verb (制定 is formulated, not just
#: issued; 组织编制 is a plan being drafted, no finished document).
STATES_EN = {
    "issued": "issued", "approved": "approved", "drafting": "being drafted",
    "revised": "revised", "pursued": "pursued",
}  # fmt: skip
_VERBS_EN = {
    "印发实施": "issued for implementation", "联合出台": "jointly issued", "制定": "formulated",
    "建立": "established", "组织编制": "drafting organized", "研究形成": "worked out",
    "科技部批复印发": "approved and issued by the Ministry of Science and Technology",
    "深入实施": "carried out in depth", "着力构建": "being built",
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
    if unit == "次" and exact == 1:
        return "once"
    if unit in ENGLISH_NOUNS:
        return number(exact) + ENGLISH_NOUNS[unit]
    return f"{number(exact)} {unit}"  # a unit we have no word for stays as written


def figure(fact: Fact) -> str:
    """The fact's figure in English: qualifier, number, unit (第8位 is 8th, 西部第1位
    1st in western China, 1/4以上 more than a quarter). A named thing (a policy, an
    event …) is its English name with the report's words; a change alone has no
    figure ("")."""
    if fact.kind not in ("figure", "rank"):
        return name(fact)
    if fact.value is None:
        return ""
    text = fact.value_text or ""
    if fact.unit == "位" and float(fact.value).is_integer():
        region = next((words for zh, words in _REGIONS.items() if text.startswith(zh)), "")
        return f"{ordinal(int(fact.value))} {region}".rstrip()
    fraction = next((words for digits, words in _FRACTIONS.items() if digits in text), None)
    return qualified(fact, fraction or amount(fact.value, fact.unit))


def qualifier(fact: Fact) -> str | None:
    """The fact's qualifier in English (over, nearly, more than, est., cumulative), or
    None: its own, else one its text carries."""
    # A qualifier in traditional characters (超過, 預計) is the same word.
    found = _simplified(fact.qualifier) if fact.qualifier else _qualifier_in(fact.value_text or "")
    return _QUALIFIERS.get(found) if found else None


def qualified(fact: Fact, shown: str) -> str:
    """An English amount of the fact (its figure, or a value converted from it) with
    the fact's qualifier: over 240,000; CNY 20.721 billion cumulative."""
    words = qualifier(fact)
    if words is None:
        return shown
    if words == _QUALIFIERS[_AFTER_THE_NUMBER[0]]:
        return f"{shown} {words}"
    return f"{words} {shown}"


def name(fact: Fact) -> str:
    """A named thing in English: its English name, with the report's words beside it,
    the name a reader searches for (and a policy's title)."""
    words = fact.figure or fact.label
    return f"{fact.label_en} ({words})" if words else fact.label_en


def status(fact: Fact) -> str:
    """A policy's state in English with the report's verb: issued (formulated, 制定),
    being drafted (drafting organized, 组织编制); "" without one."""
    if fact.status is None:
        return ""
    state, verb = fact.status.state, fact.status.text
    said = STATES_EN.get(state, state)
    gloss = _VERBS_EN.get(verb)
    return f"{said} ({gloss}, {verb})" if gloss else f"{said} ({verb})"


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
