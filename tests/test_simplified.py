"""One traditional-to-simplified converter (issue 21): the query's folding and the
report's detection copy share it, made once per process."""

from __future__ import annotations

from typing import Any

import pytest

from cqfacts.facts.normalize import simplified_converter, to_simplified
from cqfacts.search.wording import prepare_query
from cqfacts.store.loader import load
from cqfacts.text.report import detection_text


def test_queries_and_report_texts_share_one_converter_made_once(
    small_fact_file: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import opencc

    made: list[tuple[Any, ...]] = []
    original = opencc.OpenCC

    def counted(*args: Any) -> Any:
        made.append(args)
        return original(*args)

    monkeypatch.setattr(opencc, "OpenCC", counted)
    simplified_converter.cache_clear()
    try:
        index = load(small_fact_file, cache_dir=None).index
        made.clear()  # the build's own (simplified to traditional, for its map)
        assert detection_text("科技創新發展") == "科技创新发展"
        assert prepare_query("發展鑽石", index) == "发展钻石"
        assert to_simplified("國際") == "国际"
        assert made == [("t2s",)]
    finally:
        simplified_converter.cache_clear()
