"""Drafting a fact file from a report's text, for a curator to finish.

What counts as a figure (the audit uses the same reading, :func:`find_figures`):

- a number with its unit as written: ``865.1亿元``, ``1.3万台/套``, ``11943家(次)``,
  ``0.48个百分点``, ``3.8倍``, ``60%``, ``18MW``; a qualifier touching it belongs to it
  (``预计750亿元``, ``近1000名``, ``突破1.3万台/套``, ``505万余条``, ``40%以上``), and
  累计/预计 earlier in its clause is its ``qualifier`` without being part of its text;
- a rank, ``第8位``, ``西部第一``, ``排名77位``; a fraction, ``1/4以上``, ``三分之一``
  (no value: a fraction has no unit to hold it); a count in Chinese numerals with a
  measure word, ``三张图``'s ``三张`` (never 一, too often part of a name);
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

Whatever the text, the drafted file validates or :class:`DraftError` says why (no
figure at all; more pillars, sections or facts than a fact file holds): a number of
more than 20 digits is no figure (a code), a 《》 title holding a control character
or over 500 characters no document, and labels and titles are put on one line of at
most 500 characters, a generic one standing for one that shows nothing.

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
from typing import Any

from cqfacts.errors import DraftError, InvalidArgumentError, quoted
from cqfacts.facts.factfile import (
    MAX_FACTS,
    MAX_NAME_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_PILLARS,
    MAX_SECTIONS,
)
from cqfacts.facts.factfile import _is_text as shows_text  # the validator's own test
from cqfacts.facts.normalize import CJK_CLASS
from cqfacts.text.report import (
    OVERVIEW,
    OVERVIEW_TITLE,
    PillarText,
    Report,
    chinese_number,
    detection_text,
    parse_report,
)

# --- What a figure looks like --------------------------------------------------------

# Measure words after a number, longest first so that 个百分点 wins over 个.
_UNITS = sorted(
    (
        "个百分点", "百分点", "%", "‰", "倍", "元", "美元", "欧元",
        "人次", "人年", "人", "名", "位", "户", "家次", "家", "所", "座", "个月", "个",
        "项", "件", "篇", "部", "册", "本", "份", "台套", "套", "台", "条", "类",
        "场次", "场", "次", "批", "支", "只", "头", "株", "种", "款", "颗", "辆", "架", "艘",
        "张", "例", "门", "处", "轮", "期", "方面", "强",
        "吨", "千克", "公斤", "克", "毫克", "微克", "亩", "公顷", "平方公里", "平方米", "立方米",
        "公里", "千米", "米", "厘米", "毫米", "微米", "纳米",
        "千瓦时", "千瓦", "兆瓦", "吉瓦", "瓦", "小时", "分钟", "秒", "天", "周", "岁",
    ),
    key=len,
    reverse=True,
)  # fmt: skip
# Units in Latin letters, taken only when no letter follows (5G is a name, not 5 G).
_ASCII_UNITS = sorted(
    (
        "kWh", "MWh", "GWh", "kW", "KW", "MW", "GW", "TB", "PB", "EB", "GB", "km",
        "Gbps", "EFLOPS", "PFLOPS", "TFLOPS",
    ),
    key=len,
    reverse=True,
)  # fmt: skip
_MULTIPLIERS = "万亿|千亿|百亿|亿|千万|百万|十万|万|千"
# Qualifiers that touch the number and are part of its text.
_PREFIXES = "预计|累计|共计|接近|将近|近|超过|超|逾|突破|约|不足|不到"
_SUFFIXES = "以上|以下|左右|以内"
_ABOUT = "余|多"  # 600余项, 80多个, 505万余条
# Qualifiers found earlier in the clause (累计达到105家).
_CLAUSE_QUALIFIERS = ("累计", "预计")
# Not inside a longer number nor after 第 (an ordinal); after letters is fine
# (人均GDP1.2万美元): a model name's digits (C919, 5G) have no unit anyway.
_NOT_AFTER = r"(?<![0-9.第])"

_FIGURE = re.compile(
    rf"""{_NOT_AFTER}(?P<pre>{_PREFIXES})?
    (?P<num>\d{{1,3}}(?:,\d{{3}})+(?!\d)|\d+)(?P<dec>\.\d+)?
    (?P<mid>{_ABOUT})?(?P<mult>{_MULTIPLIERS})?(?P<mid2>{_ABOUT})?
    (?P<unit>{"|".join(map(re.escape, _UNITS))}|(?:{"|".join(_ASCII_UNITS)})(?![A-Za-z]))?
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
_RANK = re.compile(
    r"第(?P<num>\d+|[一二三四五六七八九十]{1,3})(?:(?P<unit>位|名)|(?=[,、。;!?)\s]|$))"
)
_RANK_WORDS = re.compile(r"(?:排名|排|居|位居|位列|名列)$")
_RANK_WORD_LENGTH = 2  # the longest of them
# A run of numerals is tried from its first one only (the look-behind): tried from
# each, 二…二个 of 100,000 numerals read the run 100,000 times (quadratic).
_FRACTION = re.compile(
    rf"(?<![\d./])(?P<pre>{_PREFIXES})?"
    r"(?:\d+/\d+(?![\d/])|(?<![一二三四五六七八九十百])[一二三四五六七八九十百]+分之[一二三四五六七八九十]+)"
    rf"(?P<post>{_SUFFIXES})?"
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
_SINGLE_CHAR_VERBS = ("增", "降", "减")

# --- Changes --------------------------------------------------------------------------

# What a fact file's texts may not hold (factfile's _CONTROL), lone surrogates (from
# undecodable bytes) and NEL: a drafted text holding one would not validate.
_CONTROLS = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSHOWABLE = re.compile(f"[{_CONTROLS}]")

# What may stand between a figure and its change: 同比, 年均, a comparison (较上年,
# 比2020年, 较“十三五”末) and 分别.
_CHANGE_MODIFIERS = rf"同比|环比|年均|平均|分别|(?:较|比)[^\s{_CONTROLS},。;:、!?较比]{{1,10}}?"
_CHANGE_VERBS = (
    "增长率|增长|增加|增幅|增速|提高|提升|上升|上涨|下降|减少|降低|下滑|回落|扩大|缩小|增|降|减"
)
_CHANGE_BEFORE = re.compile(
    rf"(?P<mods>(?:{_CHANGE_MODIFIERS})*)(?P<verb>{_CHANGE_VERBS})(?:了|达到|达|为)?$"
)
_LIST_START = re.compile(f"分别[{CJK_CLASS}]{{0,4}}$")  # 分别达到, 分别增长
_LOOK_BACK = 16  # characters before a figure searched for its verb
_LIST_SEPARATOR = re.compile(r"[\s]*[、,和及与][\s]*")
_ATTACH_GAP = re.compile(r"[\s、,]*(?:分别)?")
_SENTENCE_END = re.compile(r"[。;!?\n]")
_RATE_UNITS = ("%", "个百分点", "百分点", "倍", "‰")

# --- Labels ---------------------------------------------------------------------------

_LABEL_BREAKS = "、,。;:!?\n\r"
_CLAUSE_BREAKS = ",。;:!?\n\r"
_SENTENCE_BREAKS = "。;!?\n\r"
_CUMULATIVE = "累计"
_LABEL_SIDE = 20  # characters each side of a figure, at most
_SUBJECTS_SIDE = 80  # characters before 分别 its subjects are read from, at most
_LEADING_WORDS = re.compile(r"^(?:其中|同时|此外|另有|并且|并|和|及|与|以及|共)+")
_TRAILING_WORDS = re.compile(
    r"(?:分别|达到|达|为|是|有|共计|合计|总计|共|累计|预计|实现|位居|居|排名|排|位列|名列)+$"
)
_SUBJECT_SPLIT = re.compile(r"、|和|与|及")
_CJK = re.compile(f"[{CJK_CLASS}“]")  # a noun after a figure starts so

# --- The drafted file -----------------------------------------------------------------

#: A year no report has: [meta] year when neither the caller nor the text gives one.
PLACEHOLDER_YEAR = 1
# A year as a title writes it: 2023年, or four digits standing alone (not 2074.68亿元).
_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d{2}(?=年|[\s)）]|$)")
_TITLE_MAX = 40  # a first line longer than this is the overview, not a title
_HEADING_START = re.compile(r"[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)")
_ID_LABEL_LETTERS = 8
_ID_TITLE_LETTERS = 12
_ID_VALUE_LETTERS = 16
_LABEL_EN_MAX = 80
_ID_SYMBOLS = {"%": "pct", ".": "p", "/": "o"}
_KEY_ORDER = (
    "id", "pillar", "section", "kind", "label", "label_en", "value", "unit", "value_text",
    "qualifier", "change", "note", "aliases", "draft", "line", "column",
)  # fmt: skip


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
    note: str | None = None
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
        return None  # a bare number: a heading's, a name's or a code's
    if len(match["num"]) > _MAX_DIGITS or len(match["dec"] or "") > _MAX_DIGITS:
        return None
    if match["unit"] in _AGE_LIMIT and match["post"] in ("以下", "以内", "以上"):
        return None
    unit += match["paren"] or ""
    qualifier = match["pre"] or match["mid"] or match["mid2"] or match["post"]
    value = _number(match["num"] + (match["dec"] or ""))
    kind = "figure"
    # The words just before, not the whole text before (a slice per figure: quadratic).
    before = max(0, match.start() - _RANK_WORD_LENGTH)
    if match["unit"] in ("位", "名") and _RANK_WORDS.search(match.string, before, match.start()):
        kind = "rank"
    start, end = match.span()
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
        if value is not None:
            start, end = match.span()
            found.append(
                Figure(start, end, "figure", value, match["unit"], None, text=text[start:end])
            )
    for match in _FRACTION.finditer(detect):
        start, end = match.span()
        if end - start > _MAX_FIGURE_LENGTH:
            continue
        qualifier = match["pre"] or match["post"]
        found.append(Figure(start, end, "figure", None, None, qualifier, text=text[start:end]))
    found.sort(key=lambda figure: (figure.start, -figure.end))
    names = _merged(_quoted_spans(detect))
    kept: list[Figure] = []
    for figure in found:
        if kept and figure.start < kept[-1].end:
            continue
        if not _inside(names, figure.start):
            kept.append(figure)
    return kept


