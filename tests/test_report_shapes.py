"""What a report looks like comes from its data: a work report with eight parts, and a
source with no parts at all (a press item), load, search, show, list their parts and
complete as the 2023 summary does."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cqfacts.cli.app import ExitCode
from tests.conftest import SMALL_FACTS, cqfacts_process

EIGHT_PARTS = SMALL_FACTS.replace(
    "[pillars.4]",
    """[pillars.8]
title = "第八部分"
title_en = "Part eight"
sections = { "8.1" = "八之一" }
sections_en = { "8.1" = "Eight one" }

[pillars.4]""",
).replace(
    """id = "tech-brokers-new"
pillar = 4
section = "4.2\"""",
    """id = "tech-brokers-new"
pillar = 8
section = "8.1\"""",
)

PRESS_ITEM = """\
[meta]
title = "一则新闻"
title_en = "A press item"
year = 2024
region = "重庆市"
source = "A press item without parts"
publisher = "某报"
published = "2025-01-02"
url = "https://example.org/news"
basis = "preliminary"

[topics."技术经纪人"]
en = "Technology brokers"
aliases = []

[[topics."技术经纪人".facts]]
id = "tech-brokers-new"
kind = "figure"
label = "新培育技术经纪人"
label_en = "Technology brokers newly trained"
value = 1200
unit = "人"
value_text = "1200人"
"""


@pytest.fixture
def eight(tmp_path: Path) -> Path:
    path = tmp_path / "eight.toml"
    path.write_text(EIGHT_PARTS, encoding="utf-8")
    return path


@pytest.fixture
def press(tmp_path: Path) -> Path:
    path = tmp_path / "press.toml"
    path.write_text(PRESS_ITEM, encoding="utf-8")
    return path


def test_a_report_with_eight_parts(run, eight):
    pillars = json.loads(run("pillars", "--json", facts=eight).stdout)
    assert [p["pillar"] for p in pillars] == [0, 4, 8]
    part = json.loads(run("pillar", "八", "--json", facts=eight).stdout)
    assert [fact["id"] for fact in part["facts"]] == ["tech-brokers-new"]
    found = json.loads(run("search", "jsjjr", "--pillar", "8", "--json", facts=eight).stdout)
    assert [fact["section"] for fact in found] == ["8.1"]
    shown = run("show", "tech-brokers-new", facts=eight).stdout
    assert "八（一）" in shown
    assert run("pillar", "9", facts=eight).exit_code == ExitCode.USAGE_ERROR


def test_a_source_without_parts(run, press, small_fact_file):
    loaded = ["--facts", str(press)]
    shown = json.loads(run(*loaded, "show", "tech-brokers-new", "--json", facts=None).stdout)
    assert (shown["pillar"], shown["section"], shown["year"]) == (None, None, 2024)
    assert shown["basis"] == "preliminary" and shown["source"]["publisher"] == "某报"
    # Cited by its publisher, title and date, as a press item is.
    assert shown["citation"] == "「新培育技术经纪人：1200人（某报，《一则新闻》，2025-01-02）」"
    found = json.loads(run(*loaded, "search", "技术经纪人", "--json", facts=None).stdout)
    assert [fact["id"] for fact in found] == ["tech-brokers-new"]
    assert json.loads(run(*loaded, "pillars", "--json", facts=None).stdout) == []
    refused = run(*loaded, "pillar", "0", facts=None)
    assert refused.exit_code == ExitCode.USAGE_ERROR
    assert "no parts" in refused.stderr
    # Beside a report with parts: both years, the press item's with no place.
    both = run(*loaded, "--facts", str(small_fact_file), "trend", "tech-brokers-new", facts=None)
    assert "2023" in both.stdout and "2024" in both.stdout and "某报" in both.stdout


def test_completion_offers_the_parts_the_data_has(eight):
    env = {
        "_CQFACTS_COMPLETE": "complete_bash",
        "CQFACTS_FACTS": str(eight),
        "COMP_WORDS": "cqfacts pillar ",
        "COMP_CWORD": "2",
    }
    result = cqfacts_process(env_extra=env)
    offered = result.stdout.decode().split()
    assert offered == ["0", "4", "8"], result.stderr
    assert os.environ.get("_CQFACTS_COMPLETE") is None
