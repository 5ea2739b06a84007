"""Numbers, units and scales: :func:`read_quantity` reads the figure a query holds
(digits or a Chinese numeral, or a rank, with a scale such as 万 or million, 多 or 余
and a unit), :func:`unit_of` gives a unit's family and scale (亿元: 元, 1e8), and
:func:`cuts_number` keeps a match on a key's text from splitting a number in it."""

from __future__ import annotations

import re

from cqfacts.facts.normalize import NUMERAL_CLASS, chinese_numeral, is_cjk
from cqfacts.facts.units import MYRIADS, QUERY_UNITS, SCALES, UNIT_FAMILIES


def _is_decimal_point(key: str, at: int) -> bool:
    """A '.' with a digit on each side: part of a number, as in 19.2."""
    return (
        0 < at < len(key) - 1 and key[at] == "." and key[at - 1].isdigit() and key[at + 1].isdigit()
    )


def cuts_number(key: str, start: int, end: int) -> bool:
    """True where a match would split a number: '12' inside '12.12' or '112', '.2'
    inside '19.2', '19.' inside '19.2'."""
    first, last = key[start], key[end - 1]
    # The match starts inside a number: a digit after a digit or a decimal point,
    # or a decimal point itself.
    if (
        first.isdigit()
        and start
        and (key[start - 1].isdigit() or _is_decimal_point(key, start - 1))
    ) or _is_decimal_point(key, start):
        return True
    # The match ends inside one: the number's digits go on after it.
    return (
        last.isdigit() and end < len(key) and (key[end].isdigit() or _is_decimal_point(key, end))
    ) or _is_decimal_point(key, end - 1)


# Units a query may write after a number (facts.units holds the table).
_UNITS = "|".join(map(re.escape, QUERY_UNITS))
_APPROXIMATELY = (
    "约|大约|近|将近|接近|超过|超|逾|达到|达|共|多|余|以上|左右"
    "|about|around|over|nearly|almost|approximately|more than|some|~|≈"
)
# A number as a query writes it: a rank (第8, 第8位), digits or a Chinese numeral, then
# a scale (万, 亿, million) and a unit (篇, 亿元, yuan), with 多 or 余 between them.
_QUANTITY = (
    r"(?<![0-9.])(?:第(?P<rank>[0-9]+)(?![0-9.])(?P<rank_unit>位|名)?"
    r"|(?P<digits>[0-9]+(?:\.[0-9]+)?)(?![0-9.])"
    f"|(?P<numeral>[{NUMERAL_CLASS}]+))"
    r" ?(?P<scale>万亿|亿|万|千|thousand|million|billion|bn\b)?(?P<more>多|余)?"
    f" ?(?P<unit>{_UNITS})?"
)
# English ordinals, read as a rank's place where the query speaks of a rank.
_ORDINAL_WORDS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"
)  # fmt: skip
_ORDINAL_WORD = rf"\b(?:{'|'.join(_ORDINAL_WORDS)})\b"
# What leads a bare 百, 千 or 万 meaning one of them (近千亿元, 上万家, 超百亿): alone
# (万人发明专利) it is a word.
_ROUND_LEAD = frozenset("近超上逾约达破数")
_THOUSANDS_SEPARATOR = "(?<=[0-9]),(?=[0-9]{3}(?![0-9]))"


def unit_of(unit: str | None) -> tuple[str, float] | None:
    """A unit's family and scale: 万人 -> (人, 10000), 亿元 -> (元, 1e8), 篇 -> (篇, 1)."""
    if not unit:
        return None
    scale = 1.0
    if len(unit) > 1 and unit[0] in MYRIADS:
        scale, unit = MYRIADS[unit[0]], unit[1:]
    unit = unit.casefold()
    return UNIT_FAMILIES.get(unit, unit), scale


