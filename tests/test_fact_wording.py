"""The shipped facts' English and kinds say what the report says, no more (issue 24).

Like tests/test_fact_quality.py, facts.toml and reports/*.toml are read with tomllib
directly, and the report from $CQFACTS_SOURCE (or ../shared): each rule is one kind of
mistake the bilingual read found, and a last test shows every rule fails the facts as
they stood before.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.test_fact_quality import FACTS, SOURCE, _facts, _fold, _places, _sections, _span

ROOT = Path(__file__).parents[1]
#: The longest id that fits a 50-column line beside its margin.
MAX_ID_LENGTH = 48

needs_report = pytest.mark.skipif(
    not SOURCE, reason="CQFACTS_SOURCE is not set and ../shared is absent"
)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    with FACTS.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def facts(data: dict[str, Any]) -> list[dict[str, Any]]:
    return _facts(data)


@pytest.fixture(scope="module")
def report() -> str:
    return _fold(Path(SOURCE).read_text(encoding="utf-8"))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sections(report: str) -> dict[str, str]:
    return _sections(report)


def _english(fact: dict[str, Any]) -> str:
    return " | ".join([fact["label_en"], fact.get("note") or "", *fact.get("aliases", [])])


# --- the rules ---------------------------------------------------------------------------


def id_faults(facts: list[dict[str, Any]]) -> list[str]:
    """Ids fit a 50-column line, and no id ends in a three-letter abbreviation of names
    (…-tct): an id is read on its own."""
    faults = []
    for fact in facts:
        fact_id = fact["id"]
        if len(fact_id) > MAX_ID_LENGTH:
            faults.append(f"{fact_id}: {len(fact_id)} characters")
        elif (initials := _INITIALS.search(fact_id)) and initials[1] not in _KNOWN_INITIALS:
            faults.append(f"{fact_id}: ends in initials")
    return faults


# A last word of three or more letters and no vowel: initials (tct), not a word …
_INITIALS = re.compile(r"-([b-df-hj-np-tv-z]{3,})$")
# … but for the five-year plans' (13th-fyp), which every report of a plan period names.
_KNOWN_INITIALS = frozenset(("fyp",))


def deng_faults(facts: list[dict[str, Any]]) -> list[str]:
    """A label whose list ends in 等 (not the 等 of 高等学校) says in English that the
    list is not complete."""
    open_list = re.compile(r"\b(others?|etc\.)", re.IGNORECASE)
    return [
        fact["id"]
        for fact in facts
        if re.search(r"(?<!高)等", fact["label"]) and not open_list.search(fact["label_en"])
    ]


def fraction_faults(facts: list[dict[str, Any]]) -> list[str]:
    """A share written as a fraction (1/4以上) has its value as a percentage."""
    faults = []
    for fact in facts:
        found = re.search(r"(\d+)/(\d+)", fact.get("value_text") or "")
        if not found:
            continue
        share = int(found[1]) / int(found[2]) * 100
        if fact.get("unit") != "%" or fact.get("value") != pytest.approx(share):
            faults.append(f"{fact['id']}: value {fact.get('value')!r} {fact.get('unit')!r}")
    return faults


def cumulative_twice_faults(facts: list[dict[str, Any]]) -> list[str]:
    """The word "cumulative" is said once: English writes the qualifier 累计 after the number, so
    the English label does not say it again."""
    return [
        fact["id"]
        for fact in facts
        if "累计" in (fact.get("qualifier") or "") and "cumulative" in fact["label_en"].lower()
    ]


#: One English term per Chinese term: where the Chinese stands in a fact's label or
#: words (or anywhere, for ""), its English never uses these.
TERMS: dict[str, tuple[str, ...]] = {
    "科技型企业": ("SME",),  # tech-based enterprises: the report has no 中小
    "科技攻关在线": ("Research Online",),  # one name: "S&T Breakthroughs Online"
    "一本账": ("ledger",),  # a register
    "引导发放": ("leverag",),  # guided; 带动 is leveraged
    "带动": ("brought in", "guided"),
    "": ("person-times", "enterprise-times"),  # attendances; per enterprise and occasion
}


def term_faults(data: dict[str, Any], facts: list[dict[str, Any]]) -> list[str]:
    faults = []
    for fact in facts:
        chinese = " ".join(
            [fact["label"], fact.get("value_text") or "", fact.get("note") or "",
             *fact.get("aliases", [])]
        )  # fmt: skip
        english = _english(fact)
        for term, words in TERMS.items():
            if term in chinese:
                faults += [f"{fact['id']}: {word!r}" for word in words if word in english]
    for name, topic in data["topics"].items():
        texts = " | ".join([name, topic["en"], *topic.get("aliases", [])])
        if "科技型企业" in name and ("SME" in texts or "中小" in texts):
            faults.append(f"topic {name}: SME")
    return faults


# A named document or strategy: a policy, whatever the report's verb for it.
_DOCUMENT = re.compile(r"(方案|计划|意见|措施|举措|办法|战略|布局|制度)$")


def kind_faults(facts: list[dict[str, Any]]) -> list[str]:
    """One rule for policies: a fact naming a document or strategy (its words end in
    方案, 计划, 意见 …) is a policy, with a status; 深入实施 a plan is as much a policy
    as 深入实施 a strategy."""
    faults = []
    for fact in facts:
        words = re.sub(r"[《》“”\"()（）0-9—\-]", "", fact.get("value_text") or "")
        if _DOCUMENT.search(words) and fact["kind"] != "policy":
            faults.append(f"{fact['id']}: a {fact['kind']}")
    return faults


def committee_faults(facts: list[dict[str, Any]]) -> list[str]:
    """市委 is the municipal Party committee: an English label of a 市委 body says so."""
    return [
        fact["id"]
        for fact in facts
        if "市委" in fact["label"]
        and not re.search(r"Party committee|CPC", fact["label_en"], re.IGNORECASE)
    ]


#: Words of outside knowledge the bilingual read found: said of facts whose report
#: sentence does not say them.
OUTSIDE = {
    "radar": "雷达", "长安汽车": "长安汽车", "software-defined": "软件定义", "nanotube": "纳米管",
    "photonics": "光子",
}  # fmt: skip


def outside_faults(data: dict[str, Any], facts: list[dict[str, Any]], sections) -> list[str]:
    """Nothing the report does not say: an alias or English word for something its
    sentence lacks (the compound-eye facility as a radar, 长安汽车 for the SDA
    platform), and no fact filed under a named category (重庆实验室) that its sentence
    does not put it in."""
    faults = []
    for fact in facts:
        sentence = ""
        for text, start, end in _places(fact, sections):
            left, right = _span(text, start, end, "。；;")
            sentence += text[left:right]
        for word, chinese in OUTSIDE.items():
            if word in _english(fact) and chinese not in sentence:
                faults.append(f"{fact['id']}: {word!r}")
        topic = _fold(fact["_topic"])
        named = topic in _fold(fact.get("value_text") or "") or topic in sentence
        if topic == "重庆实验室" and not named:
            faults.append(f"{fact['id']}: filed under {topic}")
    return faults


def rights_faults(facts: list[dict[str, Any]]) -> list[str]:
    """赋权转化科技成果 is results granted rights for transfer: not "commercialized", not
    "ownership or long-term use" (the report names neither)."""
    return [
        fact["id"]
        for fact in facts
        if "赋权" in fact["label"]
        and re.search(r"commerciali[sz]|ownership|long-term", _english(fact), re.IGNORECASE)
    ]


# --- the tests ---------------------------------------------------------------------------


def test_every_id_fits_a_50_column_line_and_reads_on_its_own(facts):
    shipped = [FACTS, *sorted((ROOT / "reports").glob("*.toml"))]
    every = [
        fact for path in shipped for fact in _facts(tomllib.loads(path.read_text(encoding="utf-8")))
    ]
    assert id_faults(every) == []


def test_a_renamed_id_is_kept_as_a_former_id(facts):
    """The ids issue 24 shortened are each some fact's former id, no fact's id."""
    formers = {former for fact in facts for former in fact.get("former_ids", [])}
    assert formers >= set(_RENAMED)
    assert not formers & {fact["id"] for fact in facts}


_RENAMED = (
    "chengdu-chongqing-comprehensive-science-centre-plan",
    "wanzhou-dazhou-kaizhou-innovation-demonstration-zone",
    "university-frontier-interdisciplinary-institutes-plan",
    "strategic-agreements-bjtu-minmetals-tct",
)


def test_an_open_list_says_so_in_english(facts):
    assert deng_faults(facts) == []


def test_a_share_written_as_a_fraction_has_its_value(facts):
    assert fraction_faults(facts) == []
    quarter = next(f for f in facts if f["id"] == "young-researchers-leading-projects-share")
    assert (quarter["value"], quarter["qualifier"]) == (25, "以上")


def test_cumulative_is_said_once(facts):
    assert cumulative_twice_faults(facts) == []


def test_one_english_term_per_chinese_term(data, facts):
    assert term_faults(data, facts) == []


def test_a_named_document_is_a_policy(facts):
    assert kind_faults(facts) == []


def test_the_party_committee_is_named(facts):
    assert committee_faults(facts) == []


@needs_report
def test_nothing_from_outside_the_report(data, facts, sections):
    assert outside_faults(data, facts, sections) == []


def test_granted_rights_say_no_more_than_the_report(facts):
    assert rights_faults(facts) == []


# The facts as they stood before issue 24 (trimmed to the keys the rules read): every
# rule must fail them.
_BEFORE_ISSUE_24 = """
[topics."重庆实验室"]
en = "Chongqing Laboratories"
aliases = ["重庆实验室", "金凤实验室"]

