"""The page of `cqfacts serve` in a real headless Chromium (Debian's, driven by
Playwright, which never downloads a browser of its own). Skipped where no Chromium is
installed, except in CI (CI set), where a missing browser fails the run.

The servers are `cqfacts serve`'s own, in a thread of this process (helpers.serving):
the page is what is tested here; `cqfacts serve` as a process is test_web_api's and
test_web_server's. Each page load costs Chromium some 0.25 s of CPU, so a test opens
one document and checks all it can there (the other language by the page's own
switch) rather than loading one per check."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tests.conftest import SMALL_FACTS
from tests.helpers import serving

# Slow (a browser): first, and on one xdist worker, so that one browser
# serves them all (conftest.ONE_WORKER_MODULES).
pytestmark = pytest.mark.slow

DOCS = Path(__file__).parents[1] / "docs"
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_FACTS = (
    SMALL_FACTS
    + f"""
[topics."恶意标签"]
en = "Hostile label <script>alert(2)</script>"
aliases = []

[[topics."恶意标签".facts]]
id = "hostile-label"
pillar = 4
section = "4.2"
kind = "figure"
label = "{HOSTILE}"
label_en = "{HOSTILE} in English"
value = 42
unit = "项"
value_text = "42项<b>bold</b>"
note = "<a href=javascript:alert(3)>click</a>"

