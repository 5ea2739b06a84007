from cqfacts.derive.cite import change_text, citation, previous_value, statement, where
from cqfacts.facts.model import Change


def test_citation_names_report_and_section(small):
    fact = small.base.by_id["high-tech-enterprises-total"]
    assert (
        citation(fact, small.base)
        == "「高新技术企业总数：7565家，增长19.2%（测试报告，四（一））」"
    )
    assert citation(fact, small.base, "en") == (
        "High-tech enterprises (total): 7,565 (+19.2%) (Test report, part 4 (1))"
    )


def test_citation_keeps_the_qualifier(small):
    fact = small.base.by_id["rd-investment-total"]
    assert statement(fact) == "全社会研发投入总量：预计750亿元，增长10%"
    assert where(fact) == "总体情况"
    assert where(fact, "en") == "overview"


def test_named_things_cite_their_name(small):
    fact = small.base.by_id["university-transfer-measures"]
    assert statement(fact) == "高校科技成果转化与产业化若干措施"


def test_previous_value_from_a_percentage_is_derived_and_rounded(small):
    derived = previous_value(small.base.by_id["high-tech-enterprises-total"])
    assert derived is not None
    assert derived.value == round(7565 / 1.192)  # a count of firms: whole
    assert derived.unit == "家"
    assert derived.to_dict()["derived"] is True
    assert "7565 ÷ (1 + 19.2%)" in derived.method


def test_previous_value_from_a_change_in_the_same_unit_subtracts(small):
    fact = small.base.by_id["tech-brokers-new"]._replace(change=Change(100, "人", "增加100人"))
    assert previous_value(fact).value == 1033


def test_a_decrease_adds_back(small):
    fact = small.base.by_id["tech-brokers-new"]._replace(change=Change(10, "%", "下降10%"))
    assert previous_value(fact).value == round(1133 / 0.9)
    assert change_text(fact, "en") == "-10%"


def test_no_previous_value_without_a_usable_change(small):
    assert previous_value(small.base.by_id["tech-brokers-new"]) is None
    fact = small.base.by_id["tech-brokers-new"]._replace(change=Change(2, "小时", "增加2小时"))
    assert previous_value(fact) is None


def test_a_fall_of_a_hundred_percent_or_more_has_no_previous_value(small):
    """It would divide by zero (100%) or give a negative previous value."""
    fact = small.base.by_id["tech-brokers-new"]
    for change in (Change(100, "%", "下降100%"), Change(150, "%", "下降150%")):
        assert previous_value(fact._replace(change=change)) is None
    assert previous_value(fact._replace(change=Change(-100, "%", "增长-100%"))) is None


def test_previous_value_near_the_float_limit_is_none_not_a_crash(small):
    """Integers a float can just hold: their difference may be one it cannot."""
    fact = small.base.by_id["rd-investment-total"]
    for value in (10**308, 1.7e308):
        fall = fact._replace(value=value, change=Change(value, "亿元", "减少"))
        assert previous_value(fall) is None
    rise = fact._replace(value=10**308, change=Change(1, "亿元", "增长"))
    assert previous_value(rise).value == 10**308 - 1  # type: ignore[union-attr]


def test_previous_value_of_a_tiny_figure_keeps_its_digits(small):
    """1.5e-07 has eight decimals, not the five its repr shows after the point."""
    fact = small.base.by_id["rd-investment-total"]._replace(value=1.5e-7)
    derived = previous_value(fact)
    assert derived is not None and derived.value == round(1.5e-7 / 1.1, 9) != 0


def test_a_policy_is_cited_with_what_was_done_with_it(small):
    """Issue 24: a plan being drafted read as a finished document; 制定 as plain issued."""
    from cqfacts.facts.model import Status

    fact = small.base.by_id["university-transfer-measures"]
    drafting = fact._replace(status=Status("drafting", "组织编制"))
    assert statement(drafting) == "组织编制高校科技成果转化与产业化若干措施"
    assert statement(drafting, "en") == (
        "Measures on commercialising university research (高校科技成果转化与产业化若干措施),"
        " being drafted (drafting organized, 组织编制)"
    )
    formulated = fact._replace(status=Status("issued", "制定"), value_text="《若干措施》")
    assert statement(formulated) == "制定《若干措施》"
    assert statement(formulated, "en").endswith(", issued (formulated, 制定)")
