"""The public credential page is what employers open most: it must be fast without ever showing
a stale status.

A credential's signed text never changes, so what the page shows changes only with its status
(revocation, suspension, expiry, renewal) or the reader's language. ``revision`` names that
state in one small query; the verification report and, for visitors without a session, the
whole page are cached under it. Revoking bumps the status list's version, so the next view
misses the cache and verifies again at once; a short lifetime bounds the rest (``validUntil``
passing, an issuer key document changing).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from microcred.issuance.models import Credential, StatusEntry, StatusList
from microcred.issuance.verifier_options import verify_options
from microcred.vc.verifier import Report, verify_report

__all__ = ["cached_page", "cached_report", "revision"]

LIFETIME = 60  # seconds


def _revision_sql() -> str:
    # Written out once: building this through the ORM costs more than the rest of a cached
    # page view. Status list versions only grow, so their sum changes with any status change.
    credential = Credential._meta.db_table
    entry = StatusEntry._meta.db_table
    status_list = StatusList._meta.db_table
    # Table names come from the models; every value is a parameter.
    return (
        f"SELECT c.id, (SELECT SUM(l.version) FROM {entry} e JOIN {status_list} l "  # noqa: S608
        f"ON l.id = e.status_list_id WHERE e.credential_id = c.id), "
        f"EXISTS (SELECT 1 FROM {credential} r WHERE r.renews_id = c.id AND r.status = %s), "
        f"c.evidence_public, c.revoked_at, c.suspended_at "
        f"FROM {credential} c WHERE c.public_id = %s AND c.status = %s"
    )


_REVISION_SQL = _revision_sql()


def _fetch_one(connection: BaseDatabaseWrapper, sql: str, params: list[Any]) -> Any:
    """One round trip where Django would make two.

    With ``CONN_HEALTH_CHECKS`` a connection kept from an earlier request is checked with
    ``SELECT 1`` before its first query in this one: on PostgreSQL a round trip as long as the
    query itself. Here the query is the check: if it fails and the connection turns out to be
    dead, it is closed and the query runs again on a new one, which is what the check would
    have done; any other error is raised as it is.
    """
    reused = (
        connection.connection is not None
        and connection.health_check_enabled
        and not connection.health_check_done
        and not connection.in_atomic_block
    )
    if reused:
        connection.health_check_done = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()
        except DatabaseError:
            if connection.is_usable():
                raise
            connection.close()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def revision(public_id: Any) -> str | None:
    """The state of an issued credential's page, in one small query (``None``: no such issued
    credential)."""
    connection = connections[Credential.objects.db]
    try:
        key = Credential._meta.get_field("public_id").get_db_prep_value(
            uuid.UUID(str(public_id)), connection)
    except ValueError:
        return None
    issued = Credential.Status.ISSUED.value
    row = _fetch_one(connection, _REVISION_SQL, [issued, key, issued])
    if row is None:
        return None
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:24]


def cached_report(credential: Credential, rev: str) -> Report:
    key = f"credential-report:{credential.public_id}:{rev}"
    report = cache.get(key)
    if report is None:
        report = verify_report(credential.signed_json, options=verify_options())
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


def cached_page(request: HttpRequest, public_id: Any, rev: str,
                render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page for visitors without a session: rendered once per revision and language, with a
    slot for each visitor's own CSRF token (never one visitor's token in another's page)."""
    if request.method != "GET" or not _shared(request):
        return render()
    key = f"credential-page:{public_id}:{rev}:{get_language()}"
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
