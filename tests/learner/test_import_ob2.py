"""Importing Open Badges 2.0 badges: verified against the issuer's site (served here by a fake
of the guarded fetcher), awarded to the learner's own email, kept apart and shown as a
displayer should; and the public verifier reading OB 2.0 badges and presentations."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from joserfc import jws
from joserfc.jwk import RSAKey
from PIL import Image

from microcred.audit.models import AuditEvent
from microcred.learner.models import HeldCredential
from microcred.learner.selectors import credentials_for_owner
from microcred.vc.errors import ResolutionError
from microcred.vc.keys import Ed25519Multikey, RsaKey
from tests.api.test_oauth_flow import outside_credential
from tests.factories import World
from tests.vc.test_ob2 import bake_ob2_png

pytestmark = pytest.mark.django_db

BASE = "https://badges.elsewhere.example"
SALT = "pepper-1"


def _png(colour: str = "navy") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


class IssuerSite:
    """What the issuer's site answers, by URL; anything else is a 404."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.gone: set[str] = set()
        self.fetched: list[str] = []

    def put(self, url: str, document: Any) -> None:
        self.pages[url] = document if isinstance(document, bytes) else json.dumps(document).encode()

    def fetch(self, url: str, **kwargs: Any) -> bytes:
        self.fetched.append(url)
        assert kwargs.get("allow_private") is False
        if url in self.gone:
            raise ResolutionError(f"could not fetch {url}: HTTP 410 Gone", code="fetch_failed",
                                  status=410)
        if url not in self.pages:
            raise ResolutionError(f"could not fetch {url}: HTTP 404 Not Found",
                                  code="fetch_failed", status=404)
        return self.pages[url]


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch, settings: Any) -> IssuerSite:
    from microcred.learner import services
    from microcred.vc import ob2

    settings.VERIFIER_ALLOW_NETWORK = True
    settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES = False
    fake = IssuerSite()
    monkeypatch.setattr(ob2, "fetch_bytes", fake.fetch)
    monkeypatch.setattr(services, "fetch_bytes", fake.fetch)  # the badge's image
    fake.put(f"{BASE}/issuer", {"@context": "https://w3id.org/openbadges/v2", "type": "Issuer",
                                "id": f"{BASE}/issuer", "name": "Elsewhere Academy",
                                "url": BASE, "email": "badges@elsewhere.example",
                                "publicKey": f"{BASE}/key"})
    fake.put(f"{BASE}/badge", {"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass",
                               "id": f"{BASE}/badge", "name": "Data Literacy",
                               "description": "Reads and questions charts.",
                               "image": f"{BASE}/badge.png",
                               "criteria": {"narrative": "Pass the quiz."},
                               "issuer": f"{BASE}/issuer"})
    fake.put(f"{BASE}/badge.png", _png())
    return fake


def assertion_for(site: IssuerSite, email: str, name: str = "a1", **extra: Any) -> dict:
    digest = hashlib.sha256((email + SALT).encode()).hexdigest()
    assertion = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion",
                 "id": f"{BASE}/assertions/{name}",
                 "recipient": {"type": "email", "hashed": True, "salt": SALT,
                               "identity": f"sha256${digest}"},
                 "badge": f"{BASE}/badge", "issuedOn": "2026-01-10T12:00:00Z",
                 "verification": {"type": "HostedBadge"}, **extra}
    site.put(assertion["id"], assertion)
    return assertion


def test_a_hosted_ob2_badge_is_verified_and_kept_apart(client: Client, world: World,
                                                       site: IssuerSite) -> None:
    client.force_login(world.learner)
    assertion = assertion_for(site, world.learner.email, expires="2030-01-01T00:00:00Z")
    response = client.post(reverse("learner:import"), {"credential_text": json.dumps(assertion)})
    assert response.status_code == 302, response.content.decode()[:3000]
    held = HeldCredential.objects.get(owner=world.learner)
    assert held.standard == HeldCredential.Standard.OB2
    assert (held.title, held.issuer_name) == ("Data Literacy", "Elsewhere Academy")
    assert held.description == "Reads and questions charts."
    assert held.text == json.dumps(assertion) and held.format == "json"
    assert held.issued_on and held.issued_on.year == 2026 and held.expires_at
    assert held.image.startswith("data:image/png;base64,") and held.verified_at
    assert f"{BASE}/assertions/a1" in site.fetched  # checked against the hosted copy
    assert AuditEvent.objects.filter(action="held_credential.created",
                                     data__standard="ob2").exists()
    page = client.get(reverse("learner:my_credentials")).content.decode()
    assert "Badges from elsewhere" in page and "Data Literacy" in page
    assert "Open Badges 2.0" in page and "Elsewhere Academy" in page
    assert 'src="data:image/png;base64,' in page and "Reads and questions charts." in page
    # The OB 3.0 API serves verifiable credentials only, not OB 2.0 assertions.
    assert credentials_for_owner(user=world.learner) == []
    # Importing it again replaces it.
    again = client.post(reverse("learner:import"), {"credential_text": json.dumps(assertion)})
    assert again.status_code == 302 and HeldCredential.objects.count() == 1


