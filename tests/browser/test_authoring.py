"""Authoring in a real browser: an author writes a two-part micro-credential in the editor,
previews it, sends it for review; an administrator publishes it and it is in the catalog.
The axe check runs on every page (see conftest). Screenshots go to test-artifacts/authoring/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "authoring"
DEMO_PASSWORD = "microcred-demo"

try:
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # pragma: no cover - the server fixture skips, saying why
    pass


def _page(browser: Browser) -> Page:
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(15000)
    return page


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_author_writes_previews_and_an_admin_publishes(browser: Browser, server: str) -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    step = iter(range(1, 100))

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{next(step):02d}-{name}.png"), full_page=True)

    title = "Exit Tickets That Change Tomorrow's Lesson"
    author = _page(browser)
    _sign_in(author, server, "author@demo.microcred.test")

    # A quick start, then the full editor.
    author.goto(server + "/author/new/")
    author.get_by_label("Title").fill(title)
    author.get_by_label("Competency statement").fill(
        "The educator uses exit tickets to decide what to reteach.")
    author.get_by_label("Key method").fill("Ask one diagnostic question; sort; regroup.")
    author.locator("#id_prompts-0-prompt").fill("Share your exit ticket and the results.")
    author.locator("#id_criteria-0-name").fill("Diagnostic question")
    author.locator("#id_criteria-0-pass_descriptor").fill("It reveals a misconception.")
    author.locator("#id_criteria-0-not_yet_descriptor").fill("It only checks recall.")
    author.get_by_role("button", name="Save draft micro-credential").click()
    expect(author.get_by_role("heading", level=1)).to_have_text(title)
    author.get_by_role("link", name="Edit the draft").click()
    expect(author.get_by_role("heading", level=1)).to_contain_text(title)

    # Part 1 gets a title; a second part is added without losing what was typed.
    author.locator("#id_parts-0-title").fill("The exit ticket")
    author.locator("#id_parts-0-kind").select_option("artifacts")
    author.get_by_role("button", name="Add a part").click()
    expect(author.get_by_text("Added. Fill it in")).to_be_visible()
    expect(author.locator("#id_parts-0-title")).to_have_value("The exit ticket")
    author.locator("#id_parts-1-kind").select_option("reflection")
    author.locator("#id_parts-1-title").fill("Reflection")
    author.locator("#id_parts-1-prompts-0-prompt").fill("What did you reteach, and how?")
    author.locator("#id_parts-1-prompts-0-word_limit").fill("400")
    author.locator("#id_parts-1-criteria-0-name").fill("Adjustment")
    # Saving with a criterion half written shows the error on its field; nothing is lost.
    author.get_by_role("button", name="Save draft").first.click()
    summary = author.locator("#error-summary")
    expect(summary).to_be_visible()
    shot(author, "editor-errors")
    summary.get_by_role("link").first.click()
    expect(author.locator("#id_parts-1-criteria-0-pass_descriptor")).to_be_focused()
    author.locator("#id_parts-1-criteria-0-pass_descriptor").fill(
        "A specific regrouping is explained.")
    author.locator("#id_parts-1-criteria-0-not_yet_descriptor").fill("No change is described.")
    author.locator("#id_parts-1-criteria-0-guidance").fill("Look for named student groups.")
    author.locator("#id_topic").fill("Formative assessment")
    author.locator("#id_tags").fill("exit tickets, formative")
    shot(author, "editor")
    author.get_by_role("button", name="Save and preview").first.click()

    # The preview is the catalog page with the draft in it, and the credential card.
    expect(author.get_by_role("heading", level=1)).to_have_text(title)
    expect(author.get_by_text("Preview.", exact=False).first).to_be_visible()
    expect(author.get_by_text("Reflection").first).to_be_visible()
    expect(author.locator(".credential-card")).to_be_visible()
    shot(author, "preview")
    author.get_by_role("link", name="Back to the micro-credential").click()
    expect(author.get_by_text("Only an administrator")).to_be_visible()
    author.get_by_role("button", name="Send for review").click()
    expect(author.get_by_text("Sent for review").first).to_be_visible()
    shot(author, "sent-for-review")

    # The administrator publishes it from their authoring page.
    admin = _page(browser)
    _sign_in(admin, server, "admin@demo.microcred.test")
    admin.goto(server + "/author/")
    expect(admin.get_by_role("heading", name="In review")).to_be_visible()
    admin.get_by_role("link", name=title).click()
    admin.get_by_role("button", name="Publish").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(title)
    shot(admin, "published")
    admin.goto(server + "/catalog/")
    expect(admin.get_by_role("link", name=title).first).to_be_visible()
    shot(admin, "catalog")