[[topics."恶意标签".facts]]
id = "change-alone"
pillar = 4
section = "4.2"
kind = "figure"
label = "只有增速的数字"
label_en = "A figure given by its change alone"
change = {{ value = 50, unit = "%", text = "增长50%" }}
"""
)
# The flags Chromium needs here: no sandbox as root, and no calls home on a closed network.
# (Playwright adds most of them itself; others tried, such as --single-process,
# --no-zygote, --in-process-gpu or --renderer-process-limit=1, cost as much or more.)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def _chromium() -> str:
    path = os.environ.get("CQFACTS_CHROMIUM") or shutil.which("chromium") or ""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = ""
    if not path:
        reason = "no Chromium or Playwright: apt-get install chromium; pip install playwright"
        if os.environ.get("CI"):
            pytest.fail(f"the browser test must run in CI: {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def shipped_url(shared_cache: Path) -> Iterator[str]:
    """Every shipped report, as `cqfacts serve` serves them by default; their index in
    the session's cache, where the tests' `cqfacts` processes find it built."""
    from cqfacts.store.loader import load_many

    with serving(load_many(cache_dir=shared_cache)) as (_, port):
        yield f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    from cqfacts.store.loader import load

    facts = tmp_path_factory.mktemp("page") / "hostile.toml"
    facts.write_text(HOSTILE_FACTS, encoding="utf-8")
    with serving(load(facts, cache_dir=None)) as (_, port):
        yield f"http://127.0.0.1:{port}/"


class Watched:
    """The browser's one page, at this test's size, with its console errors (CSP
    violations among them) and dialogs kept until :meth:`close`. One page for every
    test: a context and page of their own cost each test some 0.4 s of Chromium's time,
    and each test loads its own document (`goto`), so nothing of the last one is left."""

    _pages: ClassVar[dict[int, Any]] = {}

    def __init__(self, browser: Any, width: int = 1100, height: int = 800) -> None:
        page = self._pages.get(id(browser))
        if page is None or page.is_closed():
            context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
            page = self._pages[id(browser)] = context.new_page()
            page.set_default_timeout(10_000)
        page.set_viewport_size({"width": width, "height": height})
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self._listeners = {
            "console": lambda m: m.type == "error" and self.errors.append(m.text),
            "pageerror": lambda e: self.errors.append(str(e)),
            "dialog": self._dialog,
        }
        for event, listener in self._listeners.items():
            page.on(event, listener)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        for event, listener in self._listeners.items():
            self.page.remove_listener(event, listener)


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    page = Watched(browser)
    yield page
    assert page.errors == [], page.errors
    assert page.dialogs == []
    page.close()


def test_typing_answers_as_you_type_enter_opens_and_escape_clears(watched, shipped_url):
    """One visit, as a user makes it: initials typed, the first answer opened with Enter
    and its citation copied, Back to the answers, Escape to the parts, a part opened.
    (Each step reads the page the last one left; a document per step cost Chromium
    some 0.2 s of CPU each.)"""
    page = watched.page
    page.goto(shipped_url)
    page.locator("#q").press_sequentially("jsjjr", delay=30)
    first = page.locator(".card").first
    first.locator(".figure").filter(has_text="1133人").wait_for()
    assert "技术经纪人" in first.inner_text()
    assert "tech-brokers-new" in first.locator(".id").inner_text()
    assert "4.2" in first.locator(".section").inner_text()
    assert page.url.endswith("/?q=jsjjr")  # the state is in the URL, to share
    # Keyboard focus is visible: Tab from the box to what follows it.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    # Enter in the box opens the first answer, whose citation copies.
    page.locator("#q").press("Enter")
    citation = page.locator("#citation")
    citation.wait_for()
    assert "id=tech-brokers-new" in page.url
    text = citation.inner_text()
    assert "1133人" in text and "技术" in text
    page.locator("#copy").click()
    page.locator("#copy").filter(has_text="已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == text
    page.go_back()
    page.locator(".card").first.wait_for()
    assert page.url.endswith("?q=jsjjr")
    # Escape clears the box, and the parts show; one opens.
    page.locator("#q").press("Escape")
    page.locator(".pillar-link").first.wait_for()
    assert page.locator("#q").input_value() == ""
    assert page.url == shipped_url
    assert page.locator(".pillar-link").count() == 7
    page.locator(".pillar-link").nth(4).click()
    page.locator(".pillar-title").wait_for()
    assert page.url.endswith("?pillar=4")
    assert page.locator(".card").count() > 10


def test_a_shared_url_opens_with_its_answers(watched, shipped_url):
    page = watched.page
    page.goto(shipped_url + "?q=技術經紀人")  # traditional characters
    page.locator(".card .figure").filter(has_text="1133人").first.wait_for()
    assert page.locator("#q").input_value() == "技術經紀人"


def test_rank_is_a_bar_chart_and_the_language_switches(watched, shipped_url):
    page = watched.page
    page.goto(shipped_url + "?rank=change")
    page.locator(".bar").first.wait_for()
    widths = page.locator(".bar").evaluate_all("bars => bars.map(b => b.style.width)")
    assert widths[0] == "100%" and all(w.endswith("%") for w in widths)
    page.locator("#lang").click()
    page.locator("h2").filter(has_text="By growth rate").wait_for()
    assert page.url.endswith("?rank=change&lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"


def test_a_hostile_label_shows_as_text_and_runs_nothing(watched, hostile_url):
    page = watched.page
    page.goto(hostile_url + "?q=" + "恶意标签")
    card = page.locator(".card").first
    card.wait_for()
    assert HOSTILE in card.inner_text()
    assert "42项<b>bold</b>" in card.inner_text()
    card.locator("a").click()
    page.locator("#citation").wait_for()
    assert HOSTILE in page.locator("#citation").inner_text()
    assert "<a href=javascript:alert(3)>click</a>" in page.locator(".details").inner_text()
    page.locator("#lang").click()
    page.locator("#citation").filter(has_text="in English").wait_for()
    # Nothing was made of the text: no image, bold, link or script.
    assert page.locator("#view img, #view b, #view script, #view a[href^=javascript]").count() == 0
    page.wait_for_timeout(300)  # an onerror would have fired by now


# One figure's text on one line box: the rects of its text, counted by their tops.
ONE_LINE_EACH = (
    "cells => cells.map(c => { const r = document.createRange(); r.selectNodeContents(c);"
    " return new Set([...r.getClientRects()].map(b => Math.round(b.top))).size; })"
)


def test_a_results_figures_are_not_split_and_the_readme_screenshots(browser, shipped_url):
    """docs/page.png and docs/page-phone.png, taken with CQFACTS_UPDATE_DOCS=1 (not on
    other runs, which would encode two pictures no one sees); at a phone's width
    nothing overflows. One figure column for a list, as wide as its
    longest figure: 预计达到2.6% and 提高0.56个百分点 stay on one line, at a desktop's
    width and a phone's, and every card's label starts at one edge."""
    update = bool(os.environ.get("CQFACTS_UPDATE_DOCS"))
    for name, width, height in (("page.png", 1000, 760), ("page-phone.png", 390, 844)):
        watched = Watched(browser, width, height)
        page = watched.page
        page.goto(shipped_url + "?q=研发")
        page.locator(".card").nth(4).wait_for()
        lines = page.locator(".card .figure").evaluate_all(ONE_LINE_EACH)
        assert lines and set(lines) == {1}, (width, lines)
        lefts = page.locator(".card .label").evaluate_all(
            "labels => labels.map(l => Math.round(l.getBoundingClientRect().left))"
        )
        assert len(set(lefts)) == 1, (width, lefts)
        page.locator("#q").blur()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if update:
            page.screenshot(path=str(DOCS / name))
        assert watched.errors == []
        watched.close()


# --- each language whole: figures, changes, places and errors in the page's language ---------

CJK = r"[\u3400-\u9fff\uff00-\uffef]"


def _chinese_in(text: str) -> list[str]:
    import re

    return re.findall(rf"\S*{CJK}\S*", text)


def chinese_on(page: Any) -> list[str]:
    """The Chinese words in the page's main part, but those that are names."""
    text = page.locator("main").inner_text()
    # A policy's Chinese title is its name (as the CLI shows it); the hostile fact's
    # label is the test's own. Nothing else may be Chinese: no 亿元, 增长, 四（一）, 1133人.
    allowed = {"高校科技成果转化与产业化若干措施", "42项<b>bold</b>"}
    return [word for word in _chinese_in(text) if word not in allowed]


