"""The OAuth 2.0 server's policy: what the OB 3.0 API promises and nothing more.

Open Badges 3.0 §6 (and docs/sharing-and-api.md) promise one way in: the authorization code
grant with PKCE S256 (RFC 7636), its refresh tokens, and RFC 7591 dynamic client registration.
django-oauth-toolkit can do much more (the password, client credentials, implicit and device
grants), and each of those would skip something a person relies on: the password grant skips
two-factor sign-in, the sign-in lockout and the consent page; client-credential tokens act for
nobody. So:

- the oauthlib server is ``WebApplicationServer`` (authorization code and refresh token only:
  any other ``grant_type`` at the token endpoint is ``unsupported_grant_type``), set by
  ``OAUTH2_SERVER_CLASS``; the toolkit's RFC 9700 gates refuse the password and implicit grants
  too (``COMPLIANT_BCP_RFC9700_*``);
- ``Validator`` refuses any grant or response type but those, any redirect URI outside
  ``redirect_uri_problem``'s rule, and any bearer token that does not act for an active person
  through an authorization-code client (``token_acts_for_a_person``), even one already stored;
- registration (RFC 7591, and RFC 7592 updates) refuses client metadata asking for anything
  else with ``invalid_client_metadata`` (``client_metadata_problem``);
- the consent page names the host the answer goes to (``AuthorizationView``).

Error descriptions here are protocol text for client developers, in English: RFC 6749 §5.2
allows only printable ASCII in ``error_description``.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, JsonResponse
from oauth2_provider import views as oauth_views
from oauth2_provider.models import AbstractApplication
from oauth2_provider.oauth2_validators import OAuth2Validator

__all__ = [
    "GRANT_TYPES", "RESPONSE_TYPES", "redirect_uri_problem", "client_metadata_problem",
    "token_acts_for_a_person", "Validator", "AuthorizationView", "ClientRegistrationView",
    "ClientConfigurationView",
]

# RFC 7591 names of what a client may register, and what the token endpoint accepts.
GRANT_TYPES = ("authorization_code", "refresh_token")
RESPONSE_TYPES = ("code",)
_SUPPORTED = "this server supports the authorization_code grant (PKCE S256) and refresh_token only"


def redirect_uri_problem(uri: str) -> str | None:
    """Why ``uri`` cannot be a redirect URI, or ``None`` when it can.

    ``https`` to any host; plain ``http`` only to a loopback IP literal (``127.0.0.1``,
    ``[::1]``), which a native app listens on (RFC 8252 §7.3; the name ``localhost`` is not
    accepted, §8.3). An ``http`` redirect anywhere else sends the authorization code in the
    clear to whoever is on the path.
    """
    try:
        parts = urlsplit(uri)
        host = parts.hostname or ""
    except ValueError:
        return f"redirect URI {uri!r} is not a valid URI"
    scheme = parts.scheme.lower()
    if scheme == "https" and host:
        return None
    if scheme == "http":
        try:
            if ipaddress.ip_address(host).is_loopback:
                return None
        except ValueError:
            pass
        return (f"redirect URI {uri!r}: http is accepted only on a loopback address "
                "(http://127.0.0.1 or http://[::1], RFC 8252 section 7.3); use https")
    return f"redirect URI {uri!r} must be an https URI (or http on a loopback address)"


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def client_metadata_problem(data: dict[str, Any]) -> str | None:
    """Why a client's RFC 7591 metadata asks for something this server does not do, or
    ``None``. Malformed values are left to the toolkit's own checks, which say so."""
    grant_types = _strings(data.get("grant_types", ["authorization_code"]))
    if grant_types is not None:
        for grant_type in grant_types:
            if grant_type not in GRANT_TYPES:
                return f"unsupported grant_type {grant_type!r}: {_SUPPORTED}"
    response_types = _strings(data.get("response_types", ["code"]))
    if response_types is not None:
        for response_type in response_types:
            if response_type not in RESPONSE_TYPES:
                return f"unsupported response_type {response_type!r}: only 'code' is supported"
    redirect_uris = _strings(data.get("redirect_uris", []))
    for uri in redirect_uris or []:
        if problem := redirect_uri_problem(uri):
            return problem
    return None


