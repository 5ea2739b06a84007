"""Questions around a query's key words: :func:`without_question_words` drops 多少, 几,
是什么, how many, what was … (and the report's own year), keeping the unit a measure
word after 多少 or 几 asks for (多少家: 家); :func:`without_trend_words` drops 历年,
趋势, over time … (every indicator is listed with its years); :func:`period_in_query`
reads a span of years a query names, a Five-Year Plan (十三五, 第十三个五年规划, the 13th
Five-Year Plan, 13th FYP) or a range (2016-2020, 2016至2020年), and
:func:`facts_naming` finds the facts naming a plan in any of its forms (reports write
十三五, our English "13th FYP"). A range of years is a plan where it is one, otherwise it
asks for every year (a trend), not for its first."""

from __future__ import annotations

import re

from cqfacts.facts.normalize import fold, has_cjk
from cqfacts.search.index import FIELD, SearchIndex
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


# --- Spans of years ---------------------------------------------------------------------

# The third plan began in 1966 (after 1963-65's readjustment); each runs five years.
_THIRD_PLAN_START = 1966
_PLAN_YEARS = 5
# The plans a query may name: the eleventh (2006-10) to the fifteenth (2026-30).
_FIRST_NAMED, _LAST_NAMED = 11, 15

_DIGITS = {char: str(number) for number, char in enumerate("〇一二三四五六七八九")}
_DIGITS["零"] = "0"

# Kept as text, compiled (and cached) by re on first use: most queries name no plan.
_CHINESE_PLAN = r"(?:第)?十([一二三四五])(?:个)?五(?:年(?:规划|计划))?"
_PINYIN_DIGITS = ("yi", "er", "san", "si", "wu")
_PINYIN_PLAN = r"\bshi\s*(yi|er|san|si|wu)\s*wu\b"
_ENGLISH_PLAN = r"\b(1[1-5])(?:st|nd|rd|th)?[\s-]*(?:five[\s-]*years?[\s-]*plan|fyp)s?\b"
_YEAR = r"(?:19|20)[0-9]{2}"
_RANGE = rf"(?<![0-9.])({_YEAR})\s*年?\s*(?:-|–|—|~|至|到|\bto\b)\s*({_YEAR})年?(?![0-9])"
# Words around a span that add nothing to it: 十三五期间, 十三五以来, during the 13th FYP.
_AROUND = r"^(?:期间|时期|以来|末|初|的|规划|计划|间)+|(?:期间|时期|以来|间)+$"


class Period:
    """A span of years a query named: a plan (its number), or a range."""

    __slots__ = ("first", "last", "plan")

    def __init__(self, first: int, last: int, plan: int | None) -> None:
        self.first = first
        self.last = last
        self.plan = plan

    def markers(self) -> tuple[str, ...]:
        """How the facts' names write the plan, folded as the index's keys are."""
        if self.plan is None:
            return ()
        ordinal = f"{self.plan}th"
        chinese = f"十{'一二三四五'[self.plan - 11]}五"
        return (f"{ordinal} fyp", f"{ordinal}-fyp", f"{ordinal} five-year plan", chinese)


def _plan(number: int) -> Period:
    first = _THIRD_PLAN_START + _PLAN_YEARS * (number - 3)
    return Period(first, first + _PLAN_YEARS - 1, number)


def period_in_query(folded: str) -> tuple[Period | None, str]:
    """The plan or range of years a folded query names, and the query without it
    (and without the words around it: 期间, 以来); (None, query) where it names none."""
    if "五" in folded:
        found = re.search(_CHINESE_PLAN, folded)
        if found is not None:
            return _plan(10 + int(_DIGITS[found[1]])), _rest(folded, found)
    if "wu" in folded:
        found = re.search(_PINYIN_PLAN, folded)
        if found is not None:
            return _plan(10 + _PINYIN_DIGITS.index(found[1]) + 1), _rest(folded, found)
    if "five" in folded or "fyp" in folded:
        found = re.search(_ENGLISH_PLAN, folded)
        if found is not None and _FIRST_NAMED <= int(found[1]) <= _LAST_NAMED:
            return _plan(int(found[1])), _rest(folded, found)
    if sum(char.isdigit() for char in folded) >= 8:
        found = re.search(_RANGE, folded)
        if found is not None and int(found[1]) < int(found[2]):
            first, last = int(found[1]), int(found[2])
            plans = [_plan(n) for n in range(_FIRST_NAMED, _LAST_NAMED + 1)]
            plan = next((p for p in plans if (p.first, p.last) == (first, last)), None)
            return plan or Period(first, last, None), _rest(folded, found)
    return None, folded


def _rest(folded: str, found: re.Match[str]) -> str:
    before = folded[: found.start()].strip()
    after = re.sub(_AROUND, "", folded[found.end() :].strip()).strip()
    return " ".join(f"{before} {after}".split())


# Where a fact's own names name the plan it answers for; a note naming it (a figure
# "stated in the 13th FYP summary") says less.
_NAMES = frozenset(FIELD[name] for name in ("label", "alias", "label_en", "id"))
_NOTE = FIELD["note"]


def facts_naming(index: SearchIndex, period: Period) -> dict[int, int]:
    """The facts naming the plan, each with the field of its closest mention: its
    names (label, alias, English label, id) before its note."""
    found: dict[int, int] = {}
    keys = index.keys
    for marker in period.markers():
        offset = keys.blob.find(marker)
        while offset >= 0:
            number = keys.at(offset)
            start = offset - keys.starts[number]
            offset = keys.blob.find(marker, offset + 1)
            key = keys[number]
            if start and key[start - 1].isalnum():  # 113th is not 13th
                continue
            for owner, field in index.key_entries(number):
                if field not in _NAMES and field != _NOTE:
                    continue
                for fact in index.owners(owner):
                    held = found.get(fact)
                    if held is None or naming_closeness(field) < naming_closeness(held):
                        found[fact] = field
    return found


def naming_closeness(field: int) -> int:
    """0 for a plan named in a fact's names, 1 in its note."""
    return 0 if field in _NAMES else 1
