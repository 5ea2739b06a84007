"""A query's wording matched on the index's keys: the query folded as the index is
(traditional characters made simplified, through OpenCC where the index's own map lacks
one), then each kind of match on its text: exact, prefix and substring; abbreviations
(高企); English words in any order; names a longer query holds; character pairs in any
order and common synonyms (新增 for 新认定); and mixed pieces (R&D人员), each piece as
text, pinyin or an abbreviation."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from cqfacts.facts.normalize import CJK_CLASS, fold, is_cjk, to_simplified
from cqfacts.search.index import FIELD, Keys, SearchIndex
from cqfacts.search.pinyin import pinyin_pattern
from cqfacts.search.quantities import cuts_number
from cqfacts.search.scores import (
    ABBREVIATION_SCORE,
    CONTAINED_SCORE,
    EXACT_SCORE,
    EXPANDED_SCORE,
    MIN_PAIRS_SHARE,
    NAME_FIELDS,
    PAIRS_SCORE,
    PREFIX_SCORE,
    SUBSTRING_SCORE,
    TOKENS_FIELD_PENALTY,
    TOKENS_SCORE,
    WORD_CUT_PENALTY,
    WORDS_FLOOR,
    WORDS_KEY_SPAN,
    WORDS_QUERY_SPAN,
    Scores,
    scaled,
)

# The longest query searched for the names it holds (its parts are tried one by one).
MAX_CONTAINED_QUERY = 24
# Each distinct word or piece of a query is one scan of every key; past these counts a
# query is pasted prose, not a name, and those scans would only cost time.
MAX_QUERY_WORDS = 16
MAX_QUERY_PIECES = 8

# Kept as text, compiled (and cached) by re on first use: most queries need neither.
_WORD = r"[a-z][a-z0-9&]*"
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


def prepare_query(query: str, index: SearchIndex) -> str:
    """Fold a query like the index: NFKC, casefold, whitespace, traditional -> simplified."""
    folded = fold(query, index.simplified)
    if any(is_cjk(char) and char not in index.readings for char in folded):
        # A character the base never uses: maybe a traditional form the map lacks.
        folded = fold(to_simplified(folded), index.simplified)
    return folded


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def text_matches(index: SearchIndex, query: str, scores: Scores) -> None:
    keys = index.keys
    offset = keys.blob.find(query)
    while offset >= 0:
        number = keys.at(offset)
        key = keys[number]
        start = offset - keys.starts[number]
        offset = keys.blob.find(query, offset + 1)
        end = start + len(query)
        if cuts_number(key, start, end):
            continue
        # English words match from their start: "ai" must not hit "domain".
        if start and _is_latin(key[start]) and _is_latin(key[start - 1]):
            continue
        coverage = len(query) / len(key)
        if start == 0 and end == len(key):
            score, how = EXACT_SCORE, "exact"
        elif start == 0:
            score, how = scaled(PREFIX_SCORE, coverage), "prefix"
        else:
            score, how = scaled(SUBSTRING_SCORE, coverage), "substring"
        if end < len(key) and _is_latin(key[end]) and key[end - 1].isalpha():
            score -= WORD_CUT_PENALTY  # ends inside a word: "broker" in "brokers"
        scores.offer(index.key_entries(number), score, how)


#: What ends a word for an abbreviation: conjunctions (和, 与, 及), punctuation, spaces.
#: 高企 is 高新技术企业, not 高 of 高校 and 企 of 企业 in 与高校和企业的协议. (Not 的:
#: 新增国重 is 新增的全国重点实验室.)
WORD_ENDS = re.compile(r"[和与及或等、，,;；:：()（）《》“”\"'\s·]")


def abbreviation_matches(index: SearchIndex, query: str, scores: Scores) -> None:
    """Characters of the query in order inside one word of a name: 高企 -> 高新技术企业."""
    keys = index.keys
    for number in _keys_holding_in_order(keys, query):
        spread = _word_spread(keys[number], query)
        if spread is None:
            continue
        score = scaled(ABBREVIATION_SCORE, len(query) / spread)
        scores.offer(index.key_entries(number), score, "abbreviation", NAME_FIELDS)


def _word_spread(key: str, text: str) -> int | None:
    """:func:`_shortest_spread` within one word of ``key``; None where no word holds
    the characters of ``text`` in order."""
    if not WORD_ENDS.search(key):
        return _shortest_spread(key, text)
    spreads = [
        _shortest_spread(word, text)
        for word in WORD_ENDS.split(key)
        if len(word) >= len(text) and _holds_in_order(word, text)
    ]
    return min(spreads, default=None)


def _holds_in_order(word: str, text: str) -> bool:
    position = -1
    for char in text:
        position = word.find(char, position + 1)
        if position < 0:
            return False
    return True


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


def _stem(word: str) -> str:
    """A crude English stem, enough to match brokers/broker and funding/fund by prefix."""
    word = _ENGLISH_SYNONYMS.get(word, word)
    return word[: max(4, len(word) - 3)] if len(word) > 4 else word


def english_word_matches(
    index: SearchIndex, query: str, scores: Scores, *, loose: bool = False
) -> None:
    """The words of an English query at word starts in one key, in any order; a key
    holding most of them (3 of 4, 4 of 5) counts too, for less; ``loose``, any two."""
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
    needed = 2 if loose else max(2, -(-3 * len(stems) // 5))  # three in five, rounded up
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


def contained_key_matches(index: SearchIndex, query: str, scores: Scores) -> None:
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
        whole = f"\n{part}\n"
        offset = blob.find(whole)
        # Every place: several fact files' keys are joined, each file's keys its own.
        while offset >= 0:
            number = index.keys.at(offset)  # the blob here starts one character later
            score = scaled(CONTAINED_SCORE, len(part) / len(query))
            scores.offer(index.key_entries(number), score, "contained", NAME_FIELDS)
            offset = blob.find(whole, offset + len(part) + 1)


def expanded_key_matches(index: SearchIndex, query: str, scores: Scores) -> None:
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
        score = scaled(EXPANDED_SCORE, len(key) / len(query))
        scores.offer(index.key_entries(number), score, "contained", NAME_FIELDS)


def _in_order(short: str, long: str) -> bool:
    """``short``'s characters appear in ``long`` in order."""
    remaining = iter(long)
    return all(char in remaining for char in short)


