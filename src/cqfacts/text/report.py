"""The structure of a report's text: its overview, pillars and sections, and where an
offset of the text falls in them.

A report in the style of the shipped one opens with an overview, then numbers its
pillars ``一、…`` and their sections ``（一）…`` or ``(一)…`` at the start of a line. A
text without such headings (a news story, a press release) is all overview.

Headings, and everything the draft and the audit look for, are found in a
*detection copy* of the text (:func:`detection_text`): traditional characters folded
to simplified ones and full-width forms to ASCII, one character for each character
of the original. Every offset therefore names the same place in both, and what is
quoted back to a reader (titles, ``value_text``) is sliced from the original.

CRLF, CR and LF each end a line, for headings and for line numbers alike.

The year a text is of (:func:`report_year`) is read here too: its title's, or a year
opening a paragraph (2023年,全市…), never a plan's or a span's.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache

from cqfacts.errors import FactFileError, InvalidArgumentError, Problem
from cqfacts.facts.model import OVERVIEW_LABEL
from cqfacts.facts.normalize import simplified_converter
from cqfacts.facts.numerals import SMALL_NUMERAL_CLASS, small_numeral_value
from cqfacts.facts.values import FIRST_YEAR, LAST_YEAR, MAX_NAME_LENGTH

OVERVIEW = 0
OVERVIEW_SECTION = "0.0"
#: What a drafted overview is called (the fact base's default name for one).
OVERVIEW_TITLE = OVERVIEW_LABEL
#: A heading's or a rank's number (二十三 -> 23), by the name text.figures imports.
chinese_number = small_numeral_value

# Full-width ASCII forms (！ to ～) sit at a fixed distance from their ASCII twins.
_FULL_WIDTH_OFFSET = 0xFEE0
_WIDTH_TABLE = {code: code - _FULL_WIDTH_OFFSET for code in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = ord(" ")  # the ideographic space
# A lone CR ends a line as LF does (old Mac text): read as LF, headings start after
# it; CRLF reads as two line ends, an empty line that changes nothing.
_WIDTH_TABLE[ord("\r")] = ord("\n")
#: What ends a line in a source text, for line numbers and the first line.
LINE_END = re.compile(r"\r\n?|\n")

# Headings are read on the detection copy, where （ is already (.
_LEADING = r"^[ \t\ufeff]*"
_NUMERAL = rf"([{SMALL_NUMERAL_CLASS}]{{1,3}})"
_PILLAR_HEADING = re.compile(rf"{_LEADING}{_NUMERAL}、[ \t]*(?=\S)", re.MULTILINE)
_SECTION_HEADING = re.compile(rf"{_LEADING}\({_NUMERAL}\)[ \t]*(?=\S)", re.MULTILINE)
# A heading's title runs to the end of its first sentence or of its line.
_TITLE_END = re.compile(r"[。;!?\n\r]|:(?!\d)")
_TITLE_STRIP = " \t\u3000。.:：;；,，"


#: A source text larger than this is no report (the shipped one is 10 KB); past it,
#: reading on would only fill the memory (a fact file's limit, likewise).
MAX_SOURCE_BYTES = 256 * 1024 * 1024


def read_source(path: str) -> str:
    """A report's text, for draft and audit: a UTF-8 file (a byte-order mark is
    dropped), a pipe, or stdin for "-". Every failure is a :class:`FactFileError`
    saying "cannot read the source text" (an empty path, a directory, a device, a
    closed stdin …), never the fact file's message."""
    if not path:
        raise InvalidArgumentError("cannot read the source text: the path is empty")
    try:
        if path == "-":
            if sys.stdin is None:  # the process started without one (<&-)
                raise OSError("standard input is closed")
            data = sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
        else:
            with open(path, "rb") as stream:
                mode = os.fstat(stream.fileno()).st_mode
                if stat.S_ISDIR(mode):  # open() lets a directory through on some systems
                    raise IsADirectoryError(0, "Is a directory")
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                    raise OSError("a device, not a file")
                data = stream.read(MAX_SOURCE_BYTES + 1)
    except (OSError, ValueError) as error:  # ValueError: a stdin closed under Python
        reason = getattr(error, "strerror", None) or str(error)
        raise FactFileError([Problem(path, f"cannot read the source text: {reason}")]) from None
    if len(data) > MAX_SOURCE_BYTES:
        reason = f"larger than {MAX_SOURCE_BYTES // 2**20} MiB"
        raise FactFileError([Problem(path, f"cannot read the source text: {reason}")])
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        problem = Problem(path, f"cannot read the source text: not UTF-8 (byte {error.start})")
        raise FactFileError([problem]) from None


