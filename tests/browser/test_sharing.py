"""Sharing, verifying and revoking in a real browser against the real server.

A learner opens their credential, downloads the PDF certificate and finds the LinkedIn link;
a stranger uploads the baked PNG badge to /verify/; an administrator revokes the credential
and both the public page and the verifier say so. Screenshots go to test-artifacts/sharing/.
"""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "sharing"
DEMO_PASSWORD = "microcred-demo"

try:
    from playwright.sync_api import Page, expect
except ImportError:  # pragma: no cover - the server fixture skips, saying why
    pass


def _page(browser, base: str) -> Page:  # type: ignore[no-untyped-def]
    page = browser.new_context(viewport={"width": 1100, "height": 900},
                               accept_downloads=True).new_page()
    page.set_default_timeout(20000)
    return page


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_share_verify_and_revoke(browser, server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)

    # 1. The learner opens their credential: public page, PDF, LinkedIn.
    learner = _page(browser, server)
    _sign_in(learner, server, "maya.chen@demo.microcred.test")
    learner.goto(server + "/me/credentials/")
    learner.get_by_role("link", name="Open the credential page").first.click()
    expect(learner.get_by_role("heading", name="Verified: every check passed")).to_be_visible()
    public_url = learner.url
    linkedin = learner.get_by_role("link", name="Add to LinkedIn profile")
    expect(linkedin).to_have_attribute("href", __import__("re").compile(
        r"^https://www\.linkedin\.com/profile/add\?startTask=CERTIFICATION_NAME&"))
    learner.get_by_label("Show this credential on my public profile").check()
    learner.get_by_role("button", name="Save sharing choices").click()
    expect(learner.get_by_text("Your sharing choices are saved.")).to_be_visible()
    learner.screenshot(path=str(ARTIFACTS / "01-credential-page.png"), full_page=True)
    with learner.expect_download() as pdf_download:
        learner.get_by_role("link", name="Printable certificate (PDF)").click()
    pdf = tmp_path / "certificate.pdf"
    pdf_download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")

    # 2. A stranger opens the public page and verifies the baked PNG on /verify/.
    stranger = _page(browser, server)
    stranger.goto(public_url)
    expect(stranger.locator('meta[property="og:title"]')).to_have_count(1)
    png = tmp_path / "badge.png"
    png_url = public_url.rstrip("/") + ".png"
    png.write_bytes(urllib.request.urlopen(png_url, timeout=30).read())  # noqa: S310 - local
    stranger.goto(server + "/verify/")
    stranger.get_by_label("Or upload a credential file").set_input_files(str(png))
    stranger.get_by_role("button", name="Verify").click()
    expect(stranger.get_by_role("heading", name="Verified: every check passed")).to_be_visible()
    stranger.screenshot(path=str(ARTIFACTS / "02-stranger-verifies-png.png"), full_page=True)

    # 3. The administrator revokes it; the public page and the verifier show it.
    admin = _page(browser, server)
    _sign_in(admin, server, "admin@demo.microcred.test")
    admin.goto(public_url)
    admin.get_by_label("Reason").fill("Issued to the wrong person.")
    admin.get_by_role("button", name="Revoke").click()
    expect(admin.get_by_text("The credential is revoked.")).to_be_visible()
    admin.screenshot(path=str(ARTIFACTS / "03-admin-revoked.png"), full_page=True)

    stranger.goto(public_url)
    expect(stranger.locator("#credential-state")).to_contain_text("Revoked")
    expect(stranger.get_by_role("heading", name="Not verified: a check failed")).to_be_visible()
    stranger.goto(server + "/verify/")
    stranger.get_by_label("Or upload a credential file").set_input_files(str(png))
    stranger.get_by_role("button", name="Verify").click()
    expect(stranger.get_by_role("heading", name="Not verified: a check failed")).to_be_visible()
    expect(stranger.get_by_text("revoked").first).to_be_visible()
    stranger.screenshot(path=str(ARTIFACTS / "04-verifier-shows-revoked.png"), full_page=True)
