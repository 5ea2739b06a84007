import pytest

from cqfacts.errors import FactFileError
from cqfacts.factfile import parse_fact_file
from tests.conftest import SMALL_FACTS


def problems_of(text: str) -> list[str]:
    with pytest.raises(FactFileError) as caught:
        parse_fact_file(text, "f.toml")
    return [str(problem) for problem in caught.value.problems]


def test_a_valid_file_loads_every_fact_in_file_order():
    base = parse_fact_file(SMALL_FACTS, "f.toml")
    assert [fact.id for fact in base.facts] == [
        "rd-investment-total",
        "high-tech-enterprises-total",
        "high-tech-enterprises-new",
        "tech-brokers-new",
        "university-transfer-measures",
    ]
    assert base.topics["高新技术企业"].fact_ids == (
        "high-tech-enterprises-total",
        "high-tech-enterprises-new",
    )
    assert base.by_id["rd-investment-total"].change.value == 10
    assert base.meta.year == 2023


def test_toml_syntax_error_names_file_and_line():
    broken = SMALL_FACTS.replace("value = 7565", "value = 7565 家", 1)
    line = SMALL_FACTS.splitlines().index("value = 7565") + 1
    [problem] = problems_of(broken)
    assert problem.startswith(f"f.toml:{line}: TOML syntax error")


def test_missing_required_key():
    text = SMALL_FACTS.replace('label_en = "Technology brokers newly trained"\n', "")
    assert problems_of(text) == [
        f"f.toml:{_line(text, 'tech-brokers-new')}: fact 'tech-brokers-new': "
        "missing required key 'label_en'"
    ]


def test_duplicate_id():
    text = SMALL_FACTS.replace(
        'id = "high-tech-enterprises-new"', 'id = "high-tech-enterprises-total"'
    )
    assert any("duplicate id" in problem for problem in problems_of(text))


def test_unknown_pillar_and_section():
    text = SMALL_FACTS.replace('pillar = 0\nsection = "0.0"', 'pillar = 9\nsection = "9.1"')
    assert any("pillar 9 does not exist" in problem for problem in problems_of(text))
    text = SMALL_FACTS.replace(
        'section = "4.2"\nkind = "policy"', 'section = "4.7"\nkind = "policy"'
    )
    assert any("section '4.7' is not in pillar 4" in problem for problem in problems_of(text))


def test_value_must_be_a_number():
    text = SMALL_FACTS.replace("value = 1133", 'value = "1133"')
    assert any("value must be a number" in problem for problem in problems_of(text))


def test_change_must_be_well_formed():
    text = SMALL_FACTS.replace(
        'change = { value = 10, unit = "%", text = "增长10%" }', 'change = { value = "10%" }'
    )
    found = problems_of(text)
    assert any("change value must be a number" in problem for problem in found)
    assert any("change unit must be text" in problem for problem in found)
    assert any("change text must be text" in problem for problem in found)


def test_value_needs_unit_and_value_text():
    text = SMALL_FACTS.replace('unit = "人"\nvalue_text = "1133人"\n', "")
    found = problems_of(text)
    assert any("a value needs unit" in problem for problem in found)
    assert any("a value needs value_text" in problem for problem in found)


def test_unknown_key_kind_and_bad_id_are_reported():
    text = SMALL_FACTS.replace("value = 3071", "vaule = 3071\nvalue = 3071")
    text = text.replace('kind = "policy"', 'kind = "law"')
    text = text.replace('id = "tech-brokers-new"', 'id = "Tech Brokers"')
    found = problems_of(text)
    assert any("unknown key 'vaule'" in problem for problem in found)
    assert any("kind 'law' is not one of" in problem for problem in found)
    assert any("kebab-case" in problem for problem in found)


def test_every_problem_is_listed_not_only_the_first():
    text = SMALL_FACTS.replace("value = 1133", 'value = "x"').replace(
        'kind = "policy"', 'kind = "law"'
    )
    assert len(problems_of(text)) == 2


def test_missing_meta_and_topics():
    found = problems_of('[pillars.0]\ntitle = "a"\ntitle_en = "b"\nsections = { "0.0" = "c" }\n')
    assert "f.toml: missing [meta] table" in found
    assert "f.toml: missing [topics.NAME] tables" in found


def _line(text: str, fact_id: str) -> int:
    return text[: text.index(f'"{fact_id}"')].count("\n") + 1