def test_a_badge_for_someone_else_is_refused(client: Client, world: World,
                                             site: IssuerSite) -> None:
    client.force_login(world.learner)
    assertion = assertion_for(site, "someone.else@example.org")
    response = client.post(reverse("learner:import"), {"credential_text": json.dumps(assertion)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This badge was awarded to someone else" in html
    assert "email: sha256$" in html and world.learner.email in html
    assert not HeldCredential.objects.exists()


def test_revoked_and_tampered_badges_are_refused(client: Client, world: World,
                                                 site: IssuerSite) -> None:
    client.force_login(world.learner)
    revoked = assertion_for(site, world.learner.email, "revoked")
    site.put(revoked["id"], {**revoked, "revoked": True})
    response = client.post(reverse("learner:import"), {"credential_text": json.dumps(revoked)})
    assert response.status_code == 400 and "revoked" in response.content.decode()
    gone = assertion_for(site, world.learner.email, "gone")
    site.gone.add(gone["id"])
    assert client.post(reverse("learner:import"),
                       {"credential_text": json.dumps(gone)}).status_code == 400
    tampered = assertion_for(site, world.learner.email, "tampered")
    forged = {**tampered, "badge": f"{BASE}/other-badge"}
    assert client.post(reverse("learner:import"),
                       {"credential_text": json.dumps(forged)}).status_code == 400
    assert not HeldCredential.objects.exists()


def test_a_baked_png_keeps_its_own_image(client: Client, world: World,
                                         site: IssuerSite) -> None:
    client.force_login(world.learner)
    assertion = assertion_for(site, world.learner.email, "baked")
    png = bake_ob2_png(json.dumps(assertion))
    upload = SimpleUploadedFile("badge.png", png, "image/png")
    response = client.post(reverse("learner:import"), {"credential_file": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    held = HeldCredential.objects.get(owner=world.learner)
    assert held.image.startswith("data:image/png;base64,")
    assert f"{BASE}/badge.png" not in site.fetched  # the uploaded image is the badge image


def test_a_signed_badge_is_kept_as_its_jws(client: Client, world: World,
                                           site: IssuerSite) -> None:
    client.force_login(world.learner)
    key = RsaKey.generate()
    site.put(f"{BASE}/key", {"@context": "https://w3id.org/openbadges/v2",
                             "type": "CryptographicKey", "id": f"{BASE}/key",
                             "owner": f"{BASE}/issuer", "publicKeyPem": key.public_pem().decode()})
    assertion = assertion_for(site, world.learner.email, "signed",
                              verification={"type": "SignedBadge", "creator": f"{BASE}/key"})
    token = jws.serialize_compact({"alg": "RS256"}, json.dumps(assertion).encode(),
                                  RSAKey.import_key(key.private_pem()))
    response = client.post(reverse("learner:import"), {"credential_text": token})
    assert response.status_code == 302, response.content.decode()[:3000]
    held = HeldCredential.objects.get(owner=world.learner)
    assert held.format == "jws" and held.text == token and held.standard == "ob2"


def test_the_public_verifier_reads_ob2(client: Client, site: IssuerSite) -> None:
    assertion = assertion_for(site, "ana@example.org")
    response = client.post(reverse("verification:verify"),
                           {"credential_text": json.dumps(assertion)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Verified: every check passed" in html and "Data Literacy" in html
    assert "Elsewhere Academy" in html


def test_the_public_verifier_reads_a_presentation(client: Client) -> None:
    from microcred.vc.presentation import present

    vp = present([outside_credential("First"), outside_credential("Second")],
                 key=Ed25519Multikey.generate(), challenge="c-1")
    response = client.post(reverse("verification:verify"), {"credential_text": json.dumps(vp)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "A verifiable presentation" in html and "Credential 2" in html
    assert "First" in html and "Second" in html
    assert html.count("Verified: every check passed") == 3
    forged = present([{**outside_credential(), "name": "Forged"}], key=Ed25519Multikey.generate())
    html = client.post(reverse("verification:verify"),
                       {"credential_text": json.dumps(forged)}).content.decode()
    assert "Not verified: a check failed" in html


def _signed_at_site(site: IssuerSite) -> tuple[str, str]:
    """A signed OB 2.0 assertion whose key, badge class and issuer the fake site serves, and
    a copy with its payload changed under the same signature."""
    from tests.vc.test_ob2_signed import ob2_signed_site

    token, tampered, documents = ob2_signed_site()
    for url, document in documents.items():
        site.put(url, document)
    return token, tampered


def test_the_public_verifier_reads_a_signed_ob2_assertion(client: Client,
                                                          site: IssuerSite) -> None:
    token, tampered = _signed_at_site(site)
    html = client.post(reverse("verification:verify"), {"credential_text": token}
                       ).content.decode()
    assert "Verified: every check passed" in html and "Soil Sampling" in html
    assert "kid" not in html
    html = client.post(reverse("verification:verify"), {"credential_text": tampered}
                       ).content.decode()
    assert "Verified: every check passed" not in html


def test_the_vc_api_reads_a_signed_ob2_assertion_in_its_envelope(client: Client,
                                                                 site: IssuerSite) -> None:
    token, tampered = _signed_at_site(site)

    def verify(jws_text: str) -> Any:
        envelope = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": "EnvelopedVerifiableCredential",
                    "id": f"data:application/jwt,{jws_text}"}
        return client.post("/credentials/verify",
                           data=json.dumps({"verifiableCredential": envelope}),
                           content_type="application/json")

    good = verify(token)
    assert good.status_code == 200, good.json()
    assert good.json()["verdict"] == "passed" and "proof" in good.json()["checks"]
    assert good.json()["issuerKnown"]["confirmed"] is False
    bad = verify(tampered)
    assert bad.status_code == 400
    assert any(error.startswith("proof:") for error in bad.json()["errors"])
