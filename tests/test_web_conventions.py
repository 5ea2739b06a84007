"""The web API's conventions, Datasette's: every fact listed by page with the command
line's filters, lists that say their count and their next page, unknown query fields
refused by name, answers an HTTP cache can keep (ETag, 304), and the texts of one
language (``lang``) for a page drawn wholly in it."""

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from cqfacts.ask.arguments import MAX_LIMIT
from cqfacts.cli.app import app as cli_app
from cqfacts.store.loader import Loaded, load
from cqfacts.web.answers import FIELDS
from cqfacts.web.app import create_app
from tests.conftest import LOOPBACK, SMALL_FACTS

BROKERS = "tech-brokers-new"
SHOWN_KEYS = {"label", "topic", "figure", "name", "change", "status", "where", "previous"}
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef（）]")


def cli_json(facts: Path | None, *args: str) -> object:
    options = ["--facts", str(facts)] if facts else []
    result = CliRunner().invoke(cli_app, [*options, *args, "--json"])
    return json.loads(result.stdout)


# --- /api/facts: every fact, by page, with list's filters -----------------------------------


def test_the_fact_list_says_its_count_and_next_page(client, small_fact_file):
    body = client.get("/api/facts?limit=2").json()
    assert set(body) == {"count", "next", "facts"}
    every = cli_json(small_fact_file, "list")
    assert body["count"] == len(every) == 5
    assert body["facts"] == every[:2]
    assert body["next"] == "/api/facts?limit=2&offset=2"


def test_following_next_walks_every_fact_once(client, small_fact_file):
    url: str | None = "/api/facts?limit=2"
    seen = []
    while url is not None:
        response = client.get(url)
        body = response.json()
        seen += body["facts"]
        url = body["next"]
        # The headers say the same, for a client that reads no body first.
        assert response.headers["x-total-count"] == str(body["count"])
        assert ("link" in response.headers) == (url is not None)
        if url is not None:
            assert response.headers["link"] == f'<{url}>; rel="next"'
    assert seen == cli_json(small_fact_file, "list")


def test_the_default_page_is_the_largest(shipped_client, shipped):
    body = shipped_client.get("/api/facts").json()
    assert len(body["facts"]) == min(MAX_LIMIT, len(shipped.base.facts))
    assert body["count"] == len(shipped.base.facts)
    assert body["next"] == f"/api/facts?offset={MAX_LIMIT}"
    last = shipped_client.get(body["next"]).json()
    assert last["next"] is None
    assert len(body["facts"]) + len(last["facts"]) == body["count"]


def test_past_the_end_is_an_empty_page(client):
    body = client.get("/api/facts?offset=99").json()
    assert body == {"count": 5, "next": None, "facts": []}


@pytest.mark.parametrize(
    ("query", "cli"),
    [
        ("pillar=4", ["--pillar", "4"]),
        ("pillar=四&kind=figure", ["--pillar", "四", "--kind", "figure"]),
        ("topic=Technology%20brokers", ["--topic", "Technology brokers"]),
        ("topic=高新技术企业", ["--topic", "高新技术企业"]),
        ("kind=policy", ["--kind", "policy"]),
        ("year=2023", ["--year", "2023"]),
    ],
)
def test_the_filters_are_the_command_lines(client, small_fact_file, query, cli):
    body = client.get(f"/api/facts?{query}").json()
    expected = cli_json(small_fact_file, "list", *cli)
    assert body["facts"] == expected and body["count"] == len(expected)