def _clause_start(report: Report, offset: int, breaks: str = _CLAUSE_BREAKS) -> int:
    return report.last_break(offset, breaks) + 1


def _clause_qualifier(report: Report, figure: Figure) -> None:
    """累计/预计 earlier in the clause qualify a figure that has no qualifier of its own."""
    if figure.qualifier is not None or figure.kind != "figure":
        return
    clause = _clause_start(report, figure.start)
    # 累计 reaches to the end of its sentence (累计为…发放…207.21亿元，引导…141.48亿元):
    # the fact base files every figure of such a sentence as 累计.
    sentence = _clause_start(report, figure.start, _SENTENCE_BREAKS)
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
            single = change["verb"] in _SINGLE_CHAR_VERBS
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
    index = 0
    while index < len(figures):
        first = figures[index]
        if not first.is_change:
            index += 1
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
                _give(report, target, change, verbatim=number == 0)
                attached[id(change)] = target
        elif index and _prefer_rate(report, attached, figures[index - 1], first):
            attached[id(first)] = attached.pop(id(figures[index - 1]))
        for change in group:
            if id(change) not in attached:
                change.note = f"DRAFT: a change ({change.verb}) with no base figure before it"
        index += len(group)
    for figure in figures:
        if id(figure) not in attached and figure.is_change and figure.note is None:
            figure.note = f"DRAFT: a change ({figure.verb}) with no base figure before it"
    return [figure for figure in figures if id(figure) not in attached]


