"""A drafted fact's label, its English stand-in and its id: the words around a
figure in the report (the clause before it, the noun after it, a 分别 list's
subjects), spelled in pinyin for ``label_en`` and the ASCII id."""

from __future__ import annotations

import re
from typing import Any

from cqfacts.text.figures import CHANGE_MODIFIERS, CJK, Figure, clause_start
from cqfacts.text.report import Report

_LABEL_BREAKS = "、,。;:!?\n\r"
_LABEL_SIDE = 20  # characters each side of a figure, at most
_SUBJECTS_SIDE = 80  # characters before 分别 its subjects are read from, at most
_LEADING_WORDS = re.compile(r"^(?:其中|同时|此外|另有|并且|并|和|及|与|以及|共)+")
_TRAILING_WORDS = re.compile(
    r"(?:分别|达到|达|为|是|有|共计|合计|总计|共|累计|预计|实现|位居|居|排名|排|位列|名列)+$"
)
_SUBJECT_SPLIT = re.compile(r"、|和|与|及")
_ID_LABEL_LETTERS = 8
_ID_TITLE_LETTERS = 12
_ID_VALUE_LETTERS = 16
_LABEL_EN_MAX = 80
_ID_SYMBOLS = {"%": "pct", ".": "p", "/": "o"}


def _strip_words(detect: str, start: int, end: int) -> tuple[int, int]:
    """Connectives and verbs trimmed off a label's ends (offsets into ``detect``)."""
    while start < end:
        lead = _LEADING_WORDS.match(detect, start, end)
        if not lead or lead.end() == start:
            break
        start = lead.end()
    trail = _TRAILING_WORDS.search(detect, start, end)
    if trail:
        end = trail.start()
    return start, end


def _label(report: Report, figure: Figure, previous_end: int, next_start: int) -> str:
    """The clause around a figure: the words before it back to a punctuation mark or
    the previous figure, and the noun right after it (5个|重大专项)."""
    detect, text = report.detect, report.text
    start = max(clause_start(report, figure.start, _LABEL_BREAKS), previous_end)
    start = max(start, figure.start - _LABEL_SIDE)
    start, before_end = _strip_words(detect, start, figure.verb_start or figure.start)
    before = text[start:before_end]
    if figure.is_change:
        before = text[start : figure.start]
    after = ""
    if figure.end < len(detect) and CJK.match(detect, figure.end):
        stop = min(figure.end + _LABEL_SIDE, next_start)
        breaks = [detect.find(char, figure.end, stop) for char in _LABEL_BREAKS]
        stop = min([found for found in breaks if found >= 0] + [stop])
        after = text[figure.end : stop]
    label = (before + after).strip()
    # Cut where a quote closes that opened before the label began (…“十三五”时期 -> 时期).
    closing = label.find("”")
    if closing >= 0 and "“" not in label[:closing]:
        label = label[closing + 1 :]
    return label.strip()


def _list_labels(report: Report, members: list[Figure]) -> list[str] | None:
    """Labels for a 分别 list from its subjects (A、B分别…): None unless they pair up."""
    detect, text = report.detect, report.text
    first = members[0]
    at = detect.rfind("分别", 0, first.start)
    if at < 0:
        return None
    # The subjects stand just before 分别: a clause longer than this is cut, lest every
    # list of a long line without punctuation read the line from its start.
    start = max(clause_start(report, at), at - _SUBJECTS_SIDE)
    start, end = _strip_words(detect, start, at)
    # Comparisons (较去年) end the subject list; they are not a subject's words.
    modifier = re.search(rf"(?:{CHANGE_MODIFIERS})+$", detect[start:end])
    if modifier:
        end = start + modifier.start()
    pieces: list[str] = []
    position = start
    for separator in _SUBJECT_SPLIT.finditer(detect, start, end):
        pieces.append(text[position : separator.start()].strip())
        position = separator.end()
    pieces.append(text[position:end].strip())
    if len(pieces) != len(members) or not all(pieces):
        return None
    verb = first.verb if first.is_change else ""
    return [piece + verb for piece in pieces]


