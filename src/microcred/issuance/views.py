from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from microcred.errors import NotFound
from microcred.issuance import identity
from microcred.issuance.selectors import credential_get_public, credentials_for_learner
from microcred.verification.services import credential_verify


@login_required
def my_credentials(request: HttpRequest) -> HttpResponse:
    return render(request, "issuance/my_credentials.html",
                  {"credentials": credentials_for_learner(learner=request.user)})


def credential_page(request: HttpRequest, public_id: str) -> HttpResponse:
    credential = credential_get_public(public_id=public_id)
    report = credential_verify(data=credential.signed_json)
    return render(request, "issuance/credential.html", {
        "credential": credential, "report": report,
    })


def credential_json(request: HttpRequest, public_id: str) -> HttpResponse:
    """The credential exactly as signed: the stored text, encoded once, never re-serialized."""
    credential = credential_get_public(public_id=public_id)
    response = HttpResponse(credential.signed_json.encode("utf-8"),
                            content_type="application/ld+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{credential.public_id}.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def did_document(request: HttpRequest) -> JsonResponse:
    if not identity.uses_did_web():
        raise NotFound(_("This deployment issues with did:key; it has no did:web document."))
    response = JsonResponse(identity.did_web_document(),
                            content_type="application/did+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