def test_status_filters_policies_as_list_does(shipped_client):
    body = shipped_client.get("/api/facts?status=drafting").json()
    expected = cli_json(None, "list", "--status", "drafting")
    assert body["facts"] == expected and expected
    assert all(fact["status"]["state"] == "drafting" for fact in body["facts"])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/facts?status=done", "no status 'done'; states are issued, approved, drafting"),
        ("/api/facts?kind=zzz", "no kind 'zzz'"),
        ("/api/facts?pillar=9", "no pillar '9'"),
        ("/api/facts?year=1990", "no loaded fact describes 1990"),
        ("/api/facts?offset=-1", "the offset must be a whole number from 0"),
        ("/api/facts?offset=x", "the offset must be a whole number from 0"),
        ("/api/facts?limit=0", "the limit must be a whole number from 1 to 100"),
        ("/api/search?q=x&offset=1.5", "the offset must be a whole number from 0"),
        ("/api/rank?offset=%EF%BC%95", "the offset must be a whole number from 0"),
    ],
)
def test_a_bad_filter_is_a_400_that_says_why(client, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assert set(response.json()) == {"error", "status"}
    assert message in response.json()["error"]


# --- every list says its count and how to get the next page ----------------------------------


def test_search_pages_follow_one_another(shipped_client):
    whole = shipped_client.get("/api/search?q=企业&limit=100").json()
    first = shipped_client.get("/api/search?q=企业&limit=3")
    assert first.json() == whole[:3]
    count = int(first.headers["x-total-count"])
    assert count >= len(whole) > 3
    link = first.headers["link"]
    following = re.fullmatch(r'<(/api/search\?[^>]*)>; rel="next"', link)
    assert following is not None
    assert dict(parse_qsl(urlsplit(following[1]).query)) == {
        "q": "企业", "limit": "3", "offset": "3",
    }  # fmt: skip
    assert shipped_client.get(following[1]).json() == whole[3:6]


def test_rank_pages_follow_one_another(shipped_client):
    whole = shipped_client.get("/api/rank?limit=100").json()
    second = shipped_client.get("/api/rank?limit=2&offset=2")
    assert second.json() == whole[2:4]
    assert second.headers["x-total-count"] == str(len(whole))


@pytest.mark.parametrize(
    "url", ["/api/pillars", "/api/topics", "/api/sources", "/api/trend?q=jsjjr"]
)
def test_a_whole_list_says_its_count_and_has_no_next_page(client, url):
    response = client.get(url)
    assert response.headers["x-total-count"] == str(len(response.json()))
    assert "link" not in response.headers


def test_the_last_page_has_no_link(client):
    response = client.get("/api/search?q=jsjjr")
    assert response.headers["x-total-count"] == str(len(response.json()))
    assert "link" not in response.headers


# --- unknown query fields: a 400 naming them, on every endpoint ------------------------------

ENDPOINTS = {
    "search": "/api/search?q=jsjjr",
    "facts": "/api/facts",
    "fact": f"/api/facts/{BROKERS}",
    "pillars": "/api/pillars",
    "pillar": "/api/pillars/4",
    "rank": "/api/rank",
    "topics": "/api/topics",
    "trend": "/api/trend?q=jsjjr",
    "sources": "/api/sources",
    "openapi": "/openapi.json",
    "static": "/static/app.js",
}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_an_unknown_field_is_a_400_that_names_it(client, name):
    url = ENDPOINTS[name]
    joined = "&" if "?" in url else "?"
    assert client.get(url).status_code == 200
    response = client.get(f"{url}{joined}pilar=4&_shape=array")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "status"}
    takes = ", ".join(FIELDS[name]) or "none"
    assert body["error"] == (
        f"unknown query parameters 'pilar', '_shape'; this address takes {takes}"
    )


def test_one_unknown_field_is_named_alone(client):
    error = client.get("/api/search?q=x&qq=y").json()["error"]
    assert error == (
        "unknown query parameter 'qq'; this address takes q, pillar, kind, limit, offset, "
        "lang, year, all_years"
    )


def test_the_page_opens_whatever_its_link_carries(client):
    # A shared link may carry a tracking field: the page still opens.
    assert client.get("/?id=tech-brokers-new&utm_source=x").status_code == 200


