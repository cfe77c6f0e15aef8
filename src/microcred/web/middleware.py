from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from microcred.errors import MicrocredError
from microcred.web.errors import DATABASE_UNAVAILABLE, database_unavailable, error_response

# PostgreSQL SQLSTATEs meaning "this transaction lost a race; the same work may succeed now".
_RETRYABLE = {"40P01", "40001"}  # deadlock_detected, serialization_failure


def _transient(exception: Exception) -> bool:
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    return getattr(cause, "sqlstate", None) in _RETRYABLE or getattr(
        cause, "pgcode", None) in _RETRYABLE


class MicrocredErrorMiddleware:
    """Turns a ``MicrocredError`` raised by a view into the shared error page or JSON shape, and
    a lost database connection into a 503 "temporarily unavailable" in the same shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if _transient(exception) and not getattr(request, "_microcred_retried", False):
            # PostgreSQL chose this transaction as a deadlock victim (or a serialization
            # failure): it was rolled back whole, so running the view once more is safe, and
            # it almost always succeeds. Tasks and emails are sent on commit only.
            request._microcred_retried = True  # type: ignore[attr-defined]
            match = request.resolver_match
            if match is not None and not transaction.get_connection().in_atomic_block:
                try:
                    response: HttpResponse = match.func(request, *match.args, **match.kwargs)
                except Exception as again:  # noqa: BLE001 - answered like the first failure
                    answered = self.process_exception(request, again)
                    if answered is None:
                        raise
                    return answered
                return response
        if isinstance(exception, MicrocredError):
            return error_response(request, code=exception.code, message=exception.message,
                                  status=exception.http_status)
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return database_unavailable(request, exception)
        return None


class UserLanguageMiddleware:
    """A signed-in person's chosen language wins over the cookie and the browser's.

    Runs after ``AuthenticationMiddleware``; ``LocaleMiddleware`` has already picked a language
    from the cookie or ``Accept-Language`` for everyone else.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None else ""
        if user is not None and user.is_authenticated and language in self.supported:
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)
