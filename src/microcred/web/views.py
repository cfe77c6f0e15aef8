from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers (no database, no templates): for load balancers, and the floor the
    web benchmark compares real pages with."""
    return HttpResponse("ok\n", content_type="text/plain")
