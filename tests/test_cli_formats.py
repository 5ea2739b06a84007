"""--format on search, list, rank and topics: table, json, jsonl, csv, tsv."""

import csv
import io
import json

import pytest

from cqfacts.cli.app import ExitCode

COMMANDS = [
    ["search", "高新技术企业"],
    ["list"],
    ["rank", "--by", "change"],
    ["topics"],
]


@pytest.mark.parametrize("args", COMMANDS)
def test_tsv_and_csv_have_a_header_and_one_record_per_line_id_first(run, args):
    records = json.loads(run(*args, "--json").stdout)
    tsv = run(*args, "--format", "tsv")
    assert tsv.exit_code == ExitCode.FOUND
    lines = tsv.stdout.splitlines()
    assert len(lines) == len(records) + 1
    first = "topic" if args == ["topics"] else "id"
    assert lines[0].split("\t")[0] == first
    assert [line.split("\t")[0] for line in lines[1:]] == [r[first] for r in records]
    rows = list(csv.reader(io.StringIO(run(*args, "-f", "csv").stdout)))
    assert rows[0][0] == first and [row[0] for row in rows[1:]] == [r[first] for r in records]
    assert len({len(row) for row in rows}) == 1  # every row has every column


def test_nested_objects_spread_over_columns(run):
    header, first = run("search", "高新技术企业", "-f", "tsv").stdout.splitlines()[:2]
    cells = dict(zip(header.split("\t"), first.split("\t"), strict=True))
    assert cells["change_text"] == "增长19.2%" and cells["match_how"]
    assert cells["draft"] == "false" and "\ufeff" not in header


def test_json_is_the_short_form_and_jsonl_one_object_a_line(run):
    assert run("list", "--json").stdout == run("list", "--format", "json").stdout
    lines = run("list", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == json.loads(run("list", "--json").stdout)
    both = run("list", "--json", "--format", "csv")
    assert both.exit_code == ExitCode.USAGE_ERROR and "two formats" in both.stderr


def test_csv_and_tsv_cells_cannot_run_as_formulas(run, tmp_path, small_fact_file):
    text = small_fact_file.read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('label = "新培育技术经纪人"', 'label = "=1+2"'), encoding="utf-8")
    for fmt in ("csv", "tsv"):
        out = run("search", "经纪人", "-f", fmt, facts=bad).stdout
        assert "'=1+2" in out


def test_fzf_recipe_first_field_is_what_show_takes(run):
    line = run("search", "经纪人", "-f", "tsv").stdout.splitlines()[1]
    shown = run("show", line.split("\t")[0], "--json")
    assert json.loads(shown.stdout)["id"] == "tech-brokers-new"


def test_nothing_found_in_a_format_exits_1(run):
    result = run("search", "banana", "-f", "jsonl")
    assert (result.exit_code, result.stdout) == (ExitCode.NOTHING_FOUND, "")
