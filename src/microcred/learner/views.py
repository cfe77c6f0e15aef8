"""Pages composed for a learner: a micro-credential's page with where they stand in earning it,
their pathway through a stack, and adding a credential from another issuer to their account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from microcred.catalog.badges import badge_src
from microcred.catalog.models import MicroCredential
from microcred.catalog.selectors import (
    catalog_entry,
    micro_credential_versions,
    stack_for_viewer,
    stack_members_current,
)
from microcred.catalog.stacks import rule_sentence
from microcred.earning.selectors import attempt_latest
from microcred.errors import MicrocredError
from microcred.issuance.models import Credential
from microcred.issuance.selectors import credentials_for_learner, learner_profile_for
from microcred.issuance.transcripts import transcript_organizations
from microcred.learner.progress import stack_progress
from microcred.learner.selectors import held_credentials
from microcred.learner.services import (
    CredentialRefused,
    held_badge_ob2_import,
    held_credential_upsert,
)
from microcred.verification.forms import VerifyForm
from microcred.verification.services import is_ob2


def micro_credential(request: HttpRequest, slug: str) -> HttpResponse:
    """The catalog's page of a micro-credential; for a signed-in learner, with their latest
    attempt (continue it, read its feedback, or start again)."""
    mc = catalog_entry(slug=slug)
    retired = mc.status == MicroCredential.Status.RETIRED
    attempt = None if retired else attempt_latest(learner=request.user, micro_credential=mc)
    return render(request, "learner/micro_credential.html", {
        "mc": mc, "attempt": attempt, "retired": retired,
        "versions": micro_credential_versions(mc=mc),
    })


@login_required
def pathway(request: HttpRequest, slug: str) -> HttpResponse:
    """The learner's progress through a stack, member by member, and the next step."""
    stack = stack_for_viewer(slug=slug, viewer=request.user)
    progress = stack_progress(learner=request.user, stack=stack)
    current = {m.member.pk: m.mc for m in stack_members_current(stack=stack)}
    members = [{"progress": p, "member": p.member, "mc": current[p.member.pk],
                "badge": badge_src(current[p.member.pk])} for p in progress.members]
    credential = (Credential.objects.filter(stack=stack, learner=request.user)
                  .order_by("-requested_at", "-pk").first())
    return render(request, "learner/pathway.html", {
        "stack": stack, "progress": progress, "members": members,
        "rule_text": rule_sentence(stack, len(members)),
        "next": next((m for m in members if m["progress"].is_next), None),
        "stack_credential": credential,
    })


@login_required
def my_credentials(request: HttpRequest) -> HttpResponse:
    """What the learner holds: the credentials issued here, their transcripts, their profile
    and the credentials they added from other issuers."""
    return render(request, "learner/my_credentials.html", {
        "credentials": credentials_for_learner(learner=request.user),
        "transcripts": transcript_organizations(learner=request.user),
        "profile": learner_profile_for(user=request.user),
        "held": held_credentials(user=request.user),
    })


@login_required
def import_credential(request: HttpRequest) -> HttpResponse:
    """Add a credential from another issuer (Open Badges 3.0 / VC, or an Open Badges 2.0
    badge) to the learner's account: the site's own form over the same services as the OB 3.0
    API's ``POST /credentials``."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    status = 200
    report = None
    if request.method == "POST":
        if form.is_valid():
            try:
                payload = form.payload()
                source_url = str(form.cleaned_data.get("credential_url") or "")
                if is_ob2(payload):
                    held, _created = held_badge_ob2_import(
                        actor=request.user, data=payload, source_url=source_url)
                else:
                    held, _created = held_credential_upsert(
                        actor=request.user, data=payload, source_url=source_url)
                messages.success(request, _("“%(title)s” is now in your account.")
                                 % {"title": held.title or held.credential_id})
                return redirect("learner:my_credentials")
            except CredentialRefused as error:
                report = error.report
                form.add_error(None, error.message)
            except MicrocredError as error:
                form.add_error(None, error.message)
        status = 400
    return render(request, "learner/import.html", {"form": form, "report": report},
                  status=status)
