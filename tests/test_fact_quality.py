"""Facts that cannot mislead (issue 14): facts.toml checked against the report.

facts.toml is read with tomllib directly, not through cqfacts' loader, so these checks
keep working as the model changes. $CQFACTS_QUALITY_FILE names another fact file to
check (say `git show main:facts.toml > old.toml`); the report is read from
$CQFACTS_SOURCE (.ci/run sets it), and without it these tests skip.

Each test guards one kind of mistake:

- a figure whose sentence says 累计 before it, or whose clause carries a share of its
  subject (60%科研人员…), says so in its qualifier and labels;
- notes hold no number that the report does not;
- district figures carry the district in label and label_en, and no alias without it;
- aliases hold no digits; every value_text stands in its own section of the report;
- every policy says what the report says was done with it: a status whose state is one
  of STATES and whose text is the report's verb, standing in the document's clause.
"""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import source_beside_the_repository

SOURCE = os.environ.get("CQFACTS_SOURCE") or source_beside_the_repository()
FACTS = Path(os.environ.get("CQFACTS_QUALITY_FILE") or Path(__file__).parents[1] / "facts.toml")
pytestmark = pytest.mark.skipif(
    not SOURCE, reason="CQFACTS_SOURCE is not set and ../shared is absent"
)

# Clauses end at these marks (full-width or ASCII, as the report mixes both) …
CLAUSE_END = "，,。；;"
# … and sentences at these: a 累计 governs the rest of its sentence.
SENTENCE_END = "。；;"

# A share of the clause's subject: a percentage or fraction written straight before a
# noun (60%科研人员, 1/4以上市级科技专项, 60%的…), not a rate ending its clause
# (增长10%, 占全市40%以上。).
SHARE = re.compile(r"(\d+(?:\.\d+)?%|\d+/\d+)(?:以上|以下|左右)?+(?=[\u4e00-\u9fff])")

# The districts and zones whose own figures the report gives, with the names a label
# (Chinese, English) or an alias may use for them. A sentence is about one of them when
# it opens with its name alone (not "长寿、涪陵…", which names two).
DISTRICTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "西部(重庆)科学城": (("科学城",), ("Science City",)),
    "两江协同创新区": (("两江",), ("Liangjiang",)),
    "广阳湾智创生态城": (("广阳湾",), ("Guangyang",)),
    "长寿": (("长寿",), ("Changshou",)),
    "涪陵": (("涪陵",), ("Fuling",)),
    "丰都": (("丰都",), ("Fengdu",)),
    "石柱": (("石柱",), ("Shizhu",)),
    "九龙坡": (("九龙坡",), ("Jiulongpo",)),
    "巴南": (("巴南",), ("Banan",)),
    "大足": (("大足",), ("Dazu",)),
    "綦江": (("綦江",), ("Qijiang",)),
}
# What may follow a district's name when it is the subject of its sentence alone.
_NOT_ALONE = "、和与及,，"

_NUMERALS = "一二三四五六七八九"

# The states of a policy, each with the report's verbs that mean it. A text is read as
# the first state whose verb it holds, in this order (科技部批复印发 is approved, not
# issued, though it holds 印发).
STATES: dict[str, tuple[str, ...]] = {
    "approved": ("批复",),  # approved and issued by a higher authority: 科技部批复印发
    "revised": ("修订",),  # an existing document amended
    "drafting": ("组织编制", "研究形成"),  # being prepared, not said to be issued
    "pursued": ("深入实施", "着力构建"),  # a standing strategy carried out
    "issued": ("印发", "出台", "制定", "建立"),  # in force: 印发实施, 联合出台 …
}


def state_of(verb: str) -> str | None:
    """The state a verb of the report means, if it is one of STATES' verbs."""
    return next((state for state, verbs in STATES.items() if any(v in verb for v in verbs)), None)


def _fold(text: str) -> str:
    """Full-width forms as ASCII, so （重庆） and (重庆) compare equal."""
    return unicodedata.normalize("NFKC", text)


def _facts(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {**fact, "_topic": name}
        for name, topic in data["topics"].items()
        for fact in topic.get("facts", [])
    ]


