from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.assessment.selectors import (
    appeal_of,
    attempt_decision,
    can_open_evidence,
    previous_decision,
)
from microcred.assessment.services import appeal_create
from microcred.catalog.selectors import micro_credential_get_published
from microcred.earning.forms import AttemptForm
from microcred.earning.models import Attempt
from microcred.earning.selectors import (
    attempt_get,
    attempt_get_for_learner,
    attempt_prompts_with_answers,
    attempts_for_learner,
    evidence_token,
    evidence_token_read,
)
from microcred.earning.services import (
    attempt_save_draft,
    attempt_start,
    attempt_submit,
    attempt_withdraw,
)
from microcred.earning.workflow import can_transition
from microcred.errors import NotAllowed, NotFound, ValidationFailed
from microcred.issuance.selectors import credential_for_attempt

#: The largest id a row can have (a signed 64-bit integer on every supported database).
MAX_ROW_ID = 2**63 - 1


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    mc = micro_credential_get_published(slug=slug)
    attempt = attempt_start(learner=request.user, micro_credential=mc)
    return redirect("earning:attempt", public_id=attempt.public_id)


@login_required
def attempt_page(request: HttpRequest, public_id: str) -> HttpResponse:
    attempt = attempt_get_for_learner(learner=request.user, public_id=public_id)
    previous = previous_decision(attempt=attempt)
    if attempt.status not in Attempt.EDITABLE_STATUSES:
        decision = attempt_decision(attempt=attempt)
        appeal = appeal_of(attempt=attempt)
        later = Attempt.objects.filter(learner=attempt.learner_id,
                                       micro_credential=attempt.micro_credential_id,
                                       number__gt=attempt.number).exists()
        return render(request, "earning/attempt_status.html", {
            "attempt": attempt,
            "assessment": decision,
            "scores": decision.scores.select_related("criterion") if decision else [],
            "credential": credential_for_attempt(attempt=attempt),
            "items": attempt_prompts_with_answers(attempt=attempt, viewer=request.user),
            "appeal": appeal,
            "can_appeal": attempt.status == Attempt.Status.NOT_YET and appeal is None
            and not later,
            "can_withdraw": can_transition(attempt, Attempt.Status.WITHDRAWN),
        })
    items = attempt_prompts_with_answers(attempt=attempt, viewer=request.user)
    autosave_url = reverse("earning:autosave", kwargs={"public_id": attempt.public_id})
    form_kwargs = {"items": items, "autosave_url": autosave_url,
                   "resubmission": attempt.number > 1, "note": attempt.resubmission_note}
    form = AttemptForm(**form_kwargs)
    status = 200
    if request.method == "POST":
        form = AttemptForm(request.POST, request.FILES, **form_kwargs)
        form.is_valid()
        try:
            attempt_save_draft(learner=request.user, attempt_id=attempt.pk,
                               texts=form.texts(), files=form.uploads(), links=form.links(),
                               resubmission_note=request.POST.get("resubmission_note"))
            if request.POST.get("action") == "submit":
                attempt_submit(learner=request.user, attempt_id=attempt.pk,
                               integrity_confirmed=request.POST.get("integrity") == "on")
                messages.success(request, _("Submitted. An assessor will review your evidence."))
                return redirect("earning:attempt", public_id=attempt.public_id)
        except ValidationFailed as exc:
            items = attempt_prompts_with_answers(attempt=attempt, viewer=request.user)
            form_kwargs["items"] = items
            form = AttemptForm(request.POST, **form_kwargs)
            form.is_valid()
            for key, problem in exc.problems.items():
                form.add_error(key if key in form.fields else None, problem)
            form.error_summary = exc.message
            status = 400
        else:
            messages.success(request, _("Draft saved."))
            return redirect("earning:attempt", public_id=attempt.public_id)
    attempt.refresh_from_db()
    return render(request, "earning/attempt_edit.html",
                  {"attempt": attempt, "form": form, "mc": attempt.micro_credential,
                   "previous": previous,
                   "previous_scores": {s.criterion_id: s for s in previous.scores.all()}
                   if previous else {},
                   "criteria_with_feedback": _criteria_with_feedback(attempt, previous)},
                  status=status)