def _give(report: Report, target: Figure, change: Figure, *, verbatim: bool) -> None:
    """Attach a change figure to its target; a 分别 list's later items get their verb."""
    assert change.verb_start is not None and change.value is not None
    text = report.text
    wording = text[change.verb_start : change.end] if verbatim else change.verb + change.text
    target.change = ChangeFound(change.value, change.unit or "", wording, change.verb_start)


def _prefer_rate(
    report: Report, attached: dict[int, Figure], previous: Figure, change: Figure
) -> bool:
    """``7565家,比上年增加1220家,增长19.2%``: the rate, not the count, is the figure's
    change (a fact holds one); the count goes back to being a figure of its own."""
    target = attached.get(id(previous))
    if target is None or target.change is None or target.change.unit in _RATE_UNITS:
        return False
    if change.unit not in _RATE_UNITS or change.verb_start is None:
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


def find_figures(report: Report) -> list[Figure]:
    """The figures of a report, changes attached, in text order (see the module doc)."""
    figures = _raw_figures(report)
    _mark_changes_and_lists(report, figures)
    figures = _attach_changes(report, figures)
    for figure in figures:
        _clause_qualifier(report, figure)
    return figures


def find_documents(report: Report) -> list[Figure]:
    """Every 《…》 title naming a document (a title in Latin letters only, such as
    《Science》, names a journal, not a policy; one holding a control character or
    longer than a fact file's texts names none either)."""
    documents = []
    for start, end in _titles(report.detect):
        if end - start > MAX_NAME_LENGTH or _UNSHOWABLE.search(report.text, start, end):
            continue
        if _CJK.search(report.detect, start + 1, end - 1):
            title = report.text[start:end]
            documents.append(Figure(start, end, "policy", None, None, None, text=title))
    return documents