@pytest.fixture(scope="module")
def report() -> str:
    return _fold(Path(SOURCE).read_text(encoding="utf-8"))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    with FACTS.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def facts(data: dict[str, Any]) -> list[dict[str, Any]]:
    return _facts(data)


@pytest.fixture(scope="module")
def sections(report: str) -> dict[str, str]:
    return _sections(report)


def _sections(report: str) -> dict[str, str]:
    """Section "P.K" -> its text in the report ("0.0": the overview)."""
    lines = [line.strip() for line in report.splitlines() if line.strip()]
    found = {"0.0": lines[0]}
    pillar = 0
    for line in lines[1:]:
        if heading := re.match(f"([{_NUMERALS}])、", line):
            pillar = _NUMERALS.index(heading.group(1)) + 1
        elif item := re.match(rf"\(([{_NUMERALS}])\)", line):
            found[f"{pillar}.{_NUMERALS.index(item.group(1)) + 1}"] = line
    return found


def _occurrences(text: str, value_text: str) -> list[int]:
    """Where value_text stands in text, not inside a longer number (3个 is not in 13个)."""
    found = []
    for match in re.finditer(re.escape(value_text), text):
        start = match.start()
        if (
            value_text[0].isdigit()
            and start
            and (text[start - 1].isdigit() or text[start - 1] == ".")
        ):
            continue
        found.append(start)
    return found


def _span(text: str, start: int, end: int, stops: str) -> tuple[int, int]:
    """The stretch of text around [start, end) bounded by any of the stop marks."""
    left = max(text.rfind(mark, 0, start) for mark in stops) + 1
    rights = [i for i in (text.find(mark, end) for mark in stops) if i != -1]
    return left, min(rights, default=len(text))


def _places(fact: dict[str, Any], sections: dict[str, str]) -> list[tuple[str, int, int]]:
    """(section text, start, end) of each place the fact's value_text stands in its section."""
    text = sections.get(fact["section"], "")
    value_text = _fold(fact.get("value_text") or "")
    if not value_text:
        return []
    return [(text, at, at + len(value_text)) for at in _occurrences(text, value_text)]


def _district(sentence: str) -> str | None:
    """The one district or zone a sentence opens with, if any."""
    for name in DISTRICTS:
        rest = sentence[len(name) : len(name) + 1]
        if sentence.startswith(name) and rest and rest not in _NOT_ALONE:
            return name
    return None


# --- the checks ------------------------------------------------------------------------


def cumulative_faults(facts, sections) -> list[str]:
    """A figure after 累计 in its sentence carries 累计 (qualifier or label) and says
    "cumulative" in English: its qualifier 累计 does (English writes it after the
    number), else its label_en must."""
    faults = []
    for fact in facts:
        if fact.get("value") is None:
            continue
        for text, start, end in _places(fact, sections):
            left, _ = _span(text, start, end, SENTENCE_END)
            if "累计" not in text[left:start]:
                continue
            qualified = "累计" in (fact.get("qualifier") or "")
            marked = qualified or "累计" in fact["label"]
            if not marked or not (qualified or "cumulative" in fact["label_en"].lower()):
                faults.append(fact["id"])
            break
    return faults


def share_faults(facts, sections) -> list[str]:
    """A figure whose clause carries a share of its subject names that share in label
    and label_en (the share's own fact excepted)."""
    faults = []
    for fact in facts:
        if fact.get("value") is None and fact.get("kind") != "figure":
            continue
        for text, start, end in _places(fact, sections):
            left, right = _span(text, start, end, CLAUSE_END)
            for share in SHARE.finditer(text, left, right):
                if share.start() < end and start < share.end():
                    continue  # the fact is the share itself
                number = share.group(1)
                if number not in _fold(fact["label"]) or number not in _fold(fact["label_en"]):
                    faults.append(f"{fact['id']} ({number})")
    return faults


def note_number_faults(facts, report) -> list[str]:
    """Every number in a note stands in the report."""
    in_report = {float(number) for number in re.findall(r"\d+(?:\.\d+)?", report)}
    return [
        f"{fact['id']} ({number})"
        for fact in facts
        for number in re.findall(r"\d+(?:\.\d+)?", _fold(fact.get("note") or ""))
        if float(number) not in in_report
    ]