def _criteria_with_feedback(attempt: Attempt, previous: Any) -> list[tuple[Any, Any]]:
    scores = {s.criterion_id: s for s in previous.scores.all()} if previous else {}
    return [(c, scores.get(c.pk)) for c in attempt.micro_credential.criteria.all()]


def _numbered(data: Any, prefix: str) -> dict[int, str]:
    return {int(key[len(prefix):]): value for key, value in data.items()
            if key.startswith(prefix) and key[len(prefix):].isdigit()}


@login_required
@require_POST
def autosave(request: HttpRequest, public_id: str) -> HttpResponse:
    """Saves the written answers as the learner types (htmx) or as the tab closes (beacon)."""
    attempt = attempt_get_for_learner(learner=request.user, public_id=public_id)
    # The fields by name (``prompt_<id>``, ``link_<id>``), without building the whole form:
    # this runs every few seconds while someone types. The service checks each id belongs to
    # this attempt and is the right kind.
    texts = _numbered(request.POST, "prompt_")
    links = _numbered(request.POST, "link_")
    try:
        attempt_save_draft(learner=request.user, attempt_id=attempt.pk, texts=texts,
                           links=links, resubmission_note=request.POST.get("resubmission_note"))
    except ValidationFailed as exc:
        return HttpResponse(exc.message)
    now = time_format(timezone.localtime(), "H:i:s")
    return HttpResponse(_("Draft saved at %(time)s.") % {"time": now})


@login_required
def evidence_file(request: HttpRequest, public_id: str, prompt_id: int) -> HttpResponse:
    """The stable address of a file: checks who asks, then sends them to a short-lived signed
    link made for them."""
    attempt = attempt_get(public_id=public_id)
    if not can_open_evidence(user=request.user, attempt=attempt):
        raise NotAllowed(_("You cannot open this evidence."))
    if prompt_id > MAX_ROW_ID:  # no such row, and the database could not even compare it
        raise NotFound(_("No file here."))
    answer = attempt.answers.filter(prompt_id=prompt_id).exclude(file="").first()
    if answer is None:
        raise NotFound(_("No file here."))
    return redirect("earning:evidence_signed",
                    token=evidence_token(answer=answer, viewer=request.user))


@login_required
def evidence_signed(request: HttpRequest, token: str) -> FileResponse:
    """Evidence is private: the learner, the assessors assigned to it and the issuer's admins,
    through a link signed for them that expires (django.core.signing, max_age)."""
    answer = evidence_token_read(token=token, viewer=request.user)
    attempt = answer.attempt
    if not can_open_evidence(user=request.user, attempt=attempt):
        raise NotAllowed(_("You cannot open this evidence."))
    # A neutral file name for assessors: the original name may identify the learner.
    suffix = answer.file.name.rsplit(".", 1)[-1] if "." in answer.file.name else "bin"
    name = answer.file_name if attempt.learner_id == request.user.pk else f"evidence.{suffix}"
    response = FileResponse(answer.file.open("rb"), as_attachment=True, filename=name,
                            content_type=answer.file_type or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    attempt = attempt_get_for_learner(learner=request.user, public_id=public_id)
    attempt_withdraw(learner=request.user, attempt_id=attempt.pk)
    messages.success(request, _("Withdrawn. Nobody will assess this attempt."))
    return redirect("earning:attempt", public_id=attempt.public_id)


@login_required
@require_POST
def appeal(request: HttpRequest, public_id: str) -> HttpResponse:
    attempt = attempt_get_for_learner(learner=request.user, public_id=public_id)
    appeal_create(learner=request.user, attempt_id=attempt.pk,
                  reason=request.POST.get("reason", ""))
    messages.success(request, _("Appeal received. A different assessor will review your "
                                "evidence; their decision is final."))
    return redirect("earning:attempt", public_id=attempt.public_id)


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    return render(request, "earning/my_learning.html",
                  {"attempts": attempts_for_learner(learner=request.user)})
