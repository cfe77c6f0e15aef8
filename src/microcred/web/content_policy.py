"""Per-response adjustments to the site-wide Content-Security-Policy (``settings.SECURE_CSP``).

Two kinds of response need a different policy than a page:

- **Files people uploaded or downloaded** (evidence, baked badges, exports): sent as attachments,
  and sandboxed (CSP ``sandbox``, ``default-src 'none'``) so that even a browser that renders one
  in place cannot run it with the site's origin. ``X-Content-Type-Options: nosniff``
  (``SECURE_CONTENT_TYPE_NOSNIFF``) stops it being sniffed into HTML.
- **The OAuth consent page**: its form posts to ``/oauth/authorize/``, which redirects to the
  client's redirect URI; browsers apply ``form-action`` to that redirect too (CSP Level 3
  §6.3.1), so the URI's origin is allowed there, and only when it is registered for the client.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP

__all__ = ["ContentPolicyMiddleware", "SANDBOX_POLICY"]

SANDBOX_POLICY = {
    "default-src": [CSP.NONE],
    "sandbox": True,
    "frame-ancestors": [CSP.NONE],
}


def _is_user_file(response: HttpResponse) -> bool:
    disposition = response.get("Content-Disposition", "").lower()
    content_type = response.get("Content-Type", "").lower()
    return disposition.startswith("attachment") or content_type.startswith("image/svg")


def _registered_redirect_origin(request: HttpRequest) -> str | None:
    params = request.POST if request.method == "POST" else request.GET
    client_id, redirect_uri = params.get("client_id", ""), params.get("redirect_uri", "")
    if not client_id or not redirect_uri:
        return None
    parts = urlsplit(redirect_uri)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        return None
    from oauth2_provider.models import get_application_model

    application = get_application_model().objects.filter(client_id=client_id).first()
    if application is None or not application.redirect_uri_allowed(redirect_uri):
        return None
    return f"{parts.scheme}://{parts.netloc}"


class ContentPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _is_user_file(response):
            response._csp_config = SANDBOX_POLICY  # type: ignore[attr-defined]
            return response
        match = request.resolver_match
        if match is not None and match.view_name == "oauth2_provider:authorize":
            origin = _registered_redirect_origin(request)
            if origin:
                policy = dict(settings.SECURE_CSP)
                policy["form-action"] = [*policy.get("form-action", []), origin]
                response._csp_config = policy  # type: ignore[attr-defined]
        return response