class Quantity:
    """A number a query holds, with what it takes to compare it with a fact's value."""

    __slots__ = ("exact_only", "family", "more", "precision", "rank", "rest", "scale", "written")

    def __init__(
        self,
        written: float,
        scale: float,
        precision: float,
        family: str | None,
        *,
        rank: bool,
        exact_only: bool,
        rest: str,
        more: bool = False,
    ) -> None:
        #: The number as written (1.9 in 1.9万篇), and its scale (10000).
        self.written = written
        self.scale = scale
        #: The place of its last significant digit, scaled (1000 for 1.9万).
        self.precision = precision
        #: The unit family a unit written with it names (篇), if any.
        self.family = family
        self.rank = rank
        #: A bare number typed digit by digit (19, 113) means itself, not a rounding.
        self.exact_only = exact_only
        #: The query's other words (研发人员 in 研发人员24万).
        self.rest = rest
        #: Written with 多 or 余 (7500多家): the figure is above it, within its last place.
        self.more = more

    @property
    def value(self) -> float:
        return self.written * self.scale

    @property
    def significant(self) -> int:
        """Its significant digits as written: 4 in 86.51, 2 in 240000."""
        return len(str(round(abs(self.value) / self.precision))) if self.precision else 0

    @property
    def bare(self) -> bool:
        """A number alone, without scale, unit, rank or 多: 86.51."""
        return self.scale == 1.0 and self.family is None and not self.rank and not self.more


def may_hold_number(query: str) -> bool:
    """Cheap test before any regular expression: a digit or a numeral character."""
    return any(char.isdigit() or char in NUMERAL_CLASS for char in query) or (
        "rank" in query and any(word in query for word in _ORDINAL_WORDS)
    )


def read_quantity(query: str) -> Quantity | None:
    """The first number in a folded query that reads as a quantity, or None.

    A Chinese numeral counts only where it is one: with a multiplier (三百), a unit
    (八项) or alone; 一 in 一带一路 is a word. The words left must hold letters or
    characters, or be at most a sign: ``+-5`` and ``1.2.3`` are not numbers.
    """
    plain = re.sub(_THOUSANDS_SEPARATOR, "", query)
    if "rank" in plain:  # ranked eighth: the 8th place, as 8th reads
        plain = re.sub(
            _ORDINAL_WORD, lambda found: f"{_ORDINAL_WORDS.index(found[0]) + 1}th", plain
        )
    for found in re.finditer(_QUANTITY, plain):
        quantity = _quantity(found, plain)
        if quantity is not None:
            return quantity
    return None


def _quantity(found: re.Match[str], query: str) -> Quantity | None:
    unit = found["unit"] or found["rank_unit"]
    scale_word = found["scale"]
    rest = f"{query[: found.start()]} {query[found.end() :]}"
    rest = " ".join(re.sub(_APPROXIMATELY, " ", rest).split())
    if rest.lstrip("+-") == "" and rest.count("+") + rest.count("-") <= 1:
        rest = ""
    elif not any(char.isalpha() for char in rest):
        return None  # signs and punctuation around it: not a number typed as one
    if found["rank"] is not None:
        if is_cjk(query[found.end() : found.end() + 1] or "x"):
            return None  # 第3届: an ordinal, not a rank
        rank = float(found["rank"])
        return Quantity(rank, 1.0, 1.0, "位", rank=True, exact_only=True, rest=rest)
    if found["digits"] is not None:
        digits = found["digits"]
        written = float(digits)
        if "." in digits:
            precision = 10.0 ** -len(digits.split(".")[1])
        else:
            precision = 10.0 ** (len(digits) - len(digits.rstrip("0")))
    else:
        numeral = found["numeral"]
        value = chinese_numeral(numeral)
        if (
            value is None
            and numeral[0] in "百千万"
            and query[found.start() - 1 : found.start()] in _ROUND_LEAD
        ):
            value = chinese_numeral(f"一{numeral}")  # 近千亿, 上万家, 超百亿: one of them
        holds_multiplier = any(char in "十百千万亿" for char in numeral)
        if value is None or not (holds_multiplier or unit or not rest):
            return None
        written = float(value)
        text = str(value)
        precision = 10.0 ** (len(text) - len(text.rstrip("0")))
    scale = SCALES.get(scale_word, 1.0) if scale_word else 1.0
    family = None
    if unit:
        family, unit_scale = unit_of(unit) or (None, 1.0)
        scale *= unit_scale
    exact_only = scale == 1.0 and family is None and precision == 1.0
    more = found["more"] is not None
    return Quantity(
        written,
        scale,
        precision * scale,
        family,
        rank=False,
        exact_only=exact_only and not more,
        rest=rest,
        more=more,
    )
