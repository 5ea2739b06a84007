"""Ranking facts for a query typed in Chinese, pinyin, English, traditional characters or numbers.

Exact and near-exact wording ranks above pinyin, pinyin above fuzzy matches; among
equal scores a topic's headline fact (its first) comes before its parts. rapidfuzz
(and its ~17 ms import) is only needed when no strong match exists.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence, Set
from typing import Any, NamedTuple

from cqfacts.errors import InvalidArgumentError
from cqfacts.facts.model import Fact, FactBase
from cqfacts.facts.normalize import (
    CJK_CLASS,
    NUMERAL_CLASS,
    chinese_numeral,
    fold,
    fold_with_positions,
    has_cjk,
    is_cjk,
)
from cqfacts.search.index import FIELD, FIELD_WEIGHTS, FIELDS, Keys, SearchIndex

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
# The longest query tried as pinyin, and the most places a loose pattern may skip
# syllables: both bound the regex's backtracking.
MAX_PINYIN_LETTERS = 40
MAX_SKIPS = 4
# The most letters and characters (syllables) a pinyin query may hold: a longer one is
# pasted text, and no name has as many syllables.
MAX_PINYIN_TOKENS = 40
# The longest query searched for the names it holds (its parts are tried one by one).
MAX_CONTAINED_QUERY = 24
# Each distinct word or piece of a query is one scan of every key; past these counts a
# query is pasted prose, not a name, and those scans would only cost time.
MAX_QUERY_WORDS = 16
MAX_QUERY_PIECES = 8
# rapidfuzz's time grows with the query's length; a near miss of a key (the longest,
# an English note, has 161 characters) is not longer, so fuzzy matching reads no further.
MAX_FUZZY_QUERY = 200
# The longest query read for a number: a figure with a few words (研发人员超过24万人);
# reading each number of a pasted page would cost a pass over the page per number.
MAX_NUMBER_QUERY = 40

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
# A number with words (研发人员24万, 全国第8): facts both find rank above facts either finds.
NUMBER_AND_WORDS_BONUS = 2.0
# A measure word after 多少 or 几 (多少家) prefers facts counted in that unit.
UNIT_HINT_BONUS = 2.0
# Names, not prose: abbreviations (高企 for 高新技术企业) and names held in a longer
# query are looked for only there.
_NAME_FIELDS = frozenset(
    FIELD[name]
    for name in ("label", "topic", "alias", "topic_alias", "value_text", "label_en", "topic_en")
)
# Kept as text, compiled (and cached) by re on first use: most queries need neither.
_WORD = r"[a-z][a-z0-9&]*"
# A number as a query may write it (ASCII digits after folding).
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)"
# A mixed query's pieces: runs of characters, runs of letters and digits.
_TOKEN = f"[{CJK_CLASS}]+|[a-z0-9&+.%]+"


_STOPWORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "at",
        "by",
        "for",
        "from",
        "in",
        "its",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "with",
    )
)
# The report's English says "enterprise" and "fund"; users also say these.
_ENGLISH_SYNONYMS = {
    "company": "enterprise",
    "companies": "enterprise",
    "firm": "enterprise",
    "firms": "enterprise",
    "business": "enterprise",
    "businesses": "enterprise",
    "funding": "fund",
    "funds": "fund",
}


class Match(NamedTuple):  # not a dataclass: declaring one costs ~0.7 ms of start-up
    fact: Fact
    score: float
    #: The field the best match was on ("label", "topic", "label_en", …).
    field: str
    #: How: exact, prefix, substring, abbreviation, pinyin, words, number, contained,
    #: tokens or fuzzy.
    how: str
    #: Characters to highlight in displayed fields: {"label": (0, 1, 2), …}.
    highlights: dict[str, tuple[int, ...]]


class _Hit(NamedTuple):
    score: float
    field: int
    how: str


def _scaled(band: tuple[float, float], share: float) -> float:
    floor, span = band
    return floor + span * share


def prepare_query(query: str, index: SearchIndex) -> str:
    """Fold a query like the index: NFKC, casefold, whitespace, traditional -> simplified."""
    folded = fold(query, index.simplified)
    if any(is_cjk(char) and char not in index.readings for char in folded):
        # A character the base never uses: maybe a traditional form the map lacks.
        folded = fold(_opencc_simplify(folded), index.simplified)
    return folded


def _opencc_simplify(text: str) -> str:
    converter = _traditional_to_simplified()
    return text if converter is None else str(converter.convert(text))


@functools.cache
def _traditional_to_simplified() -> Any:
    """One OpenCC converter per process: making one takes 20-30 ms, which a server
    answering many queries would pay for each."""
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency
        return None
    return opencc.OpenCC("t2s")


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
) -> list[Match]:
    """The facts matching ``query``, best first; empty when nothing scores above noise
    (or the query holds only characters that are never matched, such as zero-width
    spaces and control characters).

    ``highlight`` fills each match's highlights (characters to mark on screen);
    ``pillar``, ``kind`` and ``year`` (a report's) keep only the facts that have them.
    Raises :class:`InvalidArgumentError` for a blank query.
    """
    if not query.strip():
        raise InvalidArgumentError("the query is empty")
    folded = prepare_query(query, index)
    if not folded:
        return []
    asked = _without_question_words(folded, base.meta.year)
    if asked.words:
        folded = asked.words
    scores = _Scores(index)
    quantity = (
        read_quantity(folded)
        if len(folded) <= MAX_NUMBER_QUERY and _may_hold_number(folded)
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
    ranked = [(hit, number) for _, _, number, hit in sorted(candidates)[:limit]]
    return [
        Match(
            fact=base.facts[number],
            score=round(hit.score, 1),
            field=FIELDS[hit.field],
            how=hit.how,
            highlights=(
                _highlights(base.facts[number], number, index, folded, pattern) if highlight else {}
            ),
        )
        for hit, number in ranked
    ]


def _match_words(
    index: SearchIndex, folded: str, scores: _Scores, *, fuzzy: bool = True
) -> PinyinPattern | None:
    """Every kind of match of the query's text, the looser kinds only where the
    stricter found nothing strong; the query's pinyin pattern, for highlighting."""
    _text_matches(index, folded, scores)
    all_cjk = all(is_cjk(char) for char in folded)
    if all_cjk and 2 <= len(folded) <= 8 and not scores.many():
        _abbreviation_matches(index, folded, scores)
    pattern = pinyin_pattern(folded, index.readings)
    if pattern is not None:
        typed = _typed_letters(folded, index.readings)
        _pinyin_matches(index, pattern, typed, scores)
        loose = None if scores.strong() else pinyin_pattern(folded, index.readings, loose=True)
        if loose is not None and loose.pattern != pattern.pattern:
            _pinyin_matches(index, loose, typed, scores, floor=LOOSE_PINYIN_FLOOR)
    _english_word_matches(index, folded, scores)
    if not scores.strong():
        _contained_key_matches(index, folded, scores)
        if all_cjk:
            _expanded_key_matches(index, folded, scores)
        _token_matches(index, folded, scores)
    if has_cjk(folded) and not scores.reaches(SUBSTRING_SCORE[0]):
        # No name holds the whole query: its words may be in another order, or in
        # other words (新增 for 新认定), so try pairs of characters and synonyms.
        variants = _chinese_variants(folded)
        if len(variants) > 1:
            scores.weight = SYNONYM_WEIGHT
            for variant in variants[1:]:
                _text_matches(index, variant, scores)
            scores.weight = 1.0
        for variant in variants:
            _pair_matches(index, variant, scores)
    if fuzzy and not scores.strong():
        _fuzzy_matches(index, folded, pattern is not None, scores)
    return pattern


class _Scores:
    """The best score each fact has reached so far, and how it got it."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.best: dict[int, _Hit] = {}
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
                total = weighted + HEADLINE_BONUS if index.headline_rank[fact] == 0 else weighted
                best = self.best.get(fact)
                if best is None or total > best.score:
                    # Rounded so that equal scores reached by different sums tie exactly.
                    self.best[fact] = _Hit(round(total, 6), field_code, how)

    def prefer_unit(self, base: FactBase, family: str) -> None:
        """Lift facts counted in the unit a question asked for (多少家: 家)."""
        for number, hit in self.best.items():
            unit = _unit_of(base.facts[number].unit)
            if unit is not None and unit[0] == family:
                self.best[number] = hit._replace(score=round(hit.score + UNIT_HINT_BONUS, 6))

    def reaches(self, score: float) -> bool:
        return any(hit.score >= score for hit in self.best.values())

    def strong(self) -> bool:
        return any(hit.score >= STRONG_SCORE for hit in self.best.values())

    def many(self) -> bool:
        """Enough strong matches that weaker kinds of match would only pad the tail."""
        return sum(hit.score >= STRONG_SCORE for hit in self.best.values()) >= ENOUGH_MATCHES


def _is_decimal_point(key: str, at: int) -> bool:
    """A '.' with a digit on each side: part of a number, as in 19.2."""
    return (
        0 < at < len(key) - 1 and key[at] == "." and key[at - 1].isdigit() and key[at + 1].isdigit()
    )


def _cuts_number(key: str, start: int, end: int) -> bool:
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


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _text_matches(index: SearchIndex, query: str, scores: _Scores) -> None:
    keys = index.keys
    offset = keys.blob.find(query)
    while offset >= 0:
        number = keys.at(offset)
        key = keys[number]
        start = offset - keys.starts[number]
        offset = keys.blob.find(query, offset + 1)
        end = start + len(query)
        if _cuts_number(key, start, end):
            continue
        # English words match from their start: "ai" must not hit "domain".
        if start and _is_latin(key[start]) and _is_latin(key[start - 1]):
            continue
        coverage = len(query) / len(key)
        if start == 0 and end == len(key):
            score, how = EXACT_SCORE, "exact"
        elif start == 0:
            score, how = _scaled(PREFIX_SCORE, coverage), "prefix"
        else:
            score, how = _scaled(SUBSTRING_SCORE, coverage), "substring"
        if end < len(key) and _is_latin(key[end]) and key[end - 1].isalpha():
            score -= WORD_CUT_PENALTY  # ends inside a word: "broker" in "brokers"
        scores.offer(index.key_entries(number), score, how)


def _abbreviation_matches(index: SearchIndex, query: str, scores: _Scores) -> None:
    """Characters of the query in order inside a name: 高企 -> 高新技术企业."""
    keys = index.keys
    for number in _keys_holding_in_order(keys, query):
        score = _scaled(ABBREVIATION_SCORE, len(query) / _shortest_spread(keys[number], query))
        scores.offer(index.key_entries(number), score, "abbreviation", _NAME_FIELDS)


def _keys_holding_in_order(keys: Keys, text: str) -> Iterator[int]:
    """Keys holding the characters of ``text`` in order, found in one linear pass.

    Each gap stops at the first occurrence of the next character and never gives back
    (a possessive quantifier): the earliest occurrence is always as good as a later
    one, and the lazy ``[^\\n]*?`` this replaces backtracked through every way to
    spread the characters (minutes for 技技技技技龙 on a label of 150 技). Each match
    then runs to the key's end: where the characters are not in order after the
    first one's first place, they are not after a later one either.
    """
    chain = "".join(f"[^\\n{re.escape(char)}]*+{re.escape(char)}" for char in text[1:])
    pattern = f"{re.escape(text[0])}(?:({chain})[^\\n]*+|[^\\n]*+)"
    for found in re.finditer(pattern, keys.blob):
        if found[1] is not None:
            yield keys.at(found.start())


def _shortest_spread(key: str, text: str) -> int:
    """The fewest characters of ``key`` that hold ``text`` in order, among the matches
    a left-to-right scan finds (each starting after the last); ``key`` holds it."""
    best = len(key)
    start = key.find(text[0])
    while start >= 0 and best > len(text):
        end = start
        for char in text[1:]:
            end = key.find(char, end + 1)
            if end < 0:
                return best  # no later start can hold it either
        best = min(best, end + 1 - start)
        start = key.find(text[0], end + 1)
    return best


# How a pinyin pattern's token follows the one before: the pattern's first token starts
# a syllable; a letter after a letter continues the syllable or starts the next one;
# a token after a letter's syllable ends, or after a character's whole syllable,
# starts a syllable (possibly after skipped ones, in a loose pattern).
_FIRST, _GOES_ON, _AFTER_LETTER, _AFTER_CHAR = range(4)


class _Token:
    """One letter or character of a pinyin query. A plain class: a NamedTuple would
    cost every run 0.3 ms to define, for pinyin queries only."""

    __slots__ = ("follows", "pattern", "skips", "texts", "whole_syllable")

    def __init__(
        self, follows: int, texts: tuple[str, ...], whole_syllable: bool, skips: bool, pattern: str
    ) -> None:
        self.follows = follows
        #: The letter, or a character's readings (each a whole syllable).
        self.texts = texts
        self.whole_syllable = whole_syllable
        #: Whole syllables may be skipped before this token (loose patterns).
        self.skips = skips
        #: The regular expression for the token and the way it follows the one before.
        self.pattern = pattern


# The rest of a syllable; compiled on first use, as the other patterns here.
_LETTERS = "[a-z]*"


def _letters_end(key: str, position: int) -> int:
    """Where the run of letters at ``position`` ends (the syllable's end, after a letter)."""
    found = re.compile(_LETTERS).match(key, position)  # re caches the compiled pattern
    return found.end() if found else position


# A pinyin pattern's opening tokens, as a regular expression, find where a match may
# start: tokens up to the first skip, with this many "goes on or starts the next
# syllable" choices at most, so that re tries at most 2**6 ways at each place.
_OPENING_CHOICES = 6


class PinyinPattern:
    """A query as pinyin, matched over pinyin keys (" gao xin ji shu").

    ``pattern`` is the equivalent regular expression. re matches only its opening
    tokens, to find where a match may start: over a whole pattern it backtracked
    through every combination of skipped syllables (minutes on a key of 150
    syllables). From each such place the rest is matched here, trying the same
    alternatives in the same order as re, so the spans are the ones re would find,
    but remembering each (token, position) tried: at most tokens x key length steps.
    """

    __slots__ = ("_in_order", "_opening", "_tokens", "_whole", "pattern")

    def __init__(self, tokens: list[_Token]) -> None:
        self.pattern = " " + "".join(token.pattern for token in tokens)
        self._tokens = tokens
        # The patterns below are kept as text and compiled (and cached by re) on first
        # use: each costs 0.1-0.3 ms to compile, and most patterns need only one.
        opening = [tokens[0].pattern]
        choices = 0
        for token in tokens[1:]:
            choices += token.follows == _GOES_ON
            if token.skips or choices > _OPENING_CHOICES:
                break
            opening.append(token.pattern)
        # A pattern that is all opening is safe to match with re, and faster there.
        self._whole = self.pattern if len(opening) == len(tokens) else None
        # Zero-width after the space, so that no place where a match may start is
        # passed over inside another one's opening.
        self._opening = f" (?={''.join(opening)})"
        # A key can only match if it holds each token's first letter in order: checked
        # once per key in C (each gap stops at the first such letter, and never gives
        # back), it spares most keys the matching here.
        firsts = ["".join(sorted({text[0] for text in token.texts})) for token in tokens]
        self._in_order = "".join(f"[^\\n{letters}]*+[{letters}]" for letters in firsts)

    def search(self, key: str) -> tuple[int, int] | None:
        """The first match's (start, end), as ``re.search`` would find it."""
        return next(self.finditer(key), None)

    def finditer(self, key: str) -> Iterator[tuple[int, int]]:
        """Non-overlapping matches, as ``re.finditer`` would find them."""
        return ((start, end) for _, start, end in self._matches(key, (0, len(key) + 1)))

    def scan(self, keys: Keys) -> Iterator[tuple[int, int, int]]:
        """(key number, start, end) of each match in every key, in key order."""
        return self._matches(keys.blob, keys.starts)

    def _matches(self, blob: str, starts: Sequence[int]) -> Iterator[tuple[int, int, int]]:
        if self._whole is not None:
            for found in re.finditer(self._whole, blob):
                number = bisect_right(starts, found.start()) - 1
                yield number, found.start() - starts[number], found.end() - starts[number]
            return
        number, key, offset, limit = -1, "", 0, 0
        memo: dict[tuple[int, int], int] = {}
        resume = 0  # where the last match in this key ended
        in_order = re.compile(self._in_order).match
        for found in re.finditer(self._opening, blob):
            place = found.start()
            if place >= limit:  # the first place in another key
                number = bisect_right(starts, place) - 1
                offset, limit = starts[number], starts[number + 1]
                key, memo, resume = blob[offset : limit - 1], {}, 0
                if in_order(blob, offset, limit) is None:
                    resume = limit  # no match in this key
            start = place - offset
            if start < resume:
                continue
            end = self._at(key, 0, start + 1, memo)
            if end >= 0:
                yield number, start, end
                resume = end

    def _at(self, key: str, number: int, position: int, memo: dict[tuple[int, int], int]) -> int:
        """Where a match ends if token ``number`` starts at ``position``, else -1."""
        state = (number, position)
        end = memo.get(state)
        if end is None:
            end = memo[state] = self._token_then_rest(key, number, position, memo)
        return end

    def _token_then_rest(
        self, key: str, number: int, position: int, memo: dict[tuple[int, int], int]
    ) -> int:
        token = self._tokens[number]
        for text in token.texts:  # readings in order, as an alternation tries them
            if key.startswith(text, position):
                end = position + len(text)
                if token.whole_syllable and "a" <= key[end : end + 1] <= "z":
                    continue  # (?![a-z]): the reading is only part of the syllable
                end = self._rest(key, number, end, memo)
                if end >= 0:
                    return end
        return -1

    def _rest(self, key: str, number: int, end: int, memo: dict[tuple[int, int], int]) -> int:
        """Where a match ends if token ``number`` ended at ``end``, else -1."""
        if number + 1 == len(self._tokens):
            return end
        following = self._tokens[number + 1]
        if following.follows == _GOES_ON:
            # The syllable ends and the next starts (tried first, as (?:[a-z]* )? is
            # greedy), or the letter goes on in this syllable.
            syllable_end = _letters_end(key, end)
            if key[syllable_end : syllable_end + 1] == " ":
                found = self._at(key, number + 1, syllable_end + 1, memo)
                if found >= 0:
                    return found
            return self._at(key, number + 1, end, memo)
        if following.follows == _AFTER_LETTER:
            end = _letters_end(key, end)
        if key[end : end + 1] != " ":
            return -1
        return self._skipping(key, number + 1, end + 1, memo)

    def _skipping(
        self, key: str, number: int, position: int, memo: dict[tuple[int, int], int]
    ) -> int:
        """Token ``number`` at this syllable or, where it may skip, at a later one
        (fewest skipped first, as the lazy (?:[a-z]+ )*? tries them)."""
        if not self._tokens[number].skips:
            return self._at(key, number, position, memo)
        # Every syllable walked past has the answer the walk ends with: remembered
        # (under ~number), no later walk from another syllable goes this way again.
        walked = []
        while True:
            state = (~number, position)
            end = memo.get(state)
            if end is not None:
                break
            walked.append(state)
            end = self._at(key, number, position, memo)
            if end >= 0:
                break
            syllable_end = _letters_end(key, position)
            if syllable_end == position or key[syllable_end : syllable_end + 1] != " ":
                break
            position = syllable_end + 1
        for state in walked:
            memo[state] = end
        return end


def pinyin_pattern(
    query: str, readings: dict[str, list[str]], *, loose: bool = False
) -> PinyinPattern | None:
    """A pattern over pinyin keys (" gao xin ji shu") for a query of letters and characters.

    Each letter either continues the current syllable or starts the next one, so
    full pinyin (jishu), initials (js) and their mixtures (jish, 技术jjr) all match;
    a space starts a new syllable. ``loose`` also lets whole syllables be skipped
    where the query's pieces meet: at a space, next to a character (zhishi jiazhi
    daikuan and 一带一路jiaoliu大会, each missing a word).
    """
    letters = sum("a" <= char <= "z" for char in query)
    if letters == 0 or letters > MAX_PINYIN_LETTERS:
        return None
    if len(query) - query.count(" ") > MAX_PINYIN_TOKENS:
        return None
    tokens: list[_Token] = []
    previous = ""
    word_break = False
    skips = 0
    texts: tuple[str, ...]
    for char in query:
        if char == " ":
            word_break = True
            continue
        if "a" <= char <= "z":
            kind, token, texts = "letter", char, (char,)
        elif is_cjk(char) and char in readings:
            kind, token = "char", f"(?:{'|'.join(readings[char])})(?![a-z])"
            texts = tuple(readings[char])
        else:
            return None
        follows, skip, joint = _FIRST, "", ""
        if previous:
            # Characters may skip syllables as abbreviations do (价值贷款 for 价值信用贷款);
            # letters only at a space.
            piece_break = word_break or kind != previous or kind == "char"
            skip = "(?:[a-z]+ )*?" if loose and piece_break else ""
            skips += bool(skip)
            if previous == "letter" and kind == "letter" and not word_break:
                joint = "(?:[a-z]* )?"  # the same syllable goes on, or the next starts
                follows = _GOES_ON
            elif previous == "letter":
                joint = f"[a-z]* {skip}"  # the syllable ends; the next token starts one
                follows = _AFTER_LETTER
            else:
                joint = f" {skip}"  # after a character's whole syllable
                follows = _AFTER_CHAR
        tokens.append(_Token(follows, texts, kind == "char", bool(skip), joint + token))
        previous, word_break = kind, False
    if skips > MAX_SKIPS:
        return None  # each skip multiplies the ways a key can be tried
    return PinyinPattern(tokens)


def _typed_letters(query: str, readings: dict[str, list[str]]) -> int:
    """Letters the query stands for: its own, plus each character's shortest reading."""
    return sum(
        min(map(len, readings[char])) if char in readings else int(char.isascii())
        for char in query.replace(" ", "")
    )


def _pinyin_matches(
    index: SearchIndex,
    pattern: PinyinPattern,
    typed: int,
    scores: _Scores,
    *,
    floor: float = PINYIN_FLOOR,
) -> None:
    keys = index.pinyin
    for number, start, end in pattern.scan(keys):
        key = keys[number]
        syllable_end = key.find(" ", end)
        syllable_end = len(key) if syllable_end < 0 else syllable_end
        touched = key[start:syllable_end]
        coverage = min(1.0, typed / max(1, len(touched) - touched.count(" ")))
        whole = start == 0 and syllable_end == len(key)
        score = floor + PINYIN_SPAN * coverage + (WHOLE_KEY_BONUS if whole else 0)
        if typed <= FEW_LETTERS and not whole:
            score -= FEW_LETTERS_PENALTY  # two letters match almost anything
        scores.offer(index.pinyin_entries(number), score, "pinyin")


def _stem(word: str) -> str:
    """A crude English stem, enough to match brokers/broker and funding/fund by prefix."""
    word = _ENGLISH_SYNONYMS.get(word, word)
    return word[: max(4, len(word) - 3)] if len(word) > 4 else word


def _english_word_matches(index: SearchIndex, query: str, scores: _Scores) -> None:
    """The words of an English query at word starts in one key, in any order; a key
    holding most of them (3 of 4, 4 of 5) counts too, for less."""
    if " " not in query or any(is_cjk(char) for char in query):
        return
    words = [word for word in re.findall(_WORD, query) if word not in _STOPWORDS]
    if len(words) < 2:
        return
    stems = _distinct_stems(words)
    if len(stems) > MAX_QUERY_WORDS:
        return
    found: Counter[int] = Counter()
    for stem in stems:
        found.update({index.keys.at(hit.start()) for hit in _word_start(stem, index.keys.blob)})
    needed = max(2, -(-3 * len(stems) // 5))  # three words in five, rounded up
    for number, count in found.items():
        if count < needed:
            continue
        key_words = [w for w in re.findall(_WORD, index.keys[number]) if w not in _STOPWORDS]
        share = min(1.0, count / max(1, len(key_words)))
        score = WORDS_FLOOR + WORDS_QUERY_SPAN * count / len(stems) + WORDS_KEY_SPAN * share
        scores.offer(index.key_entries(number), score, "words")


def _distinct_stems(words: list[str]) -> list[str]:
    """Each word's stem once; a stem that starts another stands for both (research
    and researchers are one word: a key holding research must not count it twice)."""
    stems = sorted(dict.fromkeys(map(_stem, words)), key=len)
    kept: list[str] = []
    for stem in stems:
        if not any(stem.startswith(shorter) for shorter in kept):
            kept.append(stem)
    return kept


def _word_start(text: str, blob: str) -> Iterator[re.Match[str]]:
    return re.finditer(rf"(?<![a-z0-9]){re.escape(text)}", blob)


def _contained_key_matches(index: SearchIndex, query: str, scores: _Scores) -> None:
    """Names the query holds whole, with words around them: 技术经纪人多少, 研发投入增长."""
    if not 3 <= len(query) <= MAX_CONTAINED_QUERY:
        return
    blob = f"\n{index.keys.blob}\n"
    parts = {
        query[start:end]
        for start in range(len(query))
        for end in range(start + 2, len(query) + 1)
        # Whole words only: "banana" does not hold the district Banan.
        if not (start and _is_latin(query[start]) and _is_latin(query[start - 1]))
        and not (end < len(query) and _is_latin(query[end]) and _is_latin(query[end - 1]))
    }
    for part in parts - {query}:
        offset = blob.find(f"\n{part}\n")
        if offset >= 0:
            number = index.keys.at(offset)  # the blob here starts one character later
            score = _scaled(CONTAINED_SCORE, len(part) / len(query))
            scores.offer(index.key_entries(number), score, "contained", _NAME_FIELDS)


def _expanded_key_matches(index: SearchIndex, query: str, scores: _Scores) -> None:
    """Names whose characters a longer query holds in order: 研发经费投入强度 holds
    研发投入强度. One regex pass finds keys made only of the query's characters."""
    if not 3 <= len(query) <= MAX_CONTAINED_QUERY:
        return
    chars = "".join(re.escape(char) for char in sorted(set(query)))
    for found in re.finditer(f"(?m)^[{chars}]{{2,}}$", index.keys.blob):
        key = found[0]
        if len(key) >= len(query) or not _in_order(key, query):
            continue
        number = index.keys.at(found.start())
        score = _scaled(EXPANDED_SCORE, len(key) / len(query))
        scores.offer(index.key_entries(number), score, "contained", _NAME_FIELDS)


def _in_order(short: str, long: str) -> bool:
    """``short``'s characters appear in ``long`` in order."""
    remaining = iter(long)
    return all(char in remaining for char in short)


# Common words for what the report words otherwise: 新增 (new) where it says 新认定
# (newly certified) or 新培育 (newly trained); 数量 (number) where it says 总数 or 总量.
_CHINESE_SYNONYMS = {
    "新增": ("新认定", "新培育", "新引进", "新建"),
    "数量": ("总数", "总量"),
    "总数": ("总量",),
    "总量": ("总数",),
    "经费": ("投入",),
    "资金": ("经费", "投入"),
}


def _chinese_variants(query: str) -> list[str]:
    """The query, then the query with one common word put as the report puts it."""
    variants = [query]
    for word, alternatives in _CHINESE_SYNONYMS.items():
        if word in query:
            variants += [query.replace(word, other) for other in alternatives]
    return variants


def _pair_matches(index: SearchIndex, query: str, scores: _Scores) -> None:
    """Chinese words in another order or with words between (投入强度研发, 科技型企业
    总数量): the share of the query's character pairs each fact's names hold."""
    pairs = {
        run[at : at + 2]
        for run in re.findall(f"[{CJK_CLASS}]+", query)
        for at in range(len(run) - 1)
    }
    if not 2 <= len(pairs) <= 2 * MAX_CONTAINED_QUERY:
        return
    # Pairs in a fact's own names, and in its topic's too: a topic's names speak for
    # every fact of it, so they count as the topic's field does.
    own: dict[int, set[str]] = {}
    shared: dict[int, set[str]] = {}
    keys = index.keys
    for pair in pairs:
        offset = keys.blob.find(pair)
        while offset >= 0:
            number = keys.at(offset)
            for owner, field_code in index.key_entries(number):
                if field_code in _NAME_FIELDS:
                    for fact in index.owners(owner):
                        shared.setdefault(fact, set()).add(pair)
                        if owner >= 0:
                            own.setdefault(fact, set()).add(pair)
            offset = keys.blob.find(pair, keys.starts[number + 1])
    for held, field_code in ((own, FIELD["label"]), (shared, FIELD["topic"])):
        for fact, found in held.items():
            share = len(found) / len(pairs)
            if share >= MIN_PAIRS_SHARE:
                scores.offer([(fact, field_code)], _scaled(PAIRS_SCORE, share), "tokens")


def _token_matches(index: SearchIndex, query: str, scores: _Scores) -> None:
    """Mixed queries (SDA智能汽车平台, R&D人员, nilong 66技术): each piece in some
    key of the same fact, as text, pinyin or an abbreviation."""
    tokens = list(
        dict.fromkeys(
            token for token in re.findall(_TOKEN, query) if len(token) > 1 or token.isdigit()
        )
    )
    if not 2 <= len(tokens) <= MAX_QUERY_PIECES:
        return
    common: set[int] | None = None
    for token in tokens:
        facts = _facts_holding(index, token)
        common = facts if common is None else common & facts
        if not common:
            return
    for fact in common or ():
        scores.offer([(fact, FIELD["label"])], TOKENS_SCORE, "tokens")


def _facts_holding(index: SearchIndex, token: str) -> set[int]:
    keys = index.keys
    if is_cjk(token[0]):
        if len(token) >= 3:  # longer runs may be abbreviations too
            found = set(_keys_holding_in_order(keys, token))
        else:
            found = {keys.at(hit.start()) for hit in re.finditer(re.escape(token), keys.blob)}
        pinyin: set[int] = set()
    else:
        found = set()
        for hit in _word_start(token, keys.blob):
            number = keys.at(hit.start())
            start = hit.start() - keys.starts[number]
            # A number piece is a whole number, as a number query is: 11 is not 1133.
            if not _cuts_number(keys[number], start, start + len(token)):
                found.add(number)
        syllables = pinyin_pattern(token, {}) if token.isalpha() else None
        pinyin = (
            {number for number, _, _ in syllables.scan(index.pinyin)}
            if syllables is not None
            else set()
        )
    facts: set[int] = set()
    entries = [*(index.key_entries(n) for n in found), *(index.pinyin_entries(n) for n in pinyin)]
    for pairs in entries:
        for owner, _ in pairs:
            facts.update(index.owners(owner))
    return facts


# --- questions ---------------------------------------------------------------------

# Measure words a question may put after 多少 or 几 (多少家), and the units they count.
_MEASURE_WORDS = "万元|亿元|元|万人次|人次|万人|人|名|家|项|个|篇|台|套|条|类|张|次|小时|位|所|座"
# Chinese question words, with the verbs that lead into them (有多少, 是多少, 达到多少),
# and a measure word after them; sentence-final particles and question marks.
_CHINESE_QUESTION = (
    f"(?:一共|总共|共|大约|约)?(?:是|有|达到|达|为)?(?:多少|几)(?P<unit>{_MEASURE_WORDS})?"
    "|是什么|是哪些|是哪个|什么|哪些|哪个|怎么样|如何|吗|呢|[?？]"
)
# English question openings, and the helper verbs a question adds to the key words.
_ENGLISH_QUESTION = (
    r"^(?:how (?:many|much)|what(?:'s| is| was| are| were)?|which|who|when|where)\b"
    r"|\b(?:got|get|gets|did|does|do|is|are|was|were|has|have|had|there|been)\b|\?"
)


# What each pattern cannot match without (a character, a word): looked for first,
# since compiling a pattern costs a lookup about 0.4 ms and most queries ask nothing.
_CHINESE_QUESTION_SIGNS = frozenset("多几什哪怎如吗呢?？")
_ENGLISH_QUESTION_WORDS = ("how", "wh", "got", "get", "did", "do", "is", "are", "was", "were",
                           "has", "have", "had", "there", "been", "?")  # fmt: skip


class _Asked:
    """A query's key words without its question words, and the unit it asked for."""

    __slots__ = ("unit", "words")

    def __init__(self, words: str, unit: str | None) -> None:
        self.words = words
        self.unit = unit


def _without_question_words(query: str, year: int | None) -> _Asked:
    """多少, 几, 是多少, how many, what was … dropped (and the report's own year: 2023年
    and in 2023 say nothing the report does not); '' where nothing else is left."""
    unit = None
    text = query
    if has_cjk(text):
        found = None
        if not _CHINESE_QUESTION_SIGNS.isdisjoint(text):
            found = re.search(_CHINESE_QUESTION, text)
        if found is not None:
            unit = found["unit"]
            text = re.sub(_CHINESE_QUESTION, " ", text)
    elif any(word in text for word in _ENGLISH_QUESTION_WORDS) and re.search(
        _ENGLISH_QUESTION, text
    ):
        text = re.sub(_ENGLISH_QUESTION, " ", text)
    if year is not None and str(year) in text:
        text = re.sub(rf"(?:in )?(?<![0-9]){year}年?(?![0-9])", " ", text)
    if text is query:
        return _Asked("", None)
    words = fold(text)
    family = _unit_of(unit)
    return _Asked(words, family[0] if family else None)


# --- numbers ------------------------------------------------------------------------

# Units as a query or a fact writes them, by family: figures compare within a family,
# with a myriad prefix (万人, 亿元) scaling the value.
_UNIT_FAMILIES = {
    "元": "元", "yuan": "元", "cny": "元", "rmb": "元",
    "人": "人", "名": "人",
    "人次": "人次",
    "家": "家", "家(次)": "家", "家次": "家",
    "台": "台/套", "套": "台/套", "台/套": "台/套",
    "percent": "%",
}  # fmt: skip
_MYRIADS = {"万": 1e4, "亿": 1e8}
_SCALES = {"千": 1e3, "万": 1e4, "亿": 1e8, "万亿": 1e12, "thousand": 1e3, "million": 1e6}
_SCALES.update({"billion": 1e9, "bn": 1e9})
# Units a query may write after a number; a fact's own units are read by _unit_of.
_UNITS = (
    "万元|亿元|元|yuan|cny|rmb|万人次|人次|万人|人|名|家\\(次\\)|家次|家|项|个|篇|台/套|台|套"
    "|万条|条|类|张|次|小时|%|percent|方面|mw|所|座"
)
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
_THOUSANDS_SEPARATOR = "(?<=[0-9]),(?=[0-9]{3}(?![0-9]))"


def _unit_of(unit: str | None) -> tuple[str, float] | None:
    """A unit's family and scale: 万人 -> (人, 10000), 亿元 -> (元, 1e8), 篇 -> (篇, 1)."""
    if not unit:
        return None
    scale = 1.0
    if len(unit) > 1 and unit[0] in _MYRIADS:
        scale, unit = _MYRIADS[unit[0]], unit[1:]
    unit = unit.casefold()
    return _UNIT_FAMILIES.get(unit, unit), scale


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


def _may_hold_number(query: str) -> bool:
    """Cheap test before any regular expression: a digit or a numeral character."""
    return any(char.isdigit() or char in NUMERAL_CLASS for char in query)


def read_quantity(query: str) -> Quantity | None:
    """The first number in a folded query that reads as a quantity, or None.

    A Chinese numeral counts only where it is one: with a multiplier (三百), a unit
    (八项) or alone; 一 in 一带一路 is a word. The words left must hold letters or
    characters, or be at most a sign: ``+-5`` and ``1.2.3`` are not numbers.
    """
    plain = re.sub(_THOUSANDS_SEPARATOR, "", query)
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
        holds_multiplier = any(char in "十百千万亿" for char in numeral)
        if value is None or not (holds_multiplier or unit or not rest):
            return None
        written = float(value)
        text = str(value)
        precision = 10.0 ** (len(text) - len(text.rstrip("0")))
    scale = _SCALES.get(scale_word, 1.0) if scale_word else 1.0
    family = None
    if unit:
        family, unit_scale = _unit_of(unit) or (None, 1.0)
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


def _quantity_matches(
    base: FactBase, index: SearchIndex, quantity: Quantity, scores: _Scores
) -> None:
    """Facts whose value is the query's number: as written, rescaled or rounded.

    Rounded: the fact's value, in the query's unit, is within half the query's last
    significant place of it (1.9万 holds 18950 to 19050) and within 5% of it; with 多
    or 余, above it within that place (7500多 holds 7500 to 7599).
    """
    found: dict[int, tuple[float, str]] = {}
    wanted = quantity.value
    for number, value in enumerate(index.values):
        if value != value:  # NaN: the fact has no value
            continue
        family, scale = _unit_of(base.facts[number].unit) or ("", 1.0)
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
        if error <= 1e-9 * max(1.0, wanted):
            found[number] = (RESCALED_SCORE, "number≈")
        elif not quantity.exact_only and within and error <= MAX_ROUNDING_ERROR * wanted:
            found[number] = (ROUNDED_SCORE - ROUNDED_ERROR_PENALTY * error / wanted, "number≈")
    if not found:
        return
    words: dict[int, _Hit] = {}
    if quantity.rest:
        with_words = _Scores(index)
        _match_words(index, quantity.rest, with_words)
        words = {n: hit for n, hit in with_words.best.items() if hit.score >= MIN_SCORE}
    for number, (score, how) in found.items():
        if words:
            if number not in words:
                continue  # the words name other facts
            score = max(score, words[number].score) + NUMBER_AND_WORDS_BONUS
        scores.offer([(number, FIELD["value_text"])], score, how)


def _fuzzy_matches(index: SearchIndex, query: str, with_pinyin: bool, scores: _Scores) -> None:
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


def _highlights(
    fact: Fact, number: int, index: SearchIndex, query: str, pattern: PinyinPattern | None
) -> dict[str, tuple[int, ...]]:
    found: dict[str, tuple[int, ...]] = {}
    for name in ("label", "label_en", "value_text"):
        text = getattr(fact, name)
        if not text:
            continue
        positions = _text_positions(text, query)
        if not positions and name == "label" and pattern is not None:
            positions = _pinyin_positions(number, index, pattern)
        if positions:
            found[name] = positions
    return found


def _text_positions(text: str, query: str) -> tuple[int, ...]:
    folded, positions = fold_with_positions(text)
    start = folded.find(query)
    if start >= 0:
        return tuple(positions[start : start + len(query)])
    if not all(is_cjk(char) for char in query):
        return ()
    picked: list[int] = []
    cursor = 0
    for char in query:  # an abbreviation: each character in order
        cursor = folded.find(char, cursor)
        if cursor < 0:
            return ()
        picked.append(positions[cursor])
        cursor += 1
    return tuple(picked)


def _pinyin_positions(number: int, index: SearchIndex, pattern: PinyinPattern) -> tuple[int, ...]:
    """Label characters behind a pinyin match on the label's own keys."""
    for key_number in index.label_pinyin[number]:
        key = index.pinyin[key_number]
        found = pattern.search(key)
        if found:
            first = key.count(" ", 0, found[0] + 1) - 1
            last = key.count(" ", 0, found[1]) - 1
            return index.label_chars[number][first : last + 1]
    return ()


def suggest(index: SearchIndex, query: str, limit: int = 3) -> list[str]:
    """Names near a query that found nothing, for a "did you mean" line."""
    from rapidfuzz import fuzz, process

    folded = prepare_query(query, index)
    if not folded:
        return []
    keys = index.keys.as_list()
    names = [
        number
        for number in range(len(keys))
        if any(field in _NAME_FIELDS for _, field in index.key_entries(number))
    ]
    picks = process.extract(
        folded[:MAX_FUZZY_QUERY],
        [keys[number] for number in names],
        scorer=fuzz.WRatio,
        score_cutoff=SUGGEST_CUTOFF,
        limit=limit,
    )
    return [choice for choice, _, _ in picks]
