"""The learner's attempt page: the evidence form while the attempt is a draft (with the
previous attempt's feedback beside the rubric), then its status with the assessor's decision,
the appeal and the credential. Composed here, above earning, assessment and issuance, because
it draws on all three."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.assessment.models import Assessment, CriterionScore
from microcred.assessment.selectors import appeal_of, attempt_decision, previous_decision
from microcred.catalog.models import RubricCriterion
from microcred.earning.forms import AttemptForm
from microcred.earning.models import Attempt
from microcred.earning.selectors import attempt_get_for_learner, attempt_prompts_with_answers
from microcred.earning.services import attempt_save_draft, attempt_submit
from microcred.earning.workflow import can_transition
from microcred.errors import ValidationFailed
from microcred.issuance.selectors import credential_for_attempt


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
        return render(request, "learner/attempt_status.html", {
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
                return redirect("learner:attempt", public_id=attempt.public_id)
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
            return redirect("learner:attempt", public_id=attempt.public_id)
    attempt.refresh_from_db()
    return render(request, "learner/attempt_edit.html",
                  {"attempt": attempt, "form": form, "mc": attempt.micro_credential,
                   "previous": previous,
                   "previous_scores": {s.criterion_id: s for s in previous.scores.all()}
                   if previous else {},
                   "criteria_with_feedback": _criteria_with_feedback(attempt, previous)},
                  status=status)


def _criteria_with_feedback(
    attempt: Attempt, previous: Assessment | None
) -> list[tuple[RubricCriterion, CriterionScore | None]]:
    scores = {s.criterion_id: s for s in previous.scores.all()} if previous else {}
    return [(c, scores.get(c.pk)) for c in attempt.micro_credential.criteria.all()]
