"""/verify/: "Check it was issued to this email address" (issue 15). The typed address is
hashed with the credential's own salt and compared; the page says yes or no and never shows the
address the credential holds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from microcred.vc import openbadges as ob
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey

pytestmark = pytest.mark.django_db

KEY = Ed25519Multikey.generate(seed=bytes(range(2, 34)))


def _credential(**subject: Any) -> dict[str, Any]:
    achievement = ob.achievement(id="https://college.example/a/3", name="Reading aloud",
                                 description="Reads aloud to a class.",
                                 criteria_narrative="Observed twice.")
    return sign(ob.open_badge_credential(
        issuer=ob.profile(id=KEY.did, name="Lakeside College"), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, **subject),
        valid_from="2026-01-15T09:30:00Z"), key=KEY)


def _check(client: Client, credential: dict[str, Any], email: str,
           language: str = "en") -> str:
    response = client.post(reverse("verification:verify"),
                           {"credential_text": json.dumps(credential), "recipient_email": email},
                           HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_right_address_is_confirmed_without_showing_the_stored_hash(client: Client) -> None:
    credential = _credential(identifier=[ob.identity_object(value="maya.chen@example.org")])
    html = _check(client, credential, "Maya.Chen@example.org")
    assert "It was awarded to Maya.Chen@example.org." in html
    assert "Verified: every check passed" in html
    stored = credential["credentialSubject"]["identifier"][0]
    assert stored["salt"] not in html.split("<textarea")[0]  # only in the pasted JSON, if at all


def test_another_address_is_refused(client: Client) -> None:
    credential = _credential(identifier=[ob.identity_object(value="maya.chen@example.org")])
    html = _check(client, credential, "someone@example.org")
    assert "It was awarded to someone else, not to someone@example.org." in html
    assert "Not verified" in html
    assert "maya.chen@example.org" not in html.split("<textarea")[0]


def test_a_credential_naming_no_email_says_it_cannot_be_checked(client: Client) -> None:
    html = _check(client, _credential(id="did:example:maya"), "maya.chen@example.org")
    assert "It names no email address, so whether it was issued to maya.chen@example.org " \
           "cannot be checked." in html


def test_the_answer_in_spanish(client: Client) -> None:
    credential = _credential(identifier=[ob.identity_object(value="maya.chen@example.org")])
    html = _check(client, credential, "otra@example.org", language="es")
    assert "Se otorgó a otra persona, no a otra@example.org." in html
    assert "Comprueba que se emitió a esta dirección de correo (opcional)" in html


def test_without_an_address_no_recipient_check_is_made(client: Client) -> None:
    credential = _credential(identifier=[ob.identity_object(value="maya.chen@example.org")])
    html = _check(client, credential, "")
    assert "It was awarded to" not in html and "Verified: every check passed" in html


@pytest.mark.parametrize(
    ("subject", "email", "answer"),
    [
        ({"identifier": [ob.identity_object(value="a@b.example", salt="s1")]}, "A@B.example",
         "match"),
        ({"identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                          "hashed": False, "identityHash": "a@b.example"}]}, "a@b.example",
         "match"),
        ({"id": "mailto:a@b.example"}, "A@b.example", "match"),
        ({"identifier": [ob.identity_object(value="a@b.example")]}, "c@b.example", "mismatch"),
        ({"id": "did:example:a"}, "a@b.example", "none"),
    ],
)
def test_the_core_compares_every_way_a_credential_names_an_address(
    subject: dict[str, Any], email: str, answer: str
) -> None:
    credential = {"credentialSubject": {"type": ["AchievementSubject"], **subject}}
    assert ob.recipient_email(credential, email) == answer


def test_an_address_that_is_not_one_is_refused_with_a_reason(client: Client) -> None:
    credential = _credential(identifier=[ob.identity_object(value="maya.chen@example.org")])
    response = client.post(reverse("verification:verify"),
                           {"credential_text": json.dumps(credential),
                            "recipient_email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()


def test_an_open_badges_2_assertion_the_credential_path_read_is_checked_its_own_way() -> None:
    """A signed OB 2.0 assertion inside an EnvelopedVerifiableCredential comes back from the
    credential verifier as an OB 2.0 report: its ``recipient`` is compared, OB 2.0's way."""
    from microcred.vc.ob2 import Ob2Report
    from microcred.verification.services import recipient_check

    assertion = {"type": "Assertion", "recipient": {
        "type": "email", "hashed": False, "identity": "maya.chen@example.org"}}
    yes = recipient_check(report=Ob2Report(checks=[], credential=assertion),
                          email="maya.chen@example.org")
    no = recipient_check(report=Ob2Report(checks=[], credential=assertion),
                         email="someone@example.org")
    assert [c.code for c in yes.checks] == ["recipient.match"]
    assert [c.code for c in no.checks] == ["recipient.mismatch"]
