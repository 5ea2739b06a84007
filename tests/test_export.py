import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cqfacts.errors import InvalidArgumentError
from cqfacts.facts.factfile import parse_fact_file
from cqfacts.facts.model import BASES, KINDS, Change, Fact, FactBase, Meta, Pillar, Topic
from cqfacts.facts.records import Source
from cqfacts.facts.values import _is_text
from cqfacts.output.export import CSV_COLUMNS, export


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


# --- property: any valid fact base survives export to TOML and back ------------------


# What a fact file may hold as text: anything with something to show, but no control
# characters, line separators or direction overrides (validation refuses those, and
# text of only blank glyphs or marks).
class _IsText:
    """_is_text, as an object: Hypothesis reads a filter function's source at each use."""

    def __call__(self, text: str) -> bool:
        return _is_text(text)


TEXT = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc",),
        exclude_characters="\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    ),
    min_size=1,
    max_size=12,
).filter(_IsText())
NUMBER = st.integers(-(10**15), 10**15) | st.floats(allow_nan=False, allow_infinity=False)
SIZE = NUMBER.map(abs)  # a change's value: its size, never negative (the verb gives the sign)


def _source(pair: tuple[str, str]) -> Source:
    return Source(*pair)


# Lowercase words joined by hyphens, as r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}" (from_regex
# drew them at some ten times the cost).
FACT_ID = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=6), min_size=1, max_size=3
).map("-".join)
# Made once rather than in each draw: Hypothesis validates a strategy when it is first
# drawn from, which in a draw is every time.
MAYBE_TEXT = st.none() | TEXT
MAYBE_NUMBER = st.none() | NUMBER
MAYBE_CHANGE = st.none() | st.builds(Change, SIZE, TEXT, TEXT)
MAYBE_URL = st.none() | st.just("https://example.org/a")
MAYBE_BASIS = st.none() | st.sampled_from(sorted(BASES))
# A named function, not a lambda: Hypothesis reads a lambda's source to describe it.
SOURCES = st.lists(st.tuples(TEXT, TEXT).map(_source), max_size=2)
TEXTS = st.lists(TEXT, max_size=2)
KIND = st.sampled_from(KINDS)


@st.composite
def fact_bases(draw: st.DrawFn) -> FactBase:
    # A report of one year, or a collection whose facts each give theirs ([meta] year
    # is then the newest); facts from the report itself or from named sources.
    years = draw(st.lists(st.integers(1949, 2100), min_size=1, max_size=3, unique=True))
    meta = Meta(
        draw(TEXT), draw(TEXT), max(years), draw(TEXT), draw(TEXT),
        publisher=draw(MAYBE_TEXT), url=draw(MAYBE_URL), basis=draw(MAYBE_BASIS),
    )  # fmt: skip
    sources = [
        meta.own_source(),
        *draw(SOURCES),
    ]
    pillars = {
        number: Pillar(
            number,
            draw(TEXT),
            draw(TEXT),
            {f"{number}.{k}": draw(TEXT) for k in range(1, 3)},
            {f"{number}.1": draw(TEXT)},
        )
        for number in draw(st.sets(st.integers(0, 6), min_size=1, max_size=2))
    }
    names = draw(st.lists(TEXT, min_size=1, max_size=3, unique=True))
    ids = iter(draw(st.lists(FACT_ID, min_size=3 * len(names), max_size=9, unique=True)))
    topics, facts = {}, []
    for name in names:
        en = draw(TEXT)
        topic_facts = []
        for _ in range(draw(st.integers(1, 3))):
            pillar = draw(st.sampled_from(sorted(pillars)))
            value = draw(MAYBE_NUMBER)
            change = draw(MAYBE_CHANGE) if value else None
            topic_facts.append(
                Fact(
                    id=next(ids),
                    topic=name,
                    topic_en=en,
                    pillar=pillar,
                    section=draw(st.sampled_from(sorted(pillars[pillar].sections))),
                    kind=draw(KIND),
                    label=draw(TEXT),
                    label_en=draw(TEXT),
                    value=value,
                    unit=draw(TEXT) if value is not None else None,
                    value_text=draw(TEXT) if value is not None else draw(MAYBE_TEXT),
                    qualifier=draw(MAYBE_TEXT),
                    change=change,
                    note=draw(MAYBE_TEXT),
                    aliases=tuple(draw(TEXTS)),
                    year=draw(st.sampled_from(years)),
                    report=meta.title,
                    basis=draw(st.sampled_from((meta.basis, *sorted(BASES)))),
                    source=draw(st.sampled_from(sources)),
                )
            )
        aliases = tuple(draw(TEXTS))
        topics[name] = Topic(name, en, aliases, tuple(fact.id for fact in topic_facts))
        facts += topic_facts
    meta = meta._replace(year=max(fact.year for fact in facts))  # the newest, as a file says
    return FactBase(meta=meta, pillars=pillars, topics=topics, facts=tuple(facts))


