"""A drafted fact's label: the subject its figure measures, as the report words it
(the noun phrase before it, connectives, times and verbs trimmed; the noun after it;
a 分别 list's subjects; a from-to pair's subject), and where it was read."""

from __future__ import annotations

import re
from typing import NamedTuple

from cqfacts.text.figures import CHANGE_MODIFIERS, CJK, Figure, clause_start
from cqfacts.text.report import Report, detection_text

_SENTENCE_END = re.compile(r"[。;!?]")

_LABEL_BREAKS = "、,。;:!?\n\r"
_LABEL_SIDE = 20  # characters each side of a figure, at most
_SUBJECTS_SIDE = 80  # characters before 分别 its subjects are read from, at most
_YEAR = r"(?:19|20)\d{2}[ \t]*年(?:底|末|全年|度)?"
_LEADING_WORDS = re.compile(
    rf"(?:其中|同时|此外|另外|另有|并且|并|和|及|与|以及|共|全年|当年|去年|今年|上年|"
    rf"年末|年底|截至|截止|到|{_YEAR}|[ \t])+"
)
_TRAILING_WORDS = re.compile(
    r"(?:分别|达到|达|为|是|有|则|共计|合计|总计|共|累计|预计|实现|位居|居|排名|排|位列|名列|"
    r"从|由|(?:增长|增加|提高|提升|上升|下降|减少|降低|回落|扩大|缩小)?(?:到|至)|升至|增至|"
    rf"降至|约|{_YEAR}|的|[ \t])+$"
)
# Words that name no subject alone (what a label was before it read the subject).
_CONNECTOR = re.compile(
    r"(?:和|与|及|或|以及|其中|分别|同比|同时|并|比上年|较上年|年均|增长|增加|提高|"
    r"提升|上升|下降|减少|降低|达到|达|为|到|至)+"
)
_VERB_AFTER = re.compile(
    r"(?:增长|增加|提高|提升|上升|下降|减少|降低|回落|扩大|缩小|到|至|达|为|是|以上|以下|左右|"
    r"分别|同比|环比|比|较|占|居|位居|排|和|与|及|的)"
)
# Verbs that end the noun after a figure (18项科研成果|用于临床).
_VERB_INSIDE = re.compile(
    r"用于|活跃|开展|参与|参加|出席|解决|实现|获得|达到|完成|带动|引导|形成|覆盖|服务|落地|"
    r"成为|发放|入选|获批|通过|承担|支持|推动|提供|靶向|分别|同比|比上年|较上年"
)
_CHANGE_WORDS = re.compile(r"增长|增加|提高|提升|上升|下降|减少|降低|增|降|减|比|较")
# Words that measure the subject named before them: a share of it, its total.
_OF_THE_SUBJECT = re.compile(
    r"(?:占|总数|总量|总计|合计|共计|总额|累计|增速|增幅|增长率)[^\W\d_]{0,12}$"
)
_SUBJECT_MIN = 2  # characters: 中, 占 alone name nothing
_SUBJECT_SPLIT = re.compile(r"、|和|与|及")


def _strip_words(detect: str, start: int, end: int) -> tuple[int, int]:
    """Connectives, times and verbs trimmed off a label's ends (offsets into ``detect``)."""
    while start < end:
        lead = _LEADING_WORDS.match(detect, start, end)
        if not lead or lead.end() == start:
            break
        start = lead.end()
    trail = _TRAILING_WORDS.search(detect, start, end)
    if trail:
        end = trail.start()
    return start, end


def _weak(label: str) -> bool:
    """A label that names no subject: nothing, one character, or a connector alone."""
    bare = label.strip(" \t“”\"'()")
    return len(bare) < _SUBJECT_MIN or _CONNECTOR.fullmatch(bare) is not None