def _simplified(text: str) -> str:
    """Traditional characters folded to simplified ones, keeping every offset: a
    conversion that changes the length (a phrase mapped to a shorter one) is redone
    line by line, and on such a line character by character."""
    converter = simplified_converter()
    whole = converter.convert(text)
    if len(whole) == len(text):
        return whole
    lines = []
    for line in text.splitlines(keepends=True):
        converted = converter.convert(line)
        if len(converted) != len(line):
            converted = "".join(
                folded if len(folded := converter.convert(char)) == 1 else char for char in line
            )
        lines.append(converted)
    return "".join(lines)


def detection_text(text: str) -> str:
    """The text as detection reads it: simplified characters, ASCII digits, letters and
    punctuation (１２．５％ is 12.5%, （一） is (一)); exactly as long as ``text``."""
    return _simplified(text).translate(_WIDTH_TABLE)


@cache
def _character_class(characters: str) -> str:
    return "[" + re.escape(characters) + "]"


@dataclass(frozen=True)
class PillarText:
    """One pillar as the report titles it: ``sections`` maps "N.K" to a title."""

    number: int
    title: str
    sections: dict[str, str]


@dataclass(frozen=True)
class _Heading:
    start: int  # where the heading's line starts
    number: int
    title: str
    body: int  # where the text after the title begins


