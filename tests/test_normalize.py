from hypothesis import given
from hypothesis import strategies as st

from cqfacts.facts.normalize import fold, fold_with_positions, is_cjk, latin_words


def test_fold_turns_full_width_forms_into_ascii():
    assert fold("１１３３") == "1133"
    assert fold("Ｒ＆Ｄ　ｉｎｔｅｎｓｉｔｙ") == "r&d intensity"


def test_fold_keeps_decimal_points_and_percent_signs():
    assert fold("增长19.2%") == "增长19.2%"


def test_fold_collapses_and_strips_whitespace():
    assert fold("  技术   经纪人  ") == "技术经纪人"
    assert fold("  technology   brokers ") == "technology brokers"


def test_fold_drops_spaces_between_chinese_characters_only():
    assert fold("科技 特派员") == "科技特派员"
    assert fold("AI 诊疗") == "ai 诊疗"


def test_fold_drops_quote_and_title_marks():
    assert fold("《重庆实验室建设实施方案》") == "重庆实验室建设实施方案"
    assert fold("“双倍增”") == "双倍增"


def test_fold_writes_ordinal_numerals_as_digits():
    assert fold("西部第一") == "西部第1"
    assert fold("一带一路") == "一带一路"


def test_fold_maps_traditional_characters_when_given_a_table():
    assert fold("技術經紀人", {"術": "术", "經": "经", "紀": "纪"}) == "技术经纪人"


def test_fold_with_positions_points_back_into_the_original():
    folded, positions = fold_with_positions("《高企》 总数")
    assert folded == "高企总数"
    assert positions == [1, 2, 5, 6]


def test_is_cjk_and_latin_words():
    assert is_cjk("重") and not is_cjk("a") and not is_cjk("，")
    assert latin_words("ai+诊疗 sci论文") == ["ai", "sci"]


def test_fast_fold_agrees_with_the_position_tracking_fold(shipped):
    """fold() is the fast twin of fold_with_positions(): same text for every key."""
    texts = {
        text
        for fact in shipped.base.facts
        for text in fact.to_dict().values()
        if isinstance(text, str)
    }
    texts |= {
        " 技術 經紀人 ",
        "第三届",
        "Ｒ＆Ｄ　ｉｎｔｅｎｓｉｔｙ",
        "  a  《b》 c ",
        "科技 特派员",
    }
    mapping = {"術": "术", "經": "经", "紀": "纪"}
    for text in texts:
        assert fold(text) == fold_with_positions(text)[0], text
        assert fold(text, mapping) == fold_with_positions(text, mapping)[0], text


def test_fold_drops_characters_that_are_never_seen():
    assert fold("\u200b高新\u200d技术\ufeff") == "高新技术"  # zero-width space, joiner, BOM
    assert fold("\u202e高新技术\u202c") == "高新技术"  # a right-to-left override and its end
    assert fold("r\u00add\x07 \x01") == "rd"  # soft hyphen and control characters
    assert fold("\udcff高") == "高"  # a lone surrogate: an undecodable byte of a command line


def test_fold_composes_combining_accents():
    assert fold("e\u0301") == fold("é") == "é"


def test_fold_with_positions_follows_composition_across_characters():
    assert fold_with_positions("ae\u0301b") == ("aéb", [0, 1, 3])


# --- properties ---------------------------------------------------------------------

# Any text at all, and text dense in what folding treats specially.
ANY_TEXT = st.text(st.characters(codec=None), max_size=40)
TRICKY_TEXT = st.text(
    st.sampled_from(list('第一二九 \u3000科技ae\u0301\u0345α\u200b\u202e\x07《》"＂ǰİßﬁ⼀術經')),
    max_size=16,
)
TRADITIONAL = {"術": "术", "經": "经", "紀": "纪"}


@given(ANY_TEXT | TRICKY_TEXT, st.booleans())
def test_folding_twice_changes_nothing(text, traditional):
    table = TRADITIONAL if traditional else None
    once = fold(text, table)
    assert fold(once, table) == once


@given(ANY_TEXT | TRICKY_TEXT, st.booleans())
def test_fold_with_positions_gives_the_folded_text_and_a_place_for_each_character(
    text, traditional
):
    table = TRADITIONAL if traditional else None
    folded, positions = fold_with_positions(text, table)
    assert folded == fold(text, table)
    assert len(positions) == len(folded)
    assert positions == sorted(positions)
    assert all(0 <= position < len(text) for position in positions)


def test_folding_with_the_shipped_traditional_map_is_idempotent(shipped):
    """The shipped map never maps a character to one it maps again."""
    table = shipped.index.simplified
    assert not set(table.values()) & set(table)
    sample = "".join(table)  # every traditional character the map knows
    assert fold(fold(sample, table), table) == fold(sample, table)


def test_chinese_numerals_read_as_numbers():
    from cqfacts.facts.normalize import chinese_numeral

    assert chinese_numeral("五万八千五百二十四") == 58524
    assert chinese_numeral("三百九十一") == 391
    assert chinese_numeral("十二") == 12
    assert chinese_numeral("一千零五十二") == 1052
    assert chinese_numeral("两万") == 20000
    assert chinese_numeral("一亿二千万") == 120_000_000
    assert chinese_numeral("二〇二三") == 2023
    assert chinese_numeral("一带一路") is None
    assert chinese_numeral("百百") is None
    assert chinese_numeral("万") is None
