from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from microcred.errors import MicrocredError
from microcred.web.errors import DATABASE_UNAVAILABLE, database_unavailable, error_response


class MicrocredErrorMiddleware:
    """Turns a ``MicrocredError`` raised by a view into the shared error page or JSON shape, and
    a lost database connection into a 503 "temporarily unavailable" in the same shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
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
