"""The Open Badges 3.0 API (host role, OB 3.0 §6) and the VC-API endpoints.

Thin views: scopes are checked by ``require_scopes``; reads go through selectors, writes
through services; errors are Imsx_StatusInfo bodies on the OB 3.0 paths and VC-API shaped
(``errors``) on the VC-API paths.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from microcred.api.auth import require_scopes
from microcred.api.discovery import service_description
from microcred.api.services import profile_update
from microcred.errors import MicrocredError
from microcred.issuance.selectors import learner_profile_for
from microcred.issuance.vc_api import (
    CredentialInvalid,
    vc_credential_issue,
    vc_credential_status_update,
)
from microcred.learner.selectors import credentials_for_owner
from microcred.learner.services import CredentialRefused, held_credential_upsert
from microcred.vc.openbadges import OB_CONTEXT
from microcred.verification.services import (
    MAX_CREDENTIAL_BYTES,
    credential_verify,
    issuer_known,
    presentation_verify,
)
from microcred.web.imsx import error_response

MAX_LIMIT = 100


def _method_not_allowed() -> JsonResponse:
    return error_response(_("Method not allowed."), status=405)


def discovery(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return _method_not_allowed()
    response = JsonResponse(service_description())
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _int(value: str | None, default: int, *, minimum: int) -> int:
    if value is None or value == "":
        return default
    number = int(value)  # ValueError -> 400
    if number < minimum:
        raise ValueError(value)
    return number


@csrf_exempt
def credentials(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _credentials_get(request)
    if request.method == "POST":
        return _credentials_post(request)
    return _method_not_allowed()


@require_scopes("credential.readonly")
def _credentials_get(request: HttpRequest) -> HttpResponse:
    try:
        limit = min(_int(request.GET.get("limit"), MAX_LIMIT, minimum=1), MAX_LIMIT)
        offset = _int(request.GET.get("offset"), 0, minimum=0)
        since_text = request.GET.get("since")
        since: datetime | None = parse_datetime(since_text) if since_text else None
        if since_text and (since is None or since.tzinfo is None):
            raise ValueError(since_text)
        # In UTC: ISO 8601 allows offsets PostgreSQL refuses (beyond +-15:59, a 500 found by
        # tests/api/test_schemathesis.py); a year out of range after conversion is a 400.
        since = since.astimezone(UTC) if since is not None else None
    except (ValueError, OverflowError):
        return error_response(_("limit and offset must be non-negative integers (limit at "
                                "least 1) and since an ISO 8601 date-time with a zone."),
                              status=400, minor="invalid_query_parameter")
    every = credentials_for_owner(user=request.user, since=since)
    page = every[offset:offset + limit]
    # Each credential's stored text is spliced in as it is: never re-serialized.
    objects = ",".join(text for fmt, text in page if fmt == "json")
    jws = ",".join(json.dumps(text.strip()) for fmt, text in page if fmt == "jws")
    body = f'{{"credential":[{objects}],"compactJwsString":[{jws}]}}'
    response = HttpResponse(body.encode("utf-8"), content_type="application/json")
    total = len(every)
    response["X-Total-Count"] = str(total)
    base = request.build_absolute_uri(request.path)
    extra = {"since": since_text} if since_text else {}

    def link(rel: str, at: int) -> str:
        return f'<{base}?{urlencode({"limit": limit, "offset": at, **extra})}>; rel="{rel}"'

    links = [link("first", 0)]
    last = max(((total - 1) // limit) * limit, 0)
    links.append(link("last", last))
    if offset + limit < total:
        links.append(link("next", offset + limit))
    if offset > 0:
        links.append(link("prev", max(offset - limit, 0)))
    response["Link"] = ", ".join(links)
    return response


@require_scopes("credential.upsert")
def _credentials_post(request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_CREDENTIAL_BYTES:
        return error_response(_("This is too large to be a credential."), status=413)
    try:
        held, created = held_credential_upsert(actor=request.user, data=request.body)
    except CredentialRefused as error:
        return error_response(error.message, status=400)
    except MicrocredError as error:
        if error.code == "not_json":
            return error_response(_("The body is not JSON: it is neither UTF-8 text (a "
                                    "credential's JSON or a compact JWS) nor a baked PNG or SVG "
                                    "badge."), status=400)
        return error_response(error.message, status=400)
    if held.format == "json":
        response = HttpResponse(held.text.encode("utf-8"), content_type="application/json",
                                status=201 if created else 200)
    else:
        response = HttpResponse(held.text.encode("utf-8"), content_type="text/plain",
                                status=201 if created else 200)
    return response


def _profile_document(user: Any) -> dict[str, Any]:
    profile = learner_profile_for(user=user)
    if profile is not None and profile.did:
        profile_id = profile.did
    elif profile is not None and profile.public and profile.handle:
        profile_id = f"{settings.PUBLIC_URL}/people/{profile.handle}/"
    else:
        profile_id = f"{settings.PUBLIC_URL}/ims/ob/v3p0/profile#user-{user.pk}"
    return {"@context": ["https://www.w3.org/ns/credentials/v2", OB_CONTEXT],
            "id": profile_id, "type": "Profile", "name": user.display_name,
            "email": user.email}


@csrf_exempt
def profile(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _profile_get(request)
    if request.method == "PUT":
        return _profile_put(request)
    return _method_not_allowed()


@require_scopes("profile.readonly")
def _profile_get(request: HttpRequest) -> HttpResponse:
    return JsonResponse(_profile_document(request.user))


@require_scopes("profile.update")
def _profile_put(request: HttpRequest) -> HttpResponse:
    try:
        data = json.loads(request.body)
    except ValueError:
        return error_response(_("The body must be a JSON Profile."), status=400)
    if not isinstance(data, dict):
        return error_response(_("The body must be a JSON Profile."), status=400)
    try:
        profile_update(actor=request.user, data=data)
    except MicrocredError as error:
        return error_response(error.message, status=400)
    return JsonResponse(_profile_document(request.user))


# -- VC-API -----------------------------------------------------------------------------------


def _vc_error(message: str | list[str], status: int = 400) -> JsonResponse:
    """The VC-API's one error shape: ``{"errors": [sentence, ...]}`` (also for 401/403/405)."""
    return JsonResponse({"errors": message if isinstance(message, list) else [message]},
                        status=status)


