"""Assessment journeys in a real browser against the demo server: a learner's first attempt
with autosave surviving a reload, a Not Yet and a resubmission; calibration of a new
assessor; a moderated decision with disagreement and adjudication; an appeal.

Assignment is automatic (least-loaded qualified assessor), so the tests find who holds a
submission the way a person would: by looking at each assessor's queue.
Screenshots go to test-artifacts/assessment/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import sign_up_confirmed

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "assessment"
PASSWORD = "microcred-demo"
ASSESSORS = ["assessor@demo.microcred.test", "assessor2@demo.microcred.test",
             "lead@demo.microcred.test", "trainee@demo.microcred.test"]
LEAD = "lead@demo.microcred.test"
TRAINEE = "trainee@demo.microcred.test"
FEEDBACK_MC = "Feedback That Moves Learning Forward"
# The demo's feedback micro-credential: overview questions (written), work samples (a file),
# a reflection (written). Each field is labelled with its prompt.
CONTEXT = "Describe the class, the task, and the success criteria"  # at most 400 words
REVISION_TIME = "When and how did students act on your feedback?"
SAMPLES = "Upload three samples of student work"
REFLECTION = "Describe how students used the feedback"
DISCOURSE_MC = "Academic Discourse: Structured Student Talk"
INTEGRITY = "I confirm this evidence is my own work"

try:
    from playwright.sync_api import Page, expect
except ImportError:  # pragma: no cover - the server fixture skips, saying why
    pass


class People:
    """One signed-in page per person, opened on first use."""

    def __init__(self, browser: Any, base: str, name: str) -> None:
        self.browser = browser
        self.base = base
        self.pages: dict[str, Page] = {}
        self.dir = SHOTS / name
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(parents=True)
        self.step = 0

    def shot(self, page: Page, label: str) -> None:
        self.step += 1
        page.screenshot(path=str(self.dir / f"{self.step:02d}-{label}.png"), full_page=True)

    def new_page(self) -> Page:
        page = self.browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
        page.set_default_timeout(15000)
        return page

    def sign_up(self, name: str, email: str) -> Page:
        page = self.new_page()
        page.goto(self.base + "/accounts/sign-up/")
        page.get_by_label("Your name").fill(name)
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill("a long assessment passphrase")
        page.get_by_role("button", name="Create account").click()
        sign_up_confirmed(page, self.base, email)
        expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_attached()
        self.pages[email] = page
        return page

    def as_(self, email: str) -> Page:
        if email not in self.pages:
            page = self.new_page()
            page.goto(self.base + "/accounts/sign-in/")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_attached()
            self.pages[email] = page
        return self.pages[email]

    def holder(self, title: str, kind: str = "Assessment",
               among: Iterable[str] = ASSESSORS) -> str:
        """Who has this review in 'Assigned to you'."""
        for email in among:
            page = self.as_(email)
            page.goto(self.base + "/assess/")
            rows = page.locator("table").first.get_by_role("row").filter(
                has_text=title).filter(has_text=kind)
            if rows.count():
                return email
        raise AssertionError(f"nobody holds the {kind} of {title}")

    def open_assigned(self, email: str, title: str, kind: str = "Assessment") -> Page:
        page = self.as_(email)
        page.goto(self.base + "/assess/")
        page.locator("table").first.get_by_role("row").filter(has_text=title).filter(
            has_text=kind).get_by_role("link").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Assess")
        return page

    def score(self, page: Page, outcome: str, feedback: str = "") -> None:
        for fieldset in page.locator("fieldset.criterion").all():
            fieldset.get_by_role("radio", name=outcome, exact=True).check()
            if feedback:
                fieldset.get_by_role("textbox").fill(feedback)
        page.get_by_role("button", name="Record the outcome").click()
        expect(page.locator("main")).to_contain_text("Recorded")


def _start_and_submit(people: People, page: Page, title: str, tmp_path: Path,
                      text: str) -> None:
    page.goto(people.base + "/catalog/")
    page.get_by_role("link", name=title).first.click()
    page.get_by_role("button", name="Start").click()
    for area in page.locator("textarea").all():
        area.fill(text)
    evidence = tmp_path / "evidence.txt"
    evidence.write_text("Transcript and samples, names removed.")
    page.locator("input[type=file]").first.set_input_files(str(evidence))
    page.get_by_label(INTEGRITY, exact=False).check()
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.locator(".status")).to_contain_text(re.compile("In review|Submitted"))


def test_first_attempt_autosave_not_yet_and_resubmission(browser: Any, server: str,
                                                         tmp_path: Path) -> None:
    people = People(browser, server, "resubmission")
    learner = people.sign_up("Rosa Lind", "rosa.lind@example.test")
    learner.goto(server + "/catalog/")
    learner.get_by_role("link", name=FEEDBACK_MC).first.click()
    learner.get_by_role("button", name="Start").click()
    part2 = learner.get_by_label(REVISION_TIME, exact=False)
    part2.fill("Success criteria were shared; each comment names one next step.")
    expect(learner.locator("#autosave-status")).to_contain_text("Draft saved", timeout=10000)
    learner.reload()
    expect(learner.get_by_label(REVISION_TIME, exact=False)).to_have_value(
        "Success criteria were shared; each comment names one next step.")
    expect(learner.locator("#last-saved")).not_to_be_empty()
    expect(learner.locator(".word-count").first).to_contain_text("/ 400")  # live word count
    # Submitting without the file or the integrity statement names both.
    learner.get_by_role("button", name="Submit for assessment").click()
    summary = learner.locator(".error-summary")
    expect(summary).to_contain_text("Part 3")  # the work samples (a file)
    expect(summary).to_contain_text("academic-integrity")
    people.shot(learner, "missing-parts")
    for label, text in ((CONTEXT, "Grade 6 lab reports; the success criteria were posted."),
                        (REFLECTION, "Most students revised the conclusion using the next step.")):
        learner.get_by_label(label, exact=False).fill(text)
    samples = tmp_path / "samples.txt"
    samples.write_text("Three samples with feedback.")
    learner.get_by_label(SAMPLES, exact=False).set_input_files(str(samples))
    learner.get_by_label(INTEGRITY, exact=False).check()
    learner.get_by_role("button", name="Submit for assessment").click()
    expect(learner.locator(".status")).to_contain_text("In review")
    expect(learner.locator("main")).to_contain_text("Expected decision by")
    people.shot(learner, "in-review")

    first = people.holder(FEEDBACK_MC)
    page = people.open_assigned(first, FEEDBACK_MC)
    expect(page.locator("main")).not_to_contain_text("Rosa Lind")
    expect(page.locator("main")).not_to_contain_text("rosa.lind@example.test")
    people.shot(page, "blind-scoring")
    people.score(page, "Not Yet", "Name the success criterion in each comment.")

    learner.goto(server + "/me/learning/")
    learner.get_by_role("link", name=FEEDBACK_MC).first.click()
    expect(learner.locator(".status")).to_contain_text("Not Yet")
    learner.get_by_role("button", name="Revise and resubmit").click()
    expect(learner.locator(".previous-feedback")).to_contain_text(
        "Name the success criterion in each comment.")
    expect(learner.get_by_label(REVISION_TIME, exact=False)).to_have_value(
        "Success criteria were shared; each comment names one next step.")  # prefilled
    learner.get_by_label("Note to the assessor", exact=False).fill(
        "Each comment now starts with the criterion it refers to.")
    learner.get_by_label(INTEGRITY, exact=False).check()
    people.shot(learner, "resubmission")
    learner.get_by_role("button", name="Submit for assessment").click()
    expect(learner.locator(".status")).to_contain_text("In review")

    second = people.holder(FEEDBACK_MC)
    assert second != first  # someone who did not assess the earlier attempt
    page = people.open_assigned(second, FEEDBACK_MC)
    expect(page.locator("main")).to_contain_text("Each comment now starts with the criterion")
    people.score(page, "Pass")
    learner.reload()
    expect(learner.locator(".status")).to_contain_text("Pass")


def test_calibration_then_moderated_disagreement_goes_to_the_lead(browser: Any, server: str,
                                                                  tmp_path: Path) -> None:
    people = People(browser, server, "moderation")
    trainee = people.as_(TRAINEE)
    trainee.goto(server + "/assess/")
    trainee.get_by_role("link", name=re.compile("Calibrate for Academic Discourse")).click()
    expect(trainee.locator("main")).to_contain_text("Sample 2 of 3")
    people.shot(trainee, "calibration")
    # Sample B: every criterion Not Yet; sample C: Pass, Pass, Not Yet (the agreed outcomes).
    for outcomes, after in ((["Not Yet"] * 3, "Sample 3 of 3"),
                            (["Pass", "Pass", "Not Yet"], "Qualified")):
        radios = trainee.locator("main form .field").filter(has=trainee.get_by_role("radio"))
        expect(radios).to_have_count(3)
        for i, outcome in enumerate(outcomes):
            radios.nth(i).get_by_role("radio", name=outcome, exact=True).check()
        trainee.get_by_role("button", name="Record").click()
        expect(trainee.locator("main")).to_contain_text(after)
    expect(trainee.locator(".status")).to_contain_text("Qualified")
    people.shot(trainee, "qualified")

    learner = people.sign_up("Theo Park", "theo.park@example.test")
    _start_and_submit(people, learner, DISCOURSE_MC, tmp_path,
                      "Structured academic controversy with roles and frames.")
    # Hand it to the newly qualified assessor: others release it back to the pool.
    for _ in range(4):
        holder = people.holder(DISCOURSE_MC)
        if holder == TRAINEE:
            break
        page = people.open_assigned(holder, DISCOURSE_MC)
        page.get_by_role("button", name="Release back to the pool").click()
    assert holder == TRAINEE
    page = people.open_assigned(TRAINEE, DISCOURSE_MC)
    people.score(page, "Pass")
    learner.reload()
    expect(learner.locator(".status")).to_contain_text("In review")  # held for moderation

    moderator = people.holder(DISCOURSE_MC, "Moderation")
    assert moderator not in (TRAINEE, LEAD)
    page = people.open_assigned(moderator, DISCOURSE_MC, "Moderation")
    expect(page.locator("main")).to_contain_text("Score independently")
    people.score(page, "Not Yet", "The transcript shows no cited evidence.")

    assert people.holder(DISCOURSE_MC, "Adjudication", among=[LEAD]) == LEAD
    page = people.open_assigned(LEAD, DISCOURSE_MC, "Adjudication")
    expect(page.locator("main")).to_contain_text("The two scorings that disagree")
    people.shot(page, "adjudication")
    people.score(page, "Not Yet", "Agree with the moderator: cite the evidence.")
    learner.reload()
    expect(learner.locator(".status")).to_contain_text("Not Yet")
    expect(learner.locator("main")).to_contain_text("Agree with the moderator")

    admin = people.as_("admin@demo.microcred.test")
    admin.goto(server + "/assess/")
    admin.get_by_role("link", name=re.compile("Pools, deadlines and agreement")).click()
    row = admin.get_by_role("row").filter(has_text="Hana Sato").filter(has_text=DISCOURSE_MC)
    expect(row.first).to_be_visible()
    expect(admin.locator("main")).to_contain_text("Cohen's kappa")
    expect(admin.locator("main")).to_contain_text("Overdue")
    people.shot(admin, "admin")


def test_appeal_goes_to_a_different_assessor(browser: Any, server: str,
                                             tmp_path: Path) -> None:
    people = People(browser, server, "appeal")
    learner = people.sign_up("Ana Weber", "ana.weber@example.test")
    _start_and_submit(people, learner, DISCOURSE_MC, tmp_path,
                      "Accountable talk stems; participation tallied per student.")
    first = people.holder(DISCOURSE_MC)
    page = people.open_assigned(first, DISCOURSE_MC)
    people.score(page, "Not Yet", "The participation analysis is missing.")
    learner.reload()
    expect(learner.locator(".status")).to_contain_text("Not Yet")
    learner.get_by_text("Appeal this decision").click()
    learner.get_by_label("Why do you think the decision is wrong?").fill(
        "The participation tally is in the uploaded file.")
    people.shot(learner, "appeal")
    learner.get_by_role("button", name="Send the appeal").click()
    expect(learner.locator("main")).to_contain_text("Your appeal is with a different assessor")
    reviewer = people.holder(DISCOURSE_MC, "Appeal review")
    assert reviewer != first
    page = people.open_assigned(reviewer, DISCOURSE_MC, "Appeal review")
    people.score(page, "Pass")
    learner.reload()
    expect(learner.locator(".status")).to_contain_text("Pass")
    expect(learner.locator("main")).to_contain_text("Decided on appeal")
    expect(learner.get_by_text("Appeal this decision")).to_have_count(0)
    people.shot(learner, "appeal-decided")


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_without_javascript_on_a_phone(browser: Any, server: str, tmp_path: Path) -> None:
    """Drafting, saving and submitting work with JavaScript off, at 360 px; the assessor's and
    admin's pages fit a phone too."""
    context = browser.new_context(viewport={"width": 360, "height": 740},
                                  java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(server + "/accounts/sign-up/")
    page.get_by_label("Your name").fill("Kai Noor")
    page.get_by_label("Email address").fill("kai.noor@example.test")
    page.get_by_label("Password").fill("a long assessment passphrase")
    page.get_by_role("button", name="Create account").click()
    sign_up_confirmed(page, server, "kai.noor@example.test")
    page.goto(server + "/catalog/")
    page.get_by_role("link", name=FEEDBACK_MC).first.click()
    page.get_by_role("button", name="Start").click()
    page.get_by_label(REVISION_TIME, exact=False).fill("Saved without JavaScript.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_label(REVISION_TIME, exact=False)).to_have_value(
        "Saved without JavaScript.")
    _no_sideways_scroll(page)
    page.get_by_label(CONTEXT, exact=False).fill("Lab reports, criteria posted.")
    page.get_by_label(REFLECTION, exact=False).fill("Students revised conclusions.")
    samples = tmp_path / "samples.txt"
    samples.write_text("samples")
    page.get_by_label(SAMPLES, exact=False).set_input_files(str(samples))
    page.get_by_label(INTEGRITY, exact=False).check()
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.locator(".status")).to_contain_text("In review")
    _no_sideways_scroll(page)
    # Closed here: the accessibility check's script cannot run in a page without JavaScript
    # (Page.evaluate would wait for ever at teardown); the same pages are checked with it on.
    context.close()

    people = People(browser, server, "phone")
    for email, path in ((TRAINEE, "/assess/"), ("admin@demo.microcred.test",
                                                "/assess/admin/riverbend-teaching-collaborative/")):
        other = people.as_(email)
        other.set_viewport_size({"width": 360, "height": 740})
        other.goto(server + path)
        _no_sideways_scroll(other)
    holder = people.holder(FEEDBACK_MC)
    scoring = people.open_assigned(holder, FEEDBACK_MC)
    scoring.set_viewport_size({"width": 360, "height": 740})
    _no_sideways_scroll(scoring)
    people.shot(scoring, "score-phone")
