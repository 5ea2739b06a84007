"""One indicator across the years: a point per source per year, each in the series'
unit, with the checks a reader of several sources needs.

The same id names the same indicator in every file (see ``model.FactBase``). Two
checks flag what a reader must not miss:

- **sources disagree**: two points of one year whose figures cannot both be right,
  each read as the range its written figure stands for (``2.1%`` is 2.05–2.15%,
  ``1.1万家`` 10,500–11,500, ``超过2000家`` 2,000 or more);
- **estimate contradicted**: an estimate (``预计``) that a firmer figure of the same
  year, or the previous-year value implied by the next year's growth rate, puts
  elsewhere (2019's 预计460亿元 against the 469.5亿元 that 2020's 526.79亿元, 增长12.2%
  implies).

A derived value is a computation (``cite.previous_value``), never a figure. A series
whose figures are of different kinds of unit (a % beside 家) is refused: drawn
together they would mislead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from cqfacts.derive.cite import Derived, change_text, previous_value
from cqfacts.derive.english import amount
from cqfacts.derive.english import figure as english_figure
from cqfacts.errors import InvalidArgumentError
from cqfacts.facts.model import Fact, FactBase
from cqfacts.facts.units import MULTIPLIERS
from cqfacts.fast_typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # types only: search loads where a query is resolved
    from cqfacts.search.index import SearchIndex

#: How far (in percent of the stated value) a derived previous value may be from the
#: value stated for that year before the two are said to disagree. Rates are rounded
#: to one decimal: 37.2% stands for 37.15-37.25%, which moves a derived value by under
#: 0.04%; 1% is a real difference.
DISAGREEMENT_PERCENT = 1.0

# Words that make a figure a bound rather than a point: at least, or at most.
_AT_LEAST = ("超过", "突破", "超", "以上", "余", "多", "more than", "over", "exceed", "above")
_AT_MOST = ("近", "接近", "nearly", "almost", "close to")
# A change measured against an earlier year than the previous one, or over a period.
_NOT_YEAR_ON_YEAR = re.compile(r"\d{4}|\d+\s*年|年均|累计|倍|翻")


class Flag(NamedTuple):
    """Something a reader of the series must see, on the point it concerns."""

    #: "sources-disagree" or "estimate-contradicted".
    kind: str
    #: The other point (same year, or the next year whose growth implies this one).
    other: Fact
    #: In Chinese and in English, built from the figures, never from a source's words.
    text: str
    text_en: str


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """One source's figure for one year of an indicator."""

    fact: Fact
    #: The figure in the series' unit (1.22万件 as 12200 件); None without a figure.
    value: float | None = None
    unit: str | None = None
    #: The previous year's value implied by this point's change (year on year only).
    derived_previous: Derived | None = None
    #: The previous year's firmest fact, where one is loaded.
    stated_previous: Fact | None = None
    #: (derived - stated) / stated, in percent of the stated value, in one unit.
    difference: float | None = None
    #: True where the difference is larger than DISAGREEMENT_PERCENT.
    disagrees: bool = False
    flags: tuple[Flag, ...] = ()

    @property
    def year(self) -> int | None:
        return self.fact.year

    @property
    def report(self) -> str | None:
        return self.fact.report

    @property
    def flagged(self) -> bool:
        return self.disagrees or bool(self.flags)


def scaled(unit: str) -> tuple[str, float]:
    """A unit as its base unit and scale: 万件 is (件, 10000), 亿元 (元, 1e8); a unit
    that is all scale word (万) stays itself."""
    from cqfacts.derive.ranking import family_of

    for word, factor in MULTIPLIERS.items():
        if unit.startswith(word) and len(unit) > len(word):
            base, base_factor = scaled(unit[len(word) :])
            return base, factor * base_factor
    family = family_of(unit)  # synonyms: 名 counts as 人
    smallest = min(family, key=lambda name: family[name])
    return smallest, family[unit] / family[smallest]