def _vc_shaped(response: HttpResponse) -> HttpResponse:
    """``require_scopes`` answers 401/403 as OB 3.0 Imsx_StatusInfo; the VC-API paths answer
    in their own shape, keeping the status and ``WWW-Authenticate``."""
    if response.status_code < 400 or not isinstance(response, JsonResponse):
        return response
    try:
        body = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(body, dict) or "imsx_description" not in body:
        return response
    shaped = _vc_error(str(body["imsx_description"]), response.status_code)
    if response.has_header("WWW-Authenticate"):
        shaped["WWW-Authenticate"] = response["WWW-Authenticate"]
    return shaped


class _BadBody(Exception):
    """The request body is not what the endpoint takes; ``args[0]`` says why."""


def _json_object(request: HttpRequest, example: str) -> dict[str, Any]:
    """The body as a JSON object, or ``_BadBody`` naming what is wrong with it."""
    if len(request.body) > MAX_CREDENTIAL_BYTES:
        raise _BadBody(_("The body is over %(limit)d bytes.") % {"limit": MAX_CREDENTIAL_BYTES})
    try:
        data = json.loads(request.body)
    except ValueError:
        raise _BadBody(_("The body is not JSON; send %(example)s.")
                       % {"example": example}) from None
    if not isinstance(data, dict):
        raise _BadBody(_("The body must be a JSON object: %(example)s.") % {"example": example})
    return data


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return _("a boolean")
    if isinstance(value, (int, float)):
        return _("a number")
    if isinstance(value, str):
        return _("a string")
    if isinstance(value, list):
        return _("an array")
    return _("null") if value is None else _("an object")


