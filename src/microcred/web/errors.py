"""One HTML error page shape and one JSON error shape, for every error the platform shows."""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.web.imsx import error_response as imsx_error


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
        413: _("Too large"),
        429: _("Too many attempts"),
        500: _("Something went wrong on our side"),
        503: _("Temporarily unavailable"),
    }
    html = render_to_string(
        "web/error.html",
        {"status": status, "title": titles.get(status, _("Error")), "message": message,
         "code": code},
        request=request,
    )
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return request_too_large(request)
    return error_response(request, code="bad_request",
                          message=_("The request could not be understood."), status=400)


def request_too_large(request: HttpRequest) -> HttpResponse:
    """A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413 in the shape the caller reads (the OB
    3.0 API's ``Imsx_StatusInfo``, the VC-API's ``errors`` list, else the site's own)."""
    message = _("The request body is too large: at most %(mb)s MB is accepted.") % {
        "mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}
    if request.path_info.startswith("/ims/ob/v3p0/"):
        return imsx_error(message, status=413)
    if request.path_info in {reverse(name) for name in (
            "api:vc_issue", "api:vc_verify", "api:vp_verify")}:
        return JsonResponse({"errors": [message]}, status=413)
    return error_response(request, code="too_large", message=message, status=413)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else _(
        "Your account does not have access to this page.")
    return error_response(request, code="not_allowed", message=message, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, code="not_found",
                          message=_("There is nothing at this address."), status=404)


# The database connection failed (a restart, a failover, a dropped connection): nothing was
# half-written, since every write is one transaction, and the next request reconnects
# (CONN_HEALTH_CHECKS), so the person is told to try again rather than shown a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
logger = logging.getLogger("microcred.web")


def database_unavailable(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """A 503 in the shared error shape; rendered without the request's context processors,
    which would query the database that just failed."""
    logger.warning("database unavailable during %s %s: %s", request.method, request.path,
                   exception)
    message = _("The service is temporarily unavailable. Everything you saved before is safe: "
                "please try again in a moment.")
    if wants_json(request):
        response: HttpResponse = json_error("temporarily_unavailable", message, 503)
    elif request.headers.get("HX-Request"):
        # htmx (autosave) shows this sentence where it shows "Draft saved at ...".
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    else:
        response = HttpResponse(render_to_string("web/error.html", {
            "status": 503, "title": _("Temporarily unavailable"), "message": message,
            "code": "temporarily_unavailable"}), status=503)
    response["Retry-After"] = "5"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    # Called inside the handler's ``except``: a database failure outside a view (a middleware's
    # first query) still gets the 503 that MicrocredErrorMiddleware gives one inside a view.
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable(request, exception)
    # No template context processors that touch the database: the database may be the problem.
    if wants_json(request):
        return json_error("server_error", _("An unexpected error occurred."), 500)
    html = render_to_string("web/error.html", {
        "status": 500, "title": _("Something went wrong on our side"),
        "message": _("An unexpected error occurred. Please try again."), "code": "server_error",
    })
    return HttpResponse(html, status=500)