def unit_family(unit: str, units: Iterable[str] = ()) -> dict[str, float]:
    """The units among ``units`` (and ``unit`` itself) that convert to ``unit``,
    each with its size in their common base unit."""
    base = scaled(unit)[0]
    family = {unit: scaled(unit)[1]}
    for other in units:
        other_base, factor = scaled(other)
        if other_base == base:
            family[other] = factor
    return family


def trend(base: FactBase, fact_id: str) -> list[TrendPoint]:
    """Every point of the indicator with this id, oldest year first, the firmest
    first within a year.

    Raises :class:`~cqfacts.errors.UnknownFactError` (with the nearest ids) where no
    report holds the id, and :class:`InvalidArgumentError` where its figures are of
    units that cannot be drawn together.
    """
    latest = base.get(fact_id)
    facts = base.points(latest.id) or [latest]
    unit, family = _series_unit(latest, facts)
    by_year: dict[int | None, list[Fact]] = {}
    for fact in facts:
        by_year.setdefault(fact.year, []).append(fact)
    flags: dict[int, list[Flag]] = {}
    for same_year in by_year.values():
        _compare_sources(same_year, family, flags)
    previous: dict[int, tuple[Derived | None, Fact | None, float | None]] = {}
    for fact in facts:  # every flag first: a later year's growth flags an earlier estimate
        derived = _year_on_year_previous(fact)
        earlier = by_year.get(fact.year - 1) if fact.year is not None else None
        stated = earlier[0] if earlier else None
        difference = _difference(derived, stated) if derived and stated else None
        if derived is not None and earlier:
            _check_estimates(fact, derived, earlier, flags)
        previous[id(fact)] = (derived, stated, difference)
    points = []
    for fact in facts:
        derived, stated, difference = previous[id(fact)]
        value = None
        if fact.value is not None and fact.unit in family:
            value = round(fact.value * family[fact.unit] / family[unit], 6)
        points.append(
            TrendPoint(
                fact=fact, value=value, unit=unit if value is not None else None,
                derived_previous=derived, stated_previous=stated, difference=difference,
                disagrees=difference is not None and abs(difference) > DISAGREEMENT_PERCENT,
                flags=tuple(flags.get(id(fact), ())),
            )
        )  # fmt: skip
    return points


def _series_unit(latest: Fact, facts: list[Fact]) -> tuple[str, dict[str, float]]:
    """The unit the series is drawn in (the headline fact's), refusing figures whose
    units do not convert to it."""
    figures = [fact for fact in facts if fact.value is not None and fact.unit is not None]
    # The unit most of its figures are written in (件 rather than 2023's 5.41万件).
    counts: dict[str, int] = {}
    for fact in figures:
        counts[fact.unit or ""] = counts.get(fact.unit or "", 0) + 1
    unit = max(counts, key=lambda name: (counts[name], -scaled(name)[1]), default="")
    unit = unit or latest.unit or ""
    family = unit_family(unit, {fact.unit for fact in figures if fact.unit})
    strangers = [fact for fact in figures if fact.unit not in family]
    if strangers:
        kinds = {unit: [fact for fact in figures if fact.unit in family]}
        for fact in strangers:
            kinds.setdefault(fact.unit or "", []).append(fact)
        listed = "; ".join(
            f"{name} ({', '.join(sorted({str(fact.year) for fact in held}))})"
            for name, held in kinds.items()
        )
        raise InvalidArgumentError(
            f"{latest.id} holds figures in units that cannot be drawn as one series: {listed}."
            " Give each kind of figure its own id in the fact files"
        )
    return unit, family


def _year_on_year_previous(fact: Fact) -> Derived | None:
    """The previous year's value a change implies, where the change is year on year
    (not 较2017年, 年均, 累计, 3.5倍 over a plan)."""
    if fact.change is None or _NOT_YEAR_ON_YEAR.search(fact.change.text):
        return None
    return previous_value(fact)