[[topics."重庆实验室".facts]]
id = "jinfeng-laboratory"
section = "2.1"
kind = "platform"
label = "金凤实验室"
label_en = "Jinfeng Laboratory"
value_text = "金凤实验室"

[topics."成渝科技协同"]
en = "Chengdu-Chongqing S&T collaboration"

[[topics."成渝科技协同".facts]]
id = "chengdu-chongqing-comprehensive-science-centre-plan"
section = "1.2"
kind = "policy"
label = "成渝综合性科学中心建设方案"
label_en = "Plan for building the Chengdu-Chongqing comprehensive science centre"
value_text = "成渝综合性科学中心建设方案"

[topics."战略合作协议"]
en = "Strategic cooperation agreements"

[[topics."战略合作协议".facts]]
id = "strategic-agreements-bjtu-minmetals-tct"
section = "1.4"
kind = "event"
label = "战略合作协议"
label_en = "Strategic cooperation agreements"
value_text = "战略合作协议"

[topics."农业农村科技"]
en = "Agricultural and rural S&T"

[[topics."农业农村科技".facts]]
id = "agri-rural-key-programme-projects"
section = "3.3"
kind = "figure"
label = "现代种业、农产品精深加工、生猪技术、乡村振兴等重点专项项目"
label_en = "Key programme projects in seed industry and rural revitalization"
value = 156
unit = "项"
value_text = "156项"

