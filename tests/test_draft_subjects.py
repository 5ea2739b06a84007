"""Issue 23, measured on texts draft had never seen: subjects named in a row before
their figures with no 分别, a subject in the clause before a verb alone, 则为, and
numbers that are a scale's name (10万亿级) or a rank (第二大). Our own examples."""

from __future__ import annotations

from typing import Any

import pytest

from cqfacts.facts.factfile import parse_fact_file
from cqfacts.text.draft import draft_report


def drafted(text: str) -> dict[str, dict[str, Any]]:
    draft = draft_report(text, year=2024)
    again = parse_fact_file(draft.to_toml(), "drafted.toml")  # still a valid fact file
    assert len(again.facts) == len(draft.facts)
    return {fact["value_text"]: fact for fact in draft.facts if fact["value_text"]}


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        ("专精特新企业、瞪羚企业达 812 家、 236 家，", {"812 家": "专精特新企业",
                                                   "236 家": "瞪羚企业"}),
        ("全市众创空间、孵化器、加速器分别有45个、31个、8个。",
         {"45个": "众创空间", "31个": "孵化器", "8个": "加速器"}),
    ],
)  # fmt: skip
def test_subjects_in_a_row_give_each_figure_its_own(text: str, labels: dict[str, str]) -> None:
    facts = drafted(text)
    for value_text, label in labels.items():
        assert label in facts[value_text]["label"]


def test_a_row_whose_subjects_do_not_pair_up_keeps_the_words_before() -> None:
    facts = drafted("全市技术合同达到1200项、56亿元。")
    assert "技术合同" in facts["1200项"]["label"]


def test_a_verb_alone_takes_the_subject_of_the_clause_before() -> None:
    facts = drafted("二、成果\n有效商标注册量稳步增长，达到320.5万件。")
    assert facts["320.5万件"]["label"] == "有效商标注册量"
    assert "the clause before it" in facts["320.5万件"]["note"]


def test_ze_wei_is_no_part_of_the_subject() -> None:
    facts = drafted("企业投入占比为72.1%，政府投入占比则为27.9%。")
    assert facts["27.9%"]["label"] == "政府投入占比"


def test_a_scale_named_in_numbers_is_no_figure() -> None:
    facts = drafted("经济总量达到23万亿元，跨上5万亿级台阶；风电机组达到18MW级。")
    assert set(facts) == {"23万亿元", "18MW"}


def test_the_nth_largest_is_a_rank() -> None:
    fact = drafted("研发经费规模稳居世界第二大，")["第二大"]
    assert (fact["kind"], fact["value"], fact["unit"]) == ("rank", 2, "位")


def test_a_from_to_pair_from_a_periods_end_with_a_currency_word() -> None:
    text = "五年来，全省经济总量从“十三五”末的4.2万亿元人民币增长到5.6万亿元以上。"
    facts = drafted(text)
    later = facts["5.6万亿元以上"]
    assert later["label"] == facts["4.2万亿元"]["label"]
    assert "经济总量" in later["label"]
    assert "previous value 4.2万亿元" in later["note"]