@dataclass
class Report:
    """A report's text read for its structure; offsets index ``text``."""

    text: str
    detect: str
    pillars: dict[int, PillarText]
    # Region starts in text order, each with the (pillar, section) it opens.
    _starts: list[int] = field(repr=False)
    _places: list[tuple[int, str]] = field(repr=False)
    #: Where each line after the first starts in the source (CRLF, CR and LF each end
    #: one), which ``text`` is with its wrapping line breaks taken out.
    _line_starts: list[int] = field(repr=False)
    #: Where a wrapping break was taken out of ``text``, and how many characters had
    #: been taken out up to there: an offset of ``text`` is the source's plus those.
    _cuts: list[int] = field(default_factory=list, repr=False)
    _taken: list[int] = field(default_factory=list, repr=False)
    # Each pattern's matches in the detection copy, ends and starts (:meth:`last_before`).
    _matches: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict, repr=False)

    def place_of(self, offset: int) -> tuple[int, str]:
        """The pillar and section an offset of the text falls in."""
        index = bisect_right(self._starts, offset) - 1
        return self._places[max(index, 0)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column (in characters) of an offset of the text, in
        the source as given (its wrapped lines too)."""
        index = bisect_right(self._cuts, offset)
        offset += self._taken[index - 1] if index else 0
        line = bisect_right(self._line_starts, offset)
        line_start = self._line_starts[line - 1] if line else 0
        return line + 1, offset - line_start + 1

    def last_before(self, pattern: str, offset: int) -> int:
        """Where the last match of ``pattern`` (a regular expression) that ends by
        ``offset`` starts in the detection copy, -1 if none; as ``rfind`` answers, but
        by bisection in matches found once: an ``rfind`` (or a slice) back from each
        figure would scan a long line again for every figure on it."""
        found = self._matches.get(pattern)
        if found is None:
            hits = list(re.finditer(pattern, self.detect))
            found = self._matches[pattern] = ([h.end() for h in hits], [h.start() for h in hits])
        ends, starts = found
        index = bisect_right(ends, offset)
        return starts[index - 1] if index else -1

    def last_break(self, offset: int, breaks: str) -> int:
        """The offset of the last of ``breaks`` (characters) before ``offset`` in the
        detection copy, -1 if none."""
        return self.last_before(_character_class(breaks), offset)

    def section_title(self, pillar: int, section: str) -> str:
        return self.pillars[pillar].sections[section]

    @property
    def first_line(self) -> str:
        """The first line with something on it, stripped (a title, or the overview)."""
        for line in LINE_END.split(self.text):
            if line.strip():
                return line.strip()
        return ""


def _title(text: str, detect: str, start: int) -> tuple[str, int]:
    """A heading's title from ``start``, and where the text after it begins."""
    end_match = _TITLE_END.search(detect, start)
    end = end_match.start() if end_match else len(detect)
    return text[start:end].strip(_TITLE_STRIP), end


def _headings(pattern: re.Pattern[str], text: str, detect: str) -> list[_Heading]:
    """Headings of one level, numbered by their numerals; a numeral out of order
    (a repeated 二、, a list restarting) takes the next free number instead."""
    found: list[_Heading] = []
    for match in pattern.finditer(detect):
        title, body = _title(text, detect, match.end())
        number = small_numeral_value(match[1])
        if number is None or not title:
            continue
        found.append(_Heading(match.start(), number, title, body))
    return found


def _renumbered(headings: list[_Heading], previous: int) -> list[_Heading]:
    numbered = []
    for heading in headings:
        number = heading.number if heading.number > previous else previous + 1
        numbered.append(
            _Heading(heading.start, number, heading.title, heading.body)
            if number != heading.number
            else heading
        )
        previous = number
    return numbered


def _has_content(detect: str, start: int, end: int) -> bool:
    """Whether a stretch holds more than whitespace and punctuation."""
    return any(char.isalnum() for char in detect[start:end])


# A line that ends with one of these ends its sentence; one that ends otherwise, at
# least this long, was wrapped (a PDF's copy breaks lines where the page ends), and
# so was one ending inside a figure's or a list's words.
_SENTENCE_ENDS = '。;!?:”’"》)]'
_WRAPPED_LENGTH = 20
_WRAPPED_ENDS = ",、(“0123456789.+/"
# A line ending in a verb or a connective is unfinished; one starting with a figure
# or a comma continues the line before (but 2023年,… opens a paragraph).
_UNFINISHED = re.compile(
    r"(?:达到|达|为|是|增长|增加|提高|提升|下降|减少|超过|突破|和|与|及|的|共|约|近)$"
)
_CONTINUED = re.compile(r"[ \t]*[\d.,、%]")
_OPENING = re.compile(r"[ \t]*(?:19|20)\d{2}[ \t]*年")
_INDENT = re.compile(r"[ \t]*")


def _wraps(text: str, detect: str, headings: set[int]) -> list[tuple[int, int, str]]:
    """The line breaks that only wrap a line, as (start, end, what stands for them):
    a PDF's copy breaks lines mid-sentence (``技术合同成交额\n512.3亿元``), and its
    figures, words and lists must read across the break. A break after a sentence's
    end, after a heading, before a heading or a blank line, or after a short line (a
    title) stays; spaces around a break go with it, and one space stays between
    Latin letters or digits on both sides."""
    wraps: list[tuple[int, int, str]] = []
    line_start = 0
    for found in LINE_END.finditer(text):
        start, end = found.span()
        this_line, line_start = line_start, end
        line = detect[this_line:start].rstrip(" \t")
        next_start = _INDENT.match(detect, end).end()  # type: ignore[union-attr]
        following = detect[next_start : next_start + 1]
        if not line or not following.strip() or end in headings:
            continue
        if this_line in headings and not _TITLE_END.search(line):
            continue  # a heading's title would run on into the next line
        last = line[-1]
        # 2023年,… opens a paragraph, unless the line before is plainly unfinished
        # (与\n2015年相比: a comma, a list's mark or a connective ends it).
        unfinished = last in ",、(“" or _UNFINISHED.search(line)
        if last in _SENTENCE_ENDS or (_OPENING.match(detect, end) and not unfinished):
            continue
        if (
            len(line.strip()) >= _WRAPPED_LENGTH
            or last in _WRAPPED_ENDS
            or unfinished
            or _CONTINUED.match(detect, end)
        ):
            cut_start, cut_end = this_line + len(line), next_start
            after = following
            latin = (last.isascii() and last.isalpha()) or (after.isascii() and after.isalpha())
            keep = " " if latin and after.isascii() and last.isascii() else ""
            wraps.append((cut_start, cut_end, keep))
    return wraps


def _unwrapped(text: str, wraps: list[tuple[int, int, str]]) -> tuple[str, list[int], list[int]]:
    """The text with its wrapping breaks taken out, and where each cut stands in it
    with how many characters were taken out up to it (to map an offset back)."""
    pieces, cuts, taken = [], [], []
    position = total = 0
    for start, end, keep in wraps:
        pieces.append(text[position:start] + keep)
        cuts.append(start - total + len(keep))
        total += end - start - len(keep)
        taken.append(total)
        position = end
    pieces.append(text[position:])
    return "".join(pieces), cuts, taken


def parse_report(text: str) -> Report:
    """Read a report's overview, pillars and sections (see the module docstring).

    Text between a pillar's heading and its first section, or a pillar without
    sections, is that pillar's section "N.0", titled like the pillar; the overview is
    pillar 0, section "0.0" (总体情况), always present even if empty.
    """
    original = text
    detect = detection_text(text)
    wraps = _wraps(text, detect, _heading_lines(text, detect))
    text, cuts, taken = _unwrapped(text, wraps)
    if wraps:
        detect = _unwrapped(detect, wraps)[0]
    pillar_headings = _renumbered(_headings(_PILLAR_HEADING, text, detect), OVERVIEW)
    section_headings = _headings(_SECTION_HEADING, text, detect)
    pillar_starts = [heading.start for heading in pillar_headings]

    pillars = {OVERVIEW: PillarText(OVERVIEW, OVERVIEW_TITLE, {OVERVIEW_SECTION: OVERVIEW_TITLE})}
    regions: list[tuple[int, tuple[int, str]]] = [(0, (OVERVIEW, OVERVIEW_SECTION))]
    owners: list[tuple[int, int, int]] = [(-1, OVERVIEW, len(text))]  # (start, pillar, body)
    owners += [(h.start, h.number, h.body) for h in pillar_headings]
    section_starts = [heading.start for heading in section_headings]
    for index, (start, number, body) in enumerate(owners):
        end = pillar_starts[index] if index < len(pillar_starts) else len(text)
        # Bisection, not a scan of every section for every pillar (quadratic).
        mine = section_headings[
            bisect_right(section_starts, start) : bisect_left(section_starts, end)
        ]
        mine = _renumbered(mine, 0)
        if number != OVERVIEW:
            heading = pillar_headings[index - 1]
            pillars[number] = PillarText(number, heading.title, {})
        sections = pillars[number].sections
        first_section = mine[0].start if mine else end
        body_start = 0 if number == OVERVIEW else body
        if number != OVERVIEW and (not mine or _has_content(detect, body_start, first_section)):
            sections[f"{number}.0"] = pillars[number].title
            regions.append((start, (number, f"{number}.0")))
        for position, heading in enumerate(mine):
            key = f"{number}.{heading.number}"
            sections[key] = heading.title
            # A pillar heading with nothing under it before its first section
            # belongs to that section.
            region_start = (
                start if position == 0 and f"{number}.0" not in sections else heading.start
            )
            regions.append((max(region_start, 0), (number, key)))
    regions.sort(key=lambda region: region[0])
    return Report(
        text=text,
        detect=detect,
        pillars=pillars,
        _starts=[start for start, _ in regions],
        _places=[place for _, place in regions],
        _line_starts=[found.end() for found in LINE_END.finditer(original)],
        _cuts=cuts,
        _taken=taken,
    )


def _heading_lines(text: str, detect: str) -> set[int]:
    """Where each heading's line starts: no wrap joins a heading to a line."""
    return {
        heading.start
        for pattern in (_PILLAR_HEADING, _SECTION_HEADING)
        for heading in _headings(pattern, text, detect)
    }


# --- The year a report's text is of (draft and audit read it alike) ------------------

#: A year as a title writes it: 2023年, or four digits standing alone (not 2074.68亿元).
YEAR = re.compile(r"(?<![\d.])(?:19|20)\d{2}(?=年|[\s)）]|$)")


def first_year(text: str) -> int | None:
    """The first year a text writes as a title does (2023年, or 2023 standing alone),
    in its detection form: the year a report gives itself."""
    found = YEAR.search(detection_text(text))
    return int(found[0]) if found else None


# --- The year a report is of ---------------------------------------------------------

#: A first line this short, and no sentence, is a title (longer, it is the overview).
TITLE_MAX = 40
# A year opening a paragraph or sentence as its time: 2023年,全市… (the usual first words
# of a work summary's overview and of a review's paragraph on its year).
_OPENING_YEAR = re.compile(
    r"(?:^|(?<=[。;!?\r\n]))[ \t\u3000]*(?P<year>(?:19|20)\d{2})(?=年,)", re.MULTILINE
)
# What makes a year a plan's or a span's, not the one reported on: 2016—2020年,
# 2021-2025, 到2035年, 力争2027年, 2035年远景目标, 2027年前; and 2024年,全市将… opening
# the year ahead.
_SPAN_BEFORE = re.compile(r"(?:\d\s*年?\s*[—–\-~～至到]|(?<!截)[到至]|力争|目标)\s*$")
_SPAN_AFTER = re.compile(r"\s*年?\s*(?:[—–\-~～至到]\s*(?:19|20)?\d{2}|前|远景|目标|愿景|规划)")
_PLAN_AHEAD = re.compile(r"年,[^,。]{0,8}?(?:将|要|力争|计划|预计|目标|预期)")
_PLAN_HEADING = re.compile(r"安排|计划|打算|思路|目标|展望|任务|谋划|部署|规划")


def _reported(detect: str, start: int, end: int) -> bool:
    """Whether the year at ``detect[start:end]`` may be the one a report is of: a year
    the fact file takes, in no 《》 title, no span and no plan."""
    if not FIRST_YEAR <= int(detect[start:end]) <= LAST_YEAR:
        return False
    # Looked back over a 《》 title's length at most: a long line is not read again
    # for each year on it.
    back = max(start - MAX_NAME_LENGTH - 2, 0)
    line_start = max(detect.rfind("\n", back, start), detect.rfind("\r", back, start), back - 1) + 1
    before = detect[line_start:start]
    if before.rfind("《") > before.rfind("》"):
        return False
    return not (
        _SPAN_BEFORE.search(detect, max(line_start, start - 4), start)
        or _SPAN_AFTER.match(detect, end)
        or _PLAN_AHEAD.match(detect, end)
    )


def _year_in(text: str) -> int | None:
    detect = detection_text(text)
    for found in YEAR.finditer(detect):
        if _reported(detect, found.start(), found.end()):
            return int(found[0])
    return None


def report_year(report: Report, title: str | None = None) -> int | None:
    """The year a report's text is of, where it says so, else None: the first year
    of its ``title`` (the caller's, else its first line where that is a title:
    2023年重庆市科技工作总结), else the first opening a paragraph or sentence
    (2023年,全市…), else the first a part's heading names (一、2023年工作回顾). Never a
    year of a plan or span (到2035年, 2021—2025年, 二、2024年工作安排), nor one in a 《》
    title; 十四五 names no year. ``draft`` and ``audit`` both read a text's year so."""
    first = report.first_line
    titles = [title] if title else []
    # A short first line, no sentence, before any part's heading (else it is one).
    if len(first) <= TITLE_MAX and "。" not in first and report.place_of(0) == (0, "0.0"):
        titles.append(first)
    for text in titles:
        year = _year_in(text)
        if year is not None:
            return year
    for found in _OPENING_YEAR.finditer(report.detect):
        if _reported(report.detect, found.start("year"), found.end("year")):
            return int(found["year"])
    for pillar in report.pillars.values():
        if not _PLAN_HEADING.search(detection_text(pillar.title)):
            year = _year_in(pillar.title)
            if year is not None:
                return year
    return None