def first_year(text: str) -> int | None:
    """The first year a text writes as a title does (2023年, or 2023 standing alone),
    in its detection form: the year a report gives itself."""
    found = _YEAR.search(detection_text(text))
    return int(found[0]) if found else None


def read_figures(value_text: str) -> list[Figure]:
    """The figures written in a fact's ``value_text`` (or a change's text), read alone."""
    return _raw_figures(parse_report(value_text))


# --- Labels and ids -------------------------------------------------------------------


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
    start = max(_clause_start(report, figure.start, _LABEL_BREAKS), previous_end)
    start = max(start, figure.start - _LABEL_SIDE)
    start, before_end = _strip_words(detect, start, figure.verb_start or figure.start)
    before = text[start:before_end]
    if figure.is_change:
        before = text[start : figure.start]
    after = ""
    if figure.end < len(detect) and _CJK.match(detect, figure.end):
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
    start = max(_clause_start(report, at), at - _SUBJECTS_SIDE)
    start, end = _strip_words(detect, start, at)
    # Comparisons (较去年) end the subject list; they are not a subject's words.
    modifier = re.search(rf"(?:{_CHANGE_MODIFIERS})+$", detect[start:end])
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


def _spell(texts: list[str]) -> list[list[str]]:
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


def _words(text: str, spelled: list[str]) -> str:
    """Toneless pinyin, Latin letters and digits kept: 技术合同 -> ji shu he tong."""
    pieces = [
        f" {piece} " if piece != char and piece.isascii() else char
        for char, piece in zip(text, spelled, strict=True)
    ]
    words = re.sub(r"[^A-Za-z0-9%.+/ ]", " ", "".join(pieces))
    return " ".join(words.split())[:_LABEL_EN_MAX]


def _fact_id(figure: Figure, section: str, label: list[str], written: list[str]) -> str:
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


def _unique(ids: list[str]) -> list[str]:
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


# --- The draft ------------------------------------------------------------------------


@dataclass
class Drafted:
    """A drafted fact file: [meta], the report's pillars and the drafted facts, each a
    fact object (the documented keys, ``topic`` and ``topic_en`` included) with
    ``draft``, ``line`` and ``column`` added."""

    meta: dict[str, Any]
    pillars: dict[int, PillarText]
    facts: list[dict[str, Any]]

    def to_toml(self) -> str:
        """The fact file; :class:`DraftError` where a fact file could not hold the
        draft: no fact (it holds at least one topic), or more pillars, sections or
        facts than it holds."""
        if not self.facts:
            raise DraftError(
                "nothing to draft: the text holds no figure with a unit, rank, fraction "
                "or 《》 document"
            )
        fault = _too_large(self)
        if fault:
            raise DraftError(fault)
        return _to_toml(self)


def _shown(text: str, fallback: str, limit: int = MAX_NAME_LENGTH) -> str:
    """A text as a fact file takes it: control characters and line breaks as spaces,
    on one line, trimmed and cut to ``limit``; ``fallback`` where nothing is left that
    shows (a heading of a zero-width space, a label of punctuation only)."""
    cleaned = " ".join(_UNSHOWABLE.sub(" ", text).split())[:limit].strip()
    return cleaned if shows_text(cleaned) else fallback


def _given(what: str, text: str | None, limit: int = MAX_NAME_LENGTH) -> str | None:
    """A text the caller gave for [meta], as it is, or :class:`InvalidArgumentError`
    saying why a fact file would refuse it (it is not changed behind the caller)."""
    if text is None:
        return None
    control = _UNSHOWABLE.search(text)
    if control:
        fault = f"holds a control character ({control[0]!r})"
    elif not shows_text(text):
        fault = "shows nothing"
    elif len(text) > limit:
        fault = f"is {len(text):,} characters long (at most {limit:,})"
    else:
        return text
    raise InvalidArgumentError(f"the {what} {quoted(text)} {fault}: a fact file would refuse it")


