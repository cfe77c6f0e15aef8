"""OB 3.0 API errors as ``Imsx_StatusInfo`` bodies (OB 3.0 §B.4 "Imsx_StatusInfo").

One of the error shapes the site answers in, beside ``web.errors``' page and JSON error: the
API's views use it, and so do the answers made before a view runs (a body too large, a rate
limit) for a request to the API."""

from __future__ import annotations

from django.http import JsonResponse

__all__ = ["status_info", "error_response"]

# imsx_codeMinorFieldValue values by HTTP status (OB 3.0 §B.3.1, Imsx_CodeMinorFieldValue).
_MINOR = {
    400: "invalid_data", 401: "unauthorizedrequest", 403: "forbidden", 404: "unknownobject",
    405: "invalid_data", 406: "not_acceptable", 409: "invalid_data", 413: "invalid_data",
    415: "invalid_data", 422: "invalid_data", 500: "internal_server_error",
}


def status_info(description: str, *, status: int, minor: str | None = None) -> dict[str, object]:
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [{
                "imsx_codeMinorFieldName": "TargetEndSystem",
                "imsx_codeMinorFieldValue": minor or _MINOR.get(status, "invalid_data"),
            }],
        },
    }


def error_response(description: str, *, status: int, minor: str | None = None,
                   headers: dict[str, str] | None = None) -> JsonResponse:
    response = JsonResponse(status_info(description, status=status, minor=minor), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
