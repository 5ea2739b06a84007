import pytest

from cqfacts.derive.ranking import rank_by_change, rank_by_value
from cqfacts.errors import InvalidArgumentError
from cqfacts.facts.model import Change
from cqfacts.output.views import BAR_WIDTH


def test_rank_by_change_orders_percentage_growth(small):
    rows = rank_by_change(small.base.facts)
    assert [(row.fact.id, row.value) for row in rows] == [
        ("high-tech-enterprises-total", 19.2),
        ("rd-investment-total", 10),
    ]


def test_rank_by_value_compares_money_in_one_unit(shipped):
    rows = rank_by_value(shipped.base.facts, "亿元")
    assert rows[0].fact.id == "tech-contract-turnover"
    values = [row.value for row in rows]
    assert values == sorted(values, reverse=True)
    converted = next(row for row in rows if row.fact.unit == "万元")
    assert converted.converted is True
    assert converted.value == pytest.approx(converted.fact.value / 1e4)


def test_rank_by_value_in_wan_yuan_converts_yi_yuan_up(shipped):
    top = rank_by_value(shipped.base.facts, "万元")[0]
    assert top.unit == "万元" and top.value == pytest.approx(top.fact.value * 1e4)


def test_unknown_unit_is_an_error_naming_the_units(small):
    with pytest.raises(InvalidArgumentError, match="units: "):
        rank_by_value(small.base.facts, "吨")


def test_a_value_too_large_to_convert_is_left_out(small):
    """1.7e308 亿元 in 元 is infinite, which JSON cannot write and no bar can scale."""

    huge = small.base.by_id["rd-investment-total"]._replace(value=1.7e308)
    assert rank_by_value([huge], "元") == []
    assert rank_by_value([huge], "亿元")[0].value == 1.7e308


def test_a_unit_the_selection_lacks_is_no_error_when_the_base_has_it(small):
    facts = small.base.select(pillar=4)
    assert rank_by_value(facts, "亿元", known=small.base.facts) == []
    with pytest.raises(InvalidArgumentError):
        rank_by_value(facts, "吨", known=small.base.facts)


@pytest.mark.parametrize("value", [1e307, 1.7e308, 10**308])
def test_values_near_the_float_limit_rank_and_draw(small, value):
    """Twenty bar cells times 1e307 overflowed before the division by the largest."""

    from cqfacts.output.views import rank_table
    from tests.helpers import draw

    facts = small.base.facts
    huge = facts[0]._replace(value=value)
    rows = rank_by_value([huge, *facts[1:]], "亿元")
    assert [row.value for row in rows] == [pytest.approx(value)]
    assert "█" * BAR_WIDTH in draw(rank_table(rows, "value"))
    growth = facts[1]._replace(change=facts[1].change._replace(value=value))
    rows = rank_by_change([growth, *facts[2:], facts[0]])
    assert rows[0].value == value
    table = draw(rank_table(rows, "change"))
    assert "█" * BAR_WIDTH in table and "█" * (BAR_WIDTH + 1) not in table


def test_rank_by_change_ranks_a_fall_below_every_rise(small):
    """下降50% is -50%, as show derives it (÷ (1 - 50%)), not +50% growth."""

    from cqfacts.derive.cite import previous_value
    from cqfacts.facts.model import Change

    facts = list(small.base.facts)
    facts[3] = fall = facts[3]._replace(change=Change(50, "%", "下降50%"))
    rows = rank_by_change(facts)
    assert [(row.fact.id, row.value) for row in rows] == [
        ("high-tech-enterprises-total", 19.2),
        ("rd-investment-total", 10),
        ("tech-brokers-new", -50),
    ]
    assert previous_value(fall).value == round(fall.value / (1 + rows[-1].value / 100), 1)


@pytest.mark.parametrize(
    "change",
    [
        Change(-50, "%", "下降50%"),  # built in code: the file check refuses it
        Change(50, "%", "下降50%"),
        Change(50, "%", "同比下滑50%"),
        Change(50, "%", "回落50%"),
    ],
)
def test_a_fall_ranks_and_derives_as_its_text_says(small, change):
    """Issue 20 row 10: value -50 with 下降50% ranked +50 (the sign counted twice) and
    derived the previous value from a rise."""
    from cqfacts.derive.cite import change_text, previous_value

    facts = list(small.base.facts)
    facts[3] = fall = facts[3]._replace(change=change)
    [row] = [row for row in rank_by_change(facts) if row.fact.id == fall.id]
    assert row.value == -50
    derived = previous_value(fall)
    assert derived is not None and derived.value == round(fall.value / 0.5, 1)
    assert "÷ (1 - 50%)" in derived.method
    assert change_text(fall, "en") == "-50%"
