"""Finding figures, their changes and 《》 documents in a report's text: what a
draft holds and what the audit reads (:func:`find_figures`, :func:`find_documents`).

What counts as a figure:

- a number with its unit as written: ``865.1亿元``, ``1.3万台/套``, ``11943家(次)``,
  ``0.48个百分点``, ``3.8倍``, ``60%``, ``18MW``; a qualifier touching it belongs to it
  (``预计750亿元``, ``近1000名``, ``突破1.3万台/套``, ``505万余条``, ``40%以上``), and
  累计/预计 earlier in its clause is its ``qualifier`` without being part of its text;
- a rank, ``第8位``, ``西部第一``, ``排名77位``; a fraction, ``1/4以上``, ``三分之一``
  (its value the share as a percentage: 1/4 is 25 %); a count in Chinese numerals with a
  measure word, ``三张图``'s ``三张`` (never 一, too often part of a name);
- a number a space from its unit (``512.3 亿元``, as a PDF's copy writes it); 年 after
  a decimal or where the clause measures years (``受教育年限从12.8年提高到13.2年``);
  communiqué units (斤, 标准箱 …); and from :mod:`cqfacts.text.kinds`, an index's or a
  rate's value with no unit (``竞争力指数达到81.6``), tenths (``五成``) and top-N ranks
  (``前八``);
- never a bare number, a year (年 is no unit), a date (月, 日 and 号 are none either),
  an ordinal (第三届, 第五轮: 第 makes a rank only before 位/名 or a clause's end), a
  congress or plenum (六届二次 has no measure word), an age limit (40岁以下), nor
  anything inside quotes (“416”, “十四五”) or a 《》 title (its years).

A change (增长19.2%, 同比增长6.6%, 年均增长15.8%, 提高0.56个百分点, 下降1.69个百分点)
belongs to the figure just before it in its sentence, with nothing but separators
and a comparison between (``865.1亿元、增长37.2%``, ``630.4亿元,比上年增长25.5%``,
``1297家、较“十三五”末增长80%``). A rate is preferred to a count: ``7565家,比上年增加
1220家,增长19.2%`` gives 7565家 the 19.2%, and 1220家 stays a figure. A 分别 list
(``1121项、资金12.12亿元,分别增长9.9%、20.14%``) gives its changes, in order, to the
figures just before it. Following the shipped base, a change keeps its value as
written (positive) and says in its ``text`` which way it went; the first change of a
分别 list keeps its text verbatim, the others are its verb and their figure
(``增长36.1%``). A change with no figure before it (研发人员增长64.4%) is a figure of
its own, its label ending in the verb and its note saying so.

A change may also follow its figure in brackets (``630.4亿元(增长25.5%)``), after a
comparison (``比全国高0.9个百分点``), or in a 分别 list with one (``分别比上年增长12%和9%``).
In a from-to pair (``由2016年的512亿元增长到2021年的1020亿元``) the later figure's
``previous`` is the earlier, and each takes the year the pair names for it.

A number of more than 20 digits is no figure (a code), and a 《》 title holding a
control character or over 500 characters no document: a fact file could not hold it.

Detection reads :func:`cqfacts.text.report.detection_text`, so traditional characters and
full-width digits work; ``value_text``, labels and change texts are sliced from the
original, while ``unit`` and ``qualifier`` are given in their simplified, half-width
form (亿元, 家(次)), so that units compare across reports.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, pairwise

from cqfacts.facts.normalize import CJK_CLASS
from cqfacts.facts.units import LATIN_UNITS, MEASURE_WORDS, MULTIPLIERS, RATE_UNITS
from cqfacts.facts.values import MAX_NAME_LENGTH
from cqfacts.text.kinds import (
    bare_figures,
    index_changes,
    is_rhetoric,
    numeral_figures,
    years_measured,
)
from cqfacts.text.report import (
    TITLE_MAX,
    YEAR,
    Report,
    chinese_number,
    detection_text,
    first_year,
    parse_report,
    report_year,
)

# The year of a report moved to report.py: still importable from here.
__all__ = ["TITLE_MAX", "YEAR", "first_year", "report_year"]

# --- What a figure looks like --------------------------------------------------------

# Measure words after a number (facts.units), longest first so that 个百分点 wins over 个.
# Besides those a query may compare, units of statistical communiqués.
_COMMUNIQUE_UNITS = ("斤", "平方千米", "千公顷", "标准箱", "标箱", "栋", "辆次", "架次", "艘次")
_UNITS = sorted((*MEASURE_WORDS, *_COMMUNIQUE_UNITS), key=len, reverse=True)
# Units in Latin letters, taken only when no letter follows (5G is a name, not 5 G).
_ASCII_UNITS = sorted(LATIN_UNITS, key=len, reverse=True)
_MULTIPLIERS = "|".join(MULTIPLIERS)
# Qualifiers that touch the number and are part of its text.
_PREFIXES = "预计|累计|共计|接近|将近|近|超过|超|逾|突破|约|不足|不到"
_SUFFIXES = "以上|以下|左右|以内"
_ABOUT = "余|多"  # 600余项, 80多个, 505万余条
# Qualifiers found earlier in the clause (累计达到105家).
_CLAUSE_QUALIFIERS = ("累计", "预计")
# Not inside a longer number nor after 第 (an ordinal); after letters is fine
# (人均GDP1.2万美元): a model name's digits (C919, 5G) have no unit anyway.
_NOT_AFTER = r"(?<![0-9.第])"

# Spaces a PDF's copy puts between a number and its unit (512.3 亿元; a wrapped line
# reads as a space in the detection copy, see report._joined).
_GAP = r"[ \t]{0,3}"
_FIGURE = re.compile(
    rf"""{_NOT_AFTER}(?P<pre>{_PREFIXES})?
    (?P<num>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?P<dec>\.\d+)?
    (?P<mid>{_ABOUT})?(?P<gap>{_GAP})(?P<mult>{_MULTIPLIERS})?(?P<mid2>{_ABOUT})?{_GAP}
    (?P<unit>{"|".join(map(re.escape, _UNITS))}|(?:{"|".join(_ASCII_UNITS)})(?![A-Za-z])|年)?
    (?P<slash>/(?:{"|".join(map(re.escape, _UNITS))}))?
    (?P<paren>\((?:次|人次|个|家|项)\))?
    (?P<post>{_SUFFIXES})?""",
    re.VERBOSE,
)
# Not 一 (一批, 一件事) nor 两 (两个维护): both are mostly parts of names.
_CHINESE_DIGITS = "二三四五六七八九十"
_CHINESE_COUNT = re.compile(
    rf"(?<![第届〇零一{_CHINESE_DIGITS}百千万亿\d])"
    rf"(?P<num>[{_CHINESE_DIGITS}][一{_CHINESE_DIGITS}]{{0,2}})"
    r"(?P<unit>个|项|张|类|条|家|名|位|篇|座|种|所|倍)"
)
# A rank: 第8位, 第一名, or 第1 / 西部第一 closing a clause.
# 第二大 (世界第二大经济体) ranks too.
_RANK = re.compile(
    r"第(?P<num>\d+|[一二三四五六七八九十]{1,3})(?:[ \t]?(?P<unit>位|名|大)|(?=[,、。;!?)\s]|$))"
)
_RANK_WORDS = re.compile(r"(?:排名|排|居|位居|位列|名列)$")
_RANK_WORD_LENGTH = 2  # the longest of them
# A run of numerals is tried from its first one only (the look-behind): tried from
# each, 二…二个 of 100,000 numerals read the run 100,000 times (quadratic).
_FRACTION = re.compile(
    rf"(?<![\d./])(?P<pre>{_PREFIXES})?"
    r"(?:\d+/\d+(?![\d/])|(?<![一二三四五六七八九十百])[一二三四五六七八九十百]+分之[一二三四五六七八九十]+)"
    rf"(?:[ \t]?(?P<post>{_SUFFIXES}))?"
)
# A figure's number has at most this many digits, and a figure's text this many
# characters: a longer run is a code or a hash, not a statistic (and int() refuses
# 4,301 digits, float() makes 309 an infinity, a fact file's texts stop at 500).
_MAX_DIGITS = 20
_MAX_FIGURE_LENGTH = 60
# Names: short quotes without a sentence's punctuation (“416”, “十四五”; a quoted
# speech keeps its figures), and 《》 titles, nested ones included.
_NAME_MAX = 20
_NAME_CHARS = rf"[^“”「」\"\n,。;!?]{{1,{_NAME_MAX}}}"
_QUOTED = re.compile(rf"“{_NAME_CHARS}”|「{_NAME_CHARS}」|\"{_NAME_CHARS}\"")
_AGE_LIMIT = ("岁",)  # 40岁以下: a definition's threshold, not a statistic
_LIST_NAMED = ("中", "榜", "名")  # after 100强: a ranking list named, not a figure
_SINGLE_CHAR_VERBS = ("增", "降", "减")

# --- Changes --------------------------------------------------------------------------

# What a fact file's texts may not hold (factfile's _CONTROL), lone surrogates (from
# undecodable bytes) and NEL: a drafted text holding one would not validate.
_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
#: What a fact file's text may not hold.
UNSHOWABLE = re.compile(f"[{_CONTROLS}]")

# What may stand between a figure and its change: 同比, 年均, a comparison (较上年,
# 比2020年, 较“十三五”末) and 分别.
# 同口径 and 预计 qualify a change too (同口径增长17.1%, 预计增长11%); a comparison may
# hold a PDF's space (比2012 年增长).
CHANGE_MODIFIERS = (
    rf"同比|环比|同口径|预计|年均|平均|分别|(?:较|比)[^\n\r{_CONTROLS},。;:、!?较比]{{1,10}}?"
)
_CHANGE_VERBS = (
    "增长率|增长|增加|增幅|增速|提高|提升|上升|上涨|下降|减少|降低|下滑|回落|扩大|缩小|"
    "成长|增|降|减"  # 成长: 較上年成長6.4% (Taiwan's word)
)
# 高/低/快 word a change only after a comparison (比全国高0.5个百分点).
_COMPARED_VERBS = "高出|高于|低于|高|低|快|慢"
_CHANGE_BEFORE = re.compile(
    rf"(?P<mods>(?:{CHANGE_MODIFIERS})*)[ \t]*(?P<verb>{_CHANGE_VERBS}|{_COMPARED_VERBS})"
    r"(?:了|达到|达|为)?[ \t]*$"
)
# 分别达到, 分别增长, 分别比上年增长, 分别较“十三五”末增长
# (分别比2012年增长, and a PDF's 分别增长 with a space before the number)
_LIST_START = re.compile(r"分别[^\n\r,。;:!?%、]{0,14}$")
_LOOK_BACK = 16  # characters before a figure searched for its verb
_LIST_SEPARATOR = re.compile(r"[\s]*[、,和及与][\s]*")
# 630.4亿元(增长25.5%); 1.6万亿(预计),同比增长11.7%; 124.2,与2015年相比,年均提高3.5
_ATTACH_GAP = re.compile(r"[\s、,(]*(?:\(预计\)[\s、,]*)?(?:与[^,。;]{1,10}相比[\s,]*)?(?:分别)?")
_SENTENCE_END = re.compile(r"[。;!?\n]")
CLAUSE_BREAKS = ",。;:!?\n\r"
_SENTENCE_BREAKS = "。;!?\n\r"
_CUMULATIVE = "累计"
#: What a noun after a figure starts with (5个|重大专项).
CJK = re.compile(f"[{CJK_CLASS}“]")


@dataclass
class ChangeFound:
    """A change found in the text: its figure, verbatim text and where it stands."""

    value: int | float
    unit: str
    text: str
    start: int


@dataclass
class Figure:
    """A figure found in the text; ``start``/``end`` span its ``value_text``."""

    start: int
    end: int
    kind: str  # "figure", "rank" or "policy"
    value: int | float | None
    unit: str | None
    qualifier: str | None
    #: Where the change wording before it starts, when the figure is itself a change.
    verb_start: int | None = None
    verb: str = ""  # modifiers and verb, e.g. 同比增长
    list_id: int | None = None  # the 分别 list it is in
    change: ChangeFound | None = None
    #: The earlier figure of a from-to pair (由512亿元增长到1020亿元), for the later one.
    previous: Figure | None = None
    #: The year a from-to pair names for the figure (由2016年的512亿元), if any.
    year: int | None = None
    note: str | None = None
    #: Second changes of the figure (年均增长11.4% after 增长38.1%), as written.
    also: list[str] = field(default_factory=list)
    text: str = field(default="", repr=False)

    @property
    def is_change(self) -> bool:
        return self.verb_start is not None


def _number(text: str) -> int | float:
    digits = text.replace(",", "")
    return float(digits) if "." in digits else int(digits)


def _quoted_spans(detect: str) -> list[tuple[int, int]]:
    """Quotes and 《》 titles: names, whose numbers are no figures."""
    spans = [match.span() for match in _QUOTED.finditer(detect)]
    spans += [(start, end) for start, end in _titles(detect)]
    return sorted(spans)


def _titles(detect: str) -> Iterator[tuple[int, int]]:
    """The outermost 《…》 spans, nesting allowed, never across a line."""
    depth, start = 0, 0
    for index, char in enumerate(detect):
        if char == "《":
            if depth == 0:
                start = index
            depth += 1
        elif char == "》" and depth:
            depth -= 1
            if depth == 0:
                yield start, index + 1
        elif char == "\n":
            depth = 0


def _merged(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Sorted spans joined where they overlap: starts and ends, for :func:`_inside`."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in spans:
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _inside(spans: tuple[list[int], list[int]], offset: int) -> bool:
    """Whether an offset is inside one of the merged spans: by bisection, as a scan of
    every span for every figure is quadratic in a long text."""
    starts, ends = spans
    index = bisect_right(starts, offset) - 1
    return index >= 0 and offset < ends[index]


def _figure_from(match: re.Match[str], text: str) -> Figure | None:
    unit = (match["mult"] or "") + (match["unit"] or "") + (match["slash"] or "")
    if not unit:
        return None  # a bare number: a heading's, a name's or a code's (see kinds.py)
    if len(match["num"]) > _MAX_DIGITS or len(match["dec"] or "") > _MAX_DIGITS:
        return None
    if match["unit"] == "年" and not years_measured(match):
        if not match["mult"]:
            return None  # 2023年, 5年来: a year or a span, no figure
        unit = match["mult"]
    if match["unit"] in _AGE_LIMIT and match["post"] in ("以下", "以内", "以上"):
        return None
    if match["unit"] == "强" and match.string[match.end() : match.end() + 1] in _LIST_NAMED:
        return None  # 创新集群100强中排名77位: the list's name, the rank is the figure
    if match["unit"] is None and match.string.startswith("级", match.end()):
        return None  # 10万亿级台阶: a scale's name, not a figure (18MW级 is a rating)
    unit += match["paren"] or ""
    qualifier = match["pre"] or match["mid"] or match["mid2"] or match["post"]
    value = _number(match["num"] + (match["dec"] or ""))
    kind = "figure"
    # The words just before, not the whole text before (a slice per figure: quadratic).
    before = max(0, match.start() - _RANK_WORD_LENGTH)
    if match["unit"] in ("位", "名") and _RANK_WORDS.search(match.string, before, match.start()):
        kind = "rank"
    start, end = match.span()
    if match["unit"] == "年" and unit == match["mult"]:
        end = match.end("mult")
    while end > start and match.string[end - 1] in " \t\n":
        end -= 1  # spaces read for a unit that did not follow
    return Figure(start, end, kind, value, unit, qualifier, text=text[start:end])


def _raw_figures(report: Report) -> list[Figure]:
    """Every figure candidate, earliest first; of overlapping ones the longer wins."""
    detect, text = report.detect, report.text
    found: list[Figure] = []
    for match in _FIGURE.finditer(detect):
        figure = _figure_from(match, text)
        if figure is not None:
            found.append(figure)
    for match in _RANK.finditer(detect):
        if len(match["num"]) > _MAX_DIGITS:
            continue
        value = _number(match["num"]) if match["num"].isdigit() else chinese_number(match["num"])
        if value is not None:
            start, end = match.span()
            found.append(Figure(start, end, "rank", value, "位", None, text=text[start:end]))
    for match in _CHINESE_COUNT.finditer(detect):
        value = chinese_number(match["num"])
        if value is not None and not is_rhetoric(detect, *match.span(), match["unit"]):
            start, end = match.span()
            found.append(
                Figure(start, end, "figure", value, match["unit"], None, text=text[start:end])
            )
    for match in _FRACTION.finditer(detect):
        start, end = match.span()
        if end - start > _MAX_FIGURE_LENGTH:
            continue
        qualifier = match["pre"] or match["post"]
        core = detect[start + len(match["pre"] or "") : end - len(match["post"] or "")]
        share = percentage(core)
        unit = None if share is None else "%"
        found.append(Figure(start, end, "figure", share, unit, qualifier, text=text[start:end]))
    for start, end, kind, number, unit, qualifier in chain(
        bare_figures(detect), numeral_figures(detect), index_changes(detect)
    ):
        found.append(Figure(start, end, kind, number, unit, qualifier, text=text[start:end]))
    found.sort(key=lambda figure: (figure.start, -figure.end))
    names = _merged(_quoted_spans(detect))
    kept: list[Figure] = []
    for figure in found:
        if kept and figure.start < kept[-1].end:
            continue
        if not _inside(names, figure.start):
            kept.append(figure)
    return kept


def percentage(fraction: str) -> int | float | None:
    """A fraction as the percentage it is (1/4 is 25, 三分之一 33.3333), to four
    decimals; None for a zero denominator or numerals that read as no number."""
    if "/" in fraction:
        top, _, bottom = fraction.partition("/")
        numerator, denominator = _number(top), _number(bottom)
    else:  # 三分之一: the denominator first
        below, _, above = fraction.partition("分之")
        denominator, numerator = chinese_number(below), chinese_number(above)  # type: ignore[assignment]
    if not numerator or not denominator:
        return None
    share = round(numerator * 100 / denominator, 4)
    return int(share) if share.is_integer() else share


def clause_start(report: Report, offset: int, breaks: str = CLAUSE_BREAKS) -> int:
    """Where the clause (or what ``breaks`` ends) holding ``offset`` starts."""
    return report.last_break(offset, breaks) + 1


def _clause_qualifier(report: Report, figure: Figure) -> None:
    """累计/预计 earlier in the clause qualify a figure that has no qualifier of its own."""
    if figure.qualifier is not None or figure.kind != "figure":
        return
    clause = clause_start(report, figure.start)
    # 累计 reaches to the end of its sentence (累计为…发放…207.21亿元，引导…141.48亿元):
    # the fact base files every figure of such a sentence as 累计.
    sentence = clause_start(report, figure.start, _SENTENCE_BREAKS)
    for word in _CLAUSE_QUALIFIERS:
        # The word's last place before the figure, not a search of the clause (which
        # on a long line without punctuation is the whole line, for every figure).
        if report.last_before(word, figure.start) >= (sentence if word == _CUMULATIVE else clause):
            figure.qualifier = word
            return


def _mark_changes_and_lists(report: Report, figures: list[Figure]) -> None:
    """Which figures are changes (增长19.2%) and which stand in a 分别 list."""
    detect = report.detect
    lists = 0
    previous: Figure | None = None
    for figure in figures:
        before = detect[max(0, figure.start - _LOOK_BACK) : figure.start]
        gap = detect[previous.end : figure.start] if previous else ""
        if (
            previous is not None
            and previous.list_id is not None
            and _LIST_SEPARATOR.fullmatch(gap)
            and previous.kind == figure.kind
        ):
            # The next item of a 分别 list: like the first one.
            figure.list_id = previous.list_id
            if previous.is_change:
                figure.verb_start, figure.verb = figure.start, previous.verb
            previous = figure
            continue
        listed = _LIST_START.search(before)
        if listed:
            lists += 1
            figure.list_id = lists
        change = _CHANGE_BEFORE.search(before) if figure.kind == "figure" else None
        if change and figure.value is not None:
            single = change["verb"] in _SINGLE_CHAR_VERBS or change["verb"] in _COMPARED_VERBS
            mods = change["mods"].replace("分别", "")
            if not single or mods:
                offset = figure.start - len(before) + change.start()
                if change["mods"].startswith("分别"):
                    offset += len("分别")
                figure.verb_start, figure.verb = offset, mods + change["verb"]
        previous = figure


def _attach_changes(report: Report, figures: list[Figure]) -> list[Figure]:
    """Give each change (or 分别 list of changes) to the figures just before it;
    a change with none stays a figure of its own. Returns the figures left."""
    attached: dict[int, Figure] = {}  # id of a change figure -> the figure it went to
    owners: list[Figure] = []  # who the changes just before went to (or themselves)
    index = 0
    while index < len(figures):
        first = figures[index]
        if not first.is_change:
            index += 1
            owners = []
            continue
        group = [first]
        while (
            first.list_id is not None
            and index + len(group) < len(figures)
            and figures[index + len(group)].list_id == first.list_id
        ):
            group.append(figures[index + len(group)])
        targets = figures[index - len(group) : index] if index >= len(group) else []
        if _can_attach(report.detect, targets, first):
            for number, (target, change) in enumerate(zip(targets, group, strict=True)):
                _give(report, target, change, verbatim=number == 0, lead=first)
                attached[id(change)] = target
        elif index and _prefer_rate(report, attached, figures[index - 1], first):
            attached[id(first)] = attached.pop(id(figures[index - 1]))
        elif _is_second_change(report, figures[index - 1] if index else None, group, owners):
            # 增长38.1%,年均增长11.4%: a second change of the same figures, said in
            # their notes (a fact holds one change), never a figure of its own.
            # The first as written from the end of the change before (增速比全国高
            # 0.9个百分点), a list's others with the list's verb (年均增长4.3%).
            lead = figures[index - 1].end
            lead += len(_SEPARATORS.match(report.detect, lead)[0])  # type: ignore[index]
            for number, (owner, change) in enumerate(zip(owners, group, strict=True)):
                if number == 0:
                    wording = _one_line(report.text[lead : change.end])
                else:
                    wording = change.verb + _one_line(change.text)
                owner.also.append(f"also {wording}")
                attached[id(change)] = owner
            index += len(group)
            continue
        owners = [attached.get(id(change), change) for change in group]
        for change in group:
            if id(change) not in attached:
                change.note = f"DRAFT: a change ({change.verb}) with no base figure before it"
        index += len(group)
    for figure in figures:
        if id(figure) not in attached and figure.is_change and figure.note is None:
            figure.note = f"DRAFT: a change ({figure.verb}) with no base figure before it"
    return [figure for figure in figures if id(figure) not in attached]


_SEPARATORS = re.compile(r"[\s、,]*")
# Between a change and a second one of the same figure: separators, and a comparison
# naming what the second compares with (增长16.6%、高于全部投资增速15.9个百分点).
_SECOND_GAP = re.compile(
    r"[\s、,]*(?:与[^,。;]{1,10}相比[\s,]*)?(?:增速|增幅)?"
    r"(?:(?:高于|低于|快于|慢于|高出|比|较)[^\s\d,。;:!?、]{0,10})?"
)


def _is_second_change(
    report: Report, previous: Figure | None, group: list[Figure], owners: list[Figure]
) -> bool:
    """Whether a change (or 分别 list of them) right after another, in its sentence,
    is a second change of the same figures: 比2012年增长38.1%,年均增长11.4%."""
    first = group[0]
    if previous is None or not previous.is_change or len(owners) != len(group):
        return False
    if first.verb_start is None or first.verb_start < previous.end:
        return False
    if _SENTENCE_END.search(report.detect, previous.end, first.verb_start):
        return False
    return _SECOND_GAP.fullmatch(report.detect, previous.end, first.verb_start) is not None


def _one_line(text: str) -> str:
    return " ".join(text.split()) if any(c in text for c in "\r\n") else text


def _give(
    report: Report, target: Figure, change: Figure, *, verbatim: bool, lead: Figure | None = None
) -> None:
    """Attach a change figure to its target; a 分别 list's later items get the verb of
    its first (``lead``), as the text writes it (增長, not 增长)."""
    assert change.verb_start is not None and change.value is not None
    text = report.text
    if verbatim or lead is None or lead.verb_start is None:
        wording = text[change.verb_start : change.end]
    else:
        verb = text[lead.verb_start : lead.start].strip()
        wording = (verb if detection_text(verb) == lead.verb else lead.verb) + change.text
    target.change = ChangeFound(change.value, change.unit or "", wording, change.verb_start)


def _prefer_rate(
    report: Report, attached: dict[int, Figure], previous: Figure, change: Figure
) -> bool:
    """``7565家,比上年增加1220家,增长19.2%``: the rate, not the count, is the figure's
    change (a fact holds one); the count goes back to being a figure of its own."""
    target = attached.get(id(previous))
    if target is None or target.change is None or target.change.unit in RATE_UNITS:
        return False
    if change.unit not in RATE_UNITS or change.verb_start is None:
        return False
    if not _ATTACH_GAP.fullmatch(report.detect[previous.end : change.verb_start]):
        return False
    _give(report, target, change, verbatim=True)
    return True


def _can_attach(detect: str, targets: list[Figure], first: Figure) -> bool:
    if not targets or first.verb_start is None:
        return False
    if any(t.kind != "figure" or t.value is None or t.is_change or t.change for t in targets):
        return False
    if _SENTENCE_END.search(detect, targets[0].start, first.start):
        return False
    gap = detect[targets[-1].end : first.verb_start]
    return _ATTACH_GAP.fullmatch(gap) is not None


# A from-to pair: 由2016年的512亿元增长到2021年的1020亿元, 从9.5万公里增加到12.1万公里.
_PAIR_YEAR = r"(?:(?P<year>(?:19|20)\d{2})[ \t]*年(?:底|末)?的?)?"
# 从"十三五"末的103万亿元人民币增长到140万亿元: a period named for the earlier figure,
# a currency after it.
_PAIR_FROM = re.compile(rf"(?:从|由)[ \t]*(?:{_PAIR_YEAR}|[^\d,。;:!?\n从由]{{1,8}}?的)[ \t]*$")
_PAIR_TO = re.compile(rf"[ \t]*[^\d,。;:!?\n]{{0,6}}?(?:到|至)[ \t]*{_PAIR_YEAR}[ \t]*")
_PAIR_LOOK_BACK = 14


def _pair_from_to(report: Report, figures: list[Figure]) -> None:
    """The later figure of each from-to pair gets the earlier as its previous value;
    each gets the year the pair names for it."""
    detect = report.detect
    for earlier, later in pairwise(figures):
        if earlier.kind != "figure" or later.kind != "figure" or earlier.is_change:
            continue
        start = max(clause_start(report, earlier.start), earlier.start - _PAIR_LOOK_BACK)
        opening = _PAIR_FROM.search(detect, start, earlier.start)
        closing = _PAIR_TO.fullmatch(detect, earlier.end, later.start)
        if opening and closing and not later.is_change:
            later.previous = earlier
            earlier.year = int(opening["year"]) if opening["year"] else None
            later.year = int(closing["year"]) if closing["year"] else None


def find_figures(report: Report) -> list[Figure]:
    """The figures of a report, changes attached, in text order (see the module doc)."""
    figures = _raw_figures(report)
    _mark_changes_and_lists(report, figures)
    figures = _attach_changes(report, figures)
    _pair_from_to(report, figures)
    for figure in figures:
        _clause_qualifier(report, figure)
    return figures


def find_documents(report: Report) -> list[Figure]:
    """Every 《…》 title naming a document (a title in Latin letters only, such as
    《Science》, names a journal, not a policy; one holding a control character or
    longer than a fact file's texts names none either)."""
    documents = []
    for start, end in _titles(report.detect):
        if end - start > MAX_NAME_LENGTH or UNSHOWABLE.search(report.text, start, end):
            continue
        if CJK.search(report.detect, start + 1, end - 1):
            title = report.text[start:end]
            documents.append(Figure(start, end, "policy", None, None, None, text=title))
    return documents


def read_figures(value_text: str) -> list[Figure]:
    """The figures written in a fact's ``value_text`` (or a change's text), read alone."""
    return _raw_figures(parse_report(value_text))
