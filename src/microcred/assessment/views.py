from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts.models import User
from microcred.assessment.forms import AssessmentForm, CalibrationForm, PolicyForm
from microcred.assessment.models import Outcome, ReviewKind
from microcred.assessment.selectors import (
    active_assignment,
    admin_organizations,
    agreement_figures,
    assessor_queue,
    attempt_get_for_assessor,
    calibration_state,
    can_open_evidence,
    is_assessor_anywhere,
    overdue_attempts,
    policy_get,
    pool_memberships,
    pools_for_organization,
    reviews_for_lead,
)
from microcred.assessment.services.appeals import appeal_create
from microcred.assessment.services.assignment import assignment_claim, assignment_release
from microcred.assessment.services.calibration import calibration_record, calibration_restart
from microcred.assessment.services.policy import policy_update
from microcred.assessment.services.pools import pool_member_add, pool_member_set_lead
from microcred.assessment.services.scoring import assessment_record, attempt_return_incomplete
from microcred.catalog.models import MicroCredential
from microcred.catalog.versions import current_version
from microcred.earning.selectors import (
    attempt_get,
    attempt_get_for_learner,
    attempt_prompts_with_answers,
    evidence_token,
    evidence_token_read,
)
from microcred.earning.services import attempt_limit_set
from microcred.errors import NotAllowed, NotFound, ValidationFailed
from microcred.orgs.models import Role
from microcred.orgs.selectors import user_has_role

#: More attempts than anyone needs; also keeps the number inside the database's integer.
MAX_ATTEMPT_LIMIT = 100
#: The largest id a row can have (a signed 64-bit integer on every supported database).
MAX_ROW_ID = 2**63 - 1


def _require_assessor(request: HttpRequest) -> None:
    if not is_assessor_anywhere(user=request.user):
        raise NotAllowed(_("The assessment queue is for assessors."))


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    if not admin_organizations(user=request.user).exists():
        _require_assessor(request)
    items = assessor_queue(assessor=request.user)
    return render(request, "assessment/queue.html", {
        "mine": [i for i in items if i.mine], "pool": [i for i in items if not i.mine],
        "items": items, "memberships": pool_memberships(assessor=request.user),
        "admin_orgs": admin_organizations(user=request.user)})


@login_required
@require_POST
def claim(request: HttpRequest, public_id: str) -> HttpResponse:
    _require_assessor(request)
    attempt = attempt_get_for_assessor(assessor=request.user, public_id=public_id)
    assignment_claim(assessor=request.user, attempt_id=attempt.pk)
    messages.success(request, _("Claimed. It is yours until the claim expires."))
    return redirect("assessment:score", public_id=attempt.public_id)


@login_required
@require_POST
def release(request: HttpRequest, public_id: str) -> HttpResponse:
    attempt = attempt_get_for_assessor(assessor=request.user, public_id=public_id)
    assignment_release(assessor=request.user, attempt_id=attempt.pk)
    messages.info(request, _("Released back to the pool."))
    return redirect("assessment:queue")


@login_required
@require_POST
def return_incomplete(request: HttpRequest, public_id: str) -> HttpResponse:
    attempt = attempt_get_for_assessor(assessor=request.user, public_id=public_id)
    attempt_return_incomplete(assessor=request.user, attempt_id=attempt.pk,
                              reason=request.POST.get("reason", ""))
    messages.success(request, _("Returned to the learner without scoring."))
    return redirect("assessment:queue")


@login_required
def score(request: HttpRequest, public_id: str) -> HttpResponse:
    _require_assessor(request)
    attempt = attempt_get_for_assessor(assessor=request.user, public_id=public_id)
    mc = attempt.micro_credential
    assignment = active_assignment(assessor=request.user, attempt=attempt)
    if assignment is None:
        if any(i.public_id == attempt.public_id and not i.mine
               for i in assessor_queue(assessor=request.user)):
            return render(request, "assessment/claim.html", {"attempt": attempt, "mc": mc})
        messages.info(request, _("This submission is not waiting for you."))
        return redirect("assessment:queue")
    criteria = list(mc.criteria.select_related("part"))
    form = AssessmentForm(request.POST if request.method == "POST" else None, criteria=criteria)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            assessment = assessment_record(assessor=request.user, attempt_id=attempt.pk,
                                           scores=form.scores(),
                                           summary=form.cleaned_data["summary"],
                                           note_to_lead=form.cleaned_data["note_to_lead"])
        except ValidationFailed as exc:
            for key, problem in exc.problems.items():
                form.add_error(key if key in form.fields else None, problem)
            status = 400
        else:
            outcome = _("Pass") if assessment.outcome == Outcome.PASS else _("Not Yet")
            messages.success(request, _("Recorded: %(outcome)s.") % {"outcome": outcome})
            return redirect("assessment:queue")
    return render(request, "assessment/score.html", {
        "attempt": attempt, "mc": mc, "form": form, "assignment": assignment,
        "items": attempt_prompts_with_answers(attempt=attempt, viewer=request.user),
        "earlier_reviews": reviews_for_lead(attempt=attempt)
        if assignment.kind == ReviewKind.ADJUDICATION else [],
    }, status=status)