def written_range(fact: Fact, family: dict[str, float]) -> tuple[float, float] | None:
    """The values a written figure stands for, in the family's base unit: its last
    written digit's rounding, or a bound where it says 超过 or 近."""
    if fact.value is None or fact.unit not in family:
        return None
    factor = family[fact.unit]
    value = fact.value * factor
    words = f"{fact.qualifier or ''} {fact.value_text or ''}".casefold()
    if any(word in words for word in _AT_LEAST):
        return (value, float("inf"))
    if any(word in words for word in _AT_MOST):
        return (value * 0.9, value)
    half_step = 0.5 * 10 ** -_written_decimals(fact) * factor
    return (value - half_step, value + half_step)


def _written_decimals(fact: Fact) -> int:
    """Decimals of the figure as written (2.10% has 2), else as its value has them."""
    text = (fact.value_text or "").replace(",", "")
    number = f"{fact.value}"
    for found in re.finditer(r"\d+(?:\.(\d+))?", text):
        try:
            if float(found[0]) == float(fact.value or 0):
                return len(found[1] or "")
        except ValueError:  # pragma: no cover - the pattern only finds numbers
            continue
    return len(number.partition(".")[2]) if "." in number and "e" not in number else 0


def _compare_sources(
    same_year: list[Fact], family: dict[str, float], flags: dict[int, list[Flag]]
) -> None:
    """Flag each pair of one year's points whose written ranges do not meet."""
    ranged = [(fact, written_range(fact, family)) for fact in same_year]
    for number, (fact, span) in enumerate(ranged):
        for other, other_span in ranged[number + 1 :]:
            if span is None or other_span is None:
                continue
            if span[0] <= other_span[1] and other_span[0] <= span[1]:
                continue
            estimates = [f for f in (fact, other) if f.basis == "estimated"]
            if len(estimates) == 1:  # an estimate against a firmer figure: the estimate's
                estimate = estimates[0]
                firmer = other if estimate is fact else fact
                text = f"预计值与{_who(firmer)}的{firmer.figure}不符"
                text_en = f"the estimate differs from {english_figure(firmer)} ({_who_en(firmer)})"
                flags.setdefault(id(estimate), []).append(
                    Flag("estimate-contradicted", firmer, text, text_en)
                )
                continue
            for mine, theirs in ((fact, other), (other, fact)):
                text = f"与{_who(theirs)}的{theirs.figure}不一致"
                text_en = f"disagrees with {english_figure(theirs)} ({_who_en(theirs)})"
                flags.setdefault(id(mine), []).append(
                    Flag("sources-disagree", theirs, text, text_en)
                )


def _check_estimates(
    fact: Fact, derived: Derived, earlier: list[Fact], flags: dict[int, list[Flag]]
) -> None:
    """Flag an estimate of the previous year that this point's growth contradicts."""
    for estimate in earlier:
        if estimate.basis != "estimated":
            continue
        difference = _difference(derived, estimate)
        if difference is None or abs(difference) <= DISAGREEMENT_PERCENT:
            continue
        shown = f"{derived.value:g}{derived.unit}"
        change = fact.change.text if fact.change else ""
        text = f"{fact.year}年{fact.figure}、{change}推算为{shown}，与预计值不符"
        shown_en = amount(derived.value, derived.unit)
        text_en = (
            f"{fact.year}'s {english_figure(fact)} and {change_text(fact, 'en')} imply "
            f"{shown_en}, not the estimate"
        )
        flags.setdefault(id(estimate), []).append(
            Flag("estimate-contradicted", fact, text, text_en)
        )


def _who(fact: Fact) -> str:
    source = fact.source
    return (source.publisher or source.title) if source else (fact.report or "")


def _who_en(fact: Fact) -> str:
    source = fact.source
    name = (source.publisher or source.title) if source else (fact.report or "")
    return f"{name}, {fact.basis}" if fact.basis else name


def _difference(derived: Derived, stated: Fact) -> float | None:
    """The derived value's distance from the stated one, in percent of the stated."""
    family = unit_family(derived.unit, [stated.unit] if stated.unit else [])
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
