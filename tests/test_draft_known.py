"""Issue 23: what the loaded reports already know. A drafted figure whose subject
names a loaded indicator (its label or an alias, simplified or traditional) gets its
id, topic and English label; otherwise a readable id from the subject's words and a
visible TODO, never pinyin; each drafted fact's note says why. And `draft --json` is
the TOML's facts, through the one writer."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cqfacts.cli.app import app
from cqfacts.facts.factfile import parse_fact_file
from cqfacts.facts.model import Fact, FactBase
from cqfacts.store.loader import load_many
from cqfacts.store.paths import shipped_fact_paths
from cqfacts.text.draft import draft_report

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLE_2021 = SHARED / "samples" / "2021-sci-tech-daily-review.txt"
SAMPLE_2025 = SHARED / "samples" / "2025-press-conference-review.txt"
REPORT_2023 = SHARED / "seeds" / "000_6d581c0dd9f637d5.txt"
needs_shared = pytest.mark.skipif(
    not SAMPLE_2021.is_file(), reason=f"the shared texts are not at {SHARED}"
)


def held(fact: dict[str, Any]) -> str:
    """A drafted fact's figure as written: its value_text, or a change alone's figure
    (its change text without the verb: 增长64.4% holds 64.4%)."""
    if fact["value_text"] is not None:
        return str(fact["value_text"])
    return re.sub(r"^\D*", "", fact["change"]["text"])


@pytest.fixture(scope="module")
def shipped(shared_cache) -> FactBase:
    """The default load: facts.toml and reports/*.toml (through the session's cache:
    built once for the suite)."""
    return load_many(shipped_fact_paths(), cache_dir=shared_cache).base


def drafted(text: str, known: Any, year: int = 2024) -> dict[str, dict[str, Any]]:
    facts = draft_report(text, year=year, known=known).facts
    return {held(fact): fact for fact in facts if fact["kind"] != "policy"}


def proposes(base: FactBase, fact: dict[str, Any], fact_id: str) -> None:
    """The drafted fact carries the loaded indicator's id, topic and English label,
    and its note names the indicator."""
    indicator = base.get(fact_id)
    assert fact["id"] == fact_id
    assert (fact["topic"], fact["topic_en"]) == (indicator.topic, indicator.topic_en)
    assert fact["label_en"] == indicator.label_en
    assert f"matches the loaded indicator {fact_id}" in fact["note"]


# --- The shared indicators of the samples get the shipped ids -----------------------------


@needs_shared
@pytest.mark.parametrize(
    ("path", "year", "expected"),
    [
        (SAMPLE_2021, 2020, {"2.1%": "rd-intensity", "34.4%": "high-tech-enterprises-total",
                             "55.9%": "tech-based-enterprises-total",
                             "近1000亿元": "tech-contract-turnover-13th-fyp-total"}),
        (SAMPLE_2025, 2025, {"974.24亿元": "tech-contract-turnover",
                             "超800亿元": "rd-investment-total"}),
        (REPORT_2023, 2023, {"预计2.45%": "rd-intensity", "7565家": "high-tech-enterprises-total",
                             "58524家": "tech-based-enterprises-total",
                             "865.1亿元": "tech-contract-turnover"}),
    ],
)  # fmt: skip
def test_the_samples_shared_indicators_get_the_shipped_ids(
    shipped: FactBase, path: Path, year: int, expected: dict[str, str]
) -> None:
    facts = drafted(path.read_text(encoding="utf-8"), shipped.facts, year)
    for value_text, fact_id in expected.items():
        proposes(shipped, facts[value_text], fact_id)


@pytest.mark.parametrize(
    ("text", "value_text", "fact_id"),
    [
        ("研發投入強度達到2.6%。", "2.6%", "rd-intensity"),
        ("全年技術合同成交額 1,020 億元。", "1,020 億元", "tech-contract-turnover"),
        ("高新技術企業總數達到8,120家。", "8,120家", "high-tech-enterprises-total"),
    ],
)
def test_a_traditional_subject_names_the_indicator_too(
    shipped: FactBase, text: str, value_text: str, fact_id: str
) -> None:
    proposes(shipped, drafted(text, shipped.facts)[value_text], fact_id)


# --- The rules of a match, on indicators of our own ---------------------------------------


def indicator(fact_id: str, label: str, unit: str | None, **fields: Any) -> Fact:
    value = fields.pop("value", 5 if unit else None)
    return Fact(
        id=fact_id, topic="制造业", topic_en="Manufacturing", pillar=None, section=None,
        kind=fields.pop("kind", "figure"), label=label, label_en=f"{fact_id} in English",
        value=value, unit=unit, value_text=f"{value}{unit}" if unit else None, year=2023,
        **fields,
    )  # fmt: skip


OURS = [
    indicator("widget-output", "零件产量", "万件", aliases=("零件产出",)),
    indicator("widget-export-share", "零件出口比重", "%"),
    indicator("gear-makers-rank", "齿轮制造全国排名", "位", kind="rank"),
]


@pytest.mark.parametrize(
    ("text", "value_text", "fact_id", "how"),
    [
        ("全市零件产量达到12万件。", "12万件", "widget-output", "label 零件产量"),
        ("零件产出12.5万件，", "12.5万件", "widget-output", "alias 零件产出"),
        ("零件產量達到3,500件。", "3,500件", "widget-output", "label 零件产量"),
        ("零件出口比重为31.5%。", "31.5%", "widget-export-share", "label 零件出口比重"),
        ("齿轮制造居全国第3位。", "第3位", "gears-rank-placeholder", ""),
    ],
)
def test_a_subject_matches_by_label_or_alias_in_either_script(
    text: str, value_text: str, fact_id: str, how: str
) -> None:
    fact = drafted(text, OURS)[value_text]
    if fact_id == "gears-rank-placeholder":  # worded in another order, still its rank
        fact_id, how = "gear-makers-rank", "label 齿轮制造全国排名"
    assert fact["id"] == fact_id
    assert fact["label_en"] == f"{fact_id} in English"
    assert fact["topic"] == "制造业"
    assert f"by its {how}" in fact["note"]


def test_a_change_alone_is_its_indicators() -> None:
    fact = drafted("零件产量增长12%，", OURS)["12%"]
    assert fact["id"] == "widget-output"
    assert "a change (增长) with no base figure" in fact["note"]


@pytest.mark.parametrize(
    "text",
    [
        "零件产量3.2%。",  # % is no count of 万件
        "零件出口额52亿元。",  # no indicator is named
        "零件产量居全国第2位。",  # a rank is not the count
    ],
)
def test_a_unit_or_kind_that_does_not_fit_is_no_match(text: str) -> None:
    (fact,) = drafted(text, OURS).values()
    assert fact["id"] not in {known.id for known in OURS}
    assert fact["label_en"].startswith("TODO")
    assert "no loaded indicator matches" in fact["note"]


def test_without_a_match_the_id_is_readable_and_the_english_a_todo_never_pinyin() -> None:
    text = (
        "全年技术合同成交额512亿元。公民具备科学素质的比例为14.2%。"
        "新认定高新技术企业1,200家。全市婴儿死亡率为2.9。"
    )
    from pypinyin import lazy_pinyin  # here: only this test needs it (0.25 s to import)

    facts = drafted(text, [])
    assert [fact["id"] for fact in facts.values()] == [
        "tech-contract-turnover",
        "todo-science-literacy-share",
        "newly-certified-high-tech-enterprises",
        "todo-mortality",
    ]
    for fact in facts.values():
        assert fact["label_en"].startswith("TODO")
        spelled = "".join(lazy_pinyin(fact["label"]))
        for start in range(0, len(spelled) - 7):
            piece = spelled[start : start + 8]
            assert piece not in fact["label_en"].replace(" ", "").lower()
            assert piece not in fact["id"].replace("-", "")
        assert "label from the words before it" in fact["note"]


# --- draft --json and the TOML: the same facts, through the one writer --------------------


def _run(*args: str, **kwargs: Any) -> Any:
    return CliRunner().invoke(app, ["--color", "never", *args], **kwargs)


@needs_shared
@pytest.mark.parametrize("path", [SAMPLE_2021, SAMPLE_2025])
def test_draft_json_and_toml_are_the_same_facts_with_the_loaded_ids(
    shipped: FactBase, path: Path
) -> None:
    as_json = _run("draft", str(path), "--json", "--year", "2025")
    as_toml = _run("draft", str(path), "--year", "2025")
    assert as_json.exit_code == as_toml.exit_code == 0, as_json.output + as_toml.output
    facts = json.loads(as_json.stdout)
    again = parse_fact_file(as_toml.stdout, "drafted.toml")
    assert facts == [fact.to_dict() for fact in again.facts]
    # The command drafts with the default load: shipped ids where a subject names one.
    ids = {fact["id"] for fact in facts}
    assert {"rd-intensity", "tech-contract-turnover"} & ids
    assert all(fact["note"].startswith("DRAFT: label from") for fact in facts)


@needs_shared
def test_a_document_takes_the_id_of_the_loaded_document_of_its_title(shipped: FactBase) -> None:
    facts = draft_report(REPORT_2023.read_text(encoding="utf-8"), known=shipped.facts).facts
    titles = {f.value_text: f.id for f in shipped.facts if f.kind == "policy" and f.value_text}
    documents = [fact for fact in facts if fact["kind"] == "policy"]
    assert documents
    for fact in documents:
        assert fact["id"] == titles[held(fact)]
    # A title no loaded document has is no match, however many words it shares.
    (fact,) = [
        f
        for f in draft_report("印发《成渝地区共建科技创新合作区实施方案》。", year=2024,
                              known=shipped.facts).facts
    ]  # fmt: skip
    assert fact["id"].startswith("doc-")
    assert "no loaded indicator matches" in fact["note"]
