"""Bearer tokens for the OB 3.0 API: every endpoint names the scopes it needs (OB 3.0 §6.2).

No token or a bad one: 401 with ``WWW-Authenticate``; a good token without the scope: 403
(RFC 6750 §3.1 ``insufficient_scope``). Both as Imsx_StatusInfo bodies. A token that acts for
nobody (``oauth_server.token_acts_for_a_person``) is a bad one: the views always have a person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from oauth2_provider.oauth2_backends import get_oauthlib_core

from microcred.api.oauth_server import token_acts_for_a_person
from microcred.web.imsx import error_response

__all__ = ["scope", "require_scopes"]


def scope(name: str) -> str:
    """The full OB 3.0 scope URI for ``credential.readonly`` and the like."""
    short = {"credential.readonly", "credential.upsert", "profile.readonly", "profile.update"}
    return str(settings.OB_SCOPE) + name if name in short else name


def _token(request: HttpRequest) -> Any:
    """The access token the request presents, whatever its scopes (to tell 401 from 403)."""
    from oauth2_provider.models import get_access_token_model

    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    checksum = hashlib.sha256(header[7:].strip().encode("utf-8")).hexdigest()
    return get_access_token_model().objects.filter(token_checksum=checksum).first()


def require_scopes(*names: str) -> Callable[[Callable[..., HttpResponse]],
                                             Callable[..., HttpResponse]]:
    scopes = [scope(n) for n in names]

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            core = get_oauthlib_core()
            valid, oauth_request = core.verify_request(request, scopes=scopes)
            if valid:
                request.user = oauth_request.user
                request.oauth_token = oauth_request.access_token  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)
            token = _token(request)
            if token is not None and token.is_valid() and not token_acts_for_a_person(token):
                # A token from a client-credentials or password client (stored before they
                # were refused), or whose person is gone: never a request without a user.
                return error_response(
                    _("This token was not issued to act for a person, so it cannot be used "
                      "here."), status=401,
                    headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
            if token is not None and token.is_valid():
                return error_response(
                    _("This token does not grant the scope this request needs."), status=403,
                    headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", '
                                                 f'scope="{" ".join(scopes)}"'},
                )
            return error_response(
                _("A valid bearer access token is required."), status=401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )

        return wrapped

    return decorator