def district_faults(data, facts, sections) -> list[str]:
    """A figure of one district names the district in label and label_en; neither it nor
    its topic has an alias without the district's name."""
    faults = []
    for fact in facts:
        if fact.get("value") is None:
            continue
        districts = set()
        for text, start, end in _places(fact, sections):
            left, _ = _span(text, start, end, SENTENCE_END)
            if district := _district(text[left:].lstrip()):
                districts.add(district)
        for district in districts:
            chinese, english = DISTRICTS[district]
            names = [name.lower() for name in (*chinese, *english)]
            if not any(name in _fold(fact["label"]) for name in chinese):
                faults.append(f"{fact['id']}: label lacks {district}")
            if not any(name.lower() in fact["label_en"].lower() for name in english):
                faults.append(f"{fact['id']}: label_en lacks {english[0]}")
            topic = data["topics"][fact["_topic"]]
            aliases = dict.fromkeys([*fact.get("aliases", []), *topic.get("aliases", [])])
            for alias in aliases:
                if not any(name in _fold(alias).lower() for name in names):
                    faults.append(f"{fact['id']}: city-wide alias {alias!r}")
    return faults


def test_a_figure_after_cumulative_says_cumulative(facts, sections):
    assert cumulative_faults(facts, sections) == []


def test_a_figure_qualified_by_a_share_names_the_share(facts, sections):
    assert share_faults(facts, sections) == []


def test_notes_hold_no_number_absent_from_the_report(facts, report):
    assert note_number_faults(facts, report) == []


def test_district_figures_are_labelled_and_aliased_as_the_districts(data, facts, sections):
    assert district_faults(data, facts, sections) == []


def test_district_figures_are_recognised(facts, sections):
    """The rule above has something to check: the Science City's and Liangjiang's
    figures are found as theirs."""
    found = {
        fact["id"]
        for fact in facts
        if fact.get("value") is not None
        for text, start, end in _places(fact, sections)
        if _district(text[_span(text, start, end, SENTENCE_END)[0] :].lstrip())
    }
    assert found >= {
        "science-city-innovation-platforms-cumulative",
        "national-incubation-platforms-built",
        "liangjiang-new-rd-institutions-cumulative",
    }


def test_aliases_hold_no_digits(data, facts):
    topic_aliases = [
        alias for topic in data["topics"].values() for alias in topic.get("aliases", [])
    ]
    fact_aliases = [alias for fact in facts for alias in fact.get("aliases", [])]
    assert [alias for alias in topic_aliases + fact_aliases if re.search(r"\d", _fold(alias))] == []


def test_every_value_text_stands_in_its_own_section(facts, sections):
    """A fact's words stand in the section it is filed under, so the checks above read
    the right sentence."""
    astray = [
        fact["id"] for fact in facts if fact.get("value_text") and not _places(fact, sections)
    ]
    assert astray == []


def status_faults(facts, sections) -> list[str]:
    """Every policy has status = {state, text}: text the report's verb, standing before
    the document in its clause, and state the one that verb means. No other kind has
    one."""
    faults = []
    for fact in facts:
        status = fact.get("status")
        if fact.get("kind") != "policy":
            if "status" in fact:
                faults.append(f"{fact['id']}: a {fact.get('kind')} has no status")
            continue
        if not isinstance(status, dict) or set(status) != {"state", "text"}:
            faults.append(f"{fact['id']}: needs status = {{ state, text }}")
            continue
        state, verb = status["state"], status["text"]
        if state not in STATES:
            faults.append(f"{fact['id']}: state {state!r} is not one of {', '.join(STATES)}")
        elif state_of(verb) != state:
            faults.append(f"{fact['id']}: {verb!r} does not mean {state!r}")
        places = _places(fact, sections)
        before = [
            text[_span(text, start, end, CLAUSE_END)[0] : start] for text, start, end in places
        ]
        if not any(_fold(verb) in clause for clause in before):
            faults.append(f"{fact['id']}: {verb!r} does not stand before it in its clause")
    return faults


def test_every_policy_has_the_status_the_report_gives_it(facts, sections):
    assert status_faults(facts, sections) == []


