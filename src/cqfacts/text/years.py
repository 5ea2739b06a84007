"""The year a report's text is of (:func:`report_year`), where it says so: its title's,
or the first year opening a paragraph (2023年,全市…), never a plan's or a span's. ``draft``
and ``audit`` both read a text's year so."""

from __future__ import annotations

import re

from cqfacts.facts.values import FIRST_YEAR, LAST_YEAR, MAX_NAME_LENGTH
from cqfacts.text.report import Report, detection_text

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