# Two fact pages as well, where they are opened in English: rd-investment-total's in
# test_the_overview_is_named_once, high-tech-enterprises-total's in
# test_the_english_fact_page_says_figure_change_place_and_previous_in_english. The two
# rankings are reached by the page's own links from the first document.
@pytest.mark.parametrize(
    ("path", "links"),
    [
        ("?q=jsjjr&lang=en", (("#nav-value", "By size"), ("#nav-change", "By growth rate"))),
        ("?pillar=4&lang=en", ()),
    ],
)
def test_the_english_page_has_no_chinese_figure(watched, hostile_url, path, links):
    page = watched.page
    page.goto(hostile_url + path)
    page.locator(".card .figure").first.wait_for()
    assert chinese_on(page) == []
    for link, heading in links:
        page.locator(link).click()
        page.locator("h2").filter(has_text=heading).wait_for()  # the view drawn anew
        page.locator(".bar-value").first.wait_for()
        assert chinese_on(page) == [], heading


def test_the_english_fact_page_says_figure_change_place_and_previous_in_english(
    watched, hostile_url
):
    page = watched.page
    page.goto(hostile_url + "?id=high-tech-enterprises-total&lang=en")
    page.locator(".fact .big").filter(has_text="7,565").wait_for()
    assert chinese_on(page) == []
    details = page.locator(".details").inner_text()
    assert "+19.2%" in details and "part 4 (1) Double doubling" in details
    assert "≈ 6,346 (derived: 7565 ÷ (1 + 19.2%))" in details
    page.locator("#lang").click()
    page.locator(".fact .big").filter(has_text="7565家").wait_for()
    details = page.locator(".details").inner_text()
    assert "增长19.2%" in details and "四（一） “双倍增”行动目标超额完成" in details


# A fact page is drawn whole at once (its article replaced): its copy button's words
# say which language the page now shows, once the language switch has redrawn it.
COPY = {"zh": "复制引用", "en": "Copy citation"}


def drawn_in(page: Any, lang: str) -> None:
    page.locator("#copy").filter(has_text=COPY[lang]).wait_for()


