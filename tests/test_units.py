"""The one table of units (cqfacts.facts.units): each module that knows a unit reads
it there, so a query, a ranking, the English and a draft agree on what 亿元 is."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from cqfacts.derive import english, ranking
from cqfacts.facts import units
from cqfacts.facts.model import Fact
from cqfacts.search.quantities import read_quantity, unit_of
from cqfacts.text.figures import read_figures

SRC = Path(units.__file__).resolve().parents[1]


def _fact(value: float, unit: str) -> Fact:
    return Fact(
        id=f"f-{unit}", topic="t", topic_en="t", pillar=0, section="0.0", kind="figure",
        label="l", label_en="l", value=value, unit=unit, value_text=f"{value}{unit}",
    )  # fmt: skip


def test_the_table_is_literals_only():
    # On the query path: no import, no code run beyond building its literals.
    tree = ast.parse(Path(units.__file__).read_text(encoding="utf-8"))
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    assert not [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


@pytest.mark.parametrize(
    "module",
    ["search/quantities.py", "derive/ranking.py", "derive/english.py", "text/figures.py"],
)
def test_no_other_module_spells_out_a_scale_of_its_own(module):
    # Before issue 21 each of these had its own {"万元": 1e4 …} or list of units.
    text = (SRC / module).read_text(encoding="utf-8")
    assert "from cqfacts.facts.units import" in text
    for spelled in ('"万元": ', '"亿元": ', '"万": 1e4', '"个百分点", "百分点"'):
        assert spelled not in text, (module, spelled)


@pytest.mark.parametrize("unit", [unit for unit in units.QUERY_UNITS if unit != "%"])
def test_every_unit_a_query_writes_reads_with_its_family_and_scale(unit):
    quantity = read_quantity(f"企业 3{unit}")
    assert quantity is not None and quantity.written == 3
    family, scale = unit_of(unit) or ("", 0.0)
    assert quantity.family == family and quantity.scale == scale
    myriad = units.MYRIADS.get(unit[0], 1.0) if len(unit) > 1 else 1.0
    assert scale == myriad


@pytest.mark.parametrize("unit", sorted(units.MONEY))
def test_money_is_the_same_size_to_the_query_the_ranking_and_the_english(unit):
    size = units.MONEY[unit]
    assert unit_of(unit) == ("元", float(size))
    [ranked] = ranking.rank_by_value([_fact(2, unit)], "元")
    assert ranked.value == 2 * size
    assert english.amount(2, unit) == english.money(Decimal(2 * size))


def test_a_count_in_ten_thousands_is_scaled_by_the_tables_myriad():
    assert english.amount(1.3, "万台/套") == "13,000 units/sets"
    assert unit_of("万人") == ("人", units.MYRIADS["万"])


# 3千瓦时 reads as 3千(multiplier) + 瓦, the 时 left over: found while writing this test
# (issue 21 moved the table, it changes no reading); kept visible, not fixed here.
_KNOWN_MISREAD = pytest.mark.xfail(reason="千 is read as a multiplier", strict=True)


@pytest.mark.parametrize(
    "unit",
    [
        pytest.param(unit, marks=_KNOWN_MISREAD) if unit == "千瓦时" else unit
        for unit in units.MEASURE_WORDS + units.LATIN_UNITS
    ],
)
def test_every_measure_word_in_the_table_is_read_as_a_figures_unit(unit):
    [figure] = read_figures(f"新增3{unit}。")
    assert figure.unit == unit and figure.value == 3


@pytest.mark.parametrize("multiplier", units.MULTIPLIERS)
def test_every_multiplier_in_the_table_is_part_of_a_figures_unit(multiplier):
    [figure] = read_figures(f"产值3{multiplier}元。")
    assert figure.unit == f"{multiplier}元"
