from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from microcred.assessment.forms import AssessmentForm
from microcred.assessment.models import Outcome
from microcred.assessment.selectors import (
    assessor_queue,
    attempt_get_for_assessor,
    is_assessor_anywhere,
)
from microcred.assessment.services import assessment_record
from microcred.earning.models import Attempt
from microcred.earning.selectors import attempt_prompts_with_answers
from microcred.errors import NotAllowed, ValidationFailed


def _require_assessor(request: HttpRequest) -> None:
    if not is_assessor_anywhere(user=request.user):
        raise NotAllowed(_("The assessment queue is for assessors."))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_assessor(request)
    items = assessor_queue(assessor=request.user)
    return render(request, "assessment/queue.html", {"items": items})


@login_required
def score(request: HttpRequest, public_id: str) -> HttpResponse:
    _require_assessor(request)
    attempt = attempt_get_for_assessor(assessor=request.user, public_id=public_id)
    mc = attempt.micro_credential
    criteria = list(mc.criteria.all())
    if attempt.status != Attempt.Status.SUBMITTED:
        messages.info(request, _("This submission has already been assessed."))
        return redirect("assessment:queue")
    form = AssessmentForm(request.POST if request.method == "POST" else None, criteria=criteria)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_record(assessor=request.user, attempt_id=attempt.pk,
                                           scores=form.scores(),
                                           summary=form.cleaned_data["summary"])
        except ValidationFailed as exc:
            for key, problem in exc.problems.items():
                form.add_error(key if key in form.fields else None, problem)
            status = 400
        else:
            if assessment.outcome == Outcome.PASS:
                messages.success(request, _("Recorded: Pass. The credential is being issued."))
            else:
                messages.success(request, _("Recorded: Not Yet. The feedback was returned to "
                                            "the learner."))
            return redirect("assessment:queue")
    return render(request, "assessment/score.html", {
        "attempt": attempt, "mc": mc, "form": form,
        "items": attempt_prompts_with_answers(attempt=attempt),
    }, status=status)
