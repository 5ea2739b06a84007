"""Search over every shipped fact file: the 2023 work summary, the 2015-2025 headline
series, the 2020 review of the 13th Five-Year Plan and the 2025 press conference.

tests/search_queries_years.toml was written from the fact files before the search
code was read: an indicator with a year in many forms, trends, the press's words for
the indicators, the Five-Year Plans, figures. Before the work it measured (on
2026-12-03) top-1 123/155, recall@3 134/155; a query with a `year` counts only where
the fact of that year answers."""

import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from cqfacts.search.engine import search, year_in_query
from cqfacts.search.quantities import read_quantity
from cqfacts.search.questions import period_in_query, without_trend_words
from cqfacts.search.scores import Scores
from cqfacts.search.wording import contained_key_matches, prepare_query
from cqfacts.store.loader import Loaded, load_many, shipped_fact_paths
from tests.helpers import hold_to_floors

YEARS = Path(__file__).with_name("search_queries_years.toml")
CASES = tomllib.loads(YEARS.read_text(encoding="utf-8"))["query"]
# Floors per kind: (queries, top-1, recall@3), each at what the search measured less
# one query (never below 0), so that a single regression fails.
FLOORS = {
    "english": (23, 21, 22),
    "number": (13, 12, 12),
    "pinyin": (12, 11, 11),
    "plan": (16, 15, 15),
    "synonym": (24, 23, 23),
    "traditional": (10, 9, 9),
    "trend": (17, 16, 16),
    "year": (40, 39, 39),
}


@pytest.fixture(scope="module")
def every_file(shared_cache) -> Loaded:
    """The shipped files, through the session's cache: built once for the suite."""
    return load_many(shipped_fact_paths(), cache_dir=shared_cache)


def found(loaded: Loaded, query: str, **options) -> list[tuple[str, int | None]]:
    return [
        (match.fact.id, match.fact.year)
        for match in search(loaded.base, loaded.index, query, **options)
    ]


def test_every_expected_fact_and_year_exists(every_file):
    held = {(fact.id, fact.year) for fact in every_file.base.facts}
    ids = {fact_id for fact_id, _ in held}
    for case in CASES:
        assert {case["expect"], *case.get("also", ())} <= ids, case
        if "year" in case:
            assert (case["expect"], case["year"]) in held, case


def test_search_quality_over_the_years_per_kind(every_file):
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    misses = []
    for case in CASES:
        wanted = {case["expect"], *case.get("also", ())}
        right = [
            fact_id in wanted and case.get("year") in (None, year)
            for fact_id, year in found(every_file, case["query"], limit=3)
        ]
        tally = by_kind[case["kind"]]
        tally[0] += 1
        tally[1] += right[:1] == [True]
        tally[2] += any(right)
        if right[:1] != [True]:
            misses.append((case["query"], case["expect"], case.get("year")))
    hold_to_floors("search_queries_years.toml", by_kind, FLOORS, misses)


# --- a year in the query --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "year", "rest"),
    [
        ("2019年研发投入", 2019, "研发投入"),
        ("研发经费 2019", 2019, "研发经费"),
        ("2017年度研发经费", 2017, "研发经费"),
        ("2022年630.4亿元", 2022, "630.4亿元"),
        ("19年高企数量", 2019, "高企数量"),
        ("一九年高企数量", 2019, "高企数量"),
        ("二〇二〇年研发投入强度", 2020, "研发投入强度"),
        ("二零一八年高新技术企业", 2018, "高新技术企业"),
        ("r&d intensity in 2018", 2018, "r&d intensity"),
        ("2019's r&d intensity", 2019, "r&d intensity"),
        ("2020年全年技术合同成交额", 2020, "技术合同成交额"),
        ("研发投入强度 二〇一九", 2019, "研发投入强度"),
        # Not one year: a span, years since, a number alone.
        ("近15年研发投入", None, "近15年研发投入"),
        ("2015年以来高企数量", None, "2015年以来高企数量"),
        ("2022", None, "2022"),
        ("10年高企", None, "10年高企"),
        ("一二三四", None, "一二三四"),
        # A year no fact describes is a year still, no figure: the words are the query.
        ("2014年研发投入", None, "研发投入"),
    ],
)
def test_a_year_is_read_as_people_write_it(every_file, query, year, rest):
    folded = prepare_query(query, every_file.index)
    assert year_in_query(folded, every_file.base) == (year, rest)


