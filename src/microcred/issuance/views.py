from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from microcred.catalog.models import MicroCredential
from microcred.errors import MicrocredError, NotAllowed, NotFound
from microcred.issuance import identity, page_cache, sharing
from microcred.issuance.did_auth import (
    CHALLENGE_LIFETIME,
    DidProofRefused,
    did_auth_domain,
    did_challenge_issue,
    learner_did_prove,
)
from microcred.issuance.forms import DidProofForm, LearnerProfileForm, ReasonForm, SharingForm
from microcred.issuance.issuer_keys import issuer_key_rotate
from microcred.issuance.models import Credential
from microcred.issuance.selectors import (
    credential_get_for_learner,
    credential_get_public,
    credentials_for_admin,
    credentials_on_profile,
    learner_profile_for,
    learner_profile_public,
    status_list_get,
)
from microcred.issuance.services import (
    CredentialChange,
    credential_renew,
    credential_set_sharing,
    credential_status_change,
    learner_profile_update,
)
from microcred.issuance.status_lists import status_list_document
from microcred.issuance.transcripts import transcript_signed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import organizations_where, user_has_role
from microcred.web.errors import error_response

# -- the learner ------------------------------------------------------------------------------


@login_required
def transcript(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The learner's CLR 2.0 transcript from one organization, signed now, as a download."""
    organization = Organization.objects.filter(slug=org_slug).first()
    if organization is None:
        raise NotFound(_("No such organization."))
    signed = transcript_signed(learner=request.user, organization=organization)
    response = HttpResponse(json.dumps(signed, ensure_ascii=False, indent=2).encode("utf-8"),
                            content_type="application/ld+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="transcript-{organization.slug}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def credential_sharing(request: HttpRequest, public_id: str) -> HttpResponse:
    credential = credential_get_for_learner(learner=request.user, public_id=public_id)
    form = SharingForm(request.POST)
    form.is_valid()
    credential_set_sharing(actor=request.user, credential_id=credential.pk,
                           evidence_public=bool(form.cleaned_data.get("evidence_public")),
                           on_public_profile=bool(form.cleaned_data.get("on_public_profile")))
    messages.success(request, _("Your sharing choices are saved."))
    return redirect("issuance:credential", public_id=credential.public_id)


@login_required
def learner_profile_edit(request: HttpRequest) -> HttpResponse:
    profile = learner_profile_for(user=request.user)
    initial = {"did": profile.did, "handle": profile.handle or "", "public": profile.public} \
        if profile else {}
    form = LearnerProfileForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                learner_profile_update(actor=request.user, did=form.cleaned_data["did"],
                                       handle=form.cleaned_data["handle"],
                                       public=form.cleaned_data["public"])
                messages.success(request, _("Your profile is saved."))
                return redirect("issuance:profile_edit")
            except MicrocredError as error:
                for field, problem in getattr(error, "problems", {}).items():
                    form.add_error(field if field in form.fields else None, problem)
                if not getattr(error, "problems", None):
                    form.add_error(None, error.message)
        status = 400
    return _profile_edit_page(request, form=form, status=status)


def _profile_edit_page(request: HttpRequest, *, form: LearnerProfileForm,
                       proof_form: DidProofForm | None = None, status: int = 200,
                       report: object = None) -> HttpResponse:
    """The profile form, and while the DID is unproven, the challenge to prove it with."""
    profile = learner_profile_for(user=request.user)
    challenge = did_challenge_issue(actor=request.user)
    return render(request, "issuance/profile_edit.html", {
        "form": form, "profile": profile, "challenge": challenge, "domain": did_auth_domain(),
        "lifetime_minutes": int(CHALLENGE_LIFETIME.total_seconds() // 60),
        "proof_form": proof_form or DidProofForm(), "report": report,
        # A command line, not prose: the same in every language.
        "cli_command": f"microcred vc present --key KEY.json --challenge {challenge.nonce} "
                       f"--domain {did_auth_domain()}" if challenge else "",
    }, status=status)


@login_required
@require_POST
def did_proof_submit(request: HttpRequest) -> HttpResponse:
    """Prove control of the profile's DID with a presentation signed for our challenge."""
    proof_form = DidProofForm(request.POST, request.FILES)
    report = None
    if proof_form.is_valid():
        try:
            learner_did_prove(actor=request.user, presentation=proof_form.payload())
            messages.success(request, _("Your DID is proven: credentials from elsewhere that "
                                        "name it can now be added to your account."))
            return redirect("issuance:profile_edit")
        except DidProofRefused as error:
            report = error.report
            proof_form.add_error(None, error.message)
        except MicrocredError as error:
            proof_form.add_error(None, error.message)
    profile = learner_profile_for(user=request.user)
    initial = {"did": profile.did, "handle": profile.handle or "", "public": profile.public} \
        if profile else {}
    return _profile_edit_page(request, form=LearnerProfileForm(initial=initial),
                              proof_form=proof_form, status=400, report=report)


def learner_profile_page(request: HttpRequest, handle: str) -> HttpResponse:
    profile = learner_profile_public(handle=handle)
    return render(request, "issuance/profile.html", {
        "profile": profile, "credentials": credentials_on_profile(profile=profile),
    })


# -- the public credential --------------------------------------------------------------------


def _cors(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


def credential_page(request: HttpRequest, public_id: str) -> HttpResponse:
    rev = page_cache.revision(public_id)
    if rev is None:
        raise NotFound(_("No issued credential here."))
    return page_cache.cached_page(request, public_id, rev, lambda: _credential_page(
        request, credential_get_public(public_id=public_id), rev))


def _credential_page(request: HttpRequest, credential: Credential, rev: str) -> HttpResponse:
    report = page_cache.cached_report(credential, rev)
    document = json.loads(credential.signed_json)
    is_owner = request.user.is_authenticated and request.user.pk == credential.learner_id
    is_admin = user_has_role(user=request.user, organization=credential.organization,
                             role=Role.ADMIN)
    return render(request, "issuance/credential.html", {
        "credential": credential, "report": report, "document": document,
        "evidence": document.get("evidence", []) if credential.evidence_public or is_owner
        else [],
        "public_url": sharing.public_url(credential),
        "linkedin_url": sharing.linkedin_url(credential),
        "share_links": sharing.share_links(credential),
        "embed_snippet": sharing.embed_snippet(credential),
        "is_owner": is_owner, "is_admin": is_admin,
        "sharing_form": SharingForm(initial={
            "evidence_public": credential.evidence_public,
            "on_public_profile": credential.on_public_profile,
        }) if is_owner else None,
        "reason_form": ReasonForm() if is_admin else None,
        "renewed_by": Credential.objects.filter(renews=credential,
                                                status=Credential.Status.ISSUED).first(),
    })


def credential_json(request: HttpRequest, public_id: str) -> HttpResponse:
    """The credential exactly as signed: the stored text, encoded once, never re-serialized."""
    credential = credential_get_public(public_id=public_id)
    response = HttpResponse(credential.signed_json.encode("utf-8"),
                            content_type="application/ld+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{credential.public_id}.json"'
    return _cors(response)


def credential_png(request: HttpRequest, public_id: str) -> HttpResponse:
    credential = credential_get_public(public_id=public_id)
    response = HttpResponse(sharing.baked_png(credential), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{credential.public_id}.png"'
    return _cors(response)


def credential_svg(request: HttpRequest, public_id: str) -> HttpResponse:
    credential = credential_get_public(public_id=public_id)
    response = HttpResponse(sharing.baked_svg(credential), content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{credential.public_id}.svg"'
    return _cors(response)


def credential_pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    """The printable certificate: rendered once per state of the credential (a revocation or
    suspension renders it again), a few renders at a time; a 503 with Retry-After when every
    renderer is busy rather than a queue that slows the whole site."""
    rev = page_cache.revision(public_id)
    if rev is None:
        raise NotFound(_("No issued credential here."))
    credential = credential_get_public(public_id=public_id)
    try:
        pdf = sharing.certificate_pdf_cached(
            credential, revision=rev,
            report=lambda: page_cache.cached_report(credential, rev))
    except sharing.CertificateBusy as busy:
        response = error_response(request, code=busy.code, message=busy.message,
                                  status=busy.http_status)
        response["Retry-After"] = "5"
        return response
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{credential.public_id}.pdf"'
    return response


def credential_evidence(request: HttpRequest, public_id: str, position: int) -> HttpResponse:
    """An Evidence link of a credential: answers only while the learner shares evidence."""
    credential = credential_get_public(public_id=public_id)
    if not credential.evidence_public and request.user.pk != credential.learner_id:
        raise NotAllowed(_("The learner has not made this evidence public."))
    if credential.attempt is None:  # a stack credential's evidence is its member credentials
        raise NotFound(_("No evidence here."))
    answer = credential.attempt.answers.select_related("prompt").filter(
        prompt__position=position).first()
    if answer is None or not answer.is_complete:
        raise NotFound(_("No evidence here."))
    if answer.file:
        suffix = answer.file.name.rsplit(".", 1)[-1] if "." in answer.file.name else "bin"
        return FileResponse(answer.file.open("rb"), as_attachment=True,
                            filename=f"evidence-{position}.{suffix}")
    return render(request, "issuance/evidence.html", {"credential": credential,
                                                      "answer": answer})


def badge_image(request: HttpRequest, slug: str, version: int = 1,
                kind: str = "png") -> HttpResponse:
    """The badge image named by a credential's achievement ``image``: one per version, so a
    credential's image never changes (credentials issued before versions existed name
    ``/badges/<slug>.png``, which is version 1). ``.svg`` serves the same badge as SVG."""
    try:
        if version > 2**31 - 1:  # names nothing, and would overflow the database's integer
            raise MicroCredential.DoesNotExist
        mc = MicroCredential.objects.get(slug=slug, version=version)
    except MicroCredential.DoesNotExist:
        raise NotFound(_("No micro-credential here.")) from None
    if not mc.is_frozen:  # drafts show their badge to their authors only
        raise NotFound(_("No micro-credential here."))
    if kind == "svg":
        response = HttpResponse(sharing.badge_svg(mc), content_type="image/svg+xml")
        # An image, never a document: nothing in it may run or load anything.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox")
    else:
        response = HttpResponse(sharing.badge_png(mc), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    return _cors(response)


# -- status lists and identity ----------------------------------------------------------------

STATUS_LIST_MAX_AGE = 60


def status_list(request: HttpRequest, public_id: str) -> HttpResponse:
    """The signed BitstringStatusListCredential, at a stable URL (Bitstring Status List 1.0
    §2.2). Short ``max-age`` and an ``ETag`` per signed version: verifiers may cache, and see a
    change within a minute."""
    current = status_list_document(status_list=status_list_get(public_id=public_id))
    etag = f'"{current.public_id.hex}-{current.signed_version}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(current.signed_json.encode("utf-8"),
                                content_type="application/vc+ld+json")
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={STATUS_LIST_MAX_AGE}"
    return _cors(response)


def did_document(request: HttpRequest) -> JsonResponse:
    if not identity.uses_did_web():
        raise NotFound(_("This deployment issues with did:key; it has no did:web document."))
    response = JsonResponse(identity.did_web_document(),
                            content_type="application/did+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


# -- organization administrators --------------------------------------------------------------


@login_required
def admin_credentials(request: HttpRequest) -> HttpResponse:
    orgs = organizations_where(user=request.user, role=Role.ADMIN)
    if not orgs.exists():
        raise NotAllowed(_("Only administrators of an issuing organization can manage "
                           "credentials."))
    return render(request, "issuance/admin_credentials.html", {
        # The newest only: a bulk issuance can add a hundred thousand at once.
        "credentials": credentials_for_admin(user=request.user)[:ADMIN_LIST_LIMIT],
        "organizations": orgs,
    })


ADMIN_LIST_LIMIT = 500

_DONE_MESSAGES = {
    CredentialChange.REVOKE: gettext_lazy("The credential is revoked."),
    CredentialChange.SUSPEND: gettext_lazy("The credential is suspended."),
    CredentialChange.UNSUSPEND: gettext_lazy("The credential is no longer suspended."),
}


@login_required
@require_POST
def admin_credential_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    credential = credential_get_public(public_id=public_id)
    if action == "renew":
        renewal = credential_renew(actor=request.user, credential_id=credential.pk)
        messages.success(request, _("A renewed credential is being issued."))
        return redirect("issuance:credential", public_id=renewal.public_id) \
            if renewal.is_issued else redirect("issuance:credential",
                                               public_id=credential.public_id)
    if action not in CredentialChange:
        raise NotFound(_("No such action."))
    change = CredentialChange(action)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    credential_status_change(actor=request.user, credential_id=credential.pk, change=change,
                             reason=reason)
    messages.success(request, str(_DONE_MESSAGES[change]))
    return redirect("issuance:credential", public_id=credential.public_id)


@login_required
@require_POST
def admin_key_rotate(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organization = Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise NotFound(_("No organization here.")) from None
    issuer_key_rotate(actor=request.user, organization=organization)
    messages.success(request, _("A new signing key is active. Credentials issued before "
                                "keep verifying."))
    return redirect("issuance:admin_credentials")
