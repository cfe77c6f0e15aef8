"""The three answers on /verify/ and on POST /credentials/verify (issue 24, item 3): a credential
signed elsewhere whose structure does not fully conform is verified (authentic, valid now), and
its conformance problems are shown as such, with their specification sections."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from microcred.vc import openbadges as ob
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey

pytestmark = pytest.mark.django_db

KEY = Ed25519Multikey.generate(seed=bytes(range(1, 33)))


def _elsewhere(*, conformant: bool = True, issuer: str | None = None) -> dict[str, Any]:
    achievement = ob.achievement(id="https://college.example/a/1", name="Lab safety",
                                 description="Runs a safe science lab.",
                                 criteria_narrative="Passed the lab audit.")
    doc = ob.open_badge_credential(
        issuer=ob.profile(id=issuer or KEY.did, name="Lakeside College"),
        achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, id="did:example:maya"),
        valid_from="2026-01-15T09:30:00Z")
    if not conformant:  # as many wallets' badges are: no subject id, the logo as a string
        doc = copy.deepcopy(doc)
        del doc["credentialSubject"]["id"]
        doc["issuer"]["image"] = "https://college.example/logo.png"
    return sign(doc, key=KEY)


def _page(client: Client, document: dict[str, Any], language: str = "en") -> str:
    response = client.post(reverse("verification:verify"),
                           {"credential_text": json.dumps(document)},
                           HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_answers_three_questions_for_a_conformant_credential(client: Client) -> None:
    html = _page(client, _elsewhere())
    assert "Verified: every check passed" in html
    assert "Is it authentic?" in html and "Is it valid now?" in html
    assert "Does it follow its standard?" in html
    assert html.count('class="answer ') == 3
    assert "Yes. Every signature is valid" in html
    assert "Yes. It has every field its standard requires." in html
    assert "problems in how it is written" not in html


def test_conformance_problems_are_shown_as_such_never_as_not_verified(client: Client) -> None:
    html = _page(client, _elsewhere(conformant=False))
    assert "Verified: authentic and valid now" in html
    assert "Not verified" not in html
    assert "Not fully: 2 problems in how it is written" in html
    assert 'href="https://www.imsglobal.org/spec/ob/v3p0/#achievementsubject"' in html
    assert 'href="https://www.imsglobal.org/spec/ob/v3p0/#image"' in html
    assert "answer-conformant outcome-failed" in html


def test_an_altered_credential_says_do_not_trust_it(client: Client) -> None:
    document = _elsewhere()
    document["name"] = "Rocket science"
    html = _page(client, document)
    assert "Not verified: a check failed" in html
    assert "No. Do not trust the details" in html


def test_the_answers_read_in_spanish(client: Client) -> None:
    html = _page(client, _elsewhere(conformant=False), language="es")
    with translation.override("es"):
        assert "¿Es auténtica?" in html and "¿Es válida ahora?" in html
        assert "¿Sigue su estándar?" in html
        assert "Verificada: auténtica y válida ahora" in html
        assert "No del todo: 2 problemas en cómo está escrita" in html


def test_the_api_verifies_a_nonconformant_credential_and_lists_its_problems(
    client: Client,
) -> None:
    response = client.post("/credentials/verify",
                           json.dumps({"verifiableCredential": _elsewhere(conformant=False)}),
                           content_type="application/json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["answers"] == {"authentic": "passed", "valid_now": "passed",
                               "conformant": "failed"}
    assert body["errors"] == []
    assert any(w.startswith("schema: ") for w in body["warnings"])
    sections = {p["section"] for p in body["conformance"]}
    assert "https://www.imsglobal.org/spec/ob/v3p0/#achievementsubject" in sections


def test_the_api_refuses_an_altered_credential(client: Client) -> None:
    document = _elsewhere()
    document["name"] = "Rocket science"
    response = client.post("/credentials/verify", json.dumps({"verifiableCredential": document}),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["answers"]["authentic"] == "failed"


def test_the_api_accepts_valid_proofs_for_an_issuer_named_by_url_with_a_warning(
    client: Client,
) -> None:
    """The W3C vc-di-ecdsa vectors: an https issuer signed with a did:key. The proofs hold;
    nothing ties the key to the URL, which the answer says (warning, authentic unknown)."""
    document = _elsewhere(issuer="https://college.example/issuers/1")
    response = client.post("/credentials/verify", json.dumps({"verifiableCredential": document}),
                           content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["answers"]["authentic"] == "unknown"
    assert any("nothing ties that key" in w for w in body["warnings"])
    document["name"] = "Rocket science"
    tampered = client.post("/credentials/verify", json.dumps({"verifiableCredential": document}),
                           content_type="application/json")
    assert tampered.status_code == 400


def test_a_document_that_breaks_the_vc_data_model_is_not_verified_on_the_page_or_the_api(
    client: Client,
) -> None:
    """VC Data Model 2.0 §7.1: a document that is not a conforming verifiable credential is an
    error, whatever its proof; only OB 3.0 / CLR 2.0 profile problems are warnings."""
    achievement = ob.achievement(id="https://college.example/a/2", name="Lab safety",
                                 description="Runs a safe science lab.",
                                 criteria_narrative="Passed the lab audit.")
    doc = ob.open_badge_credential(
        issuer=ob.profile(id=KEY.did, name="Lakeside College"), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, id="did:example:maya"),
        valid_from="2026-01-15T09:30:00Z")
    doc["type"] = ["OpenBadgeCredential"]  # without VerifiableCredential (§4.5 Types)
    signed = sign(doc, key=KEY, cryptosuite="eddsa-jcs-2022")
    html = _page(client, signed)
    assert "Not verified: not a well-formed verifiable credential" in html
    assert "No. It breaks rules every verifiable credential must follow" in html
    assert 'href="https://www.w3.org/TR/vc-data-model-2.0/#types"' in html
    response = client.post("/credentials/verify", json.dumps({"verifiableCredential": signed}),
                           content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert any(e.startswith("schema: ") for e in body["errors"])
    assert body["conformance"] and all(p["malformed"] for p in body["conformance"])