# Common words for what the report words otherwise: 新增 (new) where it says 新认定
# (newly certified) or 新培育 (newly trained); 数量 (number) where it says 总数 or 总量;
# 支出 (expenditure) where it says 投入 (investment).
_CHINESE_SYNONYMS = {
    "新增": ("新认定", "新培育", "新引进", "新建"),
    "数量": ("总数", "总量"),
    "总数": ("总量",),
    "总量": ("总数",),
    "经费": ("投入",),
    "资金": ("经费", "投入"),
    "支出": ("投入", "经费"),  # 研发支出, R&D经费支出: spending, as the press says
}


def chinese_variants(query: str) -> list[str]:
    """The query, then the query with one common word put as the report puts it."""
    variants = [query]
    for word, alternatives in _CHINESE_SYNONYMS.items():
        if word in query:
            variants += [query.replace(word, other) for other in alternatives]
    return variants


def pair_matches(index: SearchIndex, query: str, scores: Scores) -> None:
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
                if field_code in NAME_FIELDS:
                    for fact in index.owners(owner):
                        shared.setdefault(fact, set()).add(pair)
                        if owner >= 0:
                            own.setdefault(fact, set()).add(pair)
            offset = keys.blob.find(pair, keys.starts[number + 1])
    for held, field_code in ((own, FIELD["label"]), (shared, FIELD["topic"])):
        for fact, found in held.items():
            share = len(found) / len(pairs)
            if share >= MIN_PAIRS_SHARE:
                scores.offer([(fact, field_code)], scaled(PAIRS_SCORE, share), "tokens")


def token_matches(index: SearchIndex, query: str, scores: Scores) -> None:
    """Mixed queries (SDA智能汽车平台, R&D人员, nilong 66技术): each piece in some
    key of the same fact, as text, pinyin or an abbreviation; a fact holding every
    piece in its own names above one holding some only in its topic's names or its
    note (研发 intensity is the intensity, whose topic, R&D investment, names both)."""
    tokens = list(
        dict.fromkeys(
            token for token in re.findall(_TOKEN, query) if len(token) > 1 or token.isdigit()
        )
    )
    if not 2 <= len(tokens) <= MAX_QUERY_PIECES:
        return
    common: dict[int, int] | None = None
    for token in tokens:
        facts = _facts_holding(index, token)
        if common is None:
            common = facts
        else:
            common = {fact: max(far, facts[fact]) for fact, far in common.items() if fact in facts}
        if not common:
            return
    for fact, far in (common or {}).items():
        score = TOKENS_SCORE - TOKENS_FIELD_PENALTY * far
        scores.offer([(fact, FIELD["label"])], score, "tokens")


# How far from a fact's own names a piece of a mixed query was found: its own names
# (0), its topic's (1), other text (2: a note, a section, the id).
_OWN_NAMES = frozenset(FIELD[name] for name in ("label", "alias", "label_en", "value_text"))
_TOPIC_NAMES = frozenset(FIELD[name] for name in ("topic", "topic_alias", "topic_en"))


def _facts_holding(index: SearchIndex, token: str) -> dict[int, int]:
    """The facts holding a piece of a query, each with how far from its own names
    (see _OWN_NAMES) the nearest place holding it is."""
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
            if not cuts_number(keys[number], start, start + len(token)):
                found.add(number)
        syllables = pinyin_pattern(token, {}) if token.isalpha() else None
        pinyin = (
            {number for number, _, _ in syllables.scan(index.pinyin)}
            if syllables is not None
            else set()
        )
    facts: dict[int, int] = {}
    entries = [*(index.key_entries(n) for n in found), *(index.pinyin_entries(n) for n in pinyin)]
    for pairs in entries:
        for owner, field in pairs:
            far = 0 if field in _OWN_NAMES else 1 if field in _TOPIC_NAMES else 2
            for fact in index.owners(owner):
                if far < facts.get(fact, 3):
                    facts[fact] = far
    return facts
