"""The Open Badges 3.0 API end to end with Django's test client: discovery, RFC 7591
registration, authorization code with PKCE (S256), token, every endpoint, scope enforcement."""

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from microcred.issuance.models import Credential
from microcred.learner.models import HeldCredential
from microcred.vc import openbadges as ob
from microcred.vc.data_integrity import sign
from microcred.vc.keys import Ed25519Multikey
from tests.factories import World, pass_attempt, submitted_attempt

pytestmark = pytest.mark.django_db

OB = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
ALL = [OB + s for s in ("credential.readonly", "credential.upsert", "profile.readonly",
                        "profile.update")]
REDIRECT = "https://wallet.example/callback"


def discover(client: Client) -> dict:
    response = client.get("/ims/ob/v3p0/discovery")
    assert response.status_code == 200
    return response.json()


def register(client: Client, sdd: dict) -> dict:
    scheme = sdd["components"]["securitySchemes"]["OAuth2ACG"]
    response = client.post(urlsplit(scheme["x-imssf-registrationUrl"]).path, data=json.dumps({
        "client_name": "Example Wallet", "client_uri": "https://wallet.example/",
        "redirect_uris": [REDIRECT], "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"], "token_endpoint_auth_method": "client_secret_basic",
        "scope": " ".join(ALL),
    }), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def authorize(client: Client, sdd: dict, app: dict, scopes: list[str], user) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    flow = sdd["components"]["securitySchemes"]["OAuth2ACG"]["flows"]["authorizationCode"]
    verifier, challenge = pkce()
    client.force_login(user)
    params = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": REDIRECT,
              "scope": " ".join(scopes), "state": "xyz", "code_challenge": challenge,
              "code_challenge_method": "S256"}
    path = urlsplit(flow["authorizationUrl"]).path
    page = client.get(path, params)
    assert page.status_code == 200  # the consent page
    response = client.post(path, {**params, "allow": "Authorize"})
    assert response.status_code == 302, response.content
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["state"] == ["xyz"]
    client.logout()
    return query["code"][0], verifier


