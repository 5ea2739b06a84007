"""A renamed id keeps working: ``former_ids`` (issue 24 shortened ids that did not fit
a 50-column line, and one ending in initials)."""

from __future__ import annotations

import json

import pytest

from cqfacts.errors import FactFileError, UnknownFactError
from cqfacts.facts.factfile import parse_fact_file
from cqfacts.facts.model import merge_bases
from cqfacts.store.loader import load
from tests.conftest import SMALL_FACTS

OLD = "chengdu-chongqing-comprehensive-science-centre-plan"
NEW = "chengdu-chongqing-science-centre-plan"


def _renamed(former: str) -> str:
    """The small fact file with tech-brokers-new once named ``former``."""
    return SMALL_FACTS.replace(
        'id = "tech-brokers-new"\n', f'id = "tech-brokers-new"\nformer_ids = ["{former}"]\n'
    )


def test_a_former_id_finds_the_fact():
    base = parse_fact_file(_renamed("new-tech-brokers"), "small.toml")
    assert base.get("new-tech-brokers").id == "tech-brokers-new"
    assert base.get("NEW-TECH-BROKERS", year=base.meta.year).id == "tech-brokers-new"
    assert [fact.id for fact in base.points("new-tech-brokers")] == ["tech-brokers-new"]
    with pytest.raises(UnknownFactError):
        base.get("old-tech-brokers")


def test_a_former_id_is_followed_from_the_cache_building_only_its_fact(tmp_path):
    """A miss looks the former ids up in the entry's keys: before, it built every fact
    (0.3 s on a base of 26,000)."""
    path = tmp_path / "small.toml"
    path.write_text(_renamed("new-tech-brokers"), encoding="utf-8")
    load(path, cache_dir=tmp_path / "cache")
    base = load(path, cache_dir=tmp_path / "cache").base
    assert [fact.id for fact in base.points("New-Tech-Brokers")] == ["tech-brokers-new"]
    assert base.renamed == {"new-tech-brokers": "tech-brokers-new"}
    built = [fact for fact in base.facts._made if fact is not None]  # type: ignore[attr-defined]
    assert [fact.id for fact in built] == ["tech-brokers-new"]
    # Merged with another report, the former id is still followed.
    earlier = parse_fact_file(SMALL_FACTS.replace("year = 2023", "year = 2022"), "2022.toml")
    merged = merge_bases([base, earlier])
    assert merged.renamed == base.renamed
    assert merged.keys.former_ids.count(("new-tech-brokers",)) == 1


@pytest.mark.parametrize(
    ("former", "fault"),
    [
        ("high-tech-enterprises-total", "former id 'high-tech-enterprises-total' is the id"),
        ("Not An Id", "former_ids must be a list of ids"),
    ],
)
def test_validate_refuses_a_former_id_that_is_an_id_or_no_id(former, fault):
    with pytest.raises(FactFileError) as caught:
        parse_fact_file(_renamed(former), "small.toml")
    assert fault in str(caught.value)


def test_show_takes_a_shipped_former_id(run):
    result = run("show", OLD, "--json", facts=None)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["id"], record["former_ids"]) == (NEW, [OLD])
    table = run("show", OLD, facts=None).stdout
    assert f"id        {NEW}" in table and f"formerly  {OLD}" in table
