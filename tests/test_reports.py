"""Several reports loaded together (issue 12, "Several reports, one indicator across
years"): fact files drafted from the real texts in ../shared/samples, curated here."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cqfacts.errors import FactFileError, InvalidArgumentError, UnknownFactError
from cqfacts.search.engine import search
from cqfacts.store.loader import (
    Loaded,
    fact_paths,
    load,
    load_many,
    paths_from_environment,
    shipped_fact_path,
    shipped_fact_paths,
)
from cqfacts.text.draft import draft_report

# The shipped 2023 work summary alone ("+" is every shipped file).
REPORT_2023 = str(shipped_fact_path())

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
REVIEW_2024 = SAMPLES / "2025-press-conference-review.txt"  # the 14th plan and 2024
REVIEW_2020 = SAMPLES / "2021-sci-tech-daily-review.txt"  # the 13th plan and 2020
TURNOVER = "tech-contract-turnover"


def _sample(path: Path) -> str:
    if not path.is_file():
        pytest.skip(f"the shared sample texts are not at {SAMPLES}")
    return path.read_text(encoding="utf-8")


def curated_2024(*, checked: bool = True) -> str:
    """The 2025 press review drafted as the 2024 report, its technology contract
    turnover (974.24亿元, 2024) given the shipped report's id for that indicator, and
    (``checked``) its facts marked checked, as a curator leaves them."""
    drafted = draft_report(_sample(REVIEW_2024), year=2024, title="2024年重庆科技创新回顾")
    [turnover] = [fact for fact in drafted.facts if fact["value_text"] == "974.24亿元"]
    text = drafted.to_toml()
    curated = text.replace(f'id = "{turnover["id"]}"', f'id = "{TURNOVER}"')
    assert curated.count(f'id = "{TURNOVER}"') == 1
    return curated.replace("draft = true\n", "") if checked else curated


def test_a_draft_never_outranks_a_checked_fact(tmp_path, cache_dir):
    """An unchecked 2024 draft beside the checked 2023 report: the indicator answers
    with the checked figure; the draft is there for its year, marked."""
    path = tmp_path / "draft-2024.toml"
    path.write_text(curated_2024(checked=False), encoding="utf-8")
    loaded = load_many([REPORT_2023, path], cache_dir=cache_dir)
    base = loaded.base
    assert (base.get(TURNOVER).year, base.get(TURNOVER).draft) == (2023, False)
    assert base.get(TURNOVER, 2024).draft
    [match] = [m for m in search(base, loaded.index, "技术合同成交额") if m.fact.id == TURNOVER]
    assert match.fact.year == 2023 and match.years == (2023, 2024)


def curated_2020() -> str:
    return draft_report(_sample(REVIEW_2020), year=2020, title="2020年重庆科技创新回顾").to_toml()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    paths = {"2024": folder / "2024.toml", "2020": folder / "2020.toml"}
    paths["2024"].write_text(curated_2024(), encoding="utf-8")
    paths["2020"].write_text(curated_2020(), encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the module: the shipped file is indexed once, not per test."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def two(files: dict[str, Path], cache_dir: Path) -> Loaded:
    """The shipped 2023 report and the 2024 one."""
    return load_many([REPORT_2023, files["2024"]], cache_dir=cache_dir)


def test_each_fact_carries_its_reports_year_and_title(two):
    years = {(fact.year, fact.report) for fact in two.base.facts}
    assert years == {(2024, "2024年重庆科技创新回顾"), (2023, "2023年重庆市科技工作总结")}
    assert [meta.year for meta in two.base.reports] == [2024, 2023]  # newest first
    assert two.base.meta.year == 2024
    assert two.base.years == [2023, 2024]


def test_search_answers_an_indicator_once_with_its_years(two):
    """One row per indicator, its latest year's fact, saying which years hold it; every
    year's fact with all_years."""
    matches = search(two.base, two.index, "技术合同成交额", limit=5)
    [turnover] = [match for match in matches if match.fact.id == TURNOVER]
    assert (turnover.fact.year, turnover.fact.value_text) == (2024, "974.24亿元")
    assert turnover.years == (2023, 2024)


