from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.catalog.forms import (
    CriterionFormSet,
    MicroCredentialForm,
    PromptFormSet,
    TranslationForm,
)
from microcred.catalog.models import MicroCredential
from microcred.catalog.selectors import (
    WITH_TEXT,
    micro_credentials_authored_by,
)
from microcred.catalog.services import (
    CriterionSpec,
    PromptSpec,
    micro_credential_create,
    micro_credential_publish,
    micro_credential_translate,
)
from microcred.errors import NotAllowed, NotFound, ValidationFailed
from microcred.orgs.models import Organization, Role


def _author_orgs(request: HttpRequest) -> QuerySet[Organization]:
    """The organizations where the user may author; refuses people who author nowhere."""
    orgs = Organization.objects.filter(
        Q(memberships__role=Role.AUTHOR) | Q(memberships__role=Role.ADMIN),
        memberships__user=request.user,
    ).distinct()
    if not orgs.exists():
        raise NotAllowed(
            _("Only authors of an issuing organization can author micro-credentials."))
    return orgs


@login_required
def author_home(request: HttpRequest) -> HttpResponse:
    _author_orgs(request)
    return render(request, "catalog/author_home.html", {
        "micro_credentials": micro_credentials_authored_by(user=request.user)})


@login_required
def author_create(request: HttpRequest) -> HttpResponse:
    orgs = _author_orgs(request)
    data = request.POST if request.method == "POST" else None
    form = MicroCredentialForm(data, organizations=orgs,
                               initial={"language": (get_language() or "en").split("-")[0]})
    prompts = PromptFormSet(data, prefix="prompts")
    criteria = CriterionFormSet(data, prefix="criteria")
    service_error = ""
    if request.method == "POST" and all(
        [form.is_valid(), prompts.is_valid(), criteria.is_valid()]
    ):
        try:
            mc = micro_credential_create(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                title=form.cleaned_data["title"],
                competency=form.cleaned_data["competency"],
                key_method=form.cleaned_data["key_method"],
                language=form.cleaned_data["language"] or (get_language() or "en")[:2],
                prompts=[PromptSpec(kind=f["kind"], prompt=f["prompt"],
                                    required=bool(f.get("required")))
                         for f in prompts.cleaned_data if f],
                criteria=[CriterionSpec(name=f["name"], pass_descriptor=f["pass_descriptor"],
                                        not_yet_descriptor=f["not_yet_descriptor"])
                          for f in criteria.cleaned_data if f],
            )
        except ValidationFailed as exc:
            service_error = exc.message
        else:
            return redirect("catalog:author_detail", public_id=mc.public_id)
    return render(request, "catalog/author_create.html", {
        "form": form, "prompts": prompts, "criteria": criteria, "service_error": service_error,
    })


def _authored(request: HttpRequest, public_id: str) -> MicroCredential:
    try:
        return micro_credentials_authored_by(user=request.user).prefetch_related(
            *WITH_TEXT).get(public_id=public_id)
    except (MicroCredential.DoesNotExist, ValueError):
        raise NotFound(_("No micro-credential of yours here.")) from None


@login_required
def author_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    mc = _authored(request, public_id)
    done = {t.language for t in mc.translations.all()}
    others = [(code, name, code in done) for code, name in settings.LANGUAGES
              if code != mc.language]
    return render(request, "catalog/author_detail.html", {"mc": mc, "other_languages": others})


@login_required
def author_translate(request: HttpRequest, public_id: str, language: str) -> HttpResponse:
    mc = _authored(request, public_id)
    names = dict(settings.LANGUAGES)
    if language not in names or language == mc.language:
        raise Http404(_("No such language for this micro-credential."))
    existing = {"title": "", "competency": "", "key_method": ""}
    if (row := next((t for t in mc.translations.all() if t.language == language), None)):
        existing = {"title": row.title, "competency": row.competency,
                    "key_method": row.key_method}
    for p in mc.prompts.all():
        t = next((t for t in p.translations.all() if t.language == language), None)
        existing[f"prompt_{p.position}"] = t.prompt if t else ""
    for c in mc.criteria.all():
        t = next((t for t in c.translations.all() if t.language == language), None)
        existing[f"criterion_{c.position}_name"] = t.name if t else ""
        existing[f"criterion_{c.position}_pass"] = t.pass_descriptor if t else ""
        existing[f"criterion_{c.position}_not_yet"] = t.not_yet_descriptor if t else ""
    form = TranslationForm(request.POST if request.method == "POST" else None, mc=mc,
                           initial=existing)
    service_error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            micro_credential_translate(
                actor=request.user, micro_credential_id=mc.pk, language=language,
                title=data["title"], competency=data["competency"],
                key_method=data["key_method"],
                prompts={p.position: data[f"prompt_{p.position}"] for p in mc.prompts.all()},
                criteria={c.position: CriterionSpec(
                    name=data[f"criterion_{c.position}_name"],
                    pass_descriptor=data[f"criterion_{c.position}_pass"],
                    not_yet_descriptor=data[f"criterion_{c.position}_not_yet"])
                    for c in mc.criteria.all()},
            )
        except ValidationFailed as exc:
            service_error = exc.message
        else:
            messages.success(request, _("Translation saved."))
            return redirect("catalog:author_detail", public_id=mc.public_id)
    return render(request, "catalog/author_translate.html", {
        "mc": mc, "form": form, "language": language, "language_name": names[language],
        "service_error": service_error,
    })


@login_required
@require_POST
def author_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    mc = _authored(request, public_id)
    micro_credential_publish(actor=request.user, micro_credential_id=mc.pk)
    return redirect("catalog:detail", slug=mc.slug)
