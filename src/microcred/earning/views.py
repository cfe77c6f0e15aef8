from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.catalog.selectors import micro_credential_get_published
from microcred.earning.forms import AttemptForm
from microcred.earning.models import Attempt
from microcred.earning.selectors import (
    attempt_get,
    attempt_get_for_learner,
    attempt_prompts_with_answers,
    attempts_for_learner,
)
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit
from microcred.errors import NotAllowed, NotFound, ValidationFailed
from microcred.orgs.models import Role
from microcred.orgs.selectors import user_has_role


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    mc = micro_credential_get_published(slug=slug)
    attempt = attempt_start(learner=request.user, micro_credential=mc)
    return redirect("earning:attempt", public_id=attempt.public_id)


@login_required
def attempt_page(request: HttpRequest, public_id: str) -> HttpResponse:
    attempt = attempt_get_for_learner(learner=request.user, public_id=public_id)
    if attempt.status != Attempt.Status.DRAFT:
        assessment = getattr(attempt, "assessment", None)
        return render(request, "earning/attempt_status.html", {
            "attempt": attempt,
            "assessment": assessment,
            "scores": assessment.scores.select_related("criterion") if assessment else [],
            "credential": getattr(attempt, "credential", None),
            "items": attempt_prompts_with_answers(attempt=attempt),
        })
    items = attempt_prompts_with_answers(attempt=attempt)
    autosave_url = reverse("earning:autosave", kwargs={"public_id": attempt.public_id})
    form = AttemptForm(items=items, autosave_url=autosave_url)
    status = 200
    if request.method == "POST":
        form = AttemptForm(request.POST, request.FILES, items=items,
                           autosave_url=autosave_url)
        form.is_valid()
        try:
            attempt_save_draft(learner=request.user, attempt_id=attempt.pk,
                               texts=form.texts(), files=form.uploads())
            if request.POST.get("action") == "submit":
                attempt_submit(learner=request.user, attempt_id=attempt.pk)
                messages.success(request, _("Submitted. An assessor will review your evidence."))
                return redirect("earning:attempt", public_id=attempt.public_id)
        except ValidationFailed as exc:
            items = attempt_prompts_with_answers(attempt=attempt)
            form = AttemptForm(request.POST, items=items, autosave_url=autosave_url)
            form.is_valid()
            for key, problem in exc.problems.items():
                form.add_error(key if key in form.fields else None, problem)
            form.error_summary = exc.message
            status = 400
        else:
            messages.success(request, _("Draft saved."))
            return redirect("earning:attempt", public_id=attempt.public_id)
    return render(request, "earning/attempt_edit.html",
                  {"attempt": attempt, "form": form, "mc": attempt.micro_credential},
                  status=status)


@login_required
@require_POST
def autosave(request: HttpRequest, public_id: str) -> HttpResponse:
    """Saves the written answers as the learner types (htmx) or as the tab closes (beacon)."""
    attempt = attempt_get_for_learner(learner=request.user, public_id=public_id)
    form = AttemptForm(request.POST, items=attempt_prompts_with_answers(attempt=attempt))
    attempt_save_draft(learner=request.user, attempt_id=attempt.pk, texts=form.texts())
    now = time_format(timezone.localtime(), "H:i:s")
    return HttpResponse(_("Draft saved at %(time)s.") % {"time": now})


@login_required
def evidence_file(request: HttpRequest, public_id: str, prompt_id: int) -> FileResponse:
    """Evidence is private: the learner, and assessors of the issuing organization."""
    attempt = attempt_get(public_id=public_id)
    org = attempt.micro_credential.organization
    if attempt.learner_id != request.user.pk and not user_has_role(
        user=request.user, organization=org, role=Role.ASSESSOR
    ):
        raise NotAllowed(_("You cannot open this evidence."))
    answer = attempt.answers.filter(prompt_id=prompt_id).exclude(file="").first()
    if answer is None:
        raise NotFound(_("No file here."))
    # A neutral file name for assessors: the original name may identify the learner.
    suffix = answer.file.name.rsplit(".", 1)[-1] if "." in answer.file.name else "bin"
    name = answer.file_name if attempt.learner_id == request.user.pk else f"evidence.{suffix}"
    return FileResponse(answer.file.open("rb"), as_attachment=True, filename=name)


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    return render(request, "earning/my_learning.html",
                  {"attempts": attempts_for_learner(learner=request.user)})