def test_a_policys_name_is_no_large_figure(watched, hostile_url):
    page = watched.page
    page.goto(hostile_url + "?id=university-transfer-measures&lang=zh")
    for lang, where in (("zh", ".fact h2"), ("en", ".details")):
        if lang == "en":
            page.locator("#lang").click()
        drawn_in(page, lang)
        assert page.locator(".fact .big").count() == 0
        # Its title: the heading in Chinese, a line of the details in English.
        assert "高校科技成果转化与产业化若干措施" in page.locator(where).inner_text()
    page.goto(hostile_url + "?q=成果转化政策&lang=en")
    card = page.locator(".card").first
    card.wait_for()
    # Its figure's column says what it is, quietly, as the CLI's tables do.
    assert card.locator(".figure.kind").inner_text() == "policy"
    assert card.locator(".name").inner_text() == "高校科技成果转化与产业化若干措施"


def test_an_error_reads_in_the_pages_language(browser, hostile_url):
    """In Chinese, then (Back from the search it offers, then the switch) in English."""
    watched = Watched(browser)
    page = watched.page
    page.goto(hostile_url + "?id=nope&lang=zh")
    for lang, expected in (
        ("zh", "没有找到“nope”对应的数据，可以试试搜索。"),
        ("en", "'nope' names no one fact."),
    ):
        if lang == "en":
            page.go_back()  # to the error, drawn again
            page.locator("#status.error").filter(has_text="没有找到").wait_for()
            page.locator("#lang").click()
        status = page.locator("#status.error").filter(has_text="nope")
        status.filter(has_text=expected).wait_for()
        assert status.inner_text() == expected
        # The page's own way on: a search for what was typed.
        page.locator(".search-instead").click()
        page.locator("#status.error").wait_for(state="detached")
        assert page.locator("#q").input_value() == "nope"
        assert "q=nope" in page.url
    # The 404 itself is the only console error (the browser logs every failed fetch).
    assert all("404" in error for error in watched.errors), watched.errors
    watched.close()


def test_a_series_fits_a_phone_in_either_language(browser, shipped_url):
    watched = Watched(browser, 390, 844)
    page = watched.page
    page.goto(shipped_url + "?id=tech-contract-turnover&lang=zh")
    for lang in ("zh", "en"):
        if lang == "en":
            page.locator("#lang").click()
        drawn_in(page, lang)
        page.locator(".points").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, lang
        # No figure is split over two lines: each figure's text is one line box.
        lines = page.locator(".points td.figure").evaluate_all(ONE_LINE_EACH)
        assert lines and set(lines) == {1}, (lang, lines)
    assert watched.errors == []
    watched.close()


def test_a_change_given_alone_is_shown_as_the_figure(watched, hostile_url):
    page = watched.page
    changes = (("zh", "增长50%"), ("en", "+50%"))  # Chinese first, then by the switch
    page.goto(hostile_url + "?id=change-alone&lang=zh")
    for lang, change in changes:
        if lang == "en":
            page.locator("#lang").click()
        page.locator(".fact .big").filter(has_text=change).wait_for()
    page.goto(hostile_url + "?q=只有增速的数字&lang=zh")
    for lang, change in changes:
        if lang == "en":
            page.locator("#lang").click()
        card = page.locator(".card").first
        card.locator(".figure").filter(has_text=change).wait_for()
        assert card.locator(".figure.kind").count() == 0


def test_the_overview_is_named_once(watched, hostile_url):
    page = watched.page
    page.goto(hostile_url + "?id=rd-investment-total&lang=en")
    for lang, where in (("en", "Overview"), ("zh", "总体情况")):
        if lang == "zh":
            page.locator("#lang").click()
        drawn_in(page, lang)
        if lang == "en":
            assert chinese_on(page) == []  # the English page has no Chinese figure
        rows = page.locator(".details dd").all_inner_texts()
        assert where in rows and not any(f"{where} {where}" in row for row in rows), rows