def test_a_number_asked_for_is_answered_by_the_fact_that_holds_it(two):
    """865.1 is 2023's turnover: answered by that fact, not by the indicator's latest
    year (974.24亿元), which holds another number; the words alone still give the latest."""
    for query in ("865.1", "865.1亿元", "86.51", "技术合同成交额865.1亿元"):
        [turnover] = [m for m in search(two.base, two.index, query) if m.fact.id == TURNOVER]
        assert (turnover.fact.year, turnover.fact.value_text) == (2023, "865.1亿元"), query
        assert turnover.years == (2023, 2024)
    [latest] = [m for m in search(two.base, two.index, "技术合同成交额") if m.fact.id == TURNOVER]
    assert latest.fact.year == 2024


def test_search_finds_the_indicator_in_both_years(two):
    matches = search(two.base, two.index, "技术合同成交额", limit=5, all_years=True)
    found = {(match.fact.id, match.fact.year): match.fact.value_text for match in matches}
    assert found[(TURNOVER, 2023)] == "865.1亿元"
    assert found[(TURNOVER, 2024)] == "974.24亿元"
    # Pinyin keys of the second file answer too: its numbers were moved past the first's.
    pinyin = search(two.base, two.index, "jishuhetongchengjiaoe", limit=5, all_years=True)
    assert {(m.fact.id, m.fact.year) for m in pinyin} >= {(TURNOVER, 2023), (TURNOVER, 2024)}


def test_search_narrows_to_one_year(two):
    only_2024 = search(two.base, two.index, "技术合同成交额", year=2024, limit=None)
    assert only_2024 and {match.fact.year for match in only_2024} == {2024}
    assert only_2024[0].fact.value == 974.24
    assert search(two.base, two.index, "高新技术企业", year=2023)[0].fact.value == 7565
    assert search(two.base, two.index, "高新技术企业", year=2019) == []


def test_get_answers_with_the_latest_year_unless_a_year_is_given(two):
    assert two.base.get(TURNOVER).value == 974.24
    assert two.base.get(TURNOVER.upper()).year == 2024
    assert two.base.get(TURNOVER, year=2023).value == 865.1
    assert two.base.by_id[TURNOVER].year == 2024
    assert two.base.years_of(TURNOVER) == [2023, 2024]
    assert two.base.years_of("high-tech-enterprises-total") == [2023]
    assert two.base.years_of("no-such-id") == []
    with pytest.raises(UnknownFactError) as caught:
        two.base.get(TURNOVER, year=2022)
    assert caught.value.years == [2023, 2024] and "2023, 2024" in str(caught.value)
    with pytest.raises(UnknownFactError) as unknown:
        two.base.get("tech-contract-turnovr")
    assert unknown.value.suggestions[0] == TURNOVER


def test_select_by_year_and_one_years_base(two, files, cache_dir):
    shipped = load(cache_dir=cache_dir).base
    drafted = load(files["2024"], cache_dir=cache_dir).base
    assert two.base.select(year=2023) == list(shipped.facts)
    assert two.base.select(year=2024) == list(drafted.facts)
    assert len(two.base.facts) == len(shipped.facts) + len(drafted.facts)
    assert two.base.select(year=2024, kind="policy") == drafted.select(kind="policy")
    assert two.base.only(2023).path == str(shipped_fact_path())
    assert list(two.base.only(2023).pillars.values()) == list(shipped.pillars.values())
    with pytest.raises(InvalidArgumentError, match="2023, 2024"):
        two.base.only(2022)


def test_pillars_merge_by_number_and_topics_keep_every_id(two, cache_dir):
    shipped = load(cache_dir=cache_dir).base
    assert set(two.base.pillars) >= set(shipped.pillars)
    for fact in two.base.facts:  # every fact's section has a title
        assert fact.section in two.base.pillars[fact.pillar].sections
    # Each id once in a topic; one indicator may be filed under other topics in other
    # years (the 2024 draft files the turnover in its overview).
    for topic in two.base.topics.values():
        assert len(topic.fact_ids) == len(set(topic.fact_ids))
    topic_ids = {i for topic in two.base.topics.values() for i in topic.fact_ids}
    assert topic_ids == set(two.base.by_id)
    assert [name for name, topic in two.base.topics.items() if TURNOVER in topic.fact_ids] == [
        "总体情况",
        "技术合同",
    ]