@login_required
def calibration(request: HttpRequest, slug: str) -> HttpResponse:
    _require_assessor(request)
    mc = current_version(slug)
    if mc is None:
        raise NotFound(_("No such micro-credential."))
    state = calibration_state(assessor=request.user, micro_credential=mc)
    if state.member is None:
        raise NotAllowed(_("You are not in the pool for this micro-credential."))
    criteria = list(mc.criteria.select_related("part"))
    form = CalibrationForm(request.POST if request.method == "POST" else None,
                           criteria=criteria)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "restart":
            calibration_restart(assessor=request.user, micro_credential=mc)
            return redirect("assessment:calibration", slug=slug)
        try:
            anchor_id = request.POST.get("anchor", "")
            if not anchor_id.isdigit():  # a missing or forged field: 400, never a 500
                raise ValidationFailed(_("Choose a calibration sample to score."))
            calibration_record(assessor=request.user, anchor_id=int(anchor_id),
                               scores=form.outcomes())
        except ValidationFailed as exc:
            for key, problem in exc.problems.items():
                form.add_error(key if key in form.fields else None, problem)
            status = 400
        else:
            return redirect("assessment:calibration", slug=slug)
    state = calibration_state(assessor=request.user, micro_credential=mc)
    return render(request, "assessment/calibration.html", {
        "mc": mc, "state": state, "form": form,
        "threshold": policy_get(organization=mc.organization).calibration_threshold,
    }, status=status)


@login_required
def admin_overview(request: HttpRequest, org_slug: str) -> HttpResponse:
    org = admin_organizations(user=request.user).filter(slug=org_slug).first()
    if org is None:
        raise NotAllowed(_("Only administrators of this organization can see this page."))
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add_member":
            mc = MicroCredential.objects.filter(organization=org,
                                                pk=request.POST.get("micro_credential")).first()
            email = request.POST.get("email", "").strip()
            if mc is None or not email:
                raise ValidationFailed(_("Choose a micro-credential and an assessor's email."))
            # Only the organization's own assessors can join a pool. Whether an email belongs
            # to an account at all (or to whom) is not the organization's to learn, so every
            # address gets the same answer; the pool list shows only its own assessors.
            person = User.objects.filter(email__iexact=email).first()
            if person is not None and user_has_role(user=person, organization=org,
                                                    role=Role.ASSESSOR):
                pool_member_add(actor=request.user, micro_credential=mc, assessor=person,
                                is_lead=request.POST.get("is_lead") == "on")
            messages.info(request, _(
                "If %(email)s belongs to an assessor of %(org)s, they are in the pool now. "
                "Anyone else must first be made an assessor of the organization.")
                % {"email": email, "org": org.name})
        elif action == "policy":
            form = PolicyForm(request.POST)
            if not form.is_valid():
                raise ValidationFailed(" ".join(
                    f"{form.fields[k].label}: {' '.join(v)}" for k, v in form.errors.items()))
            policy_update(actor=request.user, organization=org, **form.cleaned_data)
            messages.success(request, _("Assessment rules saved."))
        elif action == "attempt_limit":
            mc = MicroCredential.objects.filter(organization=org,
                                                pk=request.POST.get("micro_credential")).first()
            try:
                limit = int(request.POST.get("attempt_limit", ""))
            except ValueError:
                limit = 0
            if mc is None:
                raise ValidationFailed(_("Choose a micro-credential."))
            if not 1 <= limit <= MAX_ATTEMPT_LIMIT:
                raise ValidationFailed(_("The attempt limit must be a whole number from 1 to "
                                         "%(max)s.") % {"max": MAX_ATTEMPT_LIMIT})
            attempt_limit_set(actor=request.user, micro_credential=mc, attempt_limit=limit)
            messages.success(request, _("Attempt limit saved."))
        elif action == "set_lead":
            member_id = request.POST.get("member", "")
            if not member_id.isdigit():
                raise ValidationFailed(_("Choose a pool member."))
            pool_member_set_lead(actor=request.user, member_id=int(member_id),
                                 is_lead=request.POST.get("is_lead") == "1")
            messages.success(request, _("Lead assessors updated."))
        return redirect("assessment:admin", org_slug=org.slug)
    policy = policy_get(organization=org)
    return render(request, "assessment/admin.html", {
        "org": org, "overdue": overdue_attempts(organization=org),
        "agreement": agreement_figures(organization=org),
        "members": pools_for_organization(organization=org),
        "mcs": org.micro_credentials.filter(status="published"),
        "policy": policy,
        "policy_form": PolicyForm(initial={f: getattr(policy, f) for f in PolicyForm.base_fields}),
    })


# ------------------------------------------------- the attempt's evidence files and appeal
# (``assessment:evidence``, ``assessment:evidence_signed``, ``assessment:appeal``)


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
    return redirect("assessment:evidence_signed",
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
def appeal(request: HttpRequest, public_id: str) -> HttpResponse:
    attempt = attempt_get_for_learner(learner=request.user, public_id=public_id)
    appeal_create(learner=request.user, attempt_id=attempt.pk,
                  reason=request.POST.get("reason", ""))
    messages.success(request, _("Appeal received. A different assessor will review your "
                                "evidence; their decision is final."))
    return redirect("learner:attempt", public_id=attempt.public_id)
