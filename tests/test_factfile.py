import pytest
from hypothesis import given

from cqfacts.errors import FactFileError, InvalidFactFileError, Problem
from cqfacts.facts.factfile import parse_fact_file
from tests.conftest import SMALL_FACTS
from tests.helpers import broken_files, line_of


def problems_of(text: str) -> list[str]:
    return [str(problem) for problem in problem_records(text)]


def problem_records(text: str) -> list[Problem]:
    with pytest.raises(FactFileError) as caught:
        parse_fact_file(text, "f.toml")
    return caught.value.problems


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


def test_duplicate_id_points_at_the_second_fact_and_names_the_first():
    text = SMALL_FACTS.replace(
        'id = "high-tech-enterprises-new"', 'id = "high-tech-enterprises-total"'
    )
    first = line_of(text, 'id = "high-tech-enterprises-total"')
    second = line_of(text, 'id = "high-tech-enterprises-total"', 1)
    assert problem_records(text) == [
        Problem(
            "f.toml",
            f"duplicate id (the first fact with it is on line {first})",
            second,
            "high-tech-enterprises-total",
            "id",
        )
    ]


def test_each_problem_names_the_fact_the_field_and_the_line_of_the_key():
    """The faults users make by hand, all in one file: every one is listed."""
    text = (
        SMALL_FACTS.replace("pillar = 0", "pillar = 11")
        .replace("value = 3071", 'value = "lots"')
        .replace('section = "4.2"\nkind = "policy"', 'section = "4.9"\nkind = "policy"')
        .replace(
            'value_text = "高校科技成果转化与产业化若干措施"',
            'change = { value = 1, unit = "%", text = "增长1%" }',
        )
    )
    found = {(p.fact, p.field): (p.line, p.message) for p in problem_records(text)}
    assert found == {
        ("rd-investment-total", "pillar"): (
            line_of(text, "pillar = 11"),
            "pillar 11 does not exist (known: [0, 4])",
        ),
        ("high-tech-enterprises-new", "value"): (
            line_of(text, 'value = "lots"'),
            "value must be a number, not 'lots'",
        ),
        ("university-transfer-measures", "section"): (
            line_of(text, 'section = "4.9"'),
            "section '4.9' is not in pillar 4 (4.1, 4.2)",
        ),
        ("university-transfer-measures", "change"): (
            line_of(text, "change = { value = 1,"),
            "a change needs a value to change",
        ),
    }


@pytest.mark.parametrize("number", ["nan", "inf", "-inf"])
def test_values_must_be_finite(number):
    text = SMALL_FACTS.replace("value = 1133", f"value = {number}")
    [problem] = problem_records(text)
    assert (problem.fact, problem.field) == ("tech-brokers-new", "value")


def test_a_byte_order_mark_is_not_an_error(tmp_path):
    from cqfacts.store.loader import load

    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + SMALL_FACTS.encode())
    assert len(load(path, cache_dir=None).base.facts) == 5


def test_a_syntax_error_at_the_end_names_the_last_line():
    text = SMALL_FACTS + 'note = """unterminated\n\n'
    [problem] = problem_records(text)
    assert problem.line == text.count("\n") + 1
    assert problem.message == "TOML syntax error: Unterminated string"


def test_arrays_nested_too_deeply_are_a_problem_not_a_crash():
    [problem] = problem_records("a = " + "[" * 100_000)
    assert problem.message == "TOML nested too deeply to read"


def test_a_file_that_breaks_the_rules_raises_invalid_fact_file_error():
    with pytest.raises(InvalidFactFileError):
        parse_fact_file(SMALL_FACTS.replace("value = 1133", 'value = "x"'), "f.toml")


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


# --- fuzz: hand-edited fact files ------------------------------------------------------


@given(broken_files())
def test_every_broken_fact_is_reported_by_id_field_and_line(case):
    text, fact_id, field, line = case
    with pytest.raises(InvalidFactFileError) as caught:
        parse_fact_file(text, "f.toml")
    reported = [(p.fact, (p.field or "").partition(".")[0], p.line) for p in caught.value.problems]
    if fact_id is None:  # the id itself is unusable: the fact is named by its topic
        assert any(field == "id" and problem_line == line for _, field, problem_line in reported)
    else:
        assert (fact_id, field, line) in reported, reported


# --- values a float cannot hold, numbers int() will not read, text a terminal obeys ----