def token(client: Client, sdd: dict, app: dict, code: str, verifier: str) -> dict:
    flow = sdd["components"]["securitySchemes"]["OAuth2ACG"]["flows"]["authorizationCode"]
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    response = client.post(urlsplit(flow["tokenUrl"]).path, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200, response.content
    return response.json()


def bearer(tok: dict) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {tok['access_token']}"}


def outside_credential(name: str = "Elsewhere badge") -> dict:
    key = Ed25519Multikey.generate()
    achievement = ob.achievement(id="https://elsewhere.example/a/1", name=name,
                                 description="Something.", criteria_narrative="Did it.")
    return sign(ob.open_badge_credential(
        issuer=ob.profile(id=key.did, name="Elsewhere College"), achievement=achievement,
        subject=ob.achievement_subject(achievement=achievement, id="did:example:ana"),
        valid_from=ob.now_iso(), id="urn:uuid:11111111-2222-3333-4444-555555555555",
    ), key=key)


def test_discovery_document(client: Client) -> None:
    sdd = discover(client)
    assert sdd["openapi"].startswith("3.0")
    assert sdd["info"]["termsOfService"].endswith("/legal/terms/")
    assert sdd["info"]["x-imssf-privacyPolicyUrl"].endswith("/legal/privacy/")
    scheme = sdd["components"]["securitySchemes"]["OAuth2ACG"]
    assert scheme["type"] == "oauth2"
    assert scheme["x-imssf-registrationUrl"].endswith("/oauth/register/")
    assert set(scheme["flows"]["authorizationCode"]["scopes"]) == set(ALL)
    assert {"/credentials", "/profile", "/discovery"} <= set(sdd["paths"])
    for url in (sdd["info"]["termsOfService"], sdd["info"]["x-imssf-privacyPolicyUrl"]):
        assert client.get(urlsplit(url).path).status_code == 200


def test_full_flow_every_endpoint(client: Client, world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    ours = Credential.objects.get(attempt=attempt)
    sdd = discover(client)
    app = register(client, sdd)
    code, verifier = authorize(client, sdd, app, ALL, world.learner)
    tok = token(client, sdd, app, code, verifier)
    assert tok["token_type"] == "Bearer" and set(tok["scope"].split()) == set(ALL)

    listed = client.get("/ims/ob/v3p0/credentials", **bearer(tok))
    assert listed.status_code == 200 and listed["X-Total-Count"] == "1"
    assert 'rel="first"' in listed["Link"]
    assert ours.signed_json in listed.content.decode()  # the stored text, spliced as is
    assert listed.json()["credential"][0] == json.loads(ours.signed_json)

    from tests.factories import did_proven

    # Only a credential awarded to the learner is kept: the badge names did:example:ana, a DID
    # the learner has proven is theirs.
    did_proven(world.learner, "did:example:ana")
    badge = outside_credential()
    created = client.post("/ims/ob/v3p0/credentials", data=json.dumps(badge),
                          content_type="application/json", **bearer(tok))
    assert created.status_code == 201, created.content
    replaced = client.post("/ims/ob/v3p0/credentials", data=json.dumps(badge),
                           content_type="application/json", **bearer(tok))
    assert replaced.status_code == 200
    assert HeldCredential.objects.filter(owner=world.learner).count() == 1

    tampered = {**badge, "name": "Something I did not earn"}
    refused = client.post("/ims/ob/v3p0/credentials", data=json.dumps(tampered),
                          content_type="application/json", **bearer(tok))
    assert refused.status_code == 400
    assert refused.json()["imsx_codeMajor"] == "failure"

    page = client.get("/ims/ob/v3p0/credentials", {"limit": 1, "offset": 0}, **bearer(tok))
    assert page["X-Total-Count"] == "2" and len(page.json()["credential"]) == 1
    assert 'rel="next"' in page["Link"]
    second = client.get("/ims/ob/v3p0/credentials", {"limit": 1, "offset": 1}, **bearer(tok))
    assert 'rel="prev"' in second["Link"] and 'rel="next"' not in second["Link"]
    future = client.get("/ims/ob/v3p0/credentials", {"since": "2999-01-01T00:00:00Z"},
                        **bearer(tok))
    assert future["X-Total-Count"] == "0"
    bad = client.get("/ims/ob/v3p0/credentials", {"limit": "-3"}, **bearer(tok))
    assert bad.status_code == 400 and "imsx_codeMinor" in bad.json()

    profile = client.get("/ims/ob/v3p0/profile", **bearer(tok))
    assert profile.status_code == 200 and profile.json()["name"] == world.learner.display_name
    put = client.put("/ims/ob/v3p0/profile", data=json.dumps({"name": "Ana B."}),
                     content_type="application/json", **bearer(tok))
    assert put.status_code == 200 and put.json()["name"] == "Ana B."
    world.learner.refresh_from_db()
    assert world.learner.display_name == "Ana B."


def test_scopes_are_enforced(client: Client, world: World) -> None:
    sdd = discover(client)
    app = register(client, sdd)
    code, verifier = authorize(client, sdd, app, [OB + "credential.readonly"], world.learner)
    tok = token(client, sdd, app, code, verifier)
    assert client.get("/ims/ob/v3p0/credentials", **bearer(tok)).status_code == 200
    for method, path in (("post", "/ims/ob/v3p0/credentials"), ("get", "/ims/ob/v3p0/profile"),
                         ("put", "/ims/ob/v3p0/profile")):
        if method == "get":
            response = client.get(path, **bearer(tok))
        else:
            response = getattr(client, method)(path, data="{}", content_type="application/json",
                                               **bearer(tok))
        assert response.status_code == 403, (method, path)
        assert response.json()["imsx_codeMinor"]["imsx_codeMinorField"][0][
            "imsx_codeMinorFieldValue"] == "forbidden"
        assert "insufficient_scope" in response["WWW-Authenticate"]
    anonymous = client.get("/ims/ob/v3p0/credentials")
    assert anonymous.status_code == 401 and anonymous.json()["imsx_codeMajor"] == "failure"
    wrong = client.get("/ims/ob/v3p0/credentials", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401


def test_pkce_is_required_and_plain_is_refused(client: Client, world: World) -> None:
    sdd = discover(client)
    app = register(client, sdd)
    client.force_login(world.learner)
    base = {"response_type": "code", "client_id": app["client_id"], "redirect_uri": REDIRECT,
            "scope": ALL[0], "state": "s"}
    plain = {"code_challenge": "a" * 43, "code_challenge_method": "plain"}
    for extra in ({}, plain):
        # Even a person who clicks "Authorize" gets no code.
        response = client.post("/oauth/authorize/", {**base, **extra, "allow": "Authorize"})
        query = parse_qs(urlsplit(response["Location"]).query)
        assert query["error"] == ["invalid_request"] and "code" not in query


def test_wrong_code_verifier_gets_no_token(client: Client, world: World) -> None:
    sdd = discover(client)
    app = register(client, sdd)
    code, _verifier = authorize(client, sdd, app, ALL, world.learner)
    basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
    response = client.post("/oauth/token/", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "code_verifier": secrets.token_urlsafe(48)}, HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 400
