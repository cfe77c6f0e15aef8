"""Verification by URL (guarded fetch) and importing badges from elsewhere."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from microcred.audit.models import AuditEvent
from microcred.learner.models import HeldCredential
from tests.api.test_oauth_flow import outside_credential
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["https://127.0.0.1/badge.json", "https://10.0.0.8/badge.json",
                                 "https://169.254.169.254/latest/meta-data",
                                 "http://example.org/badge.json"])
def test_verify_by_url_refuses_private_addresses_and_plain_http(client: Client, url: str) -> None:
    response = client.post(reverse("verification:verify"), {"credential_url": url})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Could not fetch the credential" in html
    assert "Verified: every check passed" not in html


def test_verify_by_url_checks_what_it_fetched(client: Client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from microcred.verification import services

    badge = json.dumps(outside_credential())
    seen = {}

    def fake_fetch(url, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs, url=url)
        return badge.encode()

    monkeypatch.setattr(services, "fetch_bytes", fake_fetch)
    response = client.post(reverse("verification:verify"),
                           {"credential_url": "https://elsewhere.example/badge.json"})
    assert response.status_code == 200
    assert "Verified: every check passed" in response.content.decode()
    assert seen["url"] == "https://elsewhere.example/badge.json"
    assert seen["allow_private"] is False and seen["max_bytes"] <= 2 * 1024 * 1024


def test_import_keeps_a_verified_badge_apart_from_ours(client: Client, world: World) -> None:
    from tests.factories import did_proven

    # Only a credential awarded to the learner is kept: the badge names did:example:ana, a DID
    # the learner has proven is theirs.
    did_proven(world.learner, "did:example:ana")
    client.force_login(world.learner)
    badge = outside_credential("Elsewhere Badge")
    forged = client.post(reverse("learner:import"),
                         {"credential_text": json.dumps({**badge, "name": "Forged"})})
    assert forged.status_code == 400 and not HeldCredential.objects.exists()
    ok = client.post(reverse("learner:import"), {"credential_text": json.dumps(badge)})
    assert ok.status_code == 302
    held = HeldCredential.objects.get(owner=world.learner)
    assert held.text == json.dumps(badge) and held.issuer_name == "Elsewhere College"
    assert AuditEvent.objects.filter(action="held_credential.created").exists()
    page = client.get(reverse("learner:my_credentials")).content.decode()
    assert "Badges from elsewhere" in page and "Elsewhere Badge" in page