[topics."科研人员发展环境"]
en = "Environment for researchers"

[[topics."科研人员发展环境".facts]]
id = "young-researchers-leading-projects-share"
section = "5.3"
kind = "figure"
label = "由40岁以下科研人员领衔的市级科技专项占比"
label_en = "Share of municipal S&T programmes led by researchers under 40"
value_text = "1/4以上"
qualifier = "以上"

[topics."知识价值信用贷款"]
en = "Knowledge-value credit loans"

[[topics."知识价值信用贷款".facts]]
id = "knowledge-value-loans-amount"
section = "4.3"
kind = "figure"
label = "知识价值信用贷款发放额"
label_en = "Knowledge-value credit loans issued (cumulative)"
value = 207.21
unit = "亿元"
value_text = "207.21亿元"
qualifier = "累计"

[topics."科技型企业"]
en = "Tech-based enterprises"
aliases = ["科技型中小企业", "tech SMEs"]

[topics."数智科创"]
en = "Digital and intelligent S&T innovation"

[[topics."数智科创".facts]]
id = "st-research-online-app"
section = "6.2"
kind = "achievement"
label = "“科技攻关在线”数字化应用"
label_en = "\\"S&T Breakthroughs Online\\" app added to Digital Chongqing's register"
value_text = "科技攻关在线"
note = "Included in the major-application ledger of Digital Chongqing"
aliases = ["一本账", "S&T Research Online"]

