from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from microcred.errors import ValidationFailed
from microcred.verification.forms import VerifyForm
from microcred.verification.services import credential_verify
from microcred.verification.summary import credential_summary


def verify(request: HttpRequest) -> HttpResponse:
    form = (VerifyForm(request.POST, request.FILES) if request.method == "POST"
            else VerifyForm())
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = credential_verify(data=form.payload())
            except ValidationFailed as error:
                form.add_error("credential_url", error.message)
                status = 400
        else:
            status = 400
    return render(request, "verification/verify.html",
                  {"form": form, "report": report,
                   "summary": credential_summary(report.credential) if report else None},
                  status=status)