def test_the_status_check_fails_a_wrong_or_missing_status(sections):
    policy = {
        "id": "x",
        "kind": "policy",
        "section": "1.2",
        "value_text": "成渝综合性科学中心建设方案",
        "label": "",
        "label_en": "",
    }
    assert status_faults([policy], sections) == ["x: needs status = { state, text }"]
    issued = {**policy, "status": {"state": "issued", "text": "组织编制"}}
    assert status_faults([issued], sections) == ["x: '组织编制' does not mean 'issued'"]
    elsewhere = {**policy, "status": {"state": "issued", "text": "印发实施"}}
    assert status_faults([elsewhere], sections) == [
        "x: '印发实施' does not stand before it in its clause"
    ]
    figure = {**policy, "kind": "figure", "status": {"state": "issued", "text": "出台"}}
    assert status_faults([figure], sections) == ["x: a figure has no status"]


# The facts issue 14 found misleading, as they stood before it (trimmed to the keys the
# checks read): the rules must fail each of them.
_BEFORE_ISSUE_14 = """
[topics."知识价值信用贷款"]
aliases = ["knowledge value credit loans"]

[[topics."知识价值信用贷款".facts]]
id = "knowledge-value-leveraged-commercial-loans"
section = "4.3"
kind = "figure"
label = "引导发放的商业贷款"
label_en = "Commercial bank loans leveraged by the knowledge-value loan scheme"
value = 141.48
value_text = "141.48亿元"

[topics."科研人员发展环境"]
aliases = ["research environment"]

[[topics."科研人员发展环境".facts]]
id = "researchers-more-research-time-share"
section = "5.3"
kind = "figure"
label = "每周平均科研时间增加的科研人员占比"
label_en = "Share of researchers whose weekly research time increased"
value = 60
value_text = "60%"

[[topics."科研人员发展环境".facts]]
id = "researchers-weekly-research-time-gain"
section = "5.3"
kind = "figure"
label = "科研人员每周平均科研时间增加量"
label_en = "Increase in researchers' average weekly research time"
value = 2
value_text = "2小时"

[topics."双倍增行动"]
aliases = ["双倍增"]

[[topics."双倍增行动".facts]]
id = "tech-sme-financing-support-policy"
section = "4.1"
kind = "policy"
label = "支持科技型企业融资政策文件"
label_en = "Policy supporting financing for tech-based enterprises"
value_text = "支持科技型企业融资"
note = "See also the financing action plan issued with the PBOC Chongqing branch (section 4.3)"

[topics."孵化平台"]
aliases = ["孵化器", "incubators"]

[[topics."孵化平台".facts]]
id = "national-incubation-platforms-built"
section = "2.1"
kind = "figure"
label = "西部(重庆)科学城建成的国家级孵化平台"
label_en = "National-level incubation platforms built in the Science City"
value = 13
value_text = "13个"
aliases = ["national incubators", "incubators"]

[topics."两江协同创新区"]
aliases = ["两江", "新型研发机构"]

[[topics."两江协同创新区".facts]]
id = "liangjiang-new-rd-institutions-cumulative"
section = "2.1"
kind = "figure"
label = "两江协同创新区累计引进的新型研发机构"
label_en = "New-type R&D institutions brought into the Liangjiang zone (cumulative)"
value = 50
value_text = "50家"
qualifier = "累计"
aliases = ["新型研发机构", "new R&D institutions"]
"""


def test_the_checks_fail_the_facts_issue_14_found(sections, report):
    data = tomllib.loads(_BEFORE_ISSUE_14)
    facts = _facts(data)
    assert cumulative_faults(facts, sections) == ["knowledge-value-leveraged-commercial-loans"]
    assert share_faults(facts, sections) == ["researchers-weekly-research-time-gain (60%)"]
    assert note_number_faults(facts, report) == ["tech-sme-financing-support-policy (4.3)"]
    assert sorted(district_faults(data, facts, sections)) == [
        "liangjiang-new-rd-institutions-cumulative: city-wide alias 'new R&D institutions'",
        "liangjiang-new-rd-institutions-cumulative: city-wide alias '新型研发机构'",
        "national-incubation-platforms-built: city-wide alias 'incubators'",
        "national-incubation-platforms-built: city-wide alias 'national incubators'",
        "national-incubation-platforms-built: city-wide alias '孵化器'",
    ]
