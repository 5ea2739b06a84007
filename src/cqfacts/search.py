"""Ranking facts for a query typed in Chinese, pinyin, English, traditional characters or numbers.

Exact and near-exact wording ranks above pinyin, pinyin above fuzzy matches; among
equal scores a topic's headline fact (its first) comes before its parts. rapidfuzz
(and its ~17 ms import) is only needed when no strong match exists.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from typing import NamedTuple

from cqfacts.errors import InvalidArgumentError
from cqfacts.index import FIELD, FIELD_WEIGHTS, FIELDS, Keys, SearchIndex
from cqfacts.model import Fact, FactBase
from cqfacts.normalize import CJK_CLASS, fold, fold_with_positions, is_cjk

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


@dataclass
class Match:
    fact: Fact
    score: float
    #: The field the best match was on ("label", "topic", "label_en", …).
    field: str
    #: How: exact, prefix, substring, abbreviation, pinyin, words, number, contained,
    #: tokens or fuzzy.
    how: str
    #: Characters to highlight in displayed fields: {"label": (0, 1, 2), …}.
    highlights: dict[str, tuple[int, ...]] = dataclasses.field(default_factory=dict)


class _Hit(NamedTuple):
    score: float
    field: int
    how: str


def prepare_query(query: str, index: SearchIndex) -> str:
    """Fold a query like the index: NFKC, casefold, whitespace, traditional -> simplified."""
    folded = fold(query, index.simplified)
    if any(is_cjk(char) and char not in index.readings for char in folded):
        # A character the base never uses: maybe a traditional form the map lacks.
        folded = fold(_opencc_simplify(folded), index.simplified)
    return folded


def _opencc_simplify(text: str) -> str:
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a dependency
        return text
    simplified: str = opencc.OpenCC("t2s").convert(text)
    return simplified


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
    scores = _Scores(index)
    _text_matches(index, folded, scores)
    if all(is_cjk(char) for char in folded) and 2 <= len(folded) <= 8 and not scores.many():
        _abbreviation_matches(index, folded, scores)
    pattern = pinyin_pattern(folded, index.readings)
    if pattern is not None:
        typed = _typed_letters(folded, index.readings)
        _pinyin_matches(index, pattern, typed, scores)
        loose = None if scores.strong() else pinyin_pattern(folded, index.readings, loose=True)
        if loose is not None and loose.pattern != pattern.pattern:
            _pinyin_matches(index, loose, typed, scores, floor=60)
    _english_word_matches(index, folded, scores)
    _number_matches(index, folded, scores)
    if not scores.strong():
        _contained_key_matches(index, folded, scores)
        _token_matches(index, folded, scores)
    if not scores.strong():
        _fuzzy_matches(index, folded, pattern is not None, scores)

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


class _Scores:
    """The best score each fact has reached so far, and how it got it."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.best: dict[int, _Hit] = {}

    def offer(
        self, postings: Sequence[int], score: float, how: str, fields: Set[int] | None = None
    ) -> None:
        """Credit every fact a key belongs to (postings: owner, field, owner, field …)."""
        index = self.index
        for owner, field_code in zip(postings[::2], postings[1::2], strict=True):
            if fields is not None and field_code not in fields:
                continue
            weighted = score * FIELD_WEIGHTS[field_code]
            for fact in index.owners(owner):
                total = weighted + HEADLINE_BONUS if index.headline_rank[fact] == 0 else weighted
                best = self.best.get(fact)
                if best is None or total > best.score:
                    # Rounded so that equal scores reached by different sums tie exactly.
                    self.best[fact] = _Hit(round(total, 6), field_code, how)

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
            score, how = 100.0, "exact"
        elif start == 0:
            score, how = 93 + 5 * coverage, "prefix"
        else:
            score, how = 88 + 6 * coverage, "substring"
        if end < len(key) and _is_latin(key[end]) and key[end - 1].isalpha():
            score -= 3  # ends inside a word: "broker" in "brokers"
        scores.offer(index.key_postings[number], score, how)


