"""The public credential page is what employers open most: it must be fast without ever showing
a stale status.

A credential's signed text never changes, so what the page shows changes only with its status
(revocation, suspension, expiry, renewal) or the reader's language. ``revision`` names that
state in two small queries; the verification report and, for visitors without a session, the
whole page are cached under it. Revoking bumps the status list's version, so the next view
misses the cache and verifies again at once; a short lifetime bounds the rest (``validUntil``
passing, an issuer key document changing).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from microcred.issuance.models import Credential, StatusList
from microcred.vc.verifier import Report
from microcred.verification.services import credential_verify

__all__ = ["cached_page", "cached_report", "revision"]

LIFETIME = 60  # seconds


def revision(credential: Credential) -> str:
    lists = sorted(StatusList.objects.filter(entries__credential=credential)
                   .values_list("public_id", "version"))
    renewed = (Credential.objects.filter(renews=credential, status=Credential.Status.ISSUED)
               .values_list("public_id", flat=True).first())
    state = repr((credential.status, lists, renewed, credential.evidence_public))
    return hashlib.sha256(state.encode()).hexdigest()[:24]


def cached_report(credential: Credential, rev: str) -> Report:
    key = f"credential-report:{credential.public_id}:{rev}"
    report = cache.get(key)
    if report is None:
        report = credential_verify(data=credential.signed_json)
        cache.set(key, report, LIFETIME)
    return report  # type: ignore[no-any-return]


def _shared(request: HttpRequest) -> bool:
    """A visitor without a session or messages sees exactly what every such visitor sees."""
    return not request.user.is_authenticated and not (
        request.COOKIES.keys() & {settings.SESSION_COOKIE_NAME, "messages"})


#: Where the visitor's own CSRF token goes in a shared page (the language switcher posts).
CSRF_SLOT = b"@@csrf@@"


def _personal(request: HttpRequest, content: bytes) -> HttpResponse:
    # get_token also makes the CSRF middleware set this visitor's cookie.
    return HttpResponse(content.replace(CSRF_SLOT, get_token(request).encode()))


def cached_page(request: HttpRequest, credential: Credential, rev: str,
                render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page for visitors without a session: rendered once per revision and language, with a
    slot for each visitor's own CSRF token (never one visitor's token in another's page)."""
    if request.method != "GET" or not _shared(request):
        return render()
    key = f"credential-page:{credential.public_id}:{rev}:{get_language()}"
    content: Any = cache.get(key)
    hit = content is not None
    if not hit:
        request.shared_page = True  # type: ignore[attr-defined]
        response = render()
        if response.status_code != 200 or b"csrfmiddlewaretoken\" value=\"" in (
                response.content.replace(b'csrfmiddlewaretoken" value="@@', b"")):
            return response  # something personal slipped in: never share it
        content = response.content
        cache.set(key, content, LIFETIME)
    response = _personal(request, content)
    if hit:
        response["X-Microcred-Cache"] = "hit"
    return response