def _after(report: Report, figure: Figure, next_start: int) -> str:
    """The noun right after a figure (5个|重大专项), to the next break or figure."""
    detect = report.detect
    if figure.end >= len(detect) or not CJK.match(detect, figure.end):
        return ""
    stop = min(figure.end + _LABEL_SIDE, next_start)
    breaks = [detect.find(char, figure.end, stop) for char in _LABEL_BREAKS]
    stop = min([found for found in breaks if found >= 0] + [stop])
    verb = _VERB_INSIDE.search(detect, figure.end + _SUBJECT_MIN, stop)
    stop = verb.start() if verb else stop  # 科技特派员|活跃在一线
    after = report.text[figure.end : stop].strip()
    # A verb after the figure starts the next clause's words, not its noun (提高到…).
    return "" if _VERB_AFTER.match(detection_text(after)) else after


def _uncut(label: str) -> str:
    """Cut where a quote closes that opened before the label began (…“十三五”时期 -> 时期)."""
    closing = label.find("”")
    if closing >= 0 and "“" not in label[:closing]:
        label = label[closing + 1 :]
    return label.strip()


def _label(
    report: Report, figure: Figure, previous: Figure | None, next_start: int, inherited: str
) -> tuple[str, str]:
    """The subject a figure measures, and where it was read: the words before it back
    to a punctuation mark or the previous figure, connectives, times and verbs trimmed
    (研发经费由2016年的 -> 研发经费), and the noun right after it (5个|重大专项); where
    those name nothing (和, 提高到), the clause before the previous figure."""
    detect, text = report.detect, report.text
    clause = clause_start(report, figure.start, _LABEL_BREAKS)
    start = max(clause, previous.end if previous else 0, figure.start - _LABEL_SIDE)
    cut = figure.start if figure.is_change else (figure.verb_start or figure.start)
    start, before_end = _strip_words(detect, start, cut)
    before = _uncut(text[start:before_end])
    after = _after(report, figure, next_start)
    same_sentence = previous is not None and not _SENTENCE_END.search(
        detect, previous.end, figure.start
    )
    if inherited and same_sentence and _OF_THE_SUBJECT.match(detection_text(before)):
        # …经费支出760亿元,占地区生产总值的比重为2.52%; …工作站12个,总数达到215个.
        return inherited + before, "the subject of the figure before it, and the words before it"
    if not _weak(before):
        return (before + after).strip(), "the words before it"
    if not _weak(after):
        return after, "the words after it"
    if inherited and same_sentence:
        # 企业7565家,比上年增加1220家: the sentence's subject, with the change's words.
        verb = before if _CHANGE_WORDS.search(detection_text(before)) else ""
        return inherited + verb, "the subject of the figure before it in its sentence"
    # A second figure with no words of its own (…512亿元, 和9%): the clause's words
    # before the earlier figure, that figure's text left out.
    wide = max(clause, figure.start - 2 * _LABEL_SIDE)
    if previous is not None and previous.start >= wide:
        head_start, head_end = _strip_words(detect, wide, previous.verb_start or previous.start)
        head = _uncut(text[head_start:head_end])
        if not _weak(head):
            return head, "the words before the figure ahead of it"
    subject = _clause_before(report, clause, previous)
    if subject:
        return subject, "the clause before it (its own is a verb alone)"
    return before + after, "the words around it (no subject named)"


# A clause naming its subject and how it went (注册商标数快速增长), before one that
# gives the figure (,达到4064.2万件): the subject without the change's words.
_HOW_IT_WENT = re.compile(
    r"(?:快速|较快|稳步|持续|大幅|显著|明显|不断|进一步)?"
    r"(?:增长|增加|提高|提升|上升|下降|减少|降低|扩大)$"
)