def _abbreviation_matches(index: SearchIndex, query: str, scores: _Scores) -> None:
    """Characters of the query in order inside a name: 高企 -> 高新技术企业."""
    keys = index.keys
    for number in _keys_holding_in_order(keys, query):
        score = 68 + 14 * len(query) / _shortest_spread(keys[number], query)
        scores.offer(index.key_postings[number], score, "abbreviation", _NAME_FIELDS)


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
    index: SearchIndex, pattern: PinyinPattern, typed: int, scores: _Scores, *, floor: float = 66
) -> None:
    keys = index.pinyin
    for number, start, end in pattern.scan(keys):
        key = keys[number]
        syllable_end = key.find(" ", end)
        syllable_end = len(key) if syllable_end < 0 else syllable_end
        touched = key[start:syllable_end]
        coverage = min(1.0, typed / max(1, len(touched) - touched.count(" ")))
        whole = start == 0 and syllable_end == len(key)
        score = floor + 24 * coverage + (4 if whole else 0)
        if typed <= 2 and not whole:
            score -= 15  # two letters match almost anything
        scores.offer(index.pinyin_postings[number], score, "pinyin")


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
    stems = list(dict.fromkeys(map(_stem, words)))
    if len(stems) > MAX_QUERY_WORDS:
        return
    found: Counter[int] = Counter()
    for stem in stems:
        found.update({index.keys.at(hit.start()) for hit in _word_start(stem, index.keys.blob)})
    needed = max(2, -(-3 * len(stems) // 5))  # three in five, rounded up
    for number, count in found.items():
        if count < needed:
            continue
        key_words = [w for w in re.findall(_WORD, index.keys[number]) if w not in _STOPWORDS]
        share = min(1.0, count / max(1, len(key_words)))
        score = 66 + 8 * count / len(stems) + 14 * share
        scores.offer(index.key_postings[number], score, "words")


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
            score = 66 + 24 * len(part) / len(query)
            scores.offer(index.key_postings[number], score, "contained", _NAME_FIELDS)


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
        scores.offer((fact, FIELD["label"]), 78.0, "tokens")


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
    for postings in [index.key_postings[n] for n in found] + [
        index.pinyin_postings[n] for n in pinyin
    ]:
        for owner in postings[::2]:
            facts.update(index.owners(owner))
    return facts


def _number_matches(index: SearchIndex, query: str, scores: _Scores) -> None:
    plain = query.replace(",", "")  # thousands separators: 1,133
    # One sign at most, then digits with at most one point: anything else (+-5, 1.2.3)
    # is not a number, and float() would refuse it.
    if not re.fullmatch(_NUMBER, plain):
        return
    wanted = float(plain)
    for number, value in enumerate(index.values):
        if abs(value - wanted) < 1e-9:  # NaN (no value) never is
            scores.offer((number, FIELD["value_text"]), 100.0, "number")


def _fuzzy_matches(index: SearchIndex, query: str, with_pinyin: bool, scores: _Scores) -> None:
    """Typos and near wording, scored by rapidfuzz and kept below exact matches."""
    from rapidfuzz import fuzz, process

    query = query[:MAX_FUZZY_QUERY]
    # Latin queries compare word sets (typos within words); WRatio's partial matching
    # would find "banana" inside a list of district names.
    scorer = fuzz.token_set_ratio if query.isascii() else fuzz.WRatio
    for key, score, number in process.extract(
        query, index.keys.as_list(), scorer=scorer, score_cutoff=FUZZY_CUTOFF, limit=None
    ):
        if _plausible_typo(key, score):
            scores.offer(index.key_postings[number], 0.8 * score, "fuzzy")
    if with_pinyin and len(query) >= 5:
        compact = index.pinyin.blob.replace(" ", "").split("\n")  # " gao xin" -> "gaoxin"
        for key, score, number in process.extract(
            query.replace(" ", ""), compact, scorer=fuzz.ratio, score_cutoff=85, limit=None
        ):
            if _plausible_typo(key, score):
                scores.offer(index.pinyin_postings[number], 0.8 * score, "fuzzy")


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
        if any(field in _NAME_FIELDS for field in index.key_postings[number][1::2])
    ]
    picks = process.extract(
        folded[:MAX_FUZZY_QUERY],
        [keys[number] for number in names],
        scorer=fuzz.WRatio,
        score_cutoff=50,
        limit=limit,
    )
    return [choice for choice, _, _ in picks]