def test_a_citation_names_the_facts_own_report(two):
    from cqfacts.derive.cite import citation

    assert "2024年重庆科技创新回顾" in citation(two.base.get(TURNOVER), two.base)
    assert "2023年重庆市科技工作总结" in citation(two.base.get(TURNOVER, 2023), two.base)


def test_the_joined_index_points_each_key_at_the_same_facts_as_the_files_own(two, files, cache_dir):
    """Every key, pinyin key and label of each file's own index, read through the
    joined index, names the same facts (by id and year) in the same fields."""
    parts = [load(cache_dir=cache_dir), load(files["2024"], cache_dir=cache_dir)]
    merged, facts = two.index, two.base.facts
    parts.sort(key=lambda part: -part.base.meta.year)  # the base's order
    fact_offset = key_offset = pinyin_offset = 0
    for part in parts:
        index = part.index

        def named(owner: int, index=index, part=part) -> list[tuple[str, int | None]]:
            return [(part.base.facts[n].id, part.base.facts[n].year) for n in index.owners(owner)]

        def merged_named(owner: int) -> list[tuple[str, int | None]]:
            return [(facts[n].id, facts[n].year) for n in merged.owners(owner)]

        for own_keys, own_postings, keys, postings, offset in (
            (index.keys, index.key_postings, merged.keys, merged.key_postings, key_offset),
            (index.pinyin, index.pinyin_postings, merged.pinyin, merged.pinyin_postings,
             pinyin_offset),
        ):  # fmt: skip
            for number in range(len(own_keys)):
                assert keys[offset + number] == own_keys[number]
                own, joined = own_postings[number], postings[offset + number]
                assert list(own[1::2]) == list(joined[1::2])  # the fields
                assert [named(o) for o in own[::2]] == [merged_named(o) for o in joined[::2]]
        for number in range(len(part.base.facts)):
            joined = fact_offset + number
            assert merged.label_chars[joined] == index.label_chars[number]
            assert [merged.pinyin[k] for k in merged.label_pinyin[joined]] == [
                index.pinyin[k] for k in index.label_pinyin[number]
            ]
            assert merged.headline_rank[joined] == index.headline_rank[number]
        fact_offset += len(part.base.facts)
        key_offset += len(index.keys)
        pinyin_offset += len(index.pinyin)
    assert fact_offset == len(facts) == len(merged.values)
    assert key_offset == len(merged.keys) and pinyin_offset == len(merged.pinyin)


def test_highlights_of_the_second_file_are_its_own(two, files, cache_dir):
    alone = load(files["2024"], cache_dir=cache_dir)
    for query in ("技术合同成交额", "jishuhetong"):
        own = {m.fact.id: m.highlights for m in search(alone.base, alone.index, query)}
        joined = search(two.base, two.index, query, year=2024)
        assert own and {m.fact.id: m.highlights for m in joined} == own


def test_warm_loads_answer_from_each_files_cache_entry(files, tmp_path):
    # The cache alone: an installed wheel would answer for the shipped file itself.
    cold = load_many([REPORT_2023, files["2024"]], cache_dir=tmp_path, packaged=False)
    warm = load_many([REPORT_2023, files["2024"]], cache_dir=tmp_path, packaged=False)
    assert not cold.from_cache and warm.from_cache
    assert list(warm.base.facts) == list(cold.base.facts)
    # An entry per file, and one of the joined index (one for this pair of contents).
    assert len(list(tmp_path.glob("index-*.marshal"))) == 3
    for query in ("技术合同成交额", "gxjsqy", "technology contract", "974.24"):
        answers = [
            [(m.fact.id, m.fact.year, m.score) for m in search(loaded.base, loaded.index, query)]
            for loaded in (cold, warm)
        ]
        assert answers[0] and answers[0] == answers[1]


