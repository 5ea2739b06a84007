from cqfacts.search.build import _simplified_map, build_index
from cqfacts.search.index import FIELD


def _pinyin_of(loaded, fact_id: str, field: str) -> list[str]:
    number = [fact.id for fact in loaded.base.facts].index(fact_id)
    return [
        loaded.index.pinyin[key]
        for key in range(len(loaded.index.pinyin))
        if (number, FIELD[field]) in loaded.index.pinyin_entries(key)
    ]


def test_pinyin_keys_use_phrase_readings(small):
    assert " gao xin ji shu qi ye zong shu" in _pinyin_of(
        small, "high-tech-enterprises-total", "label"
    )


def test_polyphonic_characters_get_every_reading_where_no_phrase_decides(shipped):
    # 重庆 is decided by phrase data (chong qing); 重点 too (zhong dian).
    keys = "|".join(shipped.index.pinyin.as_list())
    assert " chong qing" in keys
    assert " zhong dian" in keys
    assert set(shipped.index.readings["重"]) >= {"zhong", "chong"}


def test_label_pinyin_keys_know_their_characters(small):
    number = [fact.id for fact in small.base.facts].index("tech-brokers-new")
    first_key = small.index.label_pinyin[number][0]
    assert small.index.pinyin[first_key] == " xin pei yu ji shu jing ji ren"
    assert small.index.label_chars[number] == (0, 1, 2, 3, 4, 5, 6, 7)


def test_traditional_forms_map_to_the_characters_the_base_uses(small):
    simplified = small.index.simplified
    assert simplified["術"] == "术"
    assert simplified["經"] == "经"
    assert "术" not in simplified  # characters the base uses are never remapped


def test_headline_rank_is_the_position_in_the_topic(small):
    ranks = dict(
        zip((fact.id for fact in small.base.facts), small.index.headline_rank, strict=True)
    )
    assert ranks["high-tech-enterprises-total"] == 0
    assert ranks["high-tech-enterprises-new"] == 1


def test_building_is_deterministic(small):
    again = build_index(small.base)
    assert again.keys.blob == small.index.keys.blob
    assert again.pinyin.blob == small.index.pinyin.blob


class _Reversed(set[str]):
    """A set that iterates in reverse sorted order, as another hash seed might."""

    def __iter__(self):  # type: ignore[override]
        return iter(sorted(super().__iter__(), reverse=True))


def test_the_traditional_map_does_not_depend_on_a_sets_order():
    # Two simplified characters with one traditional form: the first seen wins, so a
    # set's order (the hash seed's) decided the index, and two wheels differed.
    texts, known = {"头发", "发展", "后来", "皇后", "制度"}, {"干"}
    forward = _simplified_map(texts, known)
    backward = _simplified_map(_Reversed(texts), _Reversed(known))
    assert list(forward.items()) == list(backward.items())
    assert forward["髮"] == "发" and forward["發"] == "发"


def test_large_bases_share_repeated_keys(small):
    # A topic name is one key whatever the number of its facts.
    assert small.index.keys.as_list().count("高新技术企业") == 1
