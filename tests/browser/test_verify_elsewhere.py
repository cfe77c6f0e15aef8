"""/verify/ for credentials that others issued (issue 24): a DCC-style Ed25519Signature2020
badge, a VC-JWT signed with a did:jwk key and a baked Open Badges 2.0 badge, read by a stranger
on a phone (390 px) in English and in Spanish. Each shows the three answers in plain words (is
it authentic, is it valid now, does it follow its standard); axe checks every page (the
``browser`` fixture). Screenshots go to test-artifacts/verify-elsewhere/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from microcred.vc import openbadges as ob
from microcred.vc.jose import sign_jwt
from microcred.vc.keys import Ed25519Multikey
from tests.vc import interop_signers as signers
from tests.vc.test_ob2 import bake_ob2_png

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "verify-elsewhere"
PHONE = {"width": 390, "height": 844}


def _badge(issuer: str, **subject: Any) -> dict[str, Any]:
    achievement = ob.achievement(
        id="https://university.example/achievements/data-literacy", name="Data Literacy",
        description="Reads and questions the numbers in a news story.",
        criteria_narrative="Passed the course's final project.")
    return ob.open_badge_credential(
        id="urn:uuid:8f0c2d7e-1b3a-4c5d-9e6f-000000000024",
        issuer=ob.profile(id=issuer, name="Example State University"), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, **subject),
        valid_from="2025-06-01T12:00:00Z")


def dcc_credential() -> str:
    """As the DCC's tools issued them: VC 1.1, Ed25519Signature2020, a did:key issuer, no
    subject id (a conformance problem, never a reason to doubt it)."""
    suite = signers.Suite("Ed25519Signature2020", None, "Ed25519")
    key = suite.new_key()
    document = _badge(key.issuer("did:key"), identifier=[ob.identity_object(
        value="maya.chen@example.org")])
    document["@context"] = [signers.VC_V1, *document["@context"][1:],
                            signers.ED25519_2020_CONTEXT]
    document["issuanceDate"] = document.pop("validFrom")
    del document["credentialSubject"]["identifier"]
    signed = signers.sign(document, suite, key,
                          verification_method=key.verification_method("did:key"))
    return json.dumps(signed)


def vc_jwt() -> str:
    key = Ed25519Multikey.generate()
    did = signers.did_jwk({"kty": "OKP", "crv": "Ed25519", "x": signers.b64url(key.public_bytes)})
    return sign_jwt(_badge(did, id="did:example:maya"), key=key, verification_method=f"{did}#0")


def baked_ob2(tmp_path: Path) -> Path:
    assertion = {
        "@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
        "id": "https://badges.northwind.invalid/assertions/24",
        "recipient": {"type": "email", "hashed": False, "identity": "maya.chen@example.org"},
        "badge": "https://badges.northwind.invalid/badges/data-literacy",
        "verification": {"type": "HostedBadge"}, "issuedOn": "2025-06-01T12:00:00Z",
    }
    path = tmp_path / "ob2-badge.png"
    path.write_bytes(bake_ob2_png(json.dumps(assertion)))
    return path


def _verify_text(page: Page, server: str, text: str, label: str) -> None:
    page.goto(server + "/verify/")
    page.get_by_label(label).fill(text)
    page.locator("#verify-form button[type=submit]").click()
    page.wait_for_load_state("load")


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"/verify/ scrolls sideways by {overflow}px at 390 px"


def test_credentials_issued_elsewhere_read_in_plain_words(
    browser: Any, server: str, tmp_path: Path
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport=PHONE)

    # A DCC credential: authentic and valid now; its structure has a problem, shown as such.
    _verify_text(page, server, dcc_credential(), "Paste a credential")
    expect(page.get_by_role("heading", name="Verified: authentic and valid now")).to_be_visible()
    answers = page.locator("dl.answers")
    expect(answers).to_contain_text("Is it authentic?")
    expect(answers).to_contain_text("Yes. Every signature is valid")
    expect(answers).to_contain_text("Yes. It is within its dates")
    expect(answers).to_contain_text("Not fully: 1 problem in how it is written")
    page.get_by_text("1 problem in how it is written", exact=True).click()  # open the details
    expect(page.get_by_role("link", name="OB 3.0 AchievementSubject")).to_be_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "dcc-credential-390.png"), full_page=True)

    # A VC-JWT from a did:jwk issuer: verified, every answer yes.
    _verify_text(page, server, vc_jwt(), "Paste a credential")
    expect(page.get_by_role("heading", name="Verified: every check passed")).to_be_visible()
    expect(page.locator("dl.answers")).to_contain_text(
        "Yes. It has every field its standard requires.")
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "vc-jwt-390.png"), full_page=True)

    # A baked Open Badges 2.0 badge: its issuer's site is the authority, and this server does
    # not go to the network, so whether it is authentic cannot be told; the page says so.
    page.goto(server + "/verify/")
    page.get_by_label("Or upload a credential file").set_input_files(str(baked_ob2(tmp_path)))
    page.locator("#verify-form button[type=submit]").click()
    expect(page.get_by_role("heading", name="Not verified: some checks could not be completed")
           ).to_be_visible()
    expect(page.locator("dl.answers")).to_contain_text("Could not tell: the signature could not "
                                                       "be checked")
    expect(page.locator(".checks")).to_contain_text("Open Badges 2.0")
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "baked-ob2-390.png"), full_page=True)


def test_the_answers_in_spanish_and_by_keyboard(browser: Any, server: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(locale="es-ES", viewport=PHONE)
    page.goto(server + "/verify/")
    field = page.get_by_label("Pega una credencial")
    field.fill(dcc_credential())
    field.focus()
    page.keyboard.press("Tab")  # to the file field, then on to the submit button
    for _ in range(6):
        if page.evaluate("document.activeElement.type") == "submit":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Verificada: auténtica y válida ahora")
           ).to_be_visible()
    answers = page.locator("dl.answers")
    expect(answers).to_contain_text("¿Es auténtica?")
    expect(answers).to_contain_text("¿Es válida ahora?")
    expect(answers).to_contain_text("¿Sigue su estándar?")
    expect(answers).to_contain_text("No del todo: 1 problema en cómo está escrita")
    _no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "dcc-credential-390-es.png"), full_page=True)