def test_numbers_a_float_cannot_hold_are_refused():
    """Rankings and derived values compute in floats: 10**400 would crash them."""
    huge = "1" + "0" * 400
    text = SMALL_FACTS.replace("value = 1133", f"value = {huge}")
    text = text.replace("change = { value = 10,", f"change = {{ value = {huge},")
    found = {(p.fact, p.field): p.message for p in problem_records(text)}
    assert set(found) == {("tech-brokers-new", "value"), ("rd-investment-total", "change.value")}
    assert found["tech-brokers-new", "value"] == (
        "value must be a finite number a float can hold (no nan, inf or 309-digit integers)"
    )


def test_a_long_wrong_value_is_shown_cut():
    text = SMALL_FACTS.replace("value = 1133", f'value = "{"x" * 500}"')
    [problem] = problem_records(text)
    assert problem.message == f"value must be a number, not '{'x' * 59}…"


@pytest.mark.parametrize(
    ("old", "new"),
    [("value = 1133", "value = 1{zeros}"), ("year = 2023", "year = 1{zeros}")],
)
def test_a_number_too_long_for_int_is_a_problem_on_its_line(old, new):
    text = SMALL_FACTS.replace(old, new.format(zeros="0" * 5000))
    [problem] = problem_records(text)
    assert problem.message == "TOML syntax error: a number too long to read"
    assert problem.line == line_of(text, new.format(zeros="000"))


def test_pillar_and_section_numbers_have_at_most_four_digits():
    long = "9" * 5000
    text = SMALL_FACTS.replace("[pillars.0]", f"[pillars.{long}]")
    text = text.replace('"4.2" = "科技成果加快落地转化"', f'"4.{long}" = "科技成果加快落地转化"')
    fields = {p.field for p in problem_records(text)}
    assert {f"pillars.{long}", "pillars.4.sections"} <= fields


@pytest.mark.parametrize("key", ["04", "004", "0004", "00"])
def test_a_pillar_number_with_leading_zeros_is_refused(key):
    """[pillars.04] and [pillars.4] would fold into one pillar 4 without a word."""
    pillar = "0" if key == "00" else "4"
    text = SMALL_FACTS.replace(f"[pillars.{pillar}]", f"[pillars.{key}]").replace(
        f'"{pillar}.', f'"{key}.'
    )
    problems = problem_records(text)
    assert (problems[0].field, problems[0].message) == (
        f"pillars.{key}",
        f"pillar key {key!r} has a leading zero (write {pillar})",
    )
    assert problems[0].line == line_of(text, f"[pillars.{key}]")


def test_two_pillar_keys_for_one_number_are_refused():
    text = (
        SMALL_FACTS + '\n[pillars.04]\ntitle = "x"\ntitle_en = "x"\nsections = { "04.3" = "y" }\n'
    )
    fields = [p.field for p in problem_records(text)]
    assert fields == ["pillars.04"]


def test_a_section_number_with_leading_zeros_is_refused():
    """4.01 and 4.1 both read as 四（一）."""
    text = SMALL_FACTS.replace('"4.2" = "科技成果', '"4.02" = "科技成果')
    messages = [p.message for p in problem_records(text) if p.field == "pillars.4.sections"]
    assert messages == ["pillar 4: section '4.02' is not of the form 4.K (K without leading zeros)"]


def test_sections_en_may_only_translate_sections_that_exist():
    text = SMALL_FACTS.replace('"4.2" = "Commercialising results"', '"4.9" = "Nowhere"')
    [problem] = problem_records(text)
    assert (problem.field, problem.message) == (
        "pillars.4.sections_en",
        "pillar 4: sections_en has '4.9', which is not in sections",
    )


