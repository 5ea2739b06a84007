"""Ranking figures by growth or by size, money compared in one unit."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cqfacts.errors import InvalidArgumentError, quoted
from cqfacts.facts.model import Fact
from cqfacts.facts.units import CONVERTIBLE

# Units of one family and their size in the family's smallest unit (facts.units
# holds the table), as floats: the conversions are float arithmetic.
UNIT_FAMILIES: tuple[dict[str, float], ...] = tuple(
    {unit: float(size) for unit, size in family.items()} for family in CONVERTIBLE
)
DEFAULT_VALUE_UNIT = "亿元"


@dataclass(slots=True)
class Ranked:
    fact: Fact
    value: float
    unit: str
    #: True where the value was converted from the report's unit (a computation).
    converted: bool

    def to_dict(self) -> dict[str, object]:
        return {"value": self.value, "unit": self.unit, "converted": self.converted}


def rank_by_change(facts: list[Fact] | tuple[Fact, ...]) -> list[Ranked]:
    """Figures with a percentage change, fastest growth first, falls (negative) last."""
    rows = [
        Ranked(fact, fact.change.signed_value, "%", converted=False)
        for fact in facts
        if fact.change is not None and fact.change.unit == "%"
    ]
    return sorted(rows, key=lambda row: -row.value)


def family_of(unit: str) -> dict[str, float]:
    for family in UNIT_FAMILIES:
        if unit in family:
            return family
    return {unit: 1}


def rank_by_value(
    facts: Sequence[Fact], unit: str = DEFAULT_VALUE_UNIT, *, known: Sequence[Fact] | None = None
) -> list[Ranked]:
    """Figures in ``unit``'s family, converted to ``unit``, largest first.

    ``known`` (all facts, where ``facts`` is a selection) decides whether the unit
    exists at all: a unit no figure has is an error, one the selection lacks is not.
    """
    family = family_of(unit)
    rows: list[Ranked] = []
    for fact in facts:
        if fact.value is None or fact.unit not in family or fact.kind != "figure":
            continue
        value = fact.value * (family[fact.unit] / family[unit])
        if math.isfinite(value):  # 1e308 亿元 in 元 would be infinite
            rows.append(Ranked(fact, round(value, 6), unit, converted=fact.unit != unit))
    known = facts if known is None else known
    if not rows and not any(fact.unit in family and fact.value is not None for fact in known):
        units = sorted({fact.unit for fact in known if fact.unit and fact.value is not None})
        raise InvalidArgumentError(
            f"no figure has the unit {quoted(unit)}; units: {', '.join(units)}"
        )
    return sorted(rows, key=lambda row: -row.value)
