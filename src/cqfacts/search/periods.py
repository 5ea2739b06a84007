"""Spans of years a query names: a Five-Year Plan (十三五, 第十三个五年规划, the 13th
Five-Year Plan, 13th FYP) or a range (2016-2020, 2016至2020年).

Reports name a plan in Chinese (十三五) and our English names it "13th FYP", so a plan
in a query is taken out of it and looked for in the facts' names in every form; a range
of years is a plan where it is one, otherwise it asks for every year (a trend), not
for its first."""

from __future__ import annotations

import re

from cqfacts.facts.normalize import has_cjk
from cqfacts.search.index import FIELD, SearchIndex
from cqfacts.search.scores import MIN_SCORE, PLAN_SCORE, Scores
from cqfacts.search.wording import contained_key_matches, pair_matches

# The third plan began in 1966 (after 1963-65's readjustment); each runs five years.
_THIRD_PLAN_START = 1966
_PLAN_YEARS = 5
# The plans a query may name: the eleventh (2006-10) to the fifteenth (2026-30).
_FIRST_NAMED, _LAST_NAMED = 11, 15

_DIGITS = {char: str(number) for number, char in enumerate("〇一二三四五六七八九")}
_DIGITS["零"] = "0"

# Kept as text, compiled (and cached) by re on first use: most queries name no plan.
_CHINESE_PLAN = r"(?:第)?十([一二三四五])(?:个)?五(?:年(?:规划|计划))?"
_PINYIN_DIGITS = ("yi", "er", "san", "si", "wu")
_PINYIN_PLAN = r"\bshi\s*(yi|er|san|si|wu)\s*wu\b"
_ENGLISH_PLAN = r"\b(1[1-5])(?:st|nd|rd|th)?[\s-]*(?:five[\s-]*years?[\s-]*plan|fyp)s?\b"
_YEAR = r"(?:19|20)[0-9]{2}"
_RANGE = rf"(?<![0-9.])({_YEAR})\s*年?\s*(?:-|–|—|~|至|到|\bto\b)\s*({_YEAR})年?(?![0-9])"
# Words around a span that add nothing to it: 十三五期间, 十三五以来, during the 13th FYP.
_AROUND = r"^(?:期间|时期|以来|末|初|的|规划|计划|间)+|(?:期间|时期|以来|间)+$"


class Period:
    """A span of years a query named: a plan (its number), or a range."""

    __slots__ = ("first", "last", "plan")

    def __init__(self, first: int, last: int, plan: int | None) -> None:
        self.first = first
        self.last = last
        self.plan = plan

    def markers(self) -> tuple[str, ...]:
        """How the facts' names write the plan, folded as the index's keys are."""
        if self.plan is None:
            return ()
        ordinal = f"{self.plan}th"
        chinese = f"十{'一二三四五'[self.plan - 11]}五"
        return (f"{ordinal} fyp", f"{ordinal}-fyp", f"{ordinal} five-year plan", chinese)


def _plan(number: int) -> Period:
    first = _THIRD_PLAN_START + _PLAN_YEARS * (number - 3)
    return Period(first, first + _PLAN_YEARS - 1, number)


def period_in_query(folded: str) -> tuple[Period | None, str]:
    """The plan or range of years a folded query names, and the query without it
    (and without the words around it: 期间, 以来); (None, query) where it names none."""
    if "五" in folded:
        found = re.search(_CHINESE_PLAN, folded)
        if found is not None:
            return _plan(10 + int(_DIGITS[found[1]])), _rest(folded, found)
    if "wu" in folded:
        found = re.search(_PINYIN_PLAN, folded)
        if found is not None:
            return _plan(10 + _PINYIN_DIGITS.index(found[1]) + 1), _rest(folded, found)
    if "five" in folded or "fyp" in folded:
        found = re.search(_ENGLISH_PLAN, folded)
        if found is not None and _FIRST_NAMED <= int(found[1]) <= _LAST_NAMED:
            return _plan(int(found[1])), _rest(folded, found)
    if sum(char.isdigit() for char in folded) >= 8:
        found = re.search(_RANGE, folded)
        if found is not None and int(found[1]) < int(found[2]):
            first, last = int(found[1]), int(found[2])
            plans = [_plan(n) for n in range(_FIRST_NAMED, _LAST_NAMED + 1)]
            plan = next((p for p in plans if (p.first, p.last) == (first, last)), None)
            return plan or Period(first, last, None), _rest(folded, found)
    return None, folded


def _rest(folded: str, found: re.Match[str]) -> str:
    before = folded[: found.start()].strip()
    after = re.sub(_AROUND, "", folded[found.end() :].strip()).strip()
    return " ".join(f"{before} {after}".split())


# Where a fact's own names name the plan it answers for; a note naming it (a figure
# "stated in the 13th FYP summary") says less.
_NAMES = frozenset(FIELD[name] for name in ("label", "alias", "label_en", "id"))
_NOTE = FIELD["note"]


def facts_naming(index: SearchIndex, period: Period) -> dict[int, int]:
    """The facts whose names (0) or notes (1) name the plan, each with the closer."""
    found: dict[int, int] = {}
    keys = index.keys
    for marker in period.markers():
        offset = keys.blob.find(marker)
        while offset >= 0:
            number = keys.at(offset)
            start = offset - keys.starts[number]
            offset = keys.blob.find(marker, offset + 1)
            key = keys[number]
            if start and key[start - 1].isalnum():  # 113th is not 13th
                continue
            for owner, field in index.key_entries(number):
                closeness = 0 if field in _NAMES else 1 if field == _NOTE else None
                if closeness is None:
                    continue
                for fact in index.owners(owner):
                    found[fact] = min(closeness, found.get(fact, closeness))
    return found


def plan_matches(
    index: SearchIndex, rest: str, named: dict[int, int], scores: Scores
) -> dict[int, int]:
    """Which facts come first, and how closely each names the plan (0 by its names,
    1 by its note). Those naming the plan that the rest of the query also finds come
    before the rest's other matches: found by their names, a name the rest holds or
    pairs of characters (十三五技术合同成交额 finds 技术合同交易额(五年累计) of the topic
    技术合同, looser kinds the exact 技术合同成交额 would spare). Where nothing is left
    (十三五) or the rest finds nothing, the facts naming the plan are the answer, those
    naming it by name first."""
    first: dict[int, int] = {}
    if rest:
        loose = Scores(index, scores.headline)
        contained_key_matches(index, rest, loose)
        if has_cjk(rest):
            pair_matches(index, rest, loose)
        for number, closeness in named.items():
            hit, other = scores.best.get(number), loose.best.get(number)
            if other is not None and (hit is None or other.score > hit.score):
                scores.best[number] = hit = other
            if hit is not None and hit.score >= MIN_SCORE:
                first[number] = closeness
        if first or scores.reaches(MIN_SCORE):
            return first
    for number, closeness in named.items():
        field = FIELD["label"] if closeness == 0 else _NOTE
        scores.offer([(number, field)], PLAN_SCORE, "plan")
        first[number] = closeness
    return first
