"""Questions around a query's key words: :func:`without_question_words` drops 多少, 几,
是什么, how many, what was … (and the report's own year), keeping the unit a measure
word after 多少 or 几 asks for (多少家: 家); :func:`without_trend_words` drops 历年,
趋势, over time … (every indicator is listed with its years)."""

from __future__ import annotations

import re

from cqfacts.facts.normalize import fold, has_cjk
from cqfacts.search.quantities import unit_of

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
# since compiling the two costs a lookup about 0.5 ms and most queries ask nothing.
_CHINESE_QUESTION_SIGNS = frozenset("多几什哪怎如吗呢?？")
_ENGLISH_QUESTION_WORDS = ("how", "wh", "got", "get", "did", "do", "is", "are", "was", "were",
                           "has", "have", "had", "there", "been", "?")  # fmt: skip


class _Asked:
    """A query's key words without its question words, and the unit it asked for."""

    __slots__ = ("unit", "words")

    def __init__(self, words: str, unit: str | None) -> None:
        self.words = words
        self.unit = unit


def without_question_words(query: str, year: int | None) -> _Asked:
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
    family = unit_of(unit)
    return _Asked(words, family[0] if family else None)


# Words asking for an indicator's course over the years (研发投入历年, R&D intensity over
# time): every answer lists the years it has, so they name nothing, and as words they
# made a name a smaller share of the query ("over" matched "Rise … over 13th FYP").
# Longest first; a word some name holds (数据, 情况, 历史) stays.
_TREND_WORDS = (
    "历年来|历年|逐年|每年|各年|历史|变化情况|变化|变动|趋势|走势|近年来|近几年|近五年|近十年"
    "|近年|这几年|多年来|时间序列|年度数据|数据|情况|统计|一览|汇总"
)
_ENGLISH_TREND_WORDS = (
    r"\b(?:over time|over the (?:past |last )?(?:few )?years|year by year|by year|each year"
    r"|every year|time series|trends?|history|historical|evolution|changes)\b"
)
_TREND_SIGNS = frozenset("历逐每各变趋走近这多时年数情统一汇")
_ENGLISH_TREND_SIGNS = ("time", "year", "series", "trend", "histor", "evolution", "change")


def without_trend_words(query: str, blob: str) -> str:
    """The query without words asking for a course over the years that no name in
    ``blob`` (the index's keys) holds; the query itself where nothing else is left."""
    text = query
    if not _TREND_SIGNS.isdisjoint(text):
        text = re.sub(_TREND_WORDS, lambda found: " " if found[0] not in blob else found[0], text)
    if any(sign in text for sign in _ENGLISH_TREND_SIGNS):
        text = re.sub(
            _ENGLISH_TREND_WORDS, lambda found: " " if found[0] not in blob else found[0], text
        )
    if text == query:
        return query
    left = " ".join(text.split())
    return left if len(left) >= 2 else query