def test_the_year_must_be_a_year():
    [problem] = problem_records(SMALL_FACTS.replace("year = 2023", "year = -5"))
    assert (problem.field, problem.message) == (
        "meta.year",
        "[meta] year must be a year from 1949 to 2100, not -5",
    )


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ('"基金\\u001b]0;pwned\\u0007规模"', "holds a control character ('\\x1b')"),
        ('"基金\\r规模"', "holds a control character ('\\r')"),
        ('"基金\\u202e规模"', "holds a control character ('\\u202e')"),
        ('"\\u200b"', "must be non-empty text"),
        ('"   "', "must be non-empty text"),
        # Blank glyphs and marks with nothing to mark: they show nothing at all.
        ('"\\u3164"', "must be non-empty text"),
        ('"\\u3164\\u3164"', "must be non-empty text"),
        ('"\\u2800"', "must be non-empty text"),
        ('"\\ufe0f"', "must be non-empty text"),
        ('"\\u0301\\u20e3"', "must be non-empty text"),
        ('"\\uffa0\\u115f\\u1160"', "must be non-empty text"),
        # Line and paragraph separators break a line wherever text is shown.
        ('"基金\\u2028规模"', "holds a control character ('\\u2028')"),
        ('"基金\\u2029规模"', "holds a control character ('\\u2029')"),
    ],
)
def test_text_that_would_drive_a_terminal_or_show_nothing_is_refused(text, fault):
    broken = SMALL_FACTS.replace('label = "新培育技术经纪人"', f"label = {text}")
    [problem] = problem_records(broken)
    assert (problem.fact, problem.field) == ("tech-brokers-new", "label")
    assert problem.message == f"label {fault}"


def test_control_characters_are_refused_in_every_kind_of_text():
    text = (
        SMALL_FACTS.replace('title = "测试报告"', 'title = "测试\\u0007报告"')
        .replace('en = "Technology brokers"', 'en = "Technology\\u001bbrokers"')
        .replace('aliases = ["高企"]', 'aliases = ["高\\u0000企"]')
        .replace('text = "增长10%"', 'text = "增长\\u009b10%"')
    )
    fields = {p.field for p in problem_records(text)}
    assert fields == {
        "meta.title",
        "topics.技术经纪人.en",
        "topics.高新技术企业.aliases",
        "change.text",
    }


def test_text_with_a_visible_character_beside_blank_ones_is_text():
    text = SMALL_FACTS.replace('label = "新培育技术经纪人"', 'label = "❤\\ufe0f\\u2800技术"')
    assert parse_fact_file(text, "f.toml").by_id["tech-brokers-new"].label == "❤\ufe0f\u2800技术"


def test_an_id_with_a_trailing_newline_is_not_kebab_case():
    text = SMALL_FACTS.replace('id = "tech-brokers-new"', 'id = "tech-brokers-new\\n"')
    [problem] = problem_records(text)
    assert problem.message == "id must be lowercase ASCII kebab-case"


# --- sizes: a valid file's work is bounded per fact and in all -----------------------


def test_a_label_over_the_length_limit_is_refused_quickly():
    """A 5M-character label once took minutes and gigabytes to index."""
    from cqfacts.facts.values import MAX_NAME_LENGTH

    assert parse_fact_file(SMALL_FACTS.replace("新培育技术经纪人", "技" * MAX_NAME_LENGTH), "f")
    text = SMALL_FACTS.replace("新培育技术经纪人", "技" * 5_000_000)
    [problem] = problem_records(text)
    line = line_of(text, 'label = "技')
    assert (problem.fact, problem.field, problem.line) == ("tech-brokers-new", "label", line)
    assert problem.message == "label is 5,000,000 characters long (at most 500)"


@pytest.mark.parametrize(
    ("old", "new", "fact", "field"),
    [
        ('label_en = "Technology brokers newly trained"', 'label_en = "{long}"',
         "tech-brokers-new", "label_en"),
        ('value_text = "1133人"', 'value_text = "{long}"', "tech-brokers-new", "value_text"),
        ('unit = "人"', 'unit = "{long}"', "tech-brokers-new", "unit"),
        ('qualifier = "预计"', 'qualifier = "{long}"', "rd-investment-total", "qualifier"),
        ('text = "增长10%"', 'text = "{long}"', "rd-investment-total", "change.text"),
        ('unit = "%", text = "增长10%"', 'unit = "{long}", text = "增长10%"',
         "rd-investment-total", "change.unit"),
        ('value_text = "1133人"', 'value_text = "1133人"\nnote = "{note}"',
         "tech-brokers-new", "note"),
        ('value_text = "1133人"', 'value_text = "1133人"\naliases = ["{long}"]',
         "tech-brokers-new", "aliases"),
        ('value_text = "1133人"', 'value_text = "1133人"\naliases = [{many}]',
         "tech-brokers-new", "aliases"),
        ('id = "tech-brokers-new"', 'id = "{long_id}"', "{long_id}", "id"),
    ],
)  # fmt: skip
def test_each_text_of_a_fact_has_a_length_limit(old, new, fact, field):
    from cqfacts.facts.values import MAX_ALIASES, MAX_NAME_LENGTH, MAX_NOTE_LENGTH

    values = {
        "long": "x" * (MAX_NAME_LENGTH + 1),
        "note": "x" * (MAX_NOTE_LENGTH + 1),
        "many": ", ".join(f'"a{n}"' for n in range(MAX_ALIASES + 1)),
        "long_id": "x" * (MAX_NAME_LENGTH + 1),
    }
    text = SMALL_FACTS.replace(old, new.format(**values), 1)
    [problem] = problem_records(text)
    assert (problem.fact, problem.field) == (fact.format(**values), field)
    assert "at most" in problem.message
    fitting = {
        "long": "x" * MAX_NAME_LENGTH,
        "note": "x" * MAX_NOTE_LENGTH,
        "many": ", ".join(f'"a{n}"' for n in range(MAX_ALIASES)),
        "long_id": "x" * MAX_NAME_LENGTH,
    }
    assert parse_fact_file(SMALL_FACTS.replace(old, new.format(**fitting), 1), "f.toml")


