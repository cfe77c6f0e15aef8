"""The whole journey in a real browser against the real server (gunicorn + task worker).

sign up -> author writes, an administrator publishes -> learner drafts (autosave), uploads,
submits -> assessor Not Yet -> learner resubmits -> assessor Pass -> the worker signs ->
learner sees the credential, opens its public page and verifies it on the verify page.
A screenshot per step goes to test-artifacts/journey/.
"""

from __future__ import annotations

import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import sign_up_confirmed

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "journey"
DEMO_PASSWORD = "microcred-demo"
QUESTION = "Describe the questions you asked and why."

try:
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # pragma: no cover - the server fixture skips, saying why
    pass


class Journey:
    def __init__(self, browser: Browser, base: str) -> None:
        self.browser = browser
        self.base = base
        self.step = 0
        shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's screenshots
        ARTIFACTS.mkdir(parents=True)

    def page(self) -> Page:
        context = self.browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    def shot(self, page: Page, name: str) -> None:
        self.step += 1
        page.screenshot(path=str(ARTIFACTS / f"{self.step:02d}-{name}.png"), full_page=True)

    def sign_in(self, page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(self.base + "/accounts/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_earn_assess_issue_verify(browser: Browser, server: str, tmp_path: Path) -> None:
    j = Journey(browser, server)
    title = "Questioning for Deeper Thinking"

    # 1. A learner signs up.
    learner = j.page()
    learner.goto(server + "/accounts/sign-up/")
    learner.get_by_label("Your name").fill("Sam Rivera")
    learner.get_by_label("Email address").fill("sam.rivera@example.test")
    learner.get_by_label("Password").fill("a long journey passphrase")
    j.shot(learner, "sign-up")
    learner.get_by_role("button", name="Create account").click()
    j.shot(learner, "check-your-email")
    sign_up_confirmed(learner, server, "sam.rivera@example.test")
    expect(learner.get_by_role("button", name="Sign out (Sam Rivera)")).to_be_visible()

    # 2. The author creates and publishes a micro-credential.
    author = j.page()
    j.sign_in(author, "author@demo.microcred.test")
    author.goto(server + "/author/new/")
    author.get_by_label("Title").fill(title)
    author.get_by_label("Competency statement").fill(
        "The educator asks higher-order questions and uses wait time.")
    author.get_by_label("Key method").fill("Plan and pose three open questions with wait time.")
    author.locator("#id_prompts-0-kind").select_option("text")
    author.locator("#id_prompts-0-prompt").fill("Describe the questions you asked and why.")
    author.locator("#id_prompts-1-kind").select_option("file")
    author.locator("#id_prompts-1-prompt").fill("Upload your question plan.")
    author.locator("#id_criteria-0-name").fill("Open questions")
    author.locator("#id_criteria-0-pass_descriptor").fill("Three open questions are planned.")
    author.locator("#id_criteria-0-not_yet_descriptor").fill("Questions are closed.")
    j.shot(author, "author-create")
    author.get_by_role("button", name="Save draft micro-credential").click()
    author.get_by_role("button", name="Send for review").click()
    j.shot(author, "in-review")
    # The organization's administrator reviews and publishes it.
    admin = j.page()
    j.sign_in(admin, "admin@demo.microcred.test")
    admin.goto(server + "/author/")
    admin.get_by_role("link", name=title).first.click()
    admin.get_by_role("button", name="Publish").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(title)
    expect(admin.get_by_text("Three open questions are planned.").first).to_be_visible()
    j.shot(admin, "published")

    # 3. The learner drafts (autosaved), uploads a file, and submits.
    learner.goto(server + "/catalog/")
    learner.get_by_role("link", name=title).click()
    learner.get_by_role("button", name="Start").click()
    answer = learner.get_by_label(QUESTION, exact=False)
    answer.fill("I asked why the water cycle matters and waited five seconds.")
    expect(learner.locator("#autosave-status")).to_contain_text("Draft saved", timeout=10000)
    learner.reload()
    expect(learner.get_by_label(QUESTION, exact=False)).to_have_value(
        "I asked why the water cycle matters and waited five seconds.")
    # Leaving the page straight after typing (before the autosave delay): the beacon saves it.
    attempt_url = learner.url
    part1 = learner.get_by_label(QUESTION, exact=False)
    part1.press("Control+End")
    part1.press_sequentially(" Then more.")
    learner.goto(server + "/catalog/")
    # The beacon is sent as the page goes away and may land just after the next page loads:
    # come back until the server has it (a lost save would fail after the last try).
    for _ in range(20):
        learner.goto(attempt_url)
        saved = learner.get_by_label(QUESTION, exact=False).input_value()
        if saved.endswith("Then more."):
            break
        learner.wait_for_timeout(250)
    expect(learner.get_by_label(QUESTION, exact=False)).to_have_value(
        re.compile(r"waited five seconds\. Then more\.$"))
    learner.get_by_role("button", name="Submit for assessment").click()
    expect(learner.locator(".error-summary")).to_contain_text("Part 1, question 2")
    j.shot(learner, "missing-part")
    plan = tmp_path / "question-plan.txt"
    plan.write_text("Q1 Why? Q2 What if? Q3 How do you know?")
    learner.get_by_label("Upload your question plan.", exact=False).set_input_files(str(plan))
    learner.get_by_label("I confirm this evidence is my own work", exact=False).check()
    learner.get_by_role("button", name="Submit for assessment").click()
    expect(learner.locator(".status")).to_contain_text("Submitted")
    j.shot(learner, "submitted")

    # 4. The assessor scores it Not Yet, blind.
    assessor = j.page()
    j.sign_in(assessor, "assessor@demo.microcred.test")
    assessor.goto(server + "/assess/")
    expect(assessor.locator("main")).not_to_contain_text("Sam Rivera")
    expect(assessor.locator("main")).not_to_contain_text("sam.rivera@example.test")
    row = assessor.get_by_role("row").filter(has_text=title)
    j.shot(assessor, "queue")
    row.get_by_role("button", name="Claim").click()  # a new micro-credential: no pool yet
    expect(assessor.locator("main")).not_to_contain_text("Sam Rivera")
    assessor.get_by_role("radio", name="Not Yet").check()
    assessor.get_by_label("Feedback for “Open questions”").fill(
        "Only one question is open; plan two more.")
    j.shot(assessor, "not-yet")
    assessor.get_by_role("button", name="Record the outcome").click()
    expect(assessor.locator(".messages")).to_contain_text("Not Yet")

    # 5. The learner reads the feedback and resubmits.
    learner.goto(server + "/me/learning/")
    learner.get_by_role("link", name=title).first.click()
    expect(learner.locator("main")).to_contain_text("Only one question is open")
    j.shot(learner, "feedback")
    learner.get_by_role("button", name="Revise and resubmit").click()
    learner.get_by_label(QUESTION, exact=False).fill(
        "I planned three open questions: why, what if, how do you know.")
    learner.get_by_label("I confirm this evidence is my own work", exact=False).check()
    learner.get_by_role("button", name="Submit for assessment").click()
    expect(learner.locator(".status")).to_contain_text("Submitted")

    # 6. The assessor passes it; the worker signs the credential.
    assessor.goto(server + "/assess/")
    assessor.get_by_role("row").filter(has_text=title).get_by_role(
        "button", name="Claim").click()
    assessor.get_by_role("radio", name="Pass").check()
    j.shot(assessor, "pass")
    assessor.get_by_role("button", name="Record the outcome").click()
    expect(assessor.locator(".messages")).to_contain_text("Pass")

    # 7. The learner sees the credential, opens its public page, and verifies it.
    for _ in range(60):
        learner.goto(server + "/me/credentials/")
        if learner.get_by_role("link", name="Open the credential page").count():
            break
        time.sleep(0.5)
    card = learner.locator(".card").filter(has_text=title)
    j.shot(learner, "my-credentials")
    with learner.expect_download() as download_info:
        card.get_by_role("link", name="Download JSON").click()
    saved = tmp_path / "credential.json"
    download_info.value.save_as(saved)
    card.get_by_role("link", name="Open the credential page").click()
    expect(learner.locator(".report")).to_contain_text("Verified: every check passed")
    for check in ("Proof", "Issuer", "Validity", "Status"):
        expect(learner.locator(".checks")).to_contain_text(check)
    j.shot(learner, "credential-page")
    public_url = learner.url
    raw = urllib.request.urlopen(public_url.rstrip("/") + ".json").read()  # noqa: S310
    assert raw == saved.read_bytes()

    visitor = j.page()
    visitor.goto(server + "/verify/")
    visitor.get_by_label("Or upload a credential file").set_input_files(str(saved))
    visitor.get_by_role("button", name="Verify").click()
    expect(visitor.locator(".report")).to_contain_text("Verified: every check passed")
    expect(visitor.locator("main")).to_contain_text(title)
    j.shot(visitor, "verified")
    visitor.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert visitor.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    j.shot(visitor, "verified-phone")

    # Refusal seen from the browser: a learner cannot open the assessor queue.
    response = learner.goto(server + "/assess/")
    assert response is not None and response.status == 403
    j.shot(learner, "queue-refused")