def _too_large(drafted: Drafted) -> str | None:
    """Why a draft is more than a fact file holds, if it is."""
    pillars = drafted.pillars
    sections = sum(len(pillar.sections) for pillar in pillars.values())
    if len(pillars) > MAX_PILLARS:
        return (
            f"the text has {len(pillars) - 1:,} pillar headings (一、…): "
            f"a fact file holds at most {MAX_PILLARS - 1} besides the overview"
        )
    if sections > MAX_SECTIONS:
        return f"the text has {sections:,} sections: a fact file holds at most {MAX_SECTIONS:,}"
    if len(drafted.facts) > MAX_FACTS:
        return (
            f"the text has {len(drafted.facts):,} figures: a fact file holds at most {MAX_FACTS:,}"
        )
    return None


def _suffixed(text: str, suffix: str) -> str:
    """``text`` and ``suffix``, the text cut so that both fit in a fact file's name."""
    return text[: MAX_NAME_LENGTH - len(suffix)] + suffix


def _shown_pillars(pillars: dict[int, PillarText]) -> dict[int, PillarText]:
    """The report's pillar and section titles as a fact file takes them (see _shown)."""
    shown = {}
    for number, pillar in pillars.items():
        title = _shown(pillar.title, f"第{number}部分")
        titles = {
            key: _shown(text, title if key.endswith(".0") else _suffixed(title, f"（{key}）"))
            for key, text in pillar.sections.items()
        }
        shown[number] = PillarText(number, title, titles)
    return shown


def _topic_names(pillars: dict[int, PillarText]) -> dict[str, tuple[str, str]]:
    """Section -> (topic name, English name): one topic per section, named after it."""
    names: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for pillar in pillars.values():
        for section, title in pillar.sections.items():
            name, count = title, 1
            while name in used:  # the section's key makes it unique; a count, if not
                suffix = f" ({section})" if count == 1 else f" ({section}-{count})"
                name, count = _suffixed(title, suffix), count + 1
            used.add(name)
            names[section] = (name, _section_en(section))
    return names


def _section_en(section: str) -> str:
    if section == "0.0":
        return "Overview"
    pillar, _, item = section.partition(".")
    return f"Draft: part {pillar}" + (f" ({item})" if item != "0" else "")


def _guess_meta(
    report: Report, year: int | None, title: str | None, source: str | None
) -> dict[str, Any]:
    first = report.first_line
    # A short first line that is no heading and no sentence is the report's title.
    is_title = (
        len(first) <= _TITLE_MAX and "。" not in first and report.place_of(0) == (OVERVIEW, "0.0")
    )
    title_line = first if is_title and not _HEADING_START.match(detection_text(first)) else ""
    title_line = _shown(title_line, "")  # 「 or a zero-width space alone is no title
    if year is None:
        found = _YEAR.search(title or "") or _YEAR.search(first)
        year = int(found[0]) if found else PLACEHOLDER_YEAR
    if title is None:
        title = title_line or (
            f"{year}年报告（草稿）" if year != PLACEHOLDER_YEAR else "未命名报告（草稿）"
        )
    year_en = str(year) if year != PLACEHOLDER_YEAR else "of unknown year"
    return {
        "title": title,
        "title_en": f"DRAFT: report {year_en} (translate the title)",
        "year": year,
        "region": "重庆市" if "重庆" in report.detect else "DRAFT: region",
        "source": source or "DRAFT: say where this text was published",
    }


def _fact(
    report: Report,
    figure: Figure,
    label: str,
    topics: dict[str, tuple[str, str]],
    label_en: str,
) -> dict[str, Any]:
    """A drafted fact object; its id is set once every fact's is known."""
    pillar, section = report.place_of(figure.start)
    line, column = report.line_col(figure.start)
    change = figure.change
    return {
        "id": "",
        "topic": topics[section][0],
        "topic_en": topics[section][1],
        "pillar": pillar,
        "section": section,
        "kind": figure.kind,
        "label": label,
        "label_en": f"DRAFT: {label_en or figure.kind}",
        "value": figure.value,
        "unit": figure.unit,
        "value_text": figure.text,
        "qualifier": figure.qualifier,
        "change": {"value": change.value, "unit": change.unit, "text": change.text}
        if change
        else None,
        "note": figure.note,
        "aliases": [],
        "draft": True,
        "line": line,
        "column": column,
    }


def _labels(report: Report, figures: list[Figure]) -> list[str]:
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