def test_a_year_finds_the_indicator_its_words_name_in_any_year(every_file):
    # The topic's name (科技型企业, 研发投入) is indexed on one fact of each id: before,
    # a year kept only the facts of that year the words had matched themselves.
    assert found(every_file, "2018年科技型企业数量")[:1] == [("tech-based-enterprises-total", 2018)]
    assert found(every_file, "2019年研发投入")[:1] == [("rd-investment-total", 2019)]
    assert found(every_file, "重庆2022年R&D经费投入")[:1] == [("rd-investment-total", 2022)]


def test_a_figure_is_answered_by_its_own_year_whatever_the_year_asked(every_file):
    # 630.4亿元 is 2022's turnover: asked for 2023, it still says whose figure it is.
    assert found(every_file, "2022年630.4亿元")[:1] == [("tech-contract-turnover", 2022)]
    assert found(every_file, "2023年630.4亿元")[:1] == [("tech-contract-turnover", 2022)]


def test_a_year_an_indicator_lacks_gives_its_latest_not_other_words_of_that_year(every_file):
    # The series has no 2020 turnover: the 13th-FYP five-year total, a 2020 fact, is
    # not the answer; the turnover is, its years shown beside it.
    [(fact_id, year), *_] = found(every_file, "2020年技术合同成交额")
    assert 2020 not in every_file.base.years_of("tech-contract-turnover")
    assert (fact_id, year) == ("tech-contract-turnover", max(every_file.base.years_of(fact_id)))


def test_an_explicit_year_still_keeps_only_that_year(every_file):
    assert "tech-contract-turnover" not in {
        i for i, _ in found(every_file, "技术合同成交额", year=2020)
    }
    assert {year for _, year in found(every_file, "研发投入强度", year=2019)} == {2019}


def test_the_region_every_fact_belongs_to_names_none(every_file):
    plain = found(every_file, "研发投入强度", limit=3)
    assert found(every_file, "重庆市研发投入强度", limit=3) == plain
    assert found(every_file, "重庆高企")[0][0] == "high-tech-enterprises-total"
    assert found(every_file, "重庆市2018年度R&D经费投入强度")[0] == ("rd-intensity", 2018)
    # A name holding it keeps it: 重庆实验室 is not any 实验室.
    assert "chongqing" in found(every_file, "重庆实验室")[0][0]


def test_a_range_of_years_asks_for_every_year_not_its_first(every_file):
    [(fact_id, year), *_] = found(every_file, "高新技术企业 2015-2025")
    assert fact_id == "high-tech-enterprises-total"
    assert year == max(every_file.base.years_of(fact_id))


# --- the Five-Year Plans --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "plan", "span", "rest"),
    [
        ("十三五", 13, (2016, 2020), ""),
        ("十三五期间高企增长", 13, (2016, 2020), "高企增长"),
        ("十三五以来", 13, (2016, 2020), ""),
        ("第十三个五年规划研发投入", 13, (2016, 2020), "研发投入"),
        ("十四五", 14, (2021, 2025), ""),
        ("shisanwu", 13, (2016, 2020), ""),
        ("13th five-year plan", 13, (2016, 2020), ""),
        ("high-tech enterprises in the 13th fyp", 13, (2016, 2020), "high-tech enterprises in the"),
        ("2016-2020高企增长", 13, (2016, 2020), "高企增长"),
        ("2015-2025", None, (2015, 2025), ""),
    ],
)
def test_a_plan_or_a_range_of_years_is_read_from_the_query(query, plan, span, rest):
    period, left = period_in_query(query)
    assert period is not None
    assert (period.plan, (period.first, period.last), left) == (plan, span, rest)


@pytest.mark.parametrize("query", ["十五", "五年", "研发投入", "2020", "20162020"])
def test_other_queries_name_no_plan(query):
    assert period_in_query(query) == (None, query)


