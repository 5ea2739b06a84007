from cqfacts.facts.model import FACT_KEYS, Change, Fact, parse_pillar_number, section_label
from cqfacts.facts.records import Source


def _fact(**overrides) -> Fact:
    fields = dict(
        id="x",
        topic="话题",
        topic_en="Topic",
        pillar=4,
        section="4.1",
        kind="figure",
        label="标签",
        label_en="Label",
    )
    return Fact(**{**fields, **overrides})


def test_section_label_numbers_like_the_report():
    assert section_label("4.1") == "四（一）"
    assert section_label("6.4") == "六（四）"
    assert section_label("0.0") == "总体情况"


def test_parse_pillar_number_accepts_digits_numerals_and_full_width():
    assert parse_pillar_number("4") == 4
    assert parse_pillar_number("四") == 4
    assert parse_pillar_number("４") == 4
    assert parse_pillar_number("〇") == 0
    assert parse_pillar_number("six") is None


def test_parse_pillar_number_refuses_what_int_would_stretch_to():
    for text in ("0_4", "-1", "+4", "4.0", "²", "1" * 5000):
        assert parse_pillar_number(text) is None, text


def test_figure_puts_a_separate_qualifier_before_the_text():
    assert _fact(value_text="750亿元", qualifier="预计").figure == "预计750亿元"
    assert _fact(value_text="近1000名", qualifier="近").figure == "近1000名"
    assert _fact().figure == ""


def test_to_dict_has_the_contract_keys_with_null_where_absent():
    record = _fact(change=Change(19.2, "%", "增长19.2%"), aliases=("a",)).to_dict()
    assert tuple(record) == FACT_KEYS
    assert record["value"] is None
    assert record["change"] == {"value": 19.2, "unit": "%", "text": "增长19.2%"}
    assert record["aliases"] == ["a"]


def test_get_names_the_nearest_ids_of_an_unknown_one(small):
    import pytest

    from cqfacts.errors import UnknownFactError

    assert small.base.get("tech-brokers-new").value == 1133
    with pytest.raises(UnknownFactError) as caught:
        small.base.get("tech-broker-new")
    assert caught.value.suggestions[0] == "tech-brokers-new"


def test_select_narrows_by_pillar_kind_and_topic(small):
    assert [f.id for f in small.base.select(pillar=0)] == ["rd-investment-total"]
    assert [f.id for f in small.base.select(kind="policy")] == ["university-transfer-measures"]
    assert [f.id for f in small.base.select(topic="TECHNOLOGY BROKERS")] == ["tech-brokers-new"]
    assert small.base.select(pillar=0, kind="policy") == []
    assert len(small.base.select()) == 5
    assert small.base.select(topic="") == []  # an empty topic names none


def _every_field_set() -> Fact:
    from cqfacts.facts.model import Status

    return _fact(
        value=7565, unit="家", value_text="7565家", qualifier="累计",
        change=Change(19.2, "%", "增长19.2%"), note="注", aliases=("a", "b"),
        status=Status("issued", "印发实施"), draft=True, line=3, column=17,
        year=2023, report="标题",  # from [meta]: the base below is of that report
        basis="final",
        source=Source("标题", "出版者", "2024-01", "https://example.org/", "2024-02-01"),
        former_ids=("old-id",),
    )  # fmt: skip


def test_every_declared_field_round_trips_through_cache_rows_json_csv_and_toml(tmp_path):
    """One declaration (model.FIELDS) drives every format: a field added there
    appears in each, with no other edit."""
    import csv
    import io
    import json

    from cqfacts.facts.model import FIELDS, FactBase, Meta, Pillar, Topic, fact_from_row, fact_row
    from cqfacts.output.export import CSV_COLUMNS, export
    from cqfacts.store.loader import load

    fact = _every_field_set()
    assert all(getattr(fact, name) not in (None, ()) for name in FIELDS)
    assert fact_from_row(fact_row(fact)) == fact
    record = fact.to_dict()
    assert tuple(record) == FACT_KEYS == tuple(FIELDS)
    base = FactBase(
        meta=Meta(
            "标题",
            "Title",
            2023,
            "重庆市",
            "source",
            "出版者",
            "2024-01",
            "https://example.org/",
            "2024-02-01",
            basis="final",
        ),
        pillars={4: Pillar(4, "四", "Four", {"4.1": "一"}, {"4.1": "One"})},
        topics={"话题": Topic("话题", "Topic", (), ("x",))},
        facts=(fact,),
    )
    assert json.loads(export(base, "json")) == [record]
    [row] = csv.DictReader(io.StringIO(export(base, "csv").lstrip("\ufeff")))
    assert tuple(row) == CSV_COLUMNS
    assert (row["status_state"], row["change_text"], row["aliases"]) == (
        "issued",
        "增长19.2%",
        "a|b",
    )
    path = tmp_path / "all.toml"
    path.write_text(export(base, "toml"), encoding="utf-8")
    for cache_dir in (None, tmp_path / "cache", tmp_path / "cache"):
        loaded = load(path, cache_dir=cache_dir)
        assert list(loaded.base.facts) == [fact]
    assert loaded.from_cache


def test_a_status_outside_the_documented_states_is_a_problem():
    from cqfacts.errors import FactFileError
    from cqfacts.facts.factfile import parse_fact_file
    from tests.conftest import SMALL_FACTS

    document = 'value_text = "高校科技成果转化与产业化若干措施"'
    status = 'status = { state = "done", text = "出台" }'
    text = SMALL_FACTS.replace(document, f"{document}\n{status}")
    try:
        parse_fact_file(text, "x.toml")
    except FactFileError as error:
        messages = [problem.message for problem in error.problems]
    else:
        messages = []
    assert messages == [
        "status state 'done' is not one of issued, approved, drafting, revised, pursued"
    ]
