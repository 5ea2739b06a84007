import pytest

from cqfacts.errors import InvalidArgumentError
from cqfacts.ranking import rank_by_change, rank_by_value


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