def test_names_of_topics_pillars_sections_and_the_report_have_a_length_limit():
    long = "x" * 501
    text = (
        SMALL_FACTS.replace('en = "Technology brokers"', f'en = "{long}"')
        .replace('aliases = ["R&D spending"]', f'aliases = ["{long}"]')
        .replace('title_en = "Enterprises as innovators"', f'title_en = "{long}"')
        .replace('"4.2" = "Commercialising results"', f'"4.2" = "{long}"')
        .replace('"0.0" = "总体情况"', f'"0.0" = "{long}"')
        .replace('region = "重庆市"', f'region = "{long}"')
        .replace('source = "A tiny fact file for tests"', f'source = "{long * 4}"')
        .replace('[topics."成果转化政策"]', f'[topics."{long}"]')
        .replace('[[topics."成果转化政策".facts]]', f'[[topics."{long}".facts]]')
    )
    fields = sorted(p.field for p in problem_records(text))
    assert fields == sorted(
        [
            "meta.region",
            "meta.source",
            "pillars.0.sections",
            "pillars.4.sections_en",
            "pillars.4.title_en",
            "topics.技术经纪人.en",
            "topics.研发投入.aliases",
            f"topics.{long}",
        ]
    )


def test_too_many_facts_pillars_or_sections_is_one_problem(monkeypatch):
    from cqfacts.facts import factfile

    monkeypatch.setattr(factfile, "MAX_FACTS", 4)
    [problem] = problem_records(SMALL_FACTS)
    assert (problem.field, problem.message) == (
        "topics",
        "5 facts: a fact file holds at most 4",
    )
    monkeypatch.setattr(factfile, "MAX_FACTS", 5)
    assert parse_fact_file(SMALL_FACTS, "f.toml")
    monkeypatch.setattr(factfile, "MAX_SECTIONS", 2)
    [problem] = problem_records(SMALL_FACTS)
    assert (problem.field, problem.message) == (
        "pillars",
        "3 sections: a fact file holds at most 2",
    )
    monkeypatch.setattr(factfile, "MAX_PILLARS", 1)
    assert [p.message for p in problem_records(SMALL_FACTS)] == [
        "2 pillars: a fact file holds at most 1"
    ]


@pytest.mark.parametrize("text", ["下降10%", "增长10%", "10%"])
def test_a_negative_change_value_is_refused_whatever_its_text(text):
    """Issue 20 row 10: value = -50 with text 下降50% was a fall read twice (a rise).
    One rule: the value is the size as written, the text's verb gives the direction."""
    found = problem_records(
        SMALL_FACTS.replace(
            'change = { value = 10, unit = "%", text = "增长10%" }',
            f'change = {{ value = -10, unit = "%", text = "{text}" }}',
        )
    )
    assert [(problem.fact, problem.field) for problem in found] == [
        ("rd-investment-total", "change.value")
    ]
    assert "never negative" in str(found[0]) and "下降10%" in str(found[0])


def test_a_fall_is_written_as_its_size_with_a_decrease_verb():
    base = parse_fact_file(
        SMALL_FACTS.replace(
            'change = { value = 10, unit = "%", text = "增长10%" }',
            'change = { value = 10, unit = "%", text = "同比下降10%" }',
        ),
        "f.toml",
    )
    change = base.by_id["rd-investment-total"].change
    assert change is not None and change.signed_value == -10
