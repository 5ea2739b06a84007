"""Every figure in facts.toml stands in the source report, as written.

The report is read from $CQFACTS_SOURCE (.ci/run sets it), else from ../shared beside
the repository; without either these tests skip.
"""

import os
import re
from pathlib import Path

import pytest

from tests.helpers import source_beside_the_repository

SOURCE = os.environ.get("CQFACTS_SOURCE") or source_beside_the_repository()
pytestmark = pytest.mark.skipif(
    not SOURCE, reason="CQFACTS_SOURCE is not set and ../shared is absent"
)


@pytest.fixture(scope="module")
def report() -> str:
    return Path(SOURCE).read_text(encoding="utf-8")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def numbers_in_report(report: str) -> set[float]:
    return {float(number) for number in re.findall(r"\d+(?:\.\d+)?", report)}


def _fraction(text: str) -> float | None:
    """A fraction written in the text (1/4), as a percentage."""
    found = re.search(r"(\d+)/(\d+)", text)
    return int(found[1]) * 100 / int(found[2]) if found and int(found[2]) else None


def _chinese_count(text: str) -> int | None:
    """三张图 -> 3: counts the curators wrote as Chinese numerals."""
    numerals = "一二三四五六七八九"
    found = re.search(f"[{numerals}]", text)
    return numerals.index(found.group()) + 1 if found else None


def test_every_value_text_stands_verbatim_in_the_report(shipped, report):
    missing = [f.id for f in shipped.base.facts if f.value_text and f.value_text not in report]
    assert missing == []


def test_every_value_stands_in_the_report(shipped, numbers_in_report):
    missing = [
        (fact.id, fact.value)
        for fact in shipped.base.facts
        if fact.value is not None
        and float(fact.value) not in numbers_in_report
        and fact.value != _chinese_count(fact.value_text or "")
    ]
    assert missing == []


def test_every_value_is_written_in_its_value_text(shipped):
    """The value is the figure as written, not a conversion of it (but for a share
    written as a fraction: 1/4以上 is 25 %)."""
    wrong = [
        fact.id
        for fact in shipped.base.facts
        if fact.value is not None
        and f"{fact.value:g}" not in (fact.value_text or "")
        and fact.value != _chinese_count(fact.value_text or "")
        and not (fact.unit == "%" and fact.value == _fraction(fact.value_text or ""))
    ]
    assert wrong == []


def test_every_change_stands_in_the_report(shipped, numbers_in_report, report):
    missing = [
        (fact.id, fact.change.value)
        for fact in shipped.base.facts
        if fact.change is not None and float(fact.change.value) not in numbers_in_report
    ]
    assert missing == []
    for fact in shipped.base.facts:
        if fact.change is not None:
            assert f"{fact.change.value:g}{fact.change.unit}" in report, fact.id


def test_every_titled_policy_document_is_a_policy_fact(shipped, report):
    titles = set(re.findall(r"《[^》]+》", report)) - {"《Science》"}
    policies = {fact.value_text for fact in shipped.base.facts if fact.kind == "policy"}
    assert len(titles) == 12
    assert titles <= policies


def test_pillar_and_section_titles_stand_in_the_report(shipped, report):
    for pillar in shipped.base.pillars.values():
        if pillar.number:
            assert pillar.title in report
            for title in pillar.sections.values():
                assert title in report