def draft_report(
    text: str, *, year: int | None = None, title: str | None = None, source: str | None = None
) -> Drafted:
    """Draft a fact file from a report's text: every figure, rank, fraction and 《》
    document, placed in its pillar and section (see the module docstring)."""
    title, source = _given("title", title), _given("source", source, MAX_NOTE_LENGTH)
    report = parse_report(text)
    pillars = _shown_pillars(report.pillars)
    figures = sorted(find_figures(report) + find_documents(report), key=lambda f: f.start)
    topics = _topic_names(pillars)
    labels = [
        # Every label shows something: else its section's title stands for it.
        _shown(label, pillars[place[0]].sections[place[1]])
        for label, place in zip(
            _labels(report, figures), [report.place_of(f.start) for f in figures], strict=True
        )
    ]
    detected = [detection_text(label) for label in labels]
    written = [report.detect[figure.start : figure.end] for figure in figures]
    spelled = _spell(detected + written)
    label_spelling, written_spelling = spelled[: len(labels)], spelled[len(labels) :]
    facts, ids = [], []
    for number, (figure, label) in enumerate(zip(figures, labels, strict=True)):
        label_en = _words(detected[number], label_spelling[number])
        fact = _fact(report, figure, label, topics, label_en)
        facts.append(fact)
        ids.append(
            _fact_id(figure, fact["section"], label_spelling[number], written_spelling[number])
        )
    for fact, fact_id in zip(facts, _unique(ids), strict=True):
        fact["id"] = fact_id
    return Drafted(_guess_meta(report, year, title, source), pillars, facts)


# --- TOML -----------------------------------------------------------------------------


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, bar DEL, which TOML refuses raw.
    json's string encoder itself (what json.dumps calls, less a call's set-up, which
    was a third of writing a long draft)."""
    from json.encoder import encode_basestring

    return str(encode_basestring(text)).replace("\x7f", "\\u007f")


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = ", ".join(f"{_toml_key(key)} = {_toml_value(item)}" for key, item in value.items())
        return "{ " + pairs + " }"
    raise TypeError(f"no TOML form for {value!r}")


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_string(key)


_RULE = "# " + "-" * 75


def _banner(title: str) -> list[str]:
    """A comment heading a part of the file, as the shipped facts.toml has them."""
    return ["", _RULE, f"# {title}", _RULE]


def _pillar_lines(number: int, pillar: PillarText) -> list[str]:
    sections_en = {key: _section_en(key) for key in pillar.sections}
    title_en = "Overview" if number == OVERVIEW else f"DRAFT: part {number}"
    title = pillar.title if number != OVERVIEW else OVERVIEW_TITLE
    return [
        "",
        f"[pillars.{number}]",
        f"title = {_toml_string(title)}",
        f"title_en = {_toml_string(title_en)}",
        f"sections = {_toml_value(pillar.sections)}",
        f"sections_en = {_toml_value(sections_en)}",
    ]


def _topic_lines(topic: str, facts: list[dict[str, Any]]) -> list[str]:
    header = f"topics.{_toml_string(topic)}"
    lines = ["", f"[{header}]", f"en = {_toml_string(facts[0]['topic_en'])}", "aliases = []"]
    for fact in facts:
        lines += ["", f"[[{header}.facts]]"]
        # Absent values are left out: TOML has no null.
        lines += [
            f"{key} = {_toml_value(fact[key])}" for key in _KEY_ORDER if fact.get(key) is not None
        ]
    return lines


def _to_toml(drafted: Drafted) -> str:
    lines = ["# Drafted by cqfacts: every fact has draft = true until a curator checks it.", ""]
    lines += ["[meta]"] + [f"{key} = {_toml_value(value)}" for key, value in drafted.meta.items()]
    lines += _banner("Pillars and sections")
    for number, pillar in drafted.pillars.items():
        lines += _pillar_lines(number, pillar)
    by_topic: dict[str, list[dict[str, Any]]] = {}
    for fact in drafted.facts:
        by_topic.setdefault(fact["topic"], []).append(fact)
    pillar_shown = None
    for topic, facts in by_topic.items():
        if facts[0]["pillar"] != pillar_shown:
            pillar_shown = facts[0]["pillar"]
            lines += _banner(f"Pillar {pillar_shown} - {drafted.pillars[pillar_shown].title}")
        lines += _topic_lines(topic, facts)
    return "\n".join(lines) + "\n"
