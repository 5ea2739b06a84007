"""Ready-to-paste citations and values derived from a stated change."""

from __future__ import annotations

import math
from dataclasses import dataclass

from cqfacts.facts.model import Fact, FactBase, section_label


@dataclass(slots=True)
class Derived:
    """A value computed from the report's figures, not stated in it."""

    value: float
    unit: str
    method: str
    method_en: str

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "unit": self.unit,
            "derived": True,
            "method": self.method,
            "method_en": self.method_en,
        }


def where(fact: Fact, lang: str = "zh", base: FactBase | None = None) -> str:
    """Where a fact stands in the report: 四（一） or, in English, 'part 4 (1)'; ''
    for a report without parts. The overview is called what its report calls it
    (its pillar 0's title, from ``base``)."""
    if fact.section is None:
        return ""
    if lang == "en":
        pillar, _, item = fact.section.partition(".")
        return "overview" if pillar == "0" else f"part {pillar} ({item})"
    overview = base.pillars.get(0) if base is not None else None
    return section_label(fact.section, overview.title if overview else None)


def change_text(fact: Fact, lang: str = "zh") -> str:
    """The change as the report words it, or in English as a signed number (+19.2%)."""
    if fact.change is None:
        return ""
    if lang != "en":
        return fact.change.text
    from cqfacts.derive.english import amount

    sign = "-" if fact.change.is_decrease else "+"
    # 个百分点 is percentage points, 3.5倍 3.5-fold: every unit in English words.
    return sign + amount(fact.change.size, fact.change.unit)


#: Kinds whose figure is the fact: a named thing (a policy, an event …) is cited by
#: its name alone, never "name: name" or "name: 3".
FIGURE_KINDS = ("figure", "rank")


def statement(fact: Fact, lang: str = "zh") -> str:
    """The fact in one phrase: label, figure (with its qualifier), change; in English
    the figure is English (CNY 86.51 billion), derived for display. A named thing is
    its name; a policy's says what was done with it (组织编制…: being drafted)."""
    from cqfacts.derive import english

    if fact.kind not in FIGURE_KINDS:
        return _named(fact, lang)
    label = fact.label_en if lang == "en" else fact.label
    separator = ": " if lang == "en" else "："
    figure = english.figure(fact) if lang == "en" else fact.figure
    text = f"{label}{separator}{figure}" if figure and figure != label else label
    if fact.change is None:
        return text
    return f"{text} ({change_text(fact, lang)})" if lang == "en" else f"{text}，{fact.change.text}"


def _named(fact: Fact, lang: str) -> str:
    """A named thing in a citation: in Chinese its name, after the report's verb for a
    policy (组织编制成渝综合性科学中心建设方案); in English its English name with the
    report's words, and a policy's state (being drafted (drafting organized, …))."""
    from cqfacts.derive import english

    if lang != "en":
        # A title the report puts in 《》 is quoted as the report writes it.
        titled = fact.value_text if (fact.value_text or "").startswith("《") else None
        name = titled or fact.label
        return f"{fact.status.text}{name}" if fact.status else name
    named = english.name(fact)
    return f"{named}, {english.status(fact)}" if fact.status else named


def citation(fact: Fact, base: FactBase, lang: str = "zh") -> str:
    """A citation line naming where the figure stands: the report and its section,
    or, for a source without parts (a press item, a statistics release), its
    publisher, title and date. A draft says so first: it is no checked figure."""
    meta = base.report_of(fact)
    source = fact.source
    if fact.section is not None or source is None:
        where_en = f"{meta.title_en}, {where(fact, 'en', base)}"
        where_zh = f"{meta.title}，{where(fact, 'zh', base)}"
    else:
        parts = [source.publisher, f"《{source.title}》", source.published]
        where_zh = "，".join(part for part in parts if part)
        where_en = ", ".join(part for part in parts if part)
    if lang == "en":
        draft = "DRAFT, unchecked: " if fact.draft else ""
        return f"{draft}{statement(fact, 'en')} ({where_en})"
    draft = "草稿，未核对：" if fact.draft else ""
    return f"「{draft}{statement(fact)}（{where_zh}）」"


def previous_value(fact: Fact) -> Derived | None:
    """The previous year's value implied by a stated change, where one can be computed.

    Percentages divide (7565 / 1.192); a change in the figure's own unit subtracts.
    Rounded to one more decimal than the figure has: a derivation, not a figure; a
    count of things written whole (7565家) to a whole count (6346家, never 6,346.5).
    """
    change = fact.change
    if fact.value is None or change is None or fact.unit is None:
        return None
    decimals = 0 if _is_count(fact) else _decimals(fact.value) + 1
    if change.unit == "%":
        factor = 1 + change.signed_value / 100
        if factor <= 0:
            return None  # a fall of 100% or more: no previous value gives it
        value = fact.value / factor
        method = f"{fact.value} ÷ (1 {'-' if change.is_decrease else '+'} {change.size}%)"
    elif change.unit == fact.unit or (change.unit == "个百分点" and fact.unit == "%"):
        value = fact.value - change.signed_value
        method = f"{fact.value} {'+' if change.is_decrease else '-'} {change.size}"
    else:
        return None
    try:
        finite = math.isfinite(value)
    except OverflowError:  # integers past a float's range: 10**308 less -10**308
        finite = False
    if not finite:
        return None
    rounded = round(value) if decimals == 0 else round(value, decimals)
    return Derived(rounded, fact.unit, f"推算：{method}", f"derived: {method}")


# Units that measure rather than count: their previous values keep a decimal.
_MEASURES = frozenset(("%", "个百分点", "百分点", "倍", "小时", "MW"))


def _is_count(fact: Fact) -> bool:
    """A count of things (家, 项, 人 …) written as a whole number: not money, not a
    share or a measure, and no 1.3万台/套."""
    from cqfacts.facts.units import MONEY

    unit = fact.unit or ""
    whole = isinstance(fact.value, int) and not isinstance(fact.value, bool)
    return whole and unit not in MONEY and unit not in _MEASURES and not unit.startswith("万")


def _decimals(value: float) -> int:
    """Decimal places of a figure as repr writes it, exponents counted: 1.5e-07 has 8."""
    mantissa, _, exponent = repr(value).lower().partition("e")
    return max(0, len(mantissa.partition(".")[2]) - int(exponent or 0))
