import csv
import io
import json

import pytest

from cqfacts.errors import InvalidArgumentError
from cqfacts.export import CSV_COLUMNS, export
from cqfacts.factfile import parse_fact_file


def test_json_is_an_array_of_fact_objects(small):
    records = json.loads(export(small.base, "json"))
    assert [record["id"] for record in records] == [fact.id for fact in small.base.facts]
    assert "\\u" not in export(small.base, "json")  # Chinese stays readable


def test_jsonl_has_one_object_per_line(small):
    lines = export(small.base, "jsonl").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [fact.id for fact in small.base.facts]


def test_csv_starts_with_a_bom_and_flattens_change(small):
    text = export(small.base, "csv")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1]["change_value"] == "19.2"
    assert rows[1]["value_text"] == "7565家"
    assert rows[4]["value"] == ""


def test_toml_export_loads_back_to_the_same_facts(shipped):
    again = parse_fact_file(export(shipped.base, "toml"), "export.toml")
    assert again.facts == shipped.base.facts
    assert again.topics == shipped.base.topics
    assert again.pillars == shipped.base.pillars
    assert again.meta == shipped.base.meta


def test_unknown_format(small):
    with pytest.raises(InvalidArgumentError):
        export(small.base, "xml")