def token_acts_for_a_person(token: Any) -> bool:
    """Whether a stored access token may be used on the API: it belongs to an active person and
    was issued to an authorization-code client. Tokens stored before this rule (a password- or
    client-credentials-grant client, or no user at all) are refused, not served a 500."""
    user = getattr(token, "user", None)
    application = getattr(token, "application", None)
    return (
        user is not None and bool(getattr(user, "is_active", False))
        and application is not None
        and application.authorization_grant_type == AbstractApplication.GRANT_AUTHORIZATION_CODE
    )


class Validator(OAuth2Validator):
    """django-oauth-toolkit's validator with this server's policy (``OAUTH2_VALIDATOR_CLASS``)."""

    def validate_grant_type(self, client_id: str, grant_type: str, client: Any, request: Any,
                            *args: Any, **kwargs: Any) -> bool:
        return grant_type in GRANT_TYPES and bool(
            super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs))

    def validate_response_type(self, client_id: str, response_type: str, client: Any,
                               request: Any, *args: Any, **kwargs: Any) -> bool:
        return response_type in RESPONSE_TYPES and bool(super().validate_response_type(
            client_id, response_type, client, request, *args, **kwargs))

    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: Any,
                              *args: Any, **kwargs: Any) -> bool:
        # Also for clients registered before the rule: their http redirects stop working.
        return redirect_uri_problem(redirect_uri) is None and bool(
            super().validate_redirect_uri(client_id, redirect_uri, request, *args, **kwargs))

    def validate_bearer_token(self, token: str, scopes: Iterable[str], request: Any) -> bool:
        if not super().validate_bearer_token(token, scopes, request):
            return False
        if token_acts_for_a_person(getattr(request, "access_token", None)):
            return True
        request.oauth2_error = {"error": "invalid_token",
                                "error_description": "This token does not act for a person."}
        return False


class AuthorizationView(oauth_views.AuthorizationView):
    """The consent page, with the host the answer (and the code) will be sent to: a client's
    name is whatever it registered, the redirect host is what the person can check."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        uri = context.get("redirect_uri") or ""
        try:
            context["redirect_host"] = urlsplit(uri).hostname or ""
        except ValueError:
            context["redirect_host"] = ""
        return context


def _refused(request: HttpRequest) -> HttpResponse | None:
    """RFC 7591 §3.2.2 ``invalid_client_metadata`` when the metadata asks for what this server
    does not do; ``None`` lets the toolkit's view go on (and answer malformed bodies itself)."""
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict):
        return None
    problem = client_metadata_problem(data)
    if problem is None:
        return None
    return JsonResponse({"error": "invalid_client_metadata", "error_description": problem},
                        status=400)


class ClientRegistrationView(oauth_views.DynamicClientRegistrationView):
    """RFC 7591 registration (open, as OB 3.0 §6.1 asks), for authorization-code clients."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response: HttpResponse = _refused(request) or super().post(request, *args, **kwargs)
        return response


class ClientConfigurationView(oauth_views.DynamicClientRegistrationManagementView):
    """RFC 7592: a registered client reads, updates or deletes itself with its registration
    token; an update is held to the same rules as a registration."""

    def put(self, request: HttpRequest, client_id: str, *args: Any,
            **kwargs: Any) -> HttpResponse:
        refused = _refused(request)
        if refused is not None:
            # Only the client itself may learn what is wrong with its metadata.
            auth = self._authenticate_registration_request(request, client_id)
            if isinstance(auth, HttpResponse):
                return auth
            return refused
        response: HttpResponse = super().put(request, client_id, *args, **kwargs)
        return response
