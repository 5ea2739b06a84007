"""Figures that have no unit of their own, for :mod:`cqfacts.text.figures`: what the
text shows them to be by the words around them.

- a number after the noun of an index, a rate or a ratio (``竞争力指数达到81.6``,
  ``恩格尔系数为28.5``, ``死亡率从0.41下降到0.12``): a figure with no unit, which a
  draft writes as :data:`UNITLESS` for the curator to check;
- tenths in Chinese numerals, ``五成``, ``超两成``, ``七成以上``;
- a top-N rank, ``前八``, ``前10位``, ``前三强``, after a word that ranks (居, 进入 …);
- a change of an index in points, with no unit (``指数为129.5,比上年提高1.6``);
- 年 as a unit where years are measured (:func:`years_measured`: ``12.8年``,
  ``受教育年限达到12年``), not a year or a span (``2023年``, ``5年来``).

Each finder reads the detection copy and gives ``(start, end, kind, value, unit,
qualifier)``; the caller keeps a figure of its own kind where they overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cqfacts.facts.numerals import small_numeral_value

#: The unit a draft writes for a figure the text gives none (an index, a rate).
UNITLESS = "(无单位)"

Found = tuple[int, int, str, int | float | None, str | None, str | None]

# The nouns whose figure needs no unit: the number is the measure itself.
_MEASURES = r"指数|系数|[^\W\d_]率|比重|比例|比率|占比|得分|评分|分值|弹性|密度|基尼"
# What may stand between the noun and its number: a verb, a from or a to, a year.
_LINKS = (
    r"(?:为|是|达到|达|约为|从|由|提高到|提高至|提升到|提升至|上升到|上升至|增加到|"
    r"增至|升至|下降到|下降至|降低到|降低至|降到|降至|回落到|回落至|保持在|保持|稳定在|到|至)"
)
_YEAR_WORDS = r"(?:(?:19|20)\d{2}\s*年(?:底|末)?的?)"
_NUM = r"(?P<num>(?<![\dA-Za-z.])\d{1,6}(?:\.\d{1,6})?)(?![\dA-Za-z.%‰/年月日号])"
_BARE = re.compile(
    rf"(?:{_MEASURES})[ \t]*(?:{_YEAR_WORDS}?[ \t]*{_LINKS}?[ \t]*{_YEAR_WORDS}?)[ \t]*" + _NUM
)
# The later number of a from-to pair whose earlier one is bare: 从0.41下降到0.12.
_BARE_TO = re.compile(
    rf"[ \t]*(?:[^\d,。;:!?\n]{{0,4}}?(?:到|至))[ \t]*{_YEAR_WORDS}?[ \t]*" + _NUM
)


def bare_figures(detect: str) -> Iterator[Found]:
    """Numbers with no unit that measure an index, a rate or a ratio."""
    for match in _BARE.finditer(detect):
        start, end = match.span("num")
        yield start, end, "figure", _number(match["num"]), UNITLESS, None
        following = _BARE_TO.match(detect, end)
        if following:
            yield (
                following.start("num"),
                following.end("num"),
                "figure",
                _number(following["num"]),
                UNITLESS,
                None,
            )


# A change of an index in points, with no unit (指数为129.5,比上年提高1.6; 分项指数年均
# 提高超7.0): a bare number right after a change's verb, in a sentence about an index.
_POINTS = re.compile(
    r"(?:提高|提升|增加|上升|下降|降低|回落|增长)了?(?P<pre>超过|超|约|近)?[ \t]*" + _NUM
)
_INDEX_NOUNS = re.compile(r"指数|系数|得分|评分|分值")
_POINTS_LOOK_BACK = 60


def index_changes(detect: str) -> Iterator[Found]:
    """Bare numbers that change an index (its points), for the change finder to attach."""
    for match in _POINTS.finditer(detect):
        back = max(0, match.start() - _POINTS_LOOK_BACK)
        sentence = max(detect.rfind(mark, back, match.start()) for mark in "。;!?\n") + 1
        if _INDEX_NOUNS.search(detect, max(back, sentence), match.start()):
            start = match.start("pre") if match["pre"] else match.start("num")
            value = _number(match["num"])
            yield start, match.end("num"), "figure", value, UNITLESS, match["pre"]


# 五成 is five tenths; not the 成 of 成为, 成立, 成果 … (the next character says).
_TENTHS = re.compile(
    r"(?<![\d一二三四五六七八九十两百千万第统])(?P<pre>超过|超|近|约|接近|不足|不到)?"
    r"(?P<num>[一二两三四五六七八九]|\d)成"
    r"(?![为立果效熟本员都交长就品型套绩分色功渝片网链群]|规模|不变)(?P<post>以上|以下|左右)?"
)
# A top-N rank: 进入全国前八, 位居前10位, 跻身前三强; not 前三季度 nor 前10个月.
_TOP = re.compile(
    r"(?<=[居列入进身排名全国省市部球界])前(?P<num>\d{1,3}|[一二三四五六七八九十]{1,3})"
    r"(?:位|名|强)?(?=[,、。;!?)\s的]|$)"
)


def numeral_figures(detect: str) -> Iterator[Found]:
    """Tenths (五成) and top-N ranks (前八) in Chinese or Arabic numerals."""
    for match in _TENTHS.finditer(detect):
        value = _numeral(match["num"])
        if value is not None:
            qualifier = match["pre"] or match["post"]
            yield match.start(), match.end(), "figure", value, "成", qualifier
    for match in _TOP.finditer(detect):
        value = _numeral(match["num"])
        if value is not None:
            yield match.start(), match.end(), "rank", value, "位", None


# A count in Chinese numerals that is rhetoric or a name, no figure: 三项新突破,
# 四大重大成果 (an adjective follows), 双十条, 新十条, 科创十条 (a policy's name).
_RHETORIC_AFTER = re.compile(r"新|大|重大|重要|显著|积极|突出|标志性")
_NAME_BEFORE = re.compile(r"[双新]$|[^\W\d_了出定发有计共达等订台施布和与及、,]$")


def is_rhetoric(detect: str, start: int, end: int, unit: str) -> bool:
    """Whether a count in Chinese numerals (``detect[start:end]``, its measure word
    ``unit``) is a name's or rhetoric's rather than a figure."""
    if _RHETORIC_AFTER.match(detect, end):
        return True
    before = detect[max(0, start - 1) : start]
    if before == "双":
        return True
    return unit == "条" and bool(_NAME_BEFORE.search(before))


# 年 is a figure's unit after a decimal (12.8年) or where its clause measures years
# (受教育年限从12年提高到13年); else 2023年 is a year and 5年来 a span.
_YEARS_MEASURED = re.compile(r"年限|寿命|年龄|工龄|期限|年数")
_YEARS_LOOK_BACK = 16


def years_measured(match: re.Match[str]) -> bool:
    """Whether 年 after a figure pattern's match (groups num, dec, pre) is its unit."""
    if match["dec"]:
        return True
    if match["pre"] or len(match["num"]) > 2:
        return False
    before = match.string[max(0, match.start() - _YEARS_LOOK_BACK) : match.start()]
    return bool(_YEARS_MEASURED.search(re.split(r"[,。;!?\n]", before)[-1]))


def _numeral(text: str) -> int | float | None:
    return int(text) if text.isdigit() else small_numeral_value(text.replace("两", "二"))


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)