def test_a_directory_stands_for_every_fact_file_in_it(files, cache_dir, tmp_path):
    folder = files["2024"].parent
    assert fact_paths([folder]) == [str(files["2020"]), str(files["2024"])]  # sorted by name
    (folder / ".draft.toml").write_text("not read", encoding="utf-8")  # hidden: left out
    (folder / "notes.txt").write_text("not a fact file", encoding="utf-8")
    loaded = load_many([folder], cache_dir=cache_dir)
    assert loaded.base.years == [2020, 2024]
    everything = load_many([folder], include_shipped=True, cache_dir=cache_dir)
    assert {2020, 2023, 2024} <= set(everything.base.years)
    assert len(everything.base.reports) == 2 + len(shipped_fact_paths())
    assert search(everything.base, everything.index, "综合科技创新水平指数", year=2020)
    # A file named twice (alone and in its directory) is loaded once.
    assert fact_paths([files["2024"], folder]) == [str(files["2024"]), str(files["2020"])]
    with pytest.raises(FactFileError, match="no fact file"):
        fact_paths([tmp_path])


def test_no_paths_is_every_shipped_file(cache_dir):
    shipped = sorted(map(str, shipped_fact_paths()))
    assert len(shipped) > 1 and shipped_fact_paths()[0] == shipped_fact_path()
    for paths in (None, [], ["+"]):
        loaded = load_many(paths, cache_dir=cache_dir)
        assert sorted(part.path for part in loaded.base.parts) == shipped
        assert len(loaded.base.reports) == len(shipped)


def test_the_environment_lists_files_and_directories(files, cache_dir):
    folder = files["2024"].parent
    value = os.pathsep.join(["+", "", str(folder)])
    assert paths_from_environment(value) == ["+", str(folder)]
    assert paths_from_environment("") == []
    loaded = load_many(paths_from_environment(value), cache_dir=cache_dir)
    assert {2020, 2023, 2024} <= set(loaded.base.years)
    assert len(loaded.base.reports) == 2 + len(shipped_fact_paths())


def test_two_files_of_one_year_and_source_with_one_id_are_refused(files, tmp_path, cache_dir):
    other = tmp_path / "another-2024.toml"
    other.write_text(files["2024"].read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(FactFileError) as caught:
        load_many([files["2024"], other], cache_dir=cache_dir)
    problems = caught.value.problems
    assert {problem.fact for problem in problems} >= {TURNOVER}
    message = str(caught.value)
    assert str(other) in message and str(files["2024"]) in message
    # Another year, or the same year with other ids, loads.
    assert load_many([files["2024"], files["2020"]], cache_dir=cache_dir).base.years == [2020, 2024]
    renamed = re.sub(r'(?m)^id = "([^"]+)"', r'id = "other-\1"', other.read_text("utf-8"))
    other.write_text(renamed, encoding="utf-8")
    same_year = load_many([files["2024"], other], cache_dir=cache_dir).base
    assert [meta.year for meta in same_year.reports] == [2024, 2024]
    # Another source of that year may give the same indicator: both are kept.
    text = files["2024"].read_text(encoding="utf-8")
    other.write_text(text.replace("2024年重庆科技创新回顾", "2024年另一份回顾"), encoding="utf-8")
    both = load_many([files["2024"], other], cache_dir=cache_dir).base
    assert {fact.report for fact in both.points(TURNOVER)} == {
        "2024年重庆科技创新回顾",
        "2024年另一份回顾",
    }


def test_json_csv_and_toml_exports_with_the_report_fields(two, tmp_path):
    import csv
    import io
    import json

    from cqfacts.output.export import export

    records = json.loads(export(two.base, "json"))
    assert {(r["year"], r["report"]) for r in records} == {
        (2024, "2024年重庆科技创新回顾"),
        (2023, "2023年重庆市科技工作总结"),
    }
    rows = list(csv.DictReader(io.StringIO(export(two.base, "csv").lstrip("\ufeff"))))
    assert {row["year"] for row in rows} == {"2023", "2024"}
    with pytest.raises(InvalidArgumentError, match="one report"):
        export(two.base, "toml")
    text = export(two.base.only(2024), "toml")
    assert not re.search(r"(?m)^(year|report) = ", text.split("[pillars.", 1)[1])
    path = tmp_path / "again.toml"
    path.write_text(text, encoding="utf-8")
    assert list(load(path, cache_dir=None).base.facts) == two.base.select(year=2024)
