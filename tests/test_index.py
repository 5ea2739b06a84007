from array import array

from cqfacts.search.index import Keys, Postings, SearchIndex


def test_keys_find_the_key_holding_an_offset():
    keys = Keys.of(["高新", "ab", ""])
    assert len(keys) == 3
    assert [keys[n] for n in range(3)] == ["高新", "ab", ""]
    assert keys.at(keys.blob.index("ab")) == 1
    assert keys.as_list() == ["高新", "ab", ""]
    assert Keys.from_tuple(keys.to_tuple()).blob == keys.blob


def test_postings_pack_lists_of_ints():
    postings = Postings.of([[1, 2], [], [-3, 4, 5]])
    assert len(postings) == 3
    assert [list(postings[n]) for n in range(3)] == [[1, 2], [], [-3, 4, 5]]
    again = Postings.from_tuple(postings.to_tuple())
    assert [list(again[n]) for n in range(3)] == [[1, 2], [], [-3, 4, 5]]


def test_owners_expand_groups(small):
    index = small.index
    assert list(index.owners(2)) == [2]
    assert list(index.owners(-1)) == list(index.groups[0])


def test_index_round_trips_through_its_tuple_form(small):
    again = SearchIndex.from_tuple(small.index.to_tuple())
    assert again.keys.as_list() == small.index.keys.as_list()
    assert again.pinyin.as_list() == small.index.pinyin.as_list()
    assert again.values.tolist()[3] == 1133
    assert again.headline_rank == small.index.headline_rank
    assert isinstance(again.headline_rank, array)


def test_entries_pair_each_owner_with_its_field(small):
    from cqfacts.search.index import FIELD

    index = small.index
    number = index.keys.as_list().index("高新技术企业")
    entries = list(index.key_entries(number))
    assert entries and all(field in (FIELD["topic"], FIELD["label"]) for _, field in entries)
    assert all(isinstance(owner, int) for owner, _ in index.pinyin_entries(0))
