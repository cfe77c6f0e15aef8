"""The OAuth 2.0 server does what the OB 3.0 API promises and nothing more
(``microcred.api.oauth_server``): authorization code with PKCE S256, https redirect URIs (http
on a loopback address only), no password, client credentials, implicit or device grant, only the
views the API uses, metadata that says so, and tokens that always act for a person."""

import base64
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from tests.api.test_oauth_flow import ALL, REDIRECT, pkce
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

Application = get_application_model()
AccessToken = get_access_token_model()


def register(client: Client, **metadata: object):  # type: ignore[no-untyped-def]
    body = {"client_name": "x", "redirect_uris": [REDIRECT],
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
            "scope": " ".join(ALL), **metadata}
    return client.post("/oauth/register/", json.dumps(body), content_type="application/json")


def refused_metadata(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid_client_metadata"
    return str(body["error_description"])


@pytest.mark.parametrize("grant_types", [
    ["password"], ["client_credentials"], ["implicit"],
    ["urn:ietf:params:oauth:grant-type:device_code"], ["authorization_code", "password"],
])
def test_registration_refuses_every_grant_but_authorization_code(client: Client,
                                                                 grant_types: list[str]) -> None:
    # The finding's exact request first: no redirect URI, a password client.
    if grant_types == ["password"]:
        bare = client.post("/oauth/register/", json.dumps(
            {"grant_types": ["password"], "client_name": "x"}), content_type="application/json")
        assert "password" in refused_metadata(bare)
    description = refused_metadata(register(client, grant_types=grant_types))
    assert "authorization_code" in description
    assert not Application.objects.exists()


def test_registration_refuses_an_implicit_response_type(client: Client) -> None:
    assert "response_type" in refused_metadata(register(client, response_types=["token"]))
    assert not Application.objects.exists()


@pytest.mark.parametrize("uri", ["http://wallet.example/callback", "http://localhost:8000/cb",
                                 "http://10.0.0.5/cb", "ftp://wallet.example/cb",
                                 "com.example.wallet:/cb"])
def test_registration_refuses_redirects_that_are_not_https_or_loopback(client: Client,
                                                                       uri: str) -> None:
    refused_metadata(register(client, redirect_uris=[REDIRECT, uri]))
    assert not Application.objects.exists()


@pytest.mark.parametrize("uri", ["http://127.0.0.1:53117/callback", "http://[::1]/callback",
                                 "https://wallet.example/callback"])
def test_registration_accepts_https_and_http_on_loopback(client: Client, uri: str) -> None:
    response = register(client, redirect_uris=[uri])
    assert response.status_code == 201, response.content
    app = Application.objects.get(client_id=response.json()["client_id"])
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert app.redirect_uris == uri


def test_a_registered_client_cannot_update_itself_to_another_grant(client: Client) -> None:
    created = register(client).json()
    path = urlsplit(created["registration_client_uri"]).path
    auth = {"HTTP_AUTHORIZATION": f"Bearer {created['registration_access_token']}"}
    for change in ({"grant_types": ["password"]}, {"redirect_uris": ["http://evil.example/"]}):
        body = {"client_name": "x", "redirect_uris": [REDIRECT], **change}
        response = client.put(path, json.dumps(body), content_type="application/json", **auth)
        refused_metadata(response)
    # Without the registration token nothing is said about the metadata.
    anonymous = client.put(path, json.dumps({"grant_types": ["password"]}),
                           content_type="application/json")
    assert anonymous.status_code == 401
    app = Application.objects.get(client_id=created["client_id"])
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert app.redirect_uris == REDIRECT


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def test_password_grant_is_refused_even_for_a_client_stored_with_it(client: Client,
                                                                    world: World) -> None:
    """The finding: a password client's tokens skipped two-factor sign-in, the lockout and
    consent. Even one already in the database gets no token, with the right password."""
    for grant in (Application.GRANT_PASSWORD, Application.GRANT_CLIENT_CREDENTIALS):
        app = Application(name="old", client_type=Application.CLIENT_CONFIDENTIAL,
                          authorization_grant_type=grant, client_secret="s3cret-value")
        app.save()
        for body in ({"grant_type": "password", "username": world.learner.email,
                      "password": PASSWORD, "scope": ALL[0]},
                     {"grant_type": "client_credentials", "scope": ALL[0]}):
            response = client.post("/oauth/token/", body,
                                   HTTP_AUTHORIZATION=_basic(app.client_id, "s3cret-value"))
            assert response.status_code == 400, (grant, body, response.content)
            assert response.json()["error"] in {"unsupported_grant_type",
                                                "unauthorized_client"}
    assert not AccessToken.objects.exists()


def test_authorization_server_metadata_says_only_what_is_supported(client: Client) -> None:
    meta = client.get("/oauth/.well-known/oauth-authorization-server").json()
    assert meta["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["registration_endpoint"].endswith("/oauth/register/")
    for absent in ("introspection_endpoint", "device_authorization_endpoint", "jwks_uri"):
        assert absent not in meta


@pytest.mark.parametrize("path", [
    "/oauth/device/", "/oauth/device-authorization/", "/oauth/device-confirm/a/b",
    "/oauth/device-grant-status/a/b", "/oauth/applications/", "/oauth/applications/register/",
    "/oauth/authorized_tokens/", "/oauth/introspect/", "/oauth/userinfo/",
    "/oauth/.well-known/openid-configuration", "/oauth/.well-known/oauth-protected-resource",
])
def test_unused_toolkit_views_are_not_mounted(client: Client, world: World, path: str) -> None:
    client.force_login(world.learner)
    assert client.get(path).status_code == 404
    assert client.post(path, {}).status_code in {404, 403}  # 403: CSRF, before routing


def test_the_consent_page_names_the_redirect_host(client: Client, world: World) -> None:
    app = register(client, client_name="Your University (official)",
                   redirect_uris=["https://collector.example/cb"]).json()
    client.force_login(world.learner)
    _verifier, challenge = pkce()
    page = client.get("/oauth/authorize/", {
        "response_type": "code", "client_id": app["client_id"],
        "redirect_uri": "https://collector.example/cb", "scope": ALL[0], "state": "s",
        "code_challenge": challenge, "code_challenge_method": "S256"})
    assert page.status_code == 200
    assert "<strong>collector.example</strong>" in page.content.decode()


def test_a_stored_http_redirect_to_another_host_gets_no_code(client: Client,
                                                              world: World) -> None:
    app = Application.objects.create(
        name="old", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://wallet.example/cb")
    client.force_login(world.learner)
    _verifier, challenge = pkce()
    response = client.post("/oauth/authorize/", {
        "response_type": "code", "client_id": app.client_id,
        "redirect_uri": "http://wallet.example/cb", "scope": ALL[0], "state": "s",
        "code_challenge": challenge, "code_challenge_method": "S256", "allow": "Authorize"})
    assert response.status_code == 400 or "code" not in parse_qs(
        urlsplit(response.get("Location", "")).query)
    assert not app.grant_set.exists()


def _stored_token(*, user, grant: str, scope: str) -> str:  # type: ignore[no-untyped-def]
    app = Application.objects.create(name="old", client_type=Application.CLIENT_CONFIDENTIAL,
                                     authorization_grant_type=grant,
                                     redirect_uris="https://x.example/cb")
    value = f"stored-{grant}-{user.pk if user else 'nobody'}-{scope[-12:]}"
    AccessToken.objects.create(user=user, application=app, token=value, scope=scope,
                               expires=timezone.now() + timedelta(hours=1))
    return value


@pytest.mark.parametrize(("who", "grant"), [
    ("nobody", "client-credentials"), ("learner", "password"), ("admin", "password")])
def test_tokens_that_act_for_nobody_get_the_api_error_shape(client: Client, world: World,
                                                            who: str, grant: str) -> None:
    """Client-credential tokens (no user) used to 500 the OB 3.0 API; password-grant tokens
    stored before the fix (an org admin's could sign with the organization's key)."""
    from tests.factories import reviewer_of

    user = {"nobody": None, "learner": world.learner, "admin": reviewer_of(world.org)}[who]
    every = " ".join([*ALL, "vc.issue"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_stored_token(user=user, grant=grant, scope=every)}"}
    for method, path in (("get", "/ims/ob/v3p0/profile"), ("get", "/ims/ob/v3p0/credentials"),
                         ("put", "/ims/ob/v3p0/profile"), ("post", "/ims/ob/v3p0/credentials"),
                         ("post", "/credentials/issue")):
        if method == "get":
            response = client.get(path, **headers)
        else:
            response = getattr(client, method)(path, "{}", content_type="application/json",
                                               **headers)
        assert response.status_code == 401, (method, path, response.content)
        assert "invalid_token" in response["WWW-Authenticate"]
        body = response.json()
        if path.startswith("/ims/"):
            assert body["imsx_codeMajor"] == "failure" and body["imsx_severity"] == "error"
        else:  # the VC-API's own error shape
            assert any(key in body for key in ("errors", "error", "imsx_description")), body
