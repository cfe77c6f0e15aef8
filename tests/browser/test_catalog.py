"""The catalog in a real browser: search, a typo corrected, filters with and without htmx,
pagination links, and the micro-credential page, at 360 px and 1280 px.

axe-core runs on every page and after every htmx swap (conftest.py). Screenshots go to
test-artifacts/catalog/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "catalog"
FORMATIVE = "Formative Assessment: Checking for Understanding"

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the server fixture skips, saying why
    pass


@pytest.mark.parametrize("width", [360, 1280])
def test_search_filter_and_open_a_micro_credential(browser: object, server: str,
                                                   width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page.goto(server + "/catalog/")
    expect(page.get_by_role("heading", level=1, name="Catalog")).to_be_visible()
    count = page.locator("#result-count")
    expect(count).to_have_attribute("role", "status")
    page.screenshot(path=str(SHOTS / f"01-catalog-{width}.png"), full_page=True)

    # Search as you type (htmx): the results and the announced count change, the URL follows.
    search = page.get_by_role("searchbox", name="Search")
    search.fill("formative")
    expect(page.get_by_role("link", name=FORMATIVE)).to_be_visible()
    expect(count).to_contain_text("match")
    expect(page).to_have_url(re.compile(r"/catalog/\?q=formative$"))
    page.screenshot(path=str(SHOTS / f"02-search-{width}.png"), full_page=True)

    # A typo: nothing found, and a suggestion that finds it.
    search.fill("formtive")
    search.press("Enter")
    # exact: until the typo's results arrive, the old result "Formative Assessment: ..." matches
    suggestion = page.get_by_role("link", name="formative", exact=True)
    expect(suggestion).to_be_visible()
    page.screenshot(path=str(SHOTS / f"03-suggestion-{width}.png"), full_page=True)
    suggestion.click()
    expect(page.get_by_role("link", name=FORMATIVE)).to_be_visible()

    # A filter (a select change swaps the results); a fee nobody charges empties them.
    page.get_by_label("Fee").select_option("paid")
    expect(page.get_by_text("Nothing matches")).to_be_visible()
    expect(page).to_have_url(re.compile(r"fee=paid"))
    page.get_by_label("Fee").select_option("")
    page.get_by_label("Topic").select_option("Assessment")
    expect(page.get_by_role("link", name=FORMATIVE)).to_be_visible()
    page.screenshot(path=str(SHOTS / f"04-filtered-{width}.png"), full_page=True)
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the catalog scrolls sideways by {overflow}px at {width}px"

    # The micro-credential page: the whole model, never the assessor guidance.
    page.get_by_role("link", name=FORMATIVE).click()
    expect(page.get_by_role("heading", level=1, name=FORMATIVE)).to_be_visible()
    for heading in ("Key method", "Research and rationale", "Evidence you submit", "Rubric",
                    "Details", "Versions"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    assert page.locator("#achievement-v1").count() == 1
    page.screenshot(path=str(SHOTS / f"05-detail-{width}.png"), full_page=True)
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"


def test_filters_work_without_javascript(chromium: object, server: str) -> None:
    # Raw Chromium: axe-core needs JavaScript (the other tests check these pages with it).
    context = chromium.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + "/catalog/")
    page.get_by_role("searchbox", name="Search").fill("formative")
    page.get_by_role("button", name="Search", exact=True).click()
    # The browser sends every field; the canonical link names the results once.
    expect(page).to_have_url(re.compile(r"/catalog/\?q=formative&"))
    canonical = page.locator('link[rel="canonical"]').get_attribute("href") or ""
    assert canonical.endswith("/catalog/?q=formative"), canonical
    expect(page.get_by_role("link", name=FORMATIVE)).to_be_visible()
    page.get_by_label("Audience").select_option("leaders")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"q=formative&.*audience=leaders"))
    expect(page.get_by_text("Nothing matches")).to_be_visible()
    context.close()
