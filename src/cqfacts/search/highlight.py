"""What is shown beside the matches: the characters to highlight in a matched fact's
label, English label and value text (where the query's text is, its characters in
order, or the label's characters behind a pinyin match), and :func:`suggest`'s names
near a query that found nothing, for a "did you mean" line, and :func:`near_topics`
for a topic no topic is named (rapidfuzz is imported only then)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from cqfacts.facts.model import Fact, Topic
from cqfacts.facts.normalize import fold_with_positions, is_cjk
from cqfacts.search.index import SearchIndex
from cqfacts.search.pinyin import PinyinPattern
from cqfacts.search.scores import MAX_FUZZY_QUERY, NAME_FIELDS, SUGGEST_CUTOFF
from cqfacts.search.wording import WORD_ENDS, prepare_query

#: rapidfuzz's score from which a topic's name is near a name no topic has (Tecnology).
NEAR_TOPIC_CUTOFF = 80.0
#: Topics this much less near than the nearest are not suggested with it.
NEAR_TOPIC_TIER = 4.0


def highlights(
    fact: Fact, number: int, index: SearchIndex, query: str, pattern: PinyinPattern | None
) -> dict[str, tuple[int, ...]]:
    """The characters to mark in a matched fact's label, English label and value text."""
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
    # An abbreviation: each character in order, within one word where one holds them
    # all (高企 in 高校与高新技术企业 marks 高新技术企业's), as the match is made.
    starts = [0, *(found.end() for found in WORD_ENDS.finditer(folded))]
    for start in starts:
        end = WORD_ENDS.search(folded, start)
        picked = _in_order(folded, query, start, end.start() if end else len(folded))
        if picked:
            return tuple(positions[at] for at in picked)
    picked = _in_order(folded, query, 0, len(folded))
    return tuple(positions[at] for at in picked)


def _in_order(text: str, query: str, start: int, end: int) -> list[int]:
    """Where each character of ``query`` is, in order, in ``text[start:end]``."""
    picked: list[int] = []
    cursor = start
    for char in query:
        cursor = text.find(char, cursor, end)
        if cursor < 0:
            return []
        picked.append(cursor)
        cursor += 1
    return picked


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
        if any(field in NAME_FIELDS for _, field in index.key_entries(number))
    ]
    picks = process.extract(
        folded[:MAX_FUZZY_QUERY],
        [keys[number] for number in names],
        scorer=fuzz.WRatio,
        score_cutoff=SUGGEST_CUTOFF,
        limit=limit,
    )
    return [choice for choice, _, _ in picks]


def near_topics(topics: Iterable[Topic], text: str, limit: int = 5) -> list[Topic]:
    """Topics near a name that is none of theirs (``list --topic Technology``): the one
    an alias names, those whose names hold it (those starting with it, and shorter,
    first), those sharing words with it (more first), else names rapidfuzz finds
    close; never the unrelated rest."""
    wanted = text.casefold().strip()
    words = _words(wanted)
    scored: list[tuple[float, int, Topic]] = []
    fuzzy: list[tuple[int, Topic]] = []
    for order, topic in enumerate(topics):
        score = max(
            (_nearness(wanted, words, name.casefold()) for name in (topic.name, topic.en,
                                                                   *topic.aliases)),
            default=0.0,
        )  # fmt: skip
        if score:
            scored.append((-score, order, topic))
        else:
            fuzzy.append((order, topic))
    if not scored and fuzzy and wanted:
        from rapidfuzz import fuzz

        for order, topic in fuzzy:
            best = max(fuzz.WRatio(wanted, name.casefold()) for name in (topic.name, topic.en))
            if best >= NEAR_TOPIC_CUTOFF:
                scored.append((-best, order, topic))
    ranked = sorted(scored, key=lambda item: item[:2])
    # Only those about as near as the nearest: tech contract is Technology contracts,
    # not every topic with "tech" in a name.
    return [topic for score, _, topic in ranked[:limit] if score <= ranked[0][0] + NEAR_TOPIC_TIER]


def _nearness(wanted: str, words: set[str], name: str) -> float:
    """How near a topic's name is to a name typed: 100 the same, 90-98 one holds the
    other, 80-90 words shared (technology for tech), 0 nothing."""
    if not wanted:
        return 0.0
    if wanted == name:
        return 100.0
    if wanted in name:
        return 90.0 + 5.0 * len(wanted) / len(name) + 3.0 * name.startswith(wanted)
    if len(name) > 1 and name in wanted:
        return 90.0 + 5.0 * len(name) / len(wanted)
    theirs = _words(name)
    shared = [w for w in words if any(t.startswith(w) or w.startswith(t) for t in theirs)]
    return 80.0 + 10.0 * len(shared) / len(words) if shared else 0.0


def _words(text: str) -> set[str]:
    """The words of a name that say something: three letters or more, or Chinese."""
    return {
        word
        for word in re.split(r"[^\w&]+", text)
        if len(word) >= 3 or any(is_cjk(char) for char in word)
    } - {"and", "the", "for"}
