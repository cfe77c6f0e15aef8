"""Earning's own pages: starting an attempt, autosave, withdrawing, and the learner's list of
attempts. The attempt page itself (it shows assessment's feedback and issuance's credential)
is composed in ``microcred.learner.attempt_views``; evidence files and appeals are
assessment's (``microcred.assessment.views``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.catalog.selectors import micro_credential_get_published
from microcred.earning.selectors import attempt_get_for_learner, attempts_for_learner
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_withdraw
from microcred.errors import ValidationFailed


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    mc = micro_credential_get_published(slug=slug)
    attempt = attempt_start(learner=request.user, micro_credential=mc)
    return redirect("learner:attempt", public_id=attempt.public_id)


def _numbered(data: QueryDict, prefix: str) -> dict[int, str]:
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
@require_POST
def withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    attempt = attempt_get_for_learner(learner=request.user, public_id=public_id)
    attempt_withdraw(learner=request.user, attempt_id=attempt.pk)
    messages.success(request, _("Withdrawn. Nobody will assess this attempt."))
    return redirect("learner:attempt", public_id=attempt.public_id)


@login_required
def my_learning(request: HttpRequest) -> HttpResponse:
    return render(request, "earning/my_learning.html",
                  {"attempts": attempts_for_learner(learner=request.user)})
