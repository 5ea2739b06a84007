"""--lang en: English throughout, figures in English units, derived for display."""

import json
import re

import pytest

from cqfacts.derive import english
from cqfacts.facts.model import Fact

CJK_UNIT = re.compile(r"\d(亿元|万元|家|项|个|名|人|位|篇|次|%以上)")


def _fact(value: float, unit: str, text: str, qualifier: str | None = None) -> Fact:
    return Fact(id="x", topic="t", topic_en="t", pillar=0, section="0.0", kind="figure",
                label="l", label_en="l", value=value, unit=unit, value_text=text,
                qualifier=qualifier)  # fmt: skip


@pytest.mark.parametrize(
    ("value", "unit", "text", "expected"),
    [
        (865.1, "亿元", "865.1亿元", "CNY 86.51 billion"),
        (7565, "家", "7565家", "7,565"),
        (8, "位", "第8位", "8th"),
        (1.3, "万台/套", "1.3万台/套", "13,000 units/sets"),
        (60, "%", "60%", "60%"),
        (0.48, "个百分点", "0.48个百分点", "0.48 percentage points"),
        (5148, "万元", "5148万元", "CNY 51.48 million"),
    ],
)
def test_english_figures(value, unit, text, expected):
    assert english.figure(_fact(value, unit, text)) == expected


def test_numbers_never_in_scientific_notation():
    assert english.number(1e20) == "100,000,000,000,000,000,000"
    assert english.number(1.5e-07) == "0.00000015"
    assert [english.ordinal(n) for n in (1, 2, 3, 11, 22)] == ["1st", "2nd", "3rd", "11th", "22nd"]


def test_show_in_english(run):
    result = run("show", "tech-contract-turnover", "--lang", "en", facts=None)
    out = result.stdout
    assert "CNY 86.51 billion +37.2%" in out and "part 4 (2)" in out
    assert "≈ CNY 63.054 billion (derived: 865.1 ÷ (1 + 37.2%))" in out
    assert "Technology contract turnover: CNY 86.51 billion (+37.2%) (" in out
    assert not CJK_UNIT.search(out)
    # The JSON keeps the report's words: a converted value is derived, never stored.
    record = json.loads(run("show", "tech-contract-turnover", "--json", facts=None).stdout)
    assert (record["value"], record["value_text"]) == (865.1, "865.1亿元")
    assert "CNY 86.51 billion" in record["citation_en"]


@pytest.mark.parametrize(
    "args",
    [["rank"], ["rank", "--unit", "亿元"], ["pillar", "4"], ["pillars"], ["topics"],
     ["list", "--pillar", "2"], ["search", "企业"]],
)  # fmt: skip
def test_every_table_in_english_has_english_figures(run, args):
    out = run(*args, "--lang", "en", facts=None).stdout
    assert out and not CJK_UNIT.search(out), out
    assert "增长" not in out and "四（" not in out


def test_a_policy_keeps_its_chinese_title(run):
    out = run("show", "university-transfer-measures", "--lang", "en").stdout
    assert "Measures on commercialising university research" in out
    assert "高校科技成果转化与产业化若干措施" in out


def test_an_english_query_answers_in_english_unless_lang_says(run, monkeypatch):
    assert "7,565" in run("search", "high", "tech", "enterprises").stdout
    assert "7565家" in run("search", "high tech enterprises", "--lang", "zh").stdout
    assert "7565家" in run("search", "gxjsqy").stdout  # pinyin initials are no English
    monkeypatch.setenv("CQFACTS_LANG", "en")
    assert "7,565" in run("search", "高新技术企业").stdout
    assert "CQFACTS_LANG" in run("search", "--help").stdout


def test_english_tables_keep_qualifiers_and_say_once(run):
    """Issue 24: rank printed 240,000* for 超过24万人 and pillar 六 "1 times"."""
    ranked = run("rank", "--unit", "人", "--lang", "en", facts=None).stdout
    assert "over 240,000*" in ranked and "nearly 1,000*" in ranked
    assert (
        "est. CNY 75 billion*" in run("rank", "--unit", "万元", "--lang", "en", facts=None).stdout
    )
    part = run("pillar", "六", "--lang", "en", facts=None).stdout
    assert "once" in part and "1 times" not in part
    shown = run("show", "rd-investment-total", "--year", "2023", "--lang", "en", facts=None).stdout
    rows = [line.split(None, 1) for line in shown.splitlines() if line.strip()]
    assert ["value", "est. CNY 75 billion"] in rows and ["qualifier", "est. (预计)"] in rows
