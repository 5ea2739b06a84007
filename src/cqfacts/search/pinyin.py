"""Pinyin queries: :func:`pinyin_pattern` makes letters and characters (gxjsqy, jishu,
技术jjr) a :class:`PinyinPattern` over the index's pinyin keys, matched without the
backtracking re would do, and :func:`pinyin_matches` scores the keys it matches."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence

from cqfacts.facts.normalize import is_cjk
from cqfacts.search.index import Keys, SearchIndex
from cqfacts.search.scores import (
    FEW_LETTERS,
    FEW_LETTERS_PENALTY,
    PINYIN_FLOOR,
    PINYIN_SPAN,
    WHOLE_KEY_BONUS,
    Scores,
)

# The longest query tried as pinyin, and the most places a loose pattern may skip
# syllables: both bound the regex's backtracking.
MAX_PINYIN_LETTERS = 40
MAX_SKIPS = 4
# The most letters and characters (syllables) a pinyin query may hold: a longer one is
# pasted text, and no name has as many syllables.
MAX_PINYIN_TOKENS = 40

# How a pinyin pattern's token follows the one before: the pattern's first token starts
# a syllable; a letter after a letter continues the syllable or starts the next one;
# a token after a letter's syllable ends, or after a character's whole syllable,
# starts a syllable (possibly after skipped ones, in a loose pattern).
_FIRST, _GOES_ON, _AFTER_LETTER, _AFTER_CHAR = range(4)


class _Token:
    """One letter or character of a pinyin query. A plain class: a NamedTuple would
    cost every run 0.1 ms to define, for pinyin queries only."""

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


def typed_letters(query: str, readings: dict[str, list[str]]) -> int:
    """Letters the query stands for: its own, plus each character's shortest reading."""
    return sum(
        min(map(len, readings[char])) if char in readings else int(char.isascii())
        for char in query.replace(" ", "")
    )


def pinyin_matches(
    index: SearchIndex,
    pattern: PinyinPattern,
    typed: int,
    scores: Scores,
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
