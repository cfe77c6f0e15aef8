from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from microcred.errors import ValidationFailed
from microcred.verification.forms import VerifyForm
from microcred.verification.services import (
    IssuerStanding,
    credential_verify,
    is_ob2,
    is_presentation,
    issuer_standing,
    ob2_verify,
    presentation_verify,
    recipient_check,
    report_summary,
)
from microcred.verification.summary import CredentialSummary, credential_summary, ob2_summary


def _standing(report: Any, summary: CredentialSummary | None) -> IssuerStanding | None:
    """Whether the issuer is an organization here (by its key), or only says it is one."""
    if report is None or summary is None:
        return None
    return issuer_standing(report, claimed_name=summary.issuer_name,
                           issuer_id=summary.issuer_id)


def _as_presentation(payload: bytes | str) -> dict[str, Any] | None:
    """The pasted or uploaded JSON when it is a verifiable presentation, else ``None``."""
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    if not text.lstrip().startswith("{"):
        return None
    try:
        document = json.loads(text)
    except ValueError:
        return None
    return document if is_presentation(document) else None


def verify(request: HttpRequest) -> HttpResponse:
    form = (VerifyForm(request.POST, request.FILES) if request.method == "POST"
            else VerifyForm())
    report = None
    summary = None
    presented: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            email = str(form.cleaned_data.get("recipient_email") or "").strip()
            try:
                payload = form.payload()
                presentation = _as_presentation(payload)
                if presentation is not None:
                    # A presentation pasted here has no challenge of ours to answer: its proof
                    # is checked as it is, and each credential in it on its own.
                    report = presentation_verify(data=presentation)
                    presented = [{"report": inner,
                                  "summary": credential_summary(inner.credential),
                                  "standing": _standing(inner,
                                                        credential_summary(inner.credential))}
                                 for inner in report.credentials]
                elif is_ob2(payload):
                    report = ob2_verify(data=payload, email=email or None)
                    summary = ob2_summary(report)
                else:
                    report = credential_verify(data=payload)
                    summary = report_summary(report)
                    if email and report.credential is not None:
                        recipient_check(report=report, email=email)
            except ValidationFailed as error:
                form.add_error("credential_url", error.message)
                status = 400
        else:
            status = 400
    return render(request, "verification/verify.html",
                  {"form": form, "report": report, "presented": presented,
                   "is_presentation": bool(report is not None and hasattr(report, "credentials")),
                   "summary": summary, "standing": _standing(report, summary)},
                  status=status)
