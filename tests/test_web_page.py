"""The page of `cqfacts serve` in a real headless Chromium (Debian's, driven by
Playwright, which never downloads a browser of its own). Skipped where no Chromium is
installed, except in CI (CI set), where a missing browser fails the run."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SMALL_FACTS
from tests.helpers import start_server, stop

# Slow (a browser, two servers): first, and on one xdist worker, so that one browser
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
"""
)
# The flags Chromium needs here: no sandbox as root, and no calls home on a closed network.
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
def shipped_url() -> Iterator[str]:
    process, url = start_server()
    yield url
    stop(process)


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory) -> Iterator[str]:
    facts = tmp_path_factory.mktemp("page") / "hostile.toml"
    facts.write_text(HOSTILE_FACTS, encoding="utf-8")
    process, url = start_server(facts=facts)
    yield url
    stop(process)


class Watched:
    """A page with its console errors (CSP violations among them) and dialogs kept."""

    def __init__(self, browser: Any, width: int = 1100, height: int = 800) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": height},
            permissions=["clipboard-read", "clipboard-write"],
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.set_default_timeout(10_000)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    page = Watched(browser)
    yield page
    assert page.errors == [], page.errors
    assert page.dialogs == []
    page.close()


def test_typing_initials_answers_as_you_type(watched, shipped_url):
    page = watched.page
    page.goto(shipped_url)
    page.locator("#q").press_sequentially("jsjjr", delay=30)
    first = page.locator(".card").first
    first.locator(".figure").filter(has_text="1133人").wait_for()
    assert "技术经纪人" in first.inner_text()
    assert "tech-brokers-new" in first.locator(".id").inner_text()
    assert "4.2" in first.locator(".section").inner_text()
    assert page.url.endswith("/?q=jsjjr")  # the state is in the URL, to share


def test_a_shared_url_opens_with_its_answers(watched, shipped_url):
    page = watched.page
    page.goto(shipped_url + "?q=技術經紀人")  # traditional characters
    page.locator(".card .figure").filter(has_text="1133人").first.wait_for()
    assert page.locator("#q").input_value() == "技術經紀人"


def test_enter_opens_the_first_result_and_its_citation_copies(watched, shipped_url):
    page = watched.page
    page.goto(shipped_url + "?q=jsjjr")
    page.locator(".card").first.wait_for()
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


def test_escape_clears_and_the_pillars_show(watched, shipped_url):
    page = watched.page
    page.goto(shipped_url + "?q=jsjjr")
    page.locator(".card").first.wait_for()
    page.locator("#q").press("Escape")
    page.locator(".pillar-link").first.wait_for()
    assert page.locator("#q").input_value() == ""
    assert page.url == shipped_url
    assert page.locator(".pillar-link").count() == 7
    page.locator(".pillar-link").nth(4).click()
    page.locator(".pillar-title").wait_for()
    assert page.url.endswith("?pillar=4")
    assert page.locator(".card").count() > 10


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


def test_keyboard_focus_is_visible(watched, shipped_url):
    page = watched.page
    page.goto(shipped_url + "?q=jsjjr")
    page.locator(".card").first.wait_for()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")


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


def test_screenshots_for_the_readme(browser, shipped_url, tmp_path):
    """docs/page.png and docs/page-phone.png (written there with CQFACTS_UPDATE_DOCS=1,
    else to a temporary folder: a test run leaves the checkout as it was); at a
    phone's width nothing overflows."""
    folder = DOCS if os.environ.get("CQFACTS_UPDATE_DOCS") else tmp_path
    for name, width, height in (("page.png", 1000, 760), ("page-phone.png", 390, 844)):
        watched = Watched(browser, width, height)
        page = watched.page
        page.goto(shipped_url + "?q=研发")
        page.locator(".card").nth(2).wait_for()
        page.locator("#q").blur()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(folder / name))
        assert watched.errors == []
        watched.close()
