"""What each kind of match scores, and the best score each fact has reached: one table
of scores whose floors order the kinds of match (wording, then pinyin and abbreviations,
then looser kinds), the thresholds that decide which kinds run at all (a strong match
spares the looser ones), and :class:`Scores`, which keeps each fact's best match during
one search."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Sequence, Set

from cqfacts.facts.model import FactBase
from cqfacts.facts.normalize import fold
from cqfacts.fast_typing import NamedTuple
from cqfacts.search.index import FIELD, FIELD_WEIGHTS, SearchIndex
from cqfacts.search.quantities import unit_of

#: Facts scoring below this are noise and never shown.
MIN_SCORE = 60.0
#: A match this good means rapidfuzz's fuzzy pass is not needed.
STRONG_SCORE = 75.0
#: rapidfuzz scores below this are not a match at all.
FUZZY_CUTOFF = 78.0
# With this many strong matches, abbreviations are not looked for.
ENOUGH_MATCHES = 10
# A topic's headline fact (its total, its stock) wins near-ties with its parts.
HEADLINE_BONUS = 1.0
# Keys shorter than this need a near-perfect fuzzy score.
SHORT_KEY = 6
SHORT_KEY_CUTOFF = 95.0

# rapidfuzz's time grows with the query's length; a near miss of a key (the longest,
# an English note, has 161 characters) is not longer, so fuzzy matching reads no further.
MAX_FUZZY_QUERY = 200

# Scores, by kind of match. A pair (floor, span) scores floor + span * share, where
# share (0 to 1) is how much of the key, or of the query, the match covers; the
# floors order the kinds: wording, then pinyin and abbreviations, then looser kinds.
EXACT_SCORE = 100.0
PREFIX_SCORE = (93.0, 5.0)  # share: of the key
SUBSTRING_SCORE = (88.0, 6.0)  # share: of the key
WORD_CUT_PENALTY = 3.0  # the match ends inside an English word
ABBREVIATION_SCORE = (68.0, 14.0)  # share: query characters / the key span holding them
PINYIN_FLOOR = 66.0
LOOSE_PINYIN_FLOOR = 60.0  # syllables skipped: weaker than a pinyin match in order
PINYIN_SPAN = 24.0  # times the share of the touched syllables' letters the query typed
WHOLE_KEY_BONUS = 4.0  # the pinyin match spans the whole key
FEW_LETTERS = 2  # a pinyin query of this many letters matches almost anything
FEW_LETTERS_PENALTY = 15.0
WORDS_FLOOR = 66.0  # English words in any order: floor …
WORDS_QUERY_SPAN = 8.0  # … plus this times the share of the query's words found …
WORDS_KEY_SPAN = 14.0  # … plus this times the share of the key's words they make
CONTAINED_SCORE = (66.0, 24.0)  # share: of the query the held name makes
# A name whose characters the query holds in order among other words (研发经费投入强度
# holds 研发投入强度): a little below a name held whole.
EXPANDED_SCORE = (64.0, 24.0)  # share: of the query
# Character pairs of a Chinese query found in one fact's names, in any order (投入强度
# 研发): share of the query's pairs; below this share, it is not the same name.
PAIRS_SCORE = (58.0, 28.0)
# The query with a common word put as the report puts it (新增 -> 新认定) is matched as
# wording, scaled by this.
SYNONYM_WEIGHT = 0.97
MIN_PAIRS_SHARE = 0.6
TOKENS_SCORE = 78.0
# Less for each step a piece of a mixed query was found further from the fact's own
# names (its topic's names, then its note): more than the headline bonus.
TOKENS_FIELD_PENALTY = 2.0
# A fact naming the plan a query names alone (十三五): 90 times the weight of the field
# naming it (72 for a note).
PLAN_SCORE = 90.0
FUZZY_WEIGHT = 0.8  # rapidfuzz's 0-100, scaled to rank below wording and pinyin
FUZZY_PINYIN_CUTOFF = 85.0
MIN_FUZZY_PINYIN_QUERY = 5  # shorter letters are initials, not misspelt pinyin
SUGGEST_CUTOFF = 50.0
# Numbers: the value as written (58524, 五万八千五百二十四, 24万人 for 24万人); the same
# value rescaled (240000 for 24万人, 0.8亿元 for 8000万元); a figure the query rounds
# (1.9万篇 for 18979篇), less the further it is.
NUMBER_SCORE = 100.0
RESCALED_SCORE = 97.0
ROUNDED_SCORE = 94.0
ROUNDED_ERROR_PENALTY = 40.0  # times the relative error: at most 2 points
# A rounded figure is at most this far from the query, relative to the query.
MAX_ROUNDING_ERROR = 0.05
# A bare number (86.51) is also a fact's amount in thousands, 万, millions, 亿 or
# billions, as another language writes it (865.1亿元 is CNY 86.51 billion), where it has
# this many significant digits: fewer (3, 24) would name too many facts.
CONVERTED_SCALES = (1e3, 1e4, 1e6, 1e8, 1e9)
MIN_CONVERTED_DIGITS = 3
# A number with words (研发人员24万, 全国第8): facts both find rank above facts either finds.
NUMBER_AND_WORDS_BONUS = 2.0
# A measure word after 多少 or 几 (多少家) prefers facts counted in that unit.
UNIT_HINT_BONUS = 2.0
_OWN_FIGURE = frozenset((FIELD["value_text"], FIELD["change"]))
# A year the query names lifts the indicators with a figure for it: about the gap
# between a name matched exactly and a name holding the query (101 and 91.3).
YEAR_BONUS = 12.0
# Names, not prose: abbreviations (高企 for 高新技术企业) and names held in a longer
# query are looked for only there.
NAME_FIELDS = frozenset(
    FIELD[name]
    for name in ("label", "topic", "alias", "topic_alias", "value_text", "label_en", "topic_en")
)


class Hit(NamedTuple):
    score: float
    field: int
    how: str


def scaled(band: tuple[float, float], share: float) -> float:
    floor, span = band
    return floor + span * share


# The base whose headline ranks were last worked out, and those ranks: one base is
# searched again and again (a server's, a test session's).
_last_ranks: list[tuple[FactBase, Sequence[int]]] = []


def headline_ranks(base: FactBase, index: SearchIndex) -> Sequence[int]:
    """Each fact's rank in its topic: 0 for the headline (a total, not a part).

    Each fact file ranks its own topics; an id that several files hold is ranked as
    the file listing its topic most fully does, for every year's fact of it. A file
    giving a topic one or two facts says nothing of its headline: the press
    conference's only 综合科技创新水平 fact (the western rank) is no headline beside
    the series' national rank, nor the review's 13th-FYP rise in patents beside the
    patents held per 10,000 people. Worked out from the index's topic groups of the
    topics holding such ids (named by one fact of each), once per base: a search
    builds no topic."""
    if len(base.parts) < 2:
        return index.headline_rank
    if _last_ranks and _last_ranks[0][0] is base:
        return _last_ranks[0][1]
    seen: set[str] = set()
    shared: set[str] = set()
    for part in base.parts:
        held = set(part.keys.ids)
        shared |= seen & held
        seen |= held
    ranks: Sequence[int] = index.headline_rank
    if shared:
        ids = base.keys.ids
        # One fact of each such id names its topic (building the id's headline would
        # build every year's fact of it).
        first_of: dict[str, int] = {}
        for number, fact_id in enumerate(ids):
            if fact_id in shared:
                first_of.setdefault(fact_id, number)
        names = {fold(base.facts[number].topic) for number in first_of.values()}
        rank_of = _ranks_in_fullest_listing(base, index, names)
        ranks = array("i", index.headline_rank)
        for number, fact_id in enumerate(ids):
            if fact_id in rank_of:
                ranks[number] = rank_of[fact_id]
    _last_ranks[:] = [(base, ranks)]
    return ranks


def _ranks_in_fullest_listing(
    base: FactBase, index: SearchIndex, names: set[str]
) -> dict[str, int]:
    """The rank of every id of the topics of these (folded) names, in the file
    listing that topic most fully (the first of the longest); the ids it lacks after."""
    ids, keys = base.keys.ids, index.keys
    topic_field = FIELD["topic"]
    rank_of: dict[str, int] = {}
    listings: dict[str, list[list[str]]] = {}
    # One pass over the keys for every name, each whole (a line of its own).
    pattern = "^(" + "|".join(map(re.escape, sorted(names))) + ")$"
    for found in re.finditer(pattern, keys.blob, re.MULTILINE):
        for owner, field in index.key_entries(keys.at(found.start())):
            if field == topic_field and owner < 0:
                numbers = index.groups[-1 - owner]
                listed = list(dict.fromkeys(ids[number] for number in numbers))
                listings.setdefault(found[1], []).append(listed)
    for held in listings.values():
        fullest = max(held, key=len)  # the first of the longest
        for listed in held:
            for place, fact_id in enumerate(listed):
                rank = fullest.index(fact_id) if fact_id in fullest else len(fullest) + place
                rank_of[fact_id] = min(rank, rank_of.get(fact_id, rank))
    return rank_of


class Scores:
    """The best score each fact has reached so far, and how it got it."""

    def __init__(
        self,
        index: SearchIndex,
        headline: Sequence[int] | None = None,
        ids: Sequence[str] | None = None,
    ) -> None:
        self.index = index
        #: Each fact's id, where several facts share one (several years, sources).
        self.ids = ids
        #: Each fact's rank in its topic (see :func:`headline_ranks`): 0 for a headline.
        self.headline = index.headline_rank if headline is None else headline
        self.best: dict[int, Hit] = {}
        #: Scales every score offered: less for a query put in other words.
        self.weight = 1.0

    def offer(
        self,
        entries: Iterable[tuple[int, int]],
        score: float,
        how: str,
        fields: Set[int] | None = None,
    ) -> None:
        """Credit every fact a key belongs to (entries: owner and field code)."""
        index = self.index
        for owner, field_code in entries:
            if fields is not None and field_code not in fields:
                continue
            weighted = score * FIELD_WEIGHTS[field_code] * self.weight
            for fact in index.owners(owner):
                total = weighted + HEADLINE_BONUS if self.headline[fact] == 0 else weighted
                best = self.best.get(fact)
                if best is None or total > best.score:
                    # Rounded so that equal scores reached by different sums tie exactly.
                    self.best[fact] = Hit(round(total, 6), field_code, how)

    def prefer_unit(self, base: FactBase, family: str) -> None:
        """Lift facts counted in the unit a question asked for (多少家: 家)."""
        for number, hit in self.best.items():
            unit = unit_of(base.facts[number].unit)
            if unit is not None and unit[0] == family:
                self.best[number] = hit._replace(score=round(hit.score + UNIT_HINT_BONUS, 6))

    def in_year(self, base: FactBase, year: int) -> dict[int, float]:
        """The lift of each fact of an indicator with a figure for the year a query
        names, to rank by (the score shown stays the match's): 科技特派员 2020 is
        2020's commissioners (in poverty relief), not those sent in 2023, though its
        words name the latter exactly; an indicator without that year still comes
        first where its words are much better (2020年技术合同成交额 is the turnover,
        not the 13th FYP's five-year total, a 2020 fact)."""
        ids, years = base.keys.ids, base.keys.years
        held: dict[str, bool] = {}
        lifted: dict[int, float] = {}
        for number, hit in self.best.items():
            fact_id = ids[number]
            if hit.field in _OWN_FIGURE:  # a figure is one year's: 全国第7位 2021
                lift = years[number] == year
            else:
                if fact_id not in held:
                    held[fact_id] = year in base.years_of(fact_id)
                lift = held[fact_id]
            if lift:
                lifted[number] = YEAR_BONUS
        return lifted

    def reaches(self, score: float) -> bool:
        return any(hit.score >= score for hit in self.best.values())

    def strong(self) -> bool:
        return any(hit.score >= STRONG_SCORE for hit in self.best.values())

    def many(self) -> bool:
        """Enough strong matches that weaker kinds of match would only pad the tail:
        of distinct indicators, where ``ids`` is given (高企 names 17 years' facts of
        one indicator, which once spared the abbreviation its 13th-FYP growth)."""
        strong = [number for number, hit in self.best.items() if hit.score >= STRONG_SCORE]
        if self.ids is not None and len(strong) >= ENOUGH_MATCHES:
            return len({self.ids[number] for number in strong}) >= ENOUGH_MATCHES
        return len(strong) >= ENOUGH_MATCHES