def test_a_plan_alone_finds_the_facts_that_name_it(every_file):
    # 十三五 is in no fact's text: our English names it "13th FYP".
    matches = search(every_file.base, every_file.index, "十三五", limit=6)
    assert len(matches) == 6
    assert all("13th" in f"{match.fact.label_en} {match.fact.id}" for match in matches)


def test_a_plan_with_words_puts_the_facts_naming_it_first(every_file):
    first = found(every_file, "十三五技术合同成交额")[0]
    assert first == ("tech-contract-turnover-13th-fyp-total", 2020)
    assert found(every_file, "十三五期间高企增长")[0][0] == "high-tech-enterprises-13th-fyp-growth"
    assert found(every_file, "14th Five-Year Plan")[0][0] == "key-indicators-doubled-14th-fyp"


def test_a_plan_no_fact_names_stays_in_the_query(shipped):
    # The 2023 work summary alone names no plan: the words are searched as typed.
    assert search(shipped.base, shipped.index, "十三五") == []


# --- several fact files ---------------------------------------------------------------


def test_a_name_held_in_a_longer_query_is_found_in_every_file(every_file):
    # Each file's keys are their own in the joined index: 技术合同 is a topic of four.
    scores = Scores(every_file.index)
    contained_key_matches(every_file.index, "技术合同成交额", scores)
    ids = {every_file.base.facts[number].id for number in scores.best}
    assert "tech-contract-turnover-13th-fyp-total" in ids


def test_a_topic_s_headline_is_the_one_its_fullest_listing_puts_first(every_file):
    # The press conference gives 综合科技创新水平 one fact (the western rank), the
    # review's 专利 two (the 13th-FYP rise first): neither is the topic's headline.
    assert found(every_file, "综合科技创新水平排名")[0][0] == "innovation-rank-national"
    assert found(every_file, "发明专利拥有量")[0][0] == "invention-patents-per-10k"


def test_a_year_lifts_the_indicators_with_a_figure_for_it(every_file):
    # 科技特派员 names the 2023 commissioners exactly; 2020's are those in poverty relief.
    assert found(every_file, "科技特派员 2020")[0] == ("st-commissioners-poverty-relief", 2020)
    assert found(every_file, "科技特派员")[0][0] == "st-commissioners-dispatched"


# --- words around the indicator ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "left"),
    [
        ("研发投入历年", "研发投入"),
        ("高企数量历年变化", "高企数量"),
        ("研发投入强度历年走势", "研发投入强度"),
        ("r&d intensity over time", "r&d intensity"),
        ("number of tech-based enterprises over the years", "number of tech-based enterprises"),
        ("patents granted trend", "patents granted"),
        ("历年", "历年"),  # nothing else: the query as typed
    ],
)
def test_words_asking_for_the_years_name_nothing(every_file, query, left):
    assert without_trend_words(query, every_file.index.keys.blob) == left


def test_a_trend_word_a_name_holds_stays(every_file):
    blob = every_file.index.keys.blob
    assert "数据" in blob
    assert without_trend_words("专利授权量历年数据", blob) == "专利授权量 数据"


def test_the_course_of_an_indicator_finds_the_indicator(every_file):
    # "over" matched "Rise in R&D intensity over 13th FYP", the intensity itself missing.
    assert found(every_file, "R&D intensity over time")[0][0] == "rd-intensity"
    assert found(every_file, "number of tech-based enterprises over the years")[0][0] == (
        "tech-based-enterprises-total"
    )


@pytest.mark.parametrize(
    ("query", "value"), [("近千亿", 1e11), ("上万家", 1e4), ("超百亿元", 1e10), ("近万家", 1e4)]
)
def test_a_bare_hundred_thousand_or_myriad_after_near_or_over_is_one(query, value):
    quantity = read_quantity(query)
    assert quantity is not None and quantity.value == value


@pytest.mark.parametrize("query", ["万人发明专利", "千亿", "百万"])
def test_a_bare_myriad_alone_is_a_word_or_nothing(query):
    quantity = read_quantity(query)
    assert quantity is None or quantity.value != 1e4


