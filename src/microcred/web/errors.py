"""One HTML error page shape and one JSON error shape, for every error the platform shows."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        request.path.endswith(".json")
        or request.path.startswith("/.well-known/")
        or "application/json" in accept
        or "application/ld+json" in accept
    )


def json_error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def error_response(request: HttpRequest, *, code: str, message: str, status: int) -> HttpResponse:
    if wants_json(request):
        return json_error(code, message, status)
    titles = {
        400: _("This request cannot be used"),
        403: _("You do not have access to this"),
        404: _("Page not found"),
        409: _("This cannot be done right now"),
        500: _("Something went wrong on our side"),
    }
    html = render_to_string(
        "web/error.html",
        {"status": status, "title": titles.get(status, _("Error")), "message": message,
         "code": code},
        request=request,
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, code="bad_request",
                          message=_("The request could not be understood."), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else _(
        "Your account does not have access to this page.")
    return error_response(request, code="not_allowed", message=message, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, code="not_found",
                          message=_("There is nothing at this address."), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No template context processors that touch the database: the database may be the problem.
    if wants_json(request):
        return json_error("server_error", _("An unexpected error occurred."), 500)
    html = render_to_string("web/error.html", {
        "status": 500, "title": _("Something went wrong on our side"),
        "message": _("An unexpected error occurred. Please try again."), "code": "server_error",
    })
    return HttpResponse(html, status=500)
