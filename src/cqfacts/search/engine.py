"""Ranking facts for a query typed in Chinese, pinyin, English, traditional characters or numbers.

Exact and near-exact wording ranks above pinyin, pinyin above fuzzy matches; among
equal scores a topic's headline fact (its first) comes before its parts. rapidfuzz
(and its ~17 ms import) is only needed when no strong match exists.
"""

from __future__ import annotations

import re

from cqfacts.errors import InvalidArgumentError
from cqfacts.facts.model import Fact, FactBase
from cqfacts.facts.normalize import has_cjk, is_cjk
from cqfacts.fast_typing import NamedTuple
from cqfacts.search.index import FIELD, FIELDS, SearchIndex
from cqfacts.search.pinyin import PinyinPattern, pinyin_matches, pinyin_pattern, typed_letters
from cqfacts.search.quantities import Quantity, may_hold_number, read_quantity, unit_of
from cqfacts.search.questions import without_question_words
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
    RESCALED_SCORE,
    ROUNDED_ERROR_PENALTY,
    ROUNDED_SCORE,
    SHORT_KEY,
    SHORT_KEY_CUTOFF,
    SUBSTRING_SCORE,
    SYNONYM_WEIGHT,
    Hit,
    Scores,
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
    facts that have them. A year in the query (2022年高新技术企业, 高企 2022) is
    ``year`` where the loaded facts describe it. Each indicator is answered once, by
    its headline fact (the latest year's firmest figure, or that year's), unless
    ``all_years``, which lists every source's figure for every year.
    Raises :class:`InvalidArgumentError` for a blank query.
    """
    if not query.strip():
        raise InvalidArgumentError("the query is empty")
    folded = prepare_query(query, index)
    if not folded:
        return []
    if year is None:
        year, folded = year_in_query(folded, base)
    asked = without_question_words(folded, base.meta.year)
    if asked.words:
        folded = asked.words
    scores = Scores(index)
    quantity = (
        read_quantity(folded)
        if len(folded) <= MAX_NUMBER_QUERY and may_hold_number(folded)
        else None
    )
    # A figure alone (五万八千五百二十四, 1.9万篇) is no misspelt name: rapidfuzz is skipped.
    pattern = _match_words(index, folded, scores, fuzzy=quantity is None or bool(quantity.rest))
    if quantity is not None:
        _quantity_matches(base, index, quantity, scores)
    if asked.unit:
        scores.prefer_unit(base, asked.unit)

    candidates = (
        (-hit.score, index.headline_rank[number], number, hit)
        for number, hit in scores.best.items()
        if hit.score >= MIN_SCORE
        and (pillar is None or base.facts[number].pillar == pillar)
        and (kind is None or base.facts[number].kind == kind)
        and (year is None or base.facts[number].year == year)
    )
    ordered = sorted(candidates)
    if all_years or (len(base.reports) == 1 and not base.repeats_ids):
        chosen = [(hit, number, base.facts[number]) for _, _, number, hit in ordered[:limit]]
    else:
        chosen = _one_per_indicator(base, ordered, year, limit)
    if highlight:  # only a table shows highlights: JSON and TSV never load their module
        from cqfacts.search.highlight import highlights
    several = len(base.reports) > 1 or base.repeats_ids
    return [
        Match(
            fact=fact,
            score=round(hit.score, 1),
            field=FIELDS[hit.field],
            how=hit.how,
            highlights=(
                highlights(fact, number, index, folded, pattern)
                if highlight and fact is base.facts[number]
                else {}
            ),
            years=tuple(base.years_of(fact.id)) if several else (),
        )
        for hit, number, fact in chosen
    ]


def _one_per_indicator(
    base: FactBase, ordered: list[tuple[float, int, int, Hit]], year: int | None, limit: int | None
) -> list[tuple[Hit, int, Fact]]:
    """The best match of each id, answered by the id's headline fact (of ``year``,
    where given): several sources and years of one indicator are one answer. A match on
    a fact's own figure (7565, 865.1亿元) is answered by that fact: the number asked
    for is one year's, not the latest."""
    own_figure = (FIELD["value_text"], FIELD["change"])
    chosen: dict[str, tuple[Hit, int, Fact]] = {}
    for _, _, number, hit in ordered:
        fact = base.facts[number]
        if fact.id in chosen:
            held_hit, _, headline = chosen[fact.id]
            if fact is headline and hit.score >= held_hit.score:  # its own match: highlights
                chosen[fact.id] = (hit, number, headline)
            continue
        if limit is not None and len(chosen) >= limit:
            break
        headline = fact if hit.field in own_figure else base.get(fact.id, year)
        chosen[fact.id] = (hit, number, headline)
    return list(chosen.values())


# A year the query names: 2022年, 2022, in 2022 (never part of a longer number);
# compiled (and cached by re) only for a query that holds a digit.
_YEAR_WORD = r"(?:\bin\s*)?(?<![0-9.])((?:19|20)[0-9]{2})年?(?![0-9])"


def year_in_query(folded: str, base: FactBase) -> tuple[int | None, str]:
    """The year a query names and the query without it, where the loaded facts
    describe that year and something else is asked (2022 alone is a number)."""
    if len(base.years) < 2 or not any(char.isdigit() for char in folded):
        return None, folded
    for found in re.finditer(_YEAR_WORD, folded):
        named = int(found[1])
        rest = (folded[: found.start()] + " " + folded[found.end() :]).strip()
        if named in base.years and rest and not rest.replace(".", "").isdigit():
            return named, " ".join(rest.split())
    return None, folded


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
        with_words = Scores(index)
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