def test_nearly_a_thousand_yi_finds_the_turnover_near_it(every_file):
    ids = [fact_id for fact_id, _ in found(every_file, "近千亿技术合同", limit=3)]
    assert "tech-contract-turnover-13th-fyp-total" in ids


def test_a_mixed_query_prefers_a_fact_whose_own_names_hold_its_pieces(every_file):
    # The topic R&D investment names both 研发 and R&D intensity for every fact of it.
    assert found(every_file, "研发 intensity 2020")[0] == ("rd-intensity", 2020)
    assert found(every_file, "专利 granted 2022")[0][0] in {
        "patents-granted",
        "invention-patents-granted",
    }


# --- ranks and figures of several years -------------------------------------------------


def test_a_figure_several_years_share_is_the_latest_s_or_the_year_asked(every_file):
    # 第7位 is the national rank of 2020, 2021 and 2024.
    assert found(every_file, "全国第七")[0] == ("innovation-rank-national", 2024)
    assert found(every_file, "全国第7位 2021")[0] == ("innovation-rank-national", 2021)
    assert found(every_file, "西部第一 2020")[0] == ("innovation-rank-west", 2020)


@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ("ranked eighth nationally", ("innovation-rank-national", 2023)),
        ("national rank seventh 2020", ("innovation-rank-national", 2020)),
    ],
)
def test_an_english_ordinal_with_a_rank_is_its_place(every_file, query, expect):
    assert found(every_file, query)[0] == expect


def test_an_english_ordinal_without_a_rank_is_a_word():
    assert read_quantity("first batch") is None
    assert read_quantity("ranked eighth") is not None


def test_a_question_of_growth_is_answered_by_the_latest_change(every_file):
    [first, *_] = search(every_file.base, every_file.index, "高企增长率")
    assert first.fact.id == "high-tech-enterprises-total"
    assert first.fact.change is not None
    assert first.fact.year == max(
        fact.year for fact in every_file.base.points(first.fact.id) if fact.change is not None
    )
    [plain, *_] = search(every_file.base, every_file.index, "高企")
    assert plain.fact.year == max(every_file.base.years_of("high-tech-enterprises-total"))


@pytest.mark.parametrize("query", ["研发支出", "研发支出 2019", "R&D经费支出"])
def test_expenditure_is_the_report_s_investment(every_file, query):
    assert found(every_file, query)[0][0] == "rd-investment-total"


def test_the_year_s_fact_is_highlighted_though_another_year_s_matched(every_file):
    # The topic's name is indexed on one fact of the id (the last): 2019's fact answers.
    [first, *_] = search(every_file.base, every_file.index, "2019年研发投入")
    assert (first.fact.id, first.fact.year) == ("rd-investment-total", 2019)
    assert first.highlights.get("label")


def test_strong_matches_are_counted_by_indicator_not_by_year(every_file):
    # 高企 names every year's fact of the total: once "many" strong matches, which
    # spared the abbreviation that finds the 13th-FYP growth (高新技术企业数量增长).
    assert found(every_file, "十三五高企")[0][0] == "high-tech-enterprises-13th-fyp-growth"
    assert found(every_file, "2016-2020年高企")[0][0] == "high-tech-enterprises-13th-fyp-growth"


def test_an_english_question_about_a_plan_finds_the_fact_naming_it(every_file):
    query = "How did Chongqing's R&D intensity change during the 13th Five-Year Plan?"
    assert found(every_file, query)[0][0] == "rd-intensity-13th-fyp-rise"


def test_a_collection_ranks_each_id_once_in_its_topic():
    # The series lists an id once a year: the first id of a topic is its headline.
    series = load_many([Path(__file__).parents[1] / "reports" / "series.toml"], cache_dir=None)
    facts, ranks_held = series.base.facts, series.index.headline_rank
    ranks = dict(zip((fact.id for fact in facts), ranks_held, strict=True))
    assert ranks["rd-investment-total"] == 0
    assert ranks["rd-intensity"] == 1
