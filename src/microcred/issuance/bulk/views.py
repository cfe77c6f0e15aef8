"""Bulk issuance pages for organization administrators: start a job from a CSV file, watch its
progress (a ``<progress>`` bar refreshed by htmx every 2 seconds, or by a plain link without
JavaScript). The task worker does the issuing (``tasks.bulk_issuance_task``)."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from microcred.catalog.models import MicroCredential
from microcred.errors import MicrocredError, NotAllowed, ValidationFailed
from microcred.issuance.bulk.service import bulk_issuance_get, bulk_issuance_start
from microcred.issuance.forms import BulkIssuanceForm
from microcred.issuance.models import BulkIssuance
from microcred.orgs.models import Role
from microcred.orgs.selectors import organizations_where
from microcred.web.uploads import read_upload

POLL_SECONDS = 2


def _admin_orgs(request: HttpRequest) -> object:
    orgs = organizations_where(user=request.user, role=Role.ADMIN)
    if not orgs.exists():
        raise NotAllowed(_("Only administrators of an issuing organization can issue "
                           "credentials in bulk."))
    return orgs


@login_required
def bulk_new(request: HttpRequest) -> HttpResponse:
    orgs = _admin_orgs(request)
    choices = (MicroCredential.objects
               .filter(organization__in=orgs, status=MicroCredential.Status.PUBLISHED)
               .select_related("organization").order_by("organization__name", "title"))
    form = BulkIssuanceForm(request.POST or None, request.FILES or None,
                            micro_credentials=choices)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                # Whole or refused: a file cut at the upload limit may end on a row boundary
                # and look valid while the rows past the cut are never issued.
                data = read_upload(form.cleaned_data["csv_file"],
                                   limit=settings.UPLOAD_MAX_BYTES)
                job = bulk_issuance_start(actor=request.user,
                                          micro_credential=form.cleaned_data["micro_credential"],
                                          csv_file=io.BytesIO(data))
                messages.success(request, _("The file is valid; issuing has started."))
                return redirect("issuance:bulk_job", public_id=job.public_id)
            except ValidationFailed as error:
                problems = list(error.problems.values())
                form.add_error("csv_file", error.message)
            except MicrocredError as error:
                form.add_error(None, error.message)
        status = 400
    jobs = BulkIssuance.objects.filter(organization__in=orgs).select_related(
        "micro_credential")[:20]
    return render(request, "issuance/bulk_new.html",
                  {"form": form, "problems": problems, "jobs": jobs}, status=status)


def _progress_context(job: BulkIssuance) -> dict[str, object]:
    return {"job": job, "poll_seconds": POLL_SECONDS, "polling": not job.is_finished}


@login_required
def bulk_job(request: HttpRequest, public_id: str) -> HttpResponse:
    job = bulk_issuance_get(actor=request.user, public_id=public_id)
    return render(request, "issuance/bulk_job.html", _progress_context(job))


@login_required
def bulk_job_progress(request: HttpRequest, public_id: str) -> HttpResponse:
    """The progress fragment (htmx), or JSON for scripts (``Accept: application/json``)."""
    job = bulk_issuance_get(actor=request.user, public_id=public_id)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"status": job.status, "issued": job.issued_count,
                             "total": job.total, "percent": job.percent, "error": job.error})
    return render(request, "issuance/_bulk_progress.html", _progress_context(job))