def _clause_before(report: Report, clause: int, previous: Figure | None) -> str:
    """The subject of the clause before a figure's, where a comma ends it and it holds
    no figure: 有效注册商标数快速增长,达到4064.2万件."""
    detect = report.detect
    if clause < 2 or detect[clause - 1] != ",":
        return ""
    start = clause_start(report, clause - 1, _LABEL_BREAKS)
    if (previous is not None and previous.end > start) or clause - 1 - start > _SUBJECTS_SIDE:
        return ""
    start, end = _strip_words(detect, start, clause - 1)
    went = _HOW_IT_WENT.search(detect, start, end)
    subject = _uncut(report.text[start : went.start() if went else end])
    return "" if _weak(subject) else subject


def _run_labels(report: Report, members: list[Figure]) -> list[str] | None:
    """Labels for figures standing in a row after their subjects, with no 分别
    (高新技术企业、科技型中小企业达6588家、6403家): None unless they pair up."""
    detect, text = report.detect, report.text
    first = members[0]
    start = max(clause_start(report, first.start, ",。;:!?\n\r"), first.start - _SUBJECTS_SIDE)
    start, end = _strip_words(detect, start, first.start)
    pieces = [text[start:end].strip()]
    position = start
    pieces = []
    for separator in re.finditer("、", detect[start:end]):
        pieces.append(text[position : start + separator.start()].strip())
        position = start + separator.end()
    pieces.append(text[position:end].strip())
    if len(pieces) != len(members) or any(_weak(piece) for piece in pieces):
        return None
    return pieces


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
    # A tail the last subject shares with the others: A和B对工业增长贡献率 (对…, 的…).
    tail = re.search(r"[对的][^对的]+$", pieces[-1])
    if tail and len(pieces[-1]) - len(tail[0]) >= _SUBJECT_MIN:
        pieces = [piece + tail[0] if tail[0] not in piece else piece for piece in pieces]
    verb = first.verb if first.is_change else ""
    return [piece + verb for piece in pieces]


_RUN_GAP = re.compile(r"[ \t\n\r]*、[ \t\n\r]*")


def _runs(report: Report, figures: list[Figure]) -> list[list[Figure]]:
    """Figures in a row with nothing but 、 between them (6588家、6403家), in no 分别
    list and no change: each run of two or more."""
    runs: list[list[Figure]] = []
    run: list[Figure] = []
    for figure in figures:
        alone = figure.list_id is None and not figure.is_change and figure.kind == "figure"
        if alone and run and _RUN_GAP.fullmatch(report.detect, run[-1].end, figure.start):
            run.append(figure)
            continue
        if len(run) > 1:
            runs.append(run)
        run = [figure] if alone else []
    if len(run) > 1:
        runs.append(run)
    return runs


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


class Label(NamedTuple):
    """A drafted figure's label and where it was read (for the fact's note)."""

    text: str
    why: str


def labels(report: Report, figures: list[Figure]) -> list[Label]:
    """Each figure's label, the subject it measures as the text words it (a document's:
    its title), and where it was read, in order."""
    found: list[Label] = []
    numeric = [figure for figure in figures if figure.kind != "policy"]
    before = {id(figure): (numeric[i - 1] if i else None) for i, figure in enumerate(numeric)}
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
        for member, text in zip(members, _list_labels(report, members) or [], strict=False):
            from_lists[id(member)] = text
    for members in _runs(report, numeric):
        for member, text in zip(members, _run_labels(report, members) or [], strict=False):
            from_lists[id(member)] = text
    made: dict[int, Label] = {}
    for figure in figures:
        label: Label
        if figure.kind == "policy":
            label = Label(figure.text.strip("《》"), "its title")
        elif id(figure) in from_lists:
            label = Label(from_lists[id(figure)], "the subjects before 分别, in order")
        elif figure.previous is not None and id(figure.previous) in made:
            earlier = made[id(figure.previous)]
            label = Label(earlier.text, "the subject of its from-to pair")
        else:
            previous = before[id(figure)]
            inherited = made[id(previous)].text if previous and id(previous) in made else ""
            label = Label(*_label(report, figure, previous, starts[id(figure)], inherited))
        made[id(figure)] = label
        found.append(label)
    return found