# --- answers an HTTP cache can keep ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/", "/static/app.js", "/static/app.css", "/api/facts", f"/api/facts/{BROKERS}",
     "/api/pillars", "/api/topics", "/api/search?q=jsjjr", "/openapi.json"],
)  # fmt: skip
def test_static_data_carries_an_etag_and_answers_304_when_unchanged(client, url):
    response = client.get(url)
    etag = response.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert response.headers["cache-control"] == "no-cache"
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert client.get(url, headers={"if-none-match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_the_etag_is_the_fact_bases(small, tmp_path):
    changed = tmp_path / "changed.toml"
    changed.write_text(SMALL_FACTS.replace("1133人", "1134人").replace("1133", "1134"), "utf-8")
    other = load(changed, cache_dir=None)

    def tag(loaded: Loaded, url: str) -> str:
        with TestClient(create_app(loaded), base_url=LOOPBACK) as client:
            return client.get(url).headers["etag"]

    url = "/api/topics"  # an answer the change does not touch: the base's tag still moves
    assert tag(small, url) == tag(small, url) != tag(other, url)
    # The page's assets are the package's: their tags do not depend on the facts.
    assert tag(small, "/static/app.js") == tag(other, "/static/app.js")


def test_an_error_is_not_cached(client):
    response = client.get("/api/facts/nope")
    assert response.status_code == 404 and "etag" not in response.headers


# --- lang: every text of one language ---------------------------------------------------------


def test_lang_en_adds_the_english_texts_and_nothing_else(client, small_fact_file):
    plain = client.get(f"/api/facts/{BROKERS}").json()
    english = client.get(f"/api/facts/{BROKERS}?lang=en").json()
    assert plain == cli_json(small_fact_file, "show", BROKERS)
    assert set(english) == set(plain) | {"shown"}
    assert {key: english[key] for key in plain} == plain
    assert set(english["shown"]) == SHOWN_KEYS
    assert english["shown"]["figure"] == "1,133"
    assert english["shown"]["where"] == "part 4 (2)"
    assert english["shown"]["label"] == "Technology brokers newly trained"


def test_lang_en_has_no_chinese_figure_change_or_place(client):
    fact = client.get("/api/facts/high-tech-enterprises-total?lang=en").json()["shown"]
    assert (fact["figure"], fact["change"], fact["where"]) == ("7,565", "+19.2%", "part 4 (1)")
    assert fact["previous"].startswith("≈ 6,346 ")
    money = client.get("/api/facts/rd-investment-total?lang=en").json()["shown"]
    assert money["figure"] == "est. CNY 75 billion"
    for shown in (fact, money):
        texts = [shown[key] for key in ("figure", "change", "where", "previous", "label")]
        assert not any(CJK.search(text) for text in texts if text), texts


def test_lang_zh_gives_the_reports_own_words(client):
    shown = client.get("/api/facts/high-tech-enterprises-total?lang=zh").json()["shown"]
    assert (shown["figure"], shown["change"], shown["where"]) == ("7565家", "增长19.2%", "四（一）")
    assert shown["previous"] == "≈6346家（推算：7565 ÷ (1 + 19.2%)）"


def test_a_policys_title_is_a_name_not_a_figure(client):
    for lang in ("zh", "en"):
        shown = client.get(f"/api/facts/university-transfer-measures?lang={lang}").json()["shown"]
        assert shown["figure"] is None
        assert shown["name"] == "高校科技成果转化与产业化若干措施"


@pytest.mark.parametrize(
    "url",
    ["/api/search?q=jsjjr&lang=en", "/api/facts?lang=en", "/api/pillars/4?lang=en",
     "/api/rank?lang=en", "/api/rank?unit=亿元&lang=en", "/api/trend?q=jsjjr&lang=en"],
)  # fmt: skip
def test_every_fact_answer_takes_lang(client, url):
    body = client.get(url).json()
    facts = body["facts"] if isinstance(body, dict) else body
    facts = [point.get("fact", point) for point in facts]
    assert facts and all(set(fact["shown"]) >= SHOWN_KEYS for fact in facts)
    without = client.get(url.replace("&lang=en", "").replace("?lang=en", "")).json()
    assert "shown" not in json.dumps(without)


def test_a_ranked_amount_is_shown_in_english(shipped_client):
    rows = shipped_client.get("/api/rank?unit=亿元&lang=en&limit=3").json()
    assert all(row["shown"]["rank"].startswith("CNY ") for row in rows)
    assert not any(CJK.search(row["shown"]["rank"]) for row in rows)


def test_a_trend_point_names_its_unit_in_english(shipped_client):
    points = shipped_client.get("/api/trend?q=tech-contract-turnover&lang=en").json()
    assert {point["shown"]["unit"] for point in points} == {"CNY 100 million"}
    assert all(point["shown"]["value"].startswith("CNY ") for point in points)


def test_a_bad_lang_is_refused(client):
    response = client.get(f"/api/facts/{BROKERS}?lang=fr")
    assert response.status_code == 400
    assert response.json()["error"] == "no language 'fr'; languages are zh, en"
