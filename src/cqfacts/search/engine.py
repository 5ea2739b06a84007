"""Ranking facts for a query typed in Chinese, pinyin, English, traditional characters or numbers.

Exact and near-exact wording ranks above pinyin, pinyin above fuzzy matches; among
equal scores a topic's headline fact (its first) comes before its parts. rapidfuzz
(and its ~17 ms import) is only needed when no strong match exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cqfacts.errors import InvalidArgumentError
from cqfacts.facts.model import Fact, FactBase, preference
from cqfacts.facts.normalize import has_cjk, is_cjk
from cqfacts.fast_typing import NamedTuple
from cqfacts.search.index import FIELD, FIELDS, SearchIndex
from cqfacts.search.pinyin import PinyinPattern, pinyin_matches, pinyin_pattern, typed_letters
from cqfacts.search.quantities import Quantity, may_hold_number, read_quantity, unit_of
from cqfacts.search.questions import (
    facts_naming,
    naming_closeness,
    period_in_query,
    without_question_words,
    without_trend_words,
)
from cqfacts.search.scores import (
    CONVERTED_SCALES,
    FUZZY_CUTOFF,
    FUZZY_PINYIN_CUTOFF,
    FUZZY_WEIGHT,
    LOOSE_PINYIN_FLOOR,
    MAX_FUZZY_QUERY,
    MAX_ROUNDING_ERROR,
    MIN_CONVERTED_DIGITS,
    MIN_FUZZY_PINYIN_QUERY,
    MIN_SCORE,
    NUMBER_AND_WORDS_BONUS,
    NUMBER_SCORE,
    PLAN_SCORE,
    RESCALED_SCORE,
    ROUNDED_ERROR_PENALTY,
    ROUNDED_SCORE,
    SHORT_KEY,
    SHORT_KEY_CUTOFF,
    SUBSTRING_SCORE,
    SYNONYM_WEIGHT,
    Hit,
    Scores,
    headline_ranks,
)
from cqfacts.search.wording import (
    abbreviation_matches,
    chinese_variants,
    contained_key_matches,
    english_word_matches,
    expanded_key_matches,
    pair_matches,
    prepare_query,
    text_matches,
    token_matches,
)

# The longest query read for a number: a figure with a few words (研发人员超过24万人);
# reading each number of a pasted page would cost a pass over the page per number.
MAX_NUMBER_QUERY = 40

# A number as a query may write it (ASCII digits after folding); kept as text, compiled
# (and cached) by re on first use.
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)"


class Match(NamedTuple):  # not a dataclass: see facts/records.py
    fact: Fact
    score: float
    #: The field the best match was on ("label", "topic", "label_en", …).
    field: str
    #: How: exact, prefix, substring, abbreviation, pinyin, words, number, contained,
    #: tokens or fuzzy.
    how: str
    #: Characters to highlight in displayed fields: {"label": (0, 1, 2), …}.
    highlights: dict[str, tuple[int, ...]]
    #: Every year the loaded facts give this indicator for, oldest first.
    years: tuple[int, ...] = ()


def search(
    base: FactBase,
    index: SearchIndex,
    query: str,
    *,
    pillar: int | None = None,
    kind: str | None = None,
    limit: int | None = 10,
    highlight: bool = True,
    year: int | None = None,
    all_years: bool = False,
) -> list[Match]:
    """The facts matching ``query``, best first; empty when nothing scores above noise
    (or the query holds only characters that are never matched, such as zero-width
    spaces and control characters).

    ``highlight`` fills each match's highlights (characters to mark on screen);
    ``pillar``, ``kind`` and ``year`` (the year a figure describes) keep only the
    facts that have them. A year in the query (2022年高新技术企业, 高企 2022), where the
    loaded facts describe it, picks each indicator's fact of that year where it has
    one. Each indicator is answered once, by its headline fact (the latest year's
    firmest figure, or that year's), unless ``all_years``, which lists every source's
    figure for every year (of the query's year, where it names one).
    Raises :class:`InvalidArgumentError` for a blank query.
    """
    if not query.strip():
        raise InvalidArgumentError("the query is empty")
    folded = prepare_query(query, index)
    if not folded:
        return []
    folded, named = _without_period(folded, index)
    asked_year = None
    if year is None:
        asked_year, folded = year_in_query(folded, base)
    folded = without_trend_words(without_region(folded, index, base), index.keys.blob)
    asked = without_question_words(folded, base.meta.year)
    if asked.words:
        folded = asked.words
    ranks = headline_ranks(base, index)
    scores = Scores(index, ranks, base.keys.ids if base.repeats_ids else None)
    pattern = None
    if folded:  # empty where the query named only a plan (十三五)
        quantity = (
            read_quantity(folded)
            if len(folded) <= MAX_NUMBER_QUERY and may_hold_number(folded)
            else None
        )
        # A figure alone (五万八千五百二十四, 1.9万篇) is no misspelt name: no rapidfuzz.
        pattern = _match_words(index, folded, scores, fuzzy=quantity is None or bool(quantity.rest))
        if quantity is not None:
            _quantity_matches(base, index, quantity, scores)
        if asked.unit:
            scores.prefer_unit(base, asked.unit)
    several = len(base.reports) > 1 or base.repeats_ids
    one_each = several and not all_years
    lift = scores.in_year(base, asked_year) if asked_year is not None and one_each else {}
    first = {}
    if named:
        first = plan_matches(index, folded, named, scores)

    # A year the query names answers each indicator with that year's fact where it
    # has one, the latest otherwise (2020年技术合同成交额, of a year the series lacks,
    # is the turnover, not a 2020 fact of other words); with every fact listed, it
    # keeps that year's facts, as the option does.
    in_year = _in_year(base, year if one_each else year or asked_year, one_each)
    fact_years = base.keys.years
    candidates = (
        # Equal scores: the later year first (全国第七 is 2024's as much as 2020's).
        (
            first.get(number, 2),
            -hit.score - lift.get(number, 0.0),
            ranks[number],
            -(fact_years[number] or 0),
            number,
            hit,
        )
        for number, hit in scores.best.items()
        if hit.score >= MIN_SCORE
        and (pillar is None or base.facts[number].pillar == pillar)
        and (kind is None or base.facts[number].kind == kind)
        and (in_year is None or in_year(number, hit))
    )
    ordered = sorted(candidates)
    if one_each:
        growth = asks_growth(query.casefold())
        chosen = _one_per_indicator(base, ordered, year or asked_year, limit, first, growth)
    else:
        chosen = [(hit, number, base.facts[number]) for *_, number, hit in ordered[:limit]]
    if highlight:  # only a table shows highlights: JSON and TSV never load their module
        from cqfacts.search.highlight import highlights
    return [
        Match(
            fact=fact,
            score=round(hit.score, 1),
            field=FIELDS[hit.field],
            how=hit.how,
            # Where another fact of the indicator matched (another year's), its
            # answer's own text is marked, without the pinyin only that fact's has.
            highlights=(
                highlights(
                    fact, number, index, folded, pattern if fact is base.facts[number] else None
                )
                if highlight
                else {}
            ),
            years=tuple(base.years_of(fact.id)) if several else (),
        )
        for hit, number, fact in chosen
    ]


def _in_year(base: FactBase, year: int | None, one_each: bool) -> Callable[[int, Hit], bool] | None:
    """Which matches count for a year asked for: with every fact listed (or one fact
    per id anyway), the facts of that year; answering each indicator once, any fact of
    an indicator that has a figure for that year, since the words name the indicator
    whatever the year of the fact they matched (the topic's name is indexed once, on
    one fact of each id), and that year's fact answers. A match on a figure is one
    year's own: it counts only for its year."""
    if year is None:
        return None
    years = base.keys.years
    if not one_each:
        return lambda number, hit: years[number] == year
    ids = base.keys.ids
    own_figure = (FIELD["value_text"], FIELD["change"])
    held: dict[str, bool] = {}

    def counts(number: int, hit: Hit) -> bool:
        if hit.field in own_figure:
            return years[number] == year
        fact_id = ids[number]
        if fact_id not in held:
            held[fact_id] = year in base.years_of(fact_id)
        return held[fact_id]

    return counts


def _score(hit: Hit) -> float:
    return hit.score


def _one_per_indicator(
    base: FactBase,
    ordered: list[tuple[int, float, int, int, int, Hit]],
    year: int | None,
    limit: int | None,
    first: dict[int, int],
    growth: bool = False,
) -> list[tuple[Hit, int, Fact]]:
    """The best match of each id, answered by the id's headline fact (of ``year``,
    where given and the id has one): several sources and years of one indicator are
    one answer. A match on a fact's own figure (7565, 865.1亿元) is answered by that
    fact: the number asked for is one year's, not the latest; so is a fact that names
    the plan asked for. Where the query asks how much it grew (``growth``), the
    latest fact giving a change answers."""
    own_figure = (FIELD["value_text"], FIELD["change"])
    chosen: dict[str, tuple[Hit, int, Fact]] = {}
    for *_, number, hit in ordered:
        fact = base.facts[number]
        if fact.id in chosen:
            held_hit, _, headline = chosen[fact.id]
            if fact is headline:  # its own match, maybe weaker: highlights are on it
                chosen[fact.id] = (max(hit, held_hit, key=_score), number, headline)
            continue
        if limit is not None and len(chosen) >= limit:
            break
        if hit.field in own_figure or number in first:
            headline = fact
        elif year is not None and year in base.years_of(fact.id):
            headline = base.get(fact.id, year)
        else:
            headline = base.get(fact.id)
        if growth and headline.change is None:
            headline = _with_change(base, fact.id, year) or headline
        chosen[fact.id] = (hit, number, headline)
    return list(chosen.values())


# Words asking how much an indicator grew: 高企增长率 is answered by the latest figure
# with a change (7565家, 增长19.2%), not the latest figure (9123家, none given).
_GROWTH_WORDS = ("增长", "增速", "增幅", "同比", "增加", "提高", "提升", "growth", "grew",
                 "increase", "rise", "rose")  # fmt: skip


def asks_growth(folded: str) -> bool:
    return any(word in folded for word in _GROWTH_WORDS)


def _with_change(base: FactBase, fact_id: str, year: int | None) -> Fact | None:
    """The id's latest fact with a change (of ``year`` where given), checked before a
    draft and the firmest within a year; None where it has none."""
    held = [
        fact
        for fact in base.points(fact_id)
        if fact.change is not None and (year is None or fact.year == year)
    ]
    return max(
        held, key=lambda fact: (not fact.draft, fact.year or 0, preference(fact)), default=None
    )


def without_region(folded: str, index: SearchIndex, base: FactBase) -> str:
    """The query without the region the reports are about (重庆市2018年R&D经费投入强度,
    2020年重庆研发投入): every fact is the region's, so it names none, and in front of
    an indicator it made a name held whole a smaller share of the query. Kept where a
    name holds it with the two characters beside it (重庆实验室, 西部(重庆)科学城)."""
    for region in dict.fromkeys(meta.region for meta in base.reports):
        for form in (region, region.rstrip("市省区")):
            at = folded.find(form)
            if at < 0 or len(form) < 2:
                continue
            end = at + len(form)
            rest = f"{folded[:at]} {folded[end:]}".strip()
            # Two characters either side: 重庆实验(室) is a name, 重庆高(企) only its start.
            beside = (folded[max(0, at - 2) : end], folded[at : end + 2])
            if len(rest) >= 2 and not any(
                len(text) == len(form) + 2 and text in index.keys.blob for text in beside
            ):
                return " ".join(rest.split())
    return folded


def plan_matches(
    index: SearchIndex, rest: str, named: dict[int, int], scores: Scores
) -> dict[int, int]:
    """Which facts come first, and how closely each names the plan (0 by its names,
    1 by its note), of the facts naming it (``named``: each with the field naming
    it). Those naming the plan that the rest of the query also finds come before the
    rest's other matches: found by their names, a name the rest holds or pairs of
    characters (十三五技术合同成交额 finds 技术合同交易额(五年累计) of the topic 技术合同,
    looser kinds the exact 技术合同成交额 would spare), or two of its English words.
    Where nothing is left (十三五) or the rest finds nothing, the facts naming the
    plan are the answer, those naming it by name first."""
    first: dict[int, int] = {}
    if rest:
        loose = Scores(index, scores.headline, scores.ids)
        contained_key_matches(index, rest, loose)
        if has_cjk(rest):
            pair_matches(index, rest, loose)
        else:  # R&D intensity change during the 13th FYP: two words do
            english_word_matches(index, rest, loose, loose=True)
        for number, field in named.items():
            hit, other = scores.best.get(number), loose.best.get(number)
            if other is not None and (hit is None or other.score > hit.score):
                scores.best[number] = hit = other
            if hit is not None and hit.score >= MIN_SCORE:
                first[number] = naming_closeness(field)
        if first or scores.reaches(MIN_SCORE):
            return first
    for number, field in named.items():
        # The plan's name is a substring of the field naming it ("… over 13th FYP").
        scores.offer([(number, field)], PLAN_SCORE, "substring")
        first[number] = naming_closeness(field)
    return first


def may_name_period(folded: str) -> bool:
    """Whether a folded query may name a plan (十三五, shisanwu, 13th FYP, Five-Year
    Plan) or a range of years (2016-2020): looked for before the module that reads
    them is imported, as most queries name neither."""
    return (
        "五" in folded
        or "wu" in folded
        or "fyp" in folded
        or "five" in folded
        or sum(char.isdigit() for char in folded) >= 8
    )


def _without_period(folded: str, index: SearchIndex) -> tuple[str, dict[int, int]]:
    """The query without the plan or range of years it names, and the facts naming
    that plan (see :func:`periods.facts_naming`). A plan no fact names stays in the
    query as words; a range of years asks for every year, so it goes."""
    if not may_name_period(folded):
        return folded, {}
    period, rest = period_in_query(folded)
    if period is None:
        return folded, {}
    named = facts_naming(index, period)
    if named or period.plan is None:
        return rest, named
    return folded, {}


# A year the query names: 2022年, 2022年度, 2022年全年, 2022, in 2022, 2022's (never part
# of a longer number; 2022年630.4亿元 is 2022 and a figure), 二〇二二(年); as people
# shorten it, before 年: 22年, 二二年 (not a span: 近10年, 过去15年). Not a year from
# which on (2015年以来, since 2015): that asks for every year since. Compiled (and
# cached by re) only for a query that holds a digit or 年.
_SUFFIX = r"年(?:度|底|末|初)?(?:全年)?"
_SINCE = r"(?!\s*(?:以来|起|至今))"
_YEAR_WORD = (
    rf"(?:\bin\s*)?(?<!since )(?<![0-9.])((?:19|20)[0-9]{{2}})(?>{_SUFFIX}|'s\b|(?![0-9])){_SINCE}"
)
_NUMERALS = "〇零一二三四五六七八九"
_NUMERAL_DIGITS = str.maketrans(_NUMERALS, "00123456789")
_NOT_NUMBER = rf"0-9.{_NUMERALS}十百千万亿"
_SHORT_YEAR = (
    rf"(?<![{_NOT_NUMBER}近这过去前后多几第每])"
    rf"((?:一九|二[〇零])[{_NUMERALS}]{{2}}(?![{_NOT_NUMBER}])(?>{_SUFFIX})?"
    rf"|(?:[0-9]{{2}}|[{_NUMERALS}]{{2}})(?>{_SUFFIX})(?!代)){_SINCE}"
)


def year_in_query(folded: str, base: FactBase) -> tuple[int | None, str]:
    """The year a query names and the query without it, where the loaded facts
    describe that year and something else is asked (2022 alone is a number); None
    and the query without it for a year written as one (2014年) no fact describes."""
    if len(base.years) < 2 or not (
        "年" in folded
        or any(char.isdigit() for char in folded)
        or any(start in folded for start in ("一九", "二〇", "二零"))
    ):
        return None, folded
    for found in (*re.finditer(_YEAR_WORD, folded), *re.finditer(_SHORT_YEAR, folded)):
        named = _year_of(found[1].partition("年")[0])
        rest = (folded[: found.start()] + " " + folded[found.end() :]).strip()
        if not rest or rest.replace(".", "").isdigit():
            continue
        if named in base.years:
            return named, " ".join(rest.split())
        if "年" in found[0] and len(found[1]) == 4:
            # A year no fact describes (2014年研发投入) is still no figure: the words
            # are the query, answered by the latest.
            return None, " ".join(rest.split())
    return None, folded


def _year_of(written: str) -> int:
    """2019 from 2019, 19, 一九 or 二〇一九 (a year of this century where shortened)."""
    digits = written.translate(_NUMERAL_DIGITS)
    return int(digits) if len(digits) == 4 else 2000 + int(digits)


def _match_words(
    index: SearchIndex, folded: str, scores: Scores, *, fuzzy: bool = True
) -> PinyinPattern | None:
    """Every kind of match of the query's text, the looser kinds only where the
    stricter found nothing strong; the query's pinyin pattern, for highlighting."""
    text_matches(index, folded, scores)
    all_cjk = all(is_cjk(char) for char in folded)
    if all_cjk and 2 <= len(folded) <= 8 and not scores.many():
        abbreviation_matches(index, folded, scores)
    pattern = pinyin_pattern(folded, index.readings)
    if pattern is not None:
        typed = typed_letters(folded, index.readings)
        pinyin_matches(index, pattern, typed, scores)
        loose = None if scores.strong() else pinyin_pattern(folded, index.readings, loose=True)
        if loose is not None and loose.pattern != pattern.pattern:
            pinyin_matches(index, loose, typed, scores, floor=LOOSE_PINYIN_FLOOR)
    english_word_matches(index, folded, scores)
    if not scores.strong():
        contained_key_matches(index, folded, scores)
        if all_cjk:
            expanded_key_matches(index, folded, scores)
        token_matches(index, folded, scores)
    if has_cjk(folded) and not scores.reaches(SUBSTRING_SCORE[0]):
        # No name holds the whole query: its words may be in another order, or in
        # other words (新增 for 新认定), so try pairs of characters and synonyms.
        variants = chinese_variants(folded)
        if len(variants) > 1:
            scores.weight = SYNONYM_WEIGHT
            for variant in variants[1:]:
                text_matches(index, variant, scores)
            scores.weight = 1.0
        for variant in variants:
            pair_matches(index, variant, scores)
    if fuzzy and not scores.strong():
        _fuzzy_matches(index, folded, pattern is not None, scores)
    return pattern


def _quantity_matches(
    base: FactBase, index: SearchIndex, quantity: Quantity, scores: Scores
) -> None:
    """Facts whose value is the query's number: as written, rescaled or rounded.

    Rounded: the fact's value, in the query's unit, is within half the query's last
    significant place of it (1.9万 holds 18950 to 19050) and within 5% of it; with 多
    or 余, above it within that place (7500多 holds 7500 to 7599).
    """
    found: dict[int, tuple[float, str]] = {}
    wanted = quantity.value
    # A bare number of a few digits is also the fact's amount as another scale writes it:
    # 86.51 is 865.1亿元 in billions, as the English figure (CNY 86.51 billion) shows it.
    converted = quantity.bare and quantity.significant >= MIN_CONVERTED_DIGITS and wanted > 0
    for number, value in enumerate(index.values):
        if value != value:  # NaN: the fact has no value
            continue
        family, scale = unit_of(base.facts[number].unit) or ("", 1.0)
        if quantity.family is not None and family != quantity.family:
            continue
        as_written = quantity.scale == scale or (quantity.scale == 1.0 and quantity.family is None)
        if abs(value - quantity.written) < 1e-9 and as_written:
            found[number] = (NUMBER_SCORE, "number")
            continue
        if quantity.rank:
            continue
        error = abs(value * scale - wanted)
        # Half the last place either side; with 多 or 余, the whole place above.
        within = (
            0 <= value * scale - wanted < quantity.precision
            if quantity.more
            else error <= quantity.precision / 2 * (1 + 1e-9)
        )
        if error <= 1e-9 * max(1.0, wanted) or (
            converted
            and any(
                abs(value * scale - wanted * other) <= 1e-9 * wanted * other
                for other in CONVERTED_SCALES
            )
        ):
            found[number] = (RESCALED_SCORE, "number≈")
        elif not quantity.exact_only and within and error <= MAX_ROUNDING_ERROR * wanted:
            found[number] = (ROUNDED_SCORE - ROUNDED_ERROR_PENALTY * error / wanted, "number≈")
    if not found:
        return
    words: dict[int, Hit] = {}
    if quantity.rest:
        with_words = Scores(index, scores.headline, scores.ids)
        _match_words(index, quantity.rest, with_words)
        words = {n: hit for n, hit in with_words.best.items() if hit.score >= MIN_SCORE}
    for number, (score, how) in found.items():
        if words:
            if number not in words:
                continue  # the words name other facts
            score = max(score, words[number].score) + NUMBER_AND_WORDS_BONUS
        scores.offer([(number, FIELD["value_text"])], score, how)


def _fuzzy_matches(index: SearchIndex, query: str, with_pinyin: bool, scores: Scores) -> None:
    """Typos and near wording, scored by rapidfuzz and kept below exact matches."""
    if re.fullmatch(_NUMBER, query.replace(",", "")):
        return  # a number is never a typo of another: 5852 is not 58524
    from rapidfuzz import fuzz, process

    query = query[:MAX_FUZZY_QUERY]
    # Latin queries compare word sets (typos within words); WRatio's partial matching
    # would find "banana" inside a list of district names.
    scorer = fuzz.token_set_ratio if query.isascii() else fuzz.WRatio
    for key, score, number in process.extract(
        query, index.keys.as_list(), scorer=scorer, score_cutoff=FUZZY_CUTOFF, limit=None
    ):
        if _plausible_typo(key, score):
            scores.offer(index.key_entries(number), FUZZY_WEIGHT * score, "fuzzy")
    if with_pinyin and len(query) >= MIN_FUZZY_PINYIN_QUERY:
        compact = index.pinyin.blob.replace(" ", "").split("\n")  # " gao xin" -> "gaoxin"
        for key, score, number in process.extract(
            query.replace(" ", ""), compact, scorer=fuzz.ratio, score_cutoff=FUZZY_PINYIN_CUTOFF,
            limit=None,
        ):  # fmt: skip
            if _plausible_typo(key, score):
                scores.offer(index.pinyin_entries(number), FUZZY_WEIGHT * score, "fuzzy")


def _plausible_typo(key: str, score: float) -> bool:
    """One letter off a short name is another word: banana is not Banan (巴南)."""
    return len(key) >= SHORT_KEY or score >= SHORT_KEY_CUTOFF
