"""Chinese numerals, read and written in one place (issue 21): the cases the three
copies in normalize, report and model handled, each answered as before."""

from __future__ import annotations

import pytest

from cqfacts.facts.model import parse_pillar_number, section_label
from cqfacts.facts.normalize import fold
from cqfacts.facts.numerals import (
    CHINESE_NUMERALS,
    chinese_numeral,
    numeral_text,
    small_numeral_value,
)
from cqfacts.text.report import parse_report

ONE_TO_TEN = "一二三四五六七八九十"


def test_one_to_ten_in_every_reading():
    for value, numeral in enumerate(ONE_TO_TEN, 1):
        assert chinese_numeral(numeral) == value
        assert small_numeral_value(numeral) == value
        assert numeral_text(value) == numeral
        assert CHINESE_NUMERALS.index(numeral) == value


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("十一", 11), ("十九", 19), ("二十", 20), ("二十三", 23), ("九十九", 99), ("一十", 10)],
)
def test_tens_are_read_by_both_readings(numeral, value):
    assert small_numeral_value(numeral) == value
    assert chinese_numeral(numeral) == value


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一百", 100),
        ("三百九十一", 391),
        ("一千零五十二", 1052),
        ("两万", 20_000),
        ("五万八千五百二十四", 58_524),
        ("一亿二千万", 120_000_000),
        ("二〇二三", 2023),
        ("零", 0),
    ],
)
def test_hundreds_thousands_and_myriads_only_where_any_numeral_is_read(numeral, value):
    """A query's or a text's numeral: 百, 千, 万, 亿, 两 and 〇; never a heading's."""
    assert chinese_numeral(numeral) == value
    assert small_numeral_value(numeral) is None


@pytest.mark.parametrize(
    "text", ["", "x", "一带一路", "百百", "万", "十十", "五五", "三十十", "一二三四", "第一", "4"]
)
def test_what_is_no_numeral_is_none(text):
    assert small_numeral_value(text) is None
    if text not in ("五五", "十十", "三十十", "一二三四"):  # read by any numeral's rules
        assert chinese_numeral(text) is None


def test_digit_runs_and_a_repeated_ten_as_any_numeral_reads_them():
    """Kept as they were: a run of digits is a year (二〇二三), and a repeated 十 adds."""
    assert (chinese_numeral("五五"), chinese_numeral("一二三四")) == (55, 1234)
    assert (chinese_numeral("十十"), chinese_numeral("三十十")) == (20, 40)


def test_written_numbers_past_ten():
    assert [numeral_text(n) for n in (0, 11, 16, 19, 20, 123)] == [
        "〇", "十一", "十六", "十九", "20", "123",
    ]  # fmt: skip
    assert section_label("6.12") == "六（十二）"


def test_an_ordinal_folds_to_its_digit():
    assert fold("第一") == "第1"
    assert fold("西部第九") == "西部第9"
    assert fold("第十") == "第十"  # 十 is no digit: left as written
    assert fold("一") == "一"  # not after 第


def test_a_pillar_number_is_one_to_six_in_numerals_or_digits():
    for value, numeral in enumerate("一二三四五六", 1):
        assert parse_pillar_number(numeral) == value
        assert parse_pillar_number(str(value)) == value
    assert [parse_pillar_number(text) for text in ("〇", "零", "总", "十")] == [0, 0, 0, 10]
    assert [parse_pillar_number(text) for text in ("两", "十一", "七七", "")] == [None] * 4


def test_headings_are_numbered_by_their_numerals():
    text = "一、第一部分\n正文。\n(十一)一节\n正文。\n二十三、另一部分\n正文。\n"
    report = parse_report(text)
    assert list(report.pillars) == [0, 1, 23]
    assert list(report.pillars[1].sections) == ["1.0", "1.11"]