@pytest.mark.slow
@given(fact_bases())
def test_any_fact_base_exported_as_toml_loads_back_the_same(base):
    again = parse_fact_file(export(base, "toml"), "export.toml")
    assert again.facts == base.facts
    assert again.topics == base.topics
    assert again.pillars == base.pillars
    assert again.meta == base.meta


def test_csv_text_cells_that_a_spreadsheet_would_run_are_neutralised(small):
    """=HYPERLINK(…) in a label is a formula to Excel: text cells starting with = + - @,
    a tab or a carriage return get a leading quote (OWASP); numbers stay numbers."""

    facts = list(small.base.facts)
    facts[0] = facts[0]._replace(
        label='=HYPERLINK("http://evil.example","点击")',
        label_en="+1+1",
        value=-5,
        value_text="-5亿元",
        change=Change(-1.5, "%", "@SUM(1)"),
        note="\tTab",
        qualifier="\rCR",
        aliases=("=1", "ok"),
    )
    base = FactBase(meta=small.base.meta, pillars=small.base.pillars, topics={}, facts=facts)
    rows = list(csv.DictReader(io.StringIO(export(base, "csv")[1:])))
    assert rows[0]["label"] == '\'=HYPERLINK("http://evil.example","点击")'
    assert rows[0]["label_en"] == "'+1+1"
    assert rows[0]["value_text"] == "'-5亿元"
    assert rows[0]["change_text"] == "'@SUM(1)"
    assert rows[0]["note"] == "'\tTab"
    assert rows[0]["qualifier"] == "'\rCR"
    assert rows[0]["aliases"] == "'=1|ok"
    assert (rows[0]["value"], rows[0]["change_value"]) == ("-5", "-1.5")
    assert rows[1]["label"] == facts[1].label  # ordinary text as it is


def test_every_csv_spells_booleans_as_the_json_does():
    """Issue 20 row 17: export's CSV wrote False, list --format csv false."""
    from cqfacts.output import shapes
    from cqfacts.output.export import records_text
    from tests.conftest import SMALL_FACTS

    text = SMALL_FACTS.replace(
        'id = "rd-investment-total"\n', 'id = "rd-investment-total"\ndraft = true\n'
    )
    base = parse_fact_file(text, "f.toml")
    listed = records_text(shapes.facts(base.facts), "csv")
    for written in (export(base, "csv").removeprefix("\ufeff"), listed):
        rows = list(csv.DictReader(io.StringIO(written)))
        assert [row["draft"] for row in rows] == ["true"] + ["false"] * (len(rows) - 1)


def test_export_and_draft_write_toml_with_one_writer(small):
    # Issue 21: draft and export each had a TOML writer, with different key rules.
    from cqfacts.facts import tomlwriter
    from cqfacts.output import export as export_module
    from cqfacts.text import draft

    assert export_module.to_toml is tomlwriter.to_toml
    assert not hasattr(draft, "_toml_value") and not hasattr(export_module, "_toml_value")
    # With a header, the same file laid out for a curator: comments, the same facts.
    laid_out = tomlwriter.to_toml(small.base, header="Drafted")
    assert laid_out.startswith("# Drafted\n\n[meta]\n")
    assert "\n# Pillars and sections\n" in laid_out
    assert parse_fact_file(laid_out, "drafted.toml").facts == small.base.facts
    plain = [line for line in laid_out.splitlines() if line and not line.startswith("#")]
    assert plain == [line for line in export(small.base, "toml").splitlines() if line]
