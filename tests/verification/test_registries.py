"""The verdict names the trusted registry that lists a credential's issuer (ISSUER_REGISTRIES),
or says plainly that the issuer is identified only by its key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from microcred.vc import openbadges as ob
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey
from microcred.verification.services import credential_verify, issuer_known
from tests.factories import World
from tests.vc.test_registries import Entity, anchor_configuration, organization

pytestmark = pytest.mark.django_db


def outside_credential(key: Ed25519Multikey, issuer_name: str = "Lakeside CC") -> dict:
    achievement = ob.achievement(id="https://lakeside.example/a/1", name="Welding I",
                                 description="Basic welding.", criteria_narrative="Weld.")
    return sign(ob.open_badge_credential(
        issuer=ob.profile(id=key.did, name=issuer_name), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, id="did:example:learner"),
        valid_from=ob.now_iso(), id="urn:uuid:12345678-2222-3333-4444-555555555555",
    ), key=key)


@pytest.fixture
def key() -> Ed25519Multikey:
    return Ed25519Multikey.generate()


@pytest.fixture
def dcc_registry(tmp_path: Path, key: Ed25519Multikey) -> Path:
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"meta": {"created": "2025-01-01T00:00:00Z"}, "registry": {
        key.did: {"name": "Lakeside Community College", "url": "https://lakeside.example",
                  "location": "Duluth, MN, USA"}}}))
    return path


def vc_api(client: Client, credential: dict) -> dict:
    return client.post("/credentials/verify",
                       data=json.dumps({"verifiableCredential": credential}),
                       content_type="application/json").json()


def test_the_vc_api_names_the_registry_that_lists_the_issuer(
        client: Client, world: World, key: Ed25519Multikey, dcc_registry: Path) -> None:
    credential = outside_credential(key)
    with override_settings(ISSUER_REGISTRIES=f"DCC Sandbox Registry={dcc_registry}"):
        known = vc_api(client, credential)["issuerKnown"]
    assert known["confirmed"] is False and known["organization"] is None
    assert known["unconfirmedBecause"] == "unknown_key"  # not an organization here
    assert known["listedBy"] == {
        "registry": "DCC Sandbox Registry", "source": str(dcc_registry), "kind": "dcc",
        "issuer": key.did, "name": "Lakeside Community College",
        "url": "https://lakeside.example", "location": "Duluth, MN, USA", "legalName": None}
    assert known["registriesUnchecked"] == []
    # without the setting, the same credential is identified only by its key
    known = vc_api(client, credential)["issuerKnown"]
    assert known["listedBy"] is None and known["unconfirmedBecause"] == "unknown_key"


def test_the_verify_page_names_the_registry_and_the_listed_name(
        client: Client, world: World, key: Ed25519Multikey, dcc_registry: Path) -> None:
    credential = outside_credential(key, issuer_name="Lakeside CC")
    with override_settings(ISSUER_REGISTRIES=f"DCC Sandbox Registry={dcc_registry}"):
        html = client.post(reverse("verification:verify"),
                           {"credential_text": json.dumps(credential)}).content.decode()
    assert "Listed by DCC Sandbox Registry as “Lakeside Community College”" in html
    assert "The credential calls its issuer “Lakeside CC”." in html
    assert "https://lakeside.example · Duluth, MN, USA" in html
    assert "identified only by its key" not in html
    other = outside_credential(Ed25519Multikey.generate())
    with override_settings(ISSUER_REGISTRIES=f"DCC Sandbox Registry={dcc_registry}"):
        html = client.post(reverse("verification:verify"),
                           {"credential_text": json.dumps(other)}).content.decode()
    assert "identified only by its key, which no organization here holds and no trusted " \
        "registry lists" in html
    assert "Listed by" not in html


def test_an_openid_federation_trust_anchor_lists_the_issuer(
        client: Client, world: World, key: Ed25519Multikey, tmp_path: Path) -> None:
    import time

    anchor = Entity("https://registry.example.org")
    path = tmp_path / "federation.json"
    path.write_text(json.dumps([
        anchor_configuration(anchor, iat=int(time.time()) - 60, exp=int(time.time()) + 3600),
        anchor.sign({"iss": anchor.id, "sub": key.did, "iat": int(time.time()) - 60,
                     "exp": int(time.time()) + 3600,
                     "metadata": organization("Lakeside Community College",
                                              "https://lakeside.example")}),
    ]))
    with override_settings(ISSUER_REGISTRIES=str(path)):
        known = vc_api(client, outside_credential(key))["issuerKnown"]
    assert known["listedBy"]["registry"] == "Example Credentials Federation"
    assert known["listedBy"]["kind"] == "openid-federation"
    assert known["listedBy"]["trustChain"] == [key.did, anchor.id]


def test_a_registry_that_cannot_be_read_is_reported_not_taken_as_silence(
        client: Client, world: World, key: Ed25519Multikey, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with override_settings(ISSUER_REGISTRIES=f"Broken Registry={broken}"):
        known = vc_api(client, outside_credential(key))["issuerKnown"]
        html = client.post(reverse("verification:verify"),
                           {"credential_text": json.dumps(outside_credential(key))}
                           ).content.decode()
    assert known["listedBy"] is None
    assert [p["registry"] for p in known["registriesUnchecked"]] == ["Broken Registry"]
    assert known["registriesUnchecked"][0]["code"] == "malformed_registry"
    assert "the trusted registries Broken Registry could not be checked" in html


def test_a_url_registry_is_not_fetched_with_the_network_off(
        world: World, key: Ed25519Multikey) -> None:
    with override_settings(ISSUER_REGISTRIES="https://registry.example.org/registry.json",
                           VERIFIER_ALLOW_NETWORK=False):
        known = issuer_known(credential_verify(data=json.dumps(outside_credential(key))))
    assert known is not None and known["listedBy"] is None
    assert known["registriesUnchecked"][0]["code"] == "registry_unavailable"
    assert "fetching is off" in known["registriesUnchecked"][0]["message"]


def test_a_tampered_credential_is_not_credited_to_a_listed_issuer(
        world: World, key: Ed25519Multikey, dcc_registry: Path) -> None:
    credential = outside_credential(key)
    credential["credentialSubject"]["achievement"]["name"] = "Welding II"
    with override_settings(ISSUER_REGISTRIES=str(dcc_registry)):
        known = issuer_known(credential_verify(data=json.dumps(credential)))
    assert known is not None
    assert known["unconfirmedBecause"] == "unsigned" and known["listedBy"] is None


def test_our_own_organizations_stay_confirmed_by_their_keys(
        client: Client, world: World, tmp_path: Path) -> None:
    from tests.verification.test_issuer_standing import issue

    ours = json.loads(issue(world).signed_json)
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"registry": {ours["issuer"]["id"]: {"name": "Someone Else"}}}))
    with override_settings(ISSUER_REGISTRIES=str(path)):
        known = vc_api(client, ours)["issuerKnown"]
    assert known["confirmed"] is True and known["organization"] == world.org.name
    assert known["listedBy"] is None  # the platform's own answer comes first
