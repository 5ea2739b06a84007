"""What is shown beside the matches: the characters to highlight in a matched fact's
label, English label and value text (where the query's text is, its characters in
order, or the label's characters behind a pinyin match), and :func:`suggest`'s names
near a query that found nothing, for a "did you mean" line (rapidfuzz is imported only
then)."""

from __future__ import annotations

from cqfacts.facts.model import Fact
from cqfacts.facts.normalize import fold_with_positions, is_cjk
from cqfacts.search.index import SearchIndex
from cqfacts.search.pinyin import PinyinPattern
from cqfacts.search.scores import MAX_FUZZY_QUERY, NAME_FIELDS, SUGGEST_CUTOFF
from cqfacts.search.wording import prepare_query


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