def _vc_body(request: HttpRequest, field: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``field`` (the document a VC-API call is about) and ``options`` (absent or null meaning
    none) from a JSON object body, or ``_BadBody`` naming what is wrong."""
    data = _json_object(request, f'{{"{field}": {{...}}, "options": {{...}}}}')
    document, options = data.get(field), data.get("options")
    options = {} if options is None else options
    if not isinstance(document, dict):
        raise _BadBody(_("%(field)s must be a JSON object, not %(kind)s.")
                       % {"field": field, "kind": _json_type(document)})
    if not isinstance(options, dict):
        raise _BadBody(_("options must be a JSON object, not %(kind)s.")
                       % {"kind": _json_type(options)})
    return document, options


@csrf_exempt
def vc_issue_view(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _vc_error(_("Method not allowed."), 405)
    return _vc_shaped(_vc_issue(request))


@require_scopes("vc.issue")
def _vc_issue(request: HttpRequest) -> HttpResponse:
    try:
        credential, options = _vc_body(request, "credential")
    except _BadBody as error:
        return _vc_error(str(error))
    try:
        signed = vc_credential_issue(actor=request.user, credential=credential, options=options)
    except CredentialInvalid as error:
        return _vc_error(error.messages, error.http_status)
    except MicrocredError as error:
        return _vc_error(error.message, error.http_status)
    return JsonResponse({"verifiableCredential": signed}, status=201)


@csrf_exempt
def vc_status_view(request: HttpRequest) -> HttpResponse:
    """VC-API "Update Status": revoke or suspend a credential the caller's organization
    issued (``issuance.vc_api.vc_credential_status_update``)."""
    if request.method != "POST":
        return _vc_error(_("Method not allowed."), 405)
    return _vc_shaped(_vc_status(request))


@require_scopes("vc.issue")
def _vc_status(request: HttpRequest) -> HttpResponse:
    try:
        data = _json_object(request, '{"credentialId": "...", "credentialStatus": [{"type": '
                                     '"BitstringStatusListEntry", "status": "revoked"}]}')
        row = vc_credential_status_update(actor=request.user, body=data)
    except _BadBody as error:
        return _vc_error(str(error))
    except MicrocredError as error:
        return _vc_error(error.message, error.http_status)
    return JsonResponse({"credentialId": row.credential_id,
                         "revoked": row.is_revoked, "suspended": row.is_suspended})


def _report_body(report: Any) -> dict[str, Any]:
    # A problem of conformance to Open Badges 3.0 / CLR 2.0 is a warning, never an error: the
    # verdict follows whether the credential is authentic and valid now (issue 24); a document
    # that breaks the VC Data Model itself is an error (VC Data Model 2.0 §7.1).
    # ``conformance`` lists each problem with the specification section it breaks.
    decides = report.decides

    body = {
        "checks": [c.name for c in report.checks if c.outcome == "passed"],
        "warnings": [f"{c.name}: {c.message}" for c in report.checks
                     if c.outcome == "unknown" or (c.outcome == "failed" and not decides(c))],
        "errors": [f"{c.name}: {c.message}" for c in report.checks
                   if c.outcome == "failed" and decides(c)],
        "verdict": report.verdict,
        "answers": report.answers,
        "conformance": report.conformance_problems,
    }
    known = issuer_known(report)  # whether the signing key is an organization's here
    if known is not None:
        body["issuerKnown"] = known
    return body


@csrf_exempt
def vc_verify_credential(request: HttpRequest) -> HttpResponse:
    """200 only when the credential is authentic and valid now (:func:`_verified`); 400 (with
    ``errors``/``warnings``) otherwise: a check that could not be made is never reported as
    valid. Conformance problems are ``warnings`` and listed in ``conformance``.
    ``verifiableCredential`` is the secured document, a JSON object (VC-API "Verify
    Credential"; a Data Integrity secured credential is a map): anything else is refused, never
    read as text."""
    if request.method != "POST":
        return _vc_error(_("Method not allowed."), 405)
    try:
        credential, options = _vc_body(request, "verifiableCredential")
    except _BadBody as error:
        return _vc_error(str(error))
    report = credential_verify(data=json.dumps(credential))
    return JsonResponse(_report_body(report), status=200 if _verified(report) else 400)


def _verified(report: Any) -> bool:
    """Whether POST /credentials/verify answers 200: every check that decides the verdict
    passed, or the only one that did not is an issuer named by a URL, which no key can be tied
    to (``issuer.key_only``: the proofs are valid, and Data Integrity 1.0 §2.6 leaves binding
    the key to such an issuer to validation). That sentence is in ``warnings``."""
    if report.verdict == "passed":
        return True
    undecided = [c for c in report.checks if c.outcome != "passed" and report.decides(c)]
    return bool(undecided) and all(c.code == "issuer.key_only" for c in undecided)


@csrf_exempt
def vc_verify_presentation(request: HttpRequest) -> HttpResponse:
    """Checks the presentation's own proof (``authentication``, carrying the ``challenge`` and
    ``domain`` given in ``options``: the core refuses a proof without them or with others),
    that its holder signed it, and every credential in it. 200 only when everything passed."""
    if request.method != "POST":
        return _vc_error(_("Method not allowed."), 405)
    try:
        presentation, options = _vc_body(request, "verifiablePresentation")
    except _BadBody as error:
        return _vc_error(str(error))
    challenge, domain = options.get("challenge"), options.get("domain")
    if challenge is not None and not (isinstance(challenge, str) and challenge):
        return _vc_error(_("options.challenge must be a non-empty string."))
    if domain is not None and not (
        (isinstance(domain, str) and domain)
        or (isinstance(domain, list) and domain
            and all(isinstance(d, str) and d for d in domain))):
        return _vc_error(_("options.domain must be a string or a list of strings."))
    report = presentation_verify(data=presentation, challenge=challenge, domain=domain)
    body = _report_body(report)
    for number, inner in enumerate(report.credentials, 1):
        credential = _report_body(inner)
        body["errors"].extend(f"credential {number} {e}" for e in credential["errors"])
        body["warnings"].extend(f"credential {number} {w}" for w in credential["warnings"])
    return JsonResponse(body, status=200 if report.verdict == "passed" else 400)


