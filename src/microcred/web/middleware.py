from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from microcred.errors import MicrocredError
from microcred.web.errors import error_response


class MicrocredErrorMiddleware:
    """Turns a ``MicrocredError`` raised by a view into the shared error page or JSON shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, MicrocredError):
            return error_response(request, code=exception.code, message=exception.message,
                                  status=exception.http_status)
        return None