[topics."双倍增行动"]
en = "Double Doubling"

[[topics."双倍增行动".facts]]
id = "double-doubling-action-plan"
section = "4.1"
kind = "programme"
label = "高新技术企业和科技型企业“双倍增”行动计划"
label_en = "\\"Double Doubling\\" action plan"
value_text = "“双倍增”行动计划"

[topics."科技体制改革"]
en = "S&T system reform"

[[topics."科技体制改革".facts]]
id = "reform-commission-briefings"
section = "6.1"
kind = "figure"
label = "市委深改委听取科技体制改革汇报次数"
label_en = "Briefings on S&T reform heard by the municipal commission for deepening reform"
value = 4
unit = "次"
value_text = "4次"

[topics."重大科技基础设施"]
en = "Major S&T infrastructure facilities"

[[topics."重大科技基础设施".facts]]
id = "china-compound-eye-phase-two"
section = "2.1"
kind = "platform"
label = "“中国复眼”二期"
label_en = "\\"China Compound Eye\\" radar facility, phase II"
value_text = "“中国复眼”二期"

[topics."关键核心技术攻关"]
en = "Key core technology breakthroughs"

[[topics."关键核心技术攻关".facts]]
id = "super-intelligent-vehicle-platform-sda"
section = "3.2"
kind = "achievement"
label = "超级智能汽车平台SDA"
label_en = "SDA super intelligent vehicle platform"
value_text = "超级智能汽车平台SDA"
aliases = ["长安汽车"]

[topics."科技成果转化"]
en = "Commercialization of research results"

[[topics."科技成果转化".facts]]
id = "research-results-ownership-rights-granted"
section = "4.2"
kind = "figure"
label = "赋权转化的科技成果"
label_en = "Research results commercialized after granting ownership rights"
value = 391
unit = "项"
value_text = "391项"
"""


@needs_report
def test_the_rules_fail_the_facts_issue_24_found(sections):
    data = tomllib.loads(_BEFORE_ISSUE_24)
    facts = _facts(data)
    assert id_faults(facts) == [
        "chengdu-chongqing-comprehensive-science-centre-plan: 51 characters",
        "strategic-agreements-bjtu-minmetals-tct: ends in initials",
    ]
    assert deng_faults(facts) == ["agri-rural-key-programme-projects"]
    assert fraction_faults(facts) == ["young-researchers-leading-projects-share: value None None"]
    assert cumulative_twice_faults(facts) == ["knowledge-value-loans-amount"]
    assert term_faults(data, facts) == [
        "st-research-online-app: 'Research Online'",
        "st-research-online-app: 'ledger'",
        "topic 科技型企业: SME",
    ]
    assert kind_faults(facts) == ["double-doubling-action-plan: a programme"]
    assert committee_faults(facts) == ["reform-commission-briefings"]
    assert outside_faults(data, facts, sections) == [
        "jinfeng-laboratory: filed under 重庆实验室",
        "china-compound-eye-phase-two: 'radar'",
        "super-intelligent-vehicle-platform-sda: '长安汽车'",
    ]
    assert rights_faults(facts) == ["research-results-ownership-rights-granted"]
