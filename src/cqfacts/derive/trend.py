"""One indicator across the loaded reports: its figure in each year, the previous
year's value each stated change implies, and whether the previous year's report,
where one is loaded, states the same.

The same id in two reports names the same indicator (see ``model.FactBase``). A
derived value is a computation (``cite.previous_value``), never a figure: it is
set beside the figure the earlier report states, and a difference of more than
:data:`DISAGREEMENT_PERCENT` is flagged, as a revision or a slip in one report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cqfacts.derive.cite import Derived, previous_value
from cqfacts.facts.model import Fact, FactBase

if TYPE_CHECKING:  # types only: search loads where a query is resolved
    from cqfacts.search.index import SearchIndex

#: How far (in percent of the stated value) a derived previous value may be from the
#: value the previous year's report states before the two are said to disagree. The
#: reports round their rates to one decimal: 37.2% stands for 37.15-37.25%, which
#: moves a derived value by under 0.04%; 1% is a real difference.
DISAGREEMENT_PERCENT = 1.0


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One year of an indicator."""

    fact: Fact
    #: The previous year's value implied by this year's change (None without one).
    derived_previous: Derived | None = None
    #: The previous year's fact, where that year's report is loaded and holds the id.
    stated_previous: Fact | None = None
    #: (derived - stated) / stated, in percent, the stated value converted to the
    #: derived one's unit; None where the two cannot be compared.
    difference: float | None = None
    #: True where the difference is larger than DISAGREEMENT_PERCENT.
    disagrees: bool = False

    @property
    def year(self) -> int | None:
        return self.fact.year

    @property
    def report(self) -> str | None:
        return self.fact.report


def trend(base: FactBase, fact_id: str) -> list[TrendPoint]:
    """The indicator with this id in every loaded report, oldest year first.

    Raises :class:`~cqfacts.errors.UnknownFactError` (with the nearest ids) where no
    report holds the id.
    """
    latest = base.get(fact_id)
    years = base.years_of(latest.id)
    facts = [base.get(latest.id, year) for year in years] or [latest]
    by_year = {fact.year: fact for fact in facts}
    points = []
    for fact in facts:
        derived = previous_value(fact)
        stated = by_year.get(fact.year - 1) if fact.year is not None else None
        difference = _difference(derived, stated) if derived and stated else None
        points.append(
            TrendPoint(
                fact=fact,
                derived_previous=derived,
                stated_previous=stated,
                difference=difference,
                disagrees=difference is not None and abs(difference) > DISAGREEMENT_PERCENT,
            )
        )
    return points


def _difference(derived: Derived, stated: Fact) -> float | None:
    """The derived value's distance from the stated one, in percent of the stated."""
    from cqfacts.derive.ranking import family_of

    family = family_of(derived.unit)
    if stated.value is None or stated.unit not in family:
        return None  # no figure, or a unit of another kind (家 against 亿元)
    value = stated.value * family[stated.unit] / family[derived.unit]
    if value == 0:
        return None
    return (derived.value - value) / abs(value) * 100


def trend_for_query(base: FactBase, index: SearchIndex, query: str) -> list[TrendPoint]:
    """The trend of an id, or of the best match of a search: empty where nothing
    matches. Raises :class:`~cqfacts.errors.InvalidArgumentError` for a blank query."""
    from cqfacts.search.engine import search

    wanted = query.strip().lower()
    if wanted in base.by_id:
        return trend(base, wanted)
    matches = search(base, index, query, limit=1, highlight=False)
    return trend(base, matches[0].fact.id) if matches else []