def spell(texts: list[str]) -> list[list[str]]:
    """Each text's characters in toneless pinyin (重庆 -> chong qing: read as words),
    other characters as they are; one pypinyin call for all texts, which is ten times
    faster than one for each."""
    from pypinyin import lazy_pinyin
    from pypinyin.seg.simpleseg import seg

    joined = "\n".join(texts)
    # errors=list: other characters one item each, as Chinese ones are (pypinyin's
    # type hints allow only a str from the callable; its code takes a list too).
    each_character: Any = list
    # Cut into words as lazy_pinyin cuts, each distinct word spelled once: a report
    # repeats its words, and spelling is most of a draft's time.
    spelled: list[str] = []
    known: dict[str, list[str]] = {}
    for word in seg(joined):
        pieces = known.get(word)
        if pieces is None:
            pieces = known[word] = lazy_pinyin(word, errors=each_character)
        spelled += pieces
    out, position = [], 0
    for text in texts:
        out.append(spelled[position : position + len(text)])
        position += len(text) + 1
    return out


def _initials(spelled: list[str], limit: int) -> str:
    """Initials of Chinese, Latin letters and digits kept: 技术合同SCI -> jshtsci."""
    letters = [
        _ID_SYMBOLS.get(piece, piece[0].lower() if piece.isascii() and piece.isalnum() else "")
        for piece in spelled
    ]
    return "".join(letters)[:limit]


def words(text: str, spelled: list[str]) -> str:
    """Toneless pinyin, Latin letters and digits kept: 技术合同 -> ji shu he tong."""
    pieces = [
        f" {piece} " if piece != char and piece.isascii() else char
        for char, piece in zip(text, spelled, strict=True)
    ]
    words = re.sub(r"[^A-Za-z0-9%.+/ ]", " ", "".join(pieces))
    return " ".join(words.split())[:_LABEL_EN_MAX]


def fact_id(figure: Figure, section: str, label: list[str], written: list[str]) -> str:
    """Section, label and figure, in ASCII: ``4-1-gxjsqy-7565j``. Spelled from the
    detection forms, so traditional and simplified copies of a text give the same ids."""
    where = section.replace(".", "-")
    if figure.kind == "policy":
        parts = [where, "doc", _initials(written, _ID_TITLE_LETTERS)]
    else:
        rank = "r" if figure.kind == "rank" else ""
        value_part = rank + _initials(written, _ID_VALUE_LETTERS)
        parts = [where, _initials(label, _ID_LABEL_LETTERS), value_part]
    return "-".join(part for part in parts if part)


def unique(ids: list[str]) -> list[str]:
    """Repeated ids get -2, -3 … in text order (skipping one another id already has)."""
    seen: dict[str, int] = {}
    taken = set(ids)
    unique = []
    for fact_id in ids:
        count = seen.get(fact_id, 0) + 1
        candidate = fact_id
        if count > 1:
            while f"{fact_id}-{count}" in taken:
                count += 1
            candidate = f"{fact_id}-{count}"
            taken.add(candidate)
        seen[fact_id] = count
        unique.append(candidate)
    return unique


def labels(report: Report, figures: list[Figure]) -> list[str]:
    """Each figure's label as the text words it (a document's: its title), in order."""
    labels: list[str] = []
    numeric = [figure for figure in figures if figure.kind != "policy"]
    ends = {id(figure): (numeric[i - 1].end if i else 0) for i, figure in enumerate(numeric)}
    starts = {
        id(figure): (numeric[i + 1].start if i + 1 < len(numeric) else len(report.text))
        for i, figure in enumerate(numeric)
    }
    from_lists: dict[int, str] = {}
    by_list: dict[int, list[Figure]] = {}
    for figure in numeric:
        if figure.list_id is not None:
            by_list.setdefault(figure.list_id, []).append(figure)
    for members in by_list.values():
        for member, label in zip(members, _list_labels(report, members) or [], strict=False):
            from_lists[id(member)] = label
    for figure in figures:
        if figure.kind == "policy":
            labels.append(figure.text.strip("《》"))
        elif id(figure) in from_lists:
            labels.append(from_lists[id(figure)])
        else:
            labels.append(_label(report, figure, ends[id(figure)], starts[id(figure)]))
    return labels
