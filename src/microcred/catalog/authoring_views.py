from __future__ import annotations

import json
import uuid
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.catalog.achievement import achievement_for
from microcred.catalog.editor import Editor, tree_apply, tree_from_post, tree_from_spec
from microcred.catalog.forms import (
    BadgeForm,
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
    micro_credential_badge_clear,
    micro_credential_badge_set,
    micro_credential_create,
    micro_credential_new_version,
    micro_credential_publish,
    micro_credential_retire,
    micro_credential_return_to_draft,
    micro_credential_spec,
    micro_credential_submit_for_review,
    micro_credential_translate,
    micro_credential_write,
)
from microcred.catalog.spec import CriterionText, MicroCredentialSpec, PartText, TranslationSpec
from microcred.catalog.views import badge_response
from microcred.errors import InvalidState, NotAllowed, NotFound, ValidationFailed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import has_role


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
    everything = list(micro_credentials_authored_by(user=request.user))
    S = MicroCredential.Status
    groups = [
        ("drafts", _("Drafts"), [mc for mc in everything if mc.status == S.DRAFT]),
        ("in-review", _("In review"), [mc for mc in everything if mc.status == S.IN_REVIEW]),
        ("published", _("Published"), [mc for mc in everything if mc.status == S.PUBLISHED]),
        ("retired", _("Retired and replaced"),
         [mc for mc in everything if mc.status in (S.RETIRED, S.SUPERSEDED)]),
    ]
    return render(request, "catalog/author_home.html", {
        "micro_credentials": everything, "groups": groups})


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
            messages.success(request, _("Draft saved. Edit the draft to add everything "
                                        "else: parts, research, resources and details."))
            return redirect("catalog:author_detail", public_id=mc.public_id)
    return render(request, "catalog/author_create.html", {
        "form": form, "prompts": prompts, "criteria": criteria, "service_error": service_error,
    })


def _authored(request: HttpRequest, public_id: Any) -> MicroCredential:
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
    versions = list(MicroCredential.objects.filter(lineage=mc.lineage).order_by("-version"))
    open_draft = next((v for v in versions if v.status in (MicroCredential.Status.DRAFT,
                                                           MicroCredential.Status.IN_REVIEW)),
                      None)
    return render(request, "catalog/author_detail.html", {
        "mc": mc, "other_languages": others, "versions": versions, "open_draft": open_draft,
        "is_admin": has_role(request.user, mc.organization, Role.ADMIN),
        # The reviewer's note from the last time it came back from review, if any.
        "return_note": mc.review_note if mc.status == MicroCredential.Status.DRAFT else "",
    })


# --- The editor ---------------------------------------------------------------------------


def _carry_translations(saved: MicroCredentialSpec, editor: Editor,
                        ) -> tuple[dict[str, TranslationSpec], list[str]]:
    """The saved translations, following each part, prompt and criterion to where the author
    moved it. A language is dropped (and named, so the author translates again) when something
    new has no translation yet."""
    kept: dict[str, TranslationSpec] = {}
    dropped: list[str] = []

    def at(seq: tuple[Any, ...], index: str) -> Any:
        return seq[int(index)] if index.isdigit() and int(index) < len(seq) else None

    for language, t in saved.translations.items():
        parts: list[PartText] = []
        complete = True
        for part_origin, prompt_origins, criterion_origins in editor.origins():
            original = at(t.parts, part_origin)
            prompts: list[str] = []
            criteria: list[CriterionText] = []
            for origin in prompt_origins:
                i, _dot, j = origin.partition(".")
                text = at(at(t.parts, i).prompts, j) if at(t.parts, i) else None
                complete = complete and bool(text)
                prompts.append(text or "")
            for origin in criterion_origins:
                i, _dot, j = origin.partition(".")
                text = at(at(t.parts, i).criteria, j) if at(t.parts, i) else None
                complete = complete and text is not None and bool(text.name)
                criteria.append(text or CriterionText("", "", ""))
            complete = complete and original is not None and bool(original.title)
            parts.append(PartText(title=original.title if original else "",
                                  instructions=original.instructions if original else "",
                                  prompts=tuple(prompts), criteria=tuple(criteria)))
        if complete:
            kept[language] = TranslationSpec(title=t.title, competency=t.competency,
                                             key_method=t.key_method, parts=tuple(parts))
        else:
            dropped.append(language)
    return kept, dropped


def _notice(verb: str) -> str:
    return {
        "add": _("Added. Fill it in, then save the draft."),
        "remove": _("Removed. Save the draft to keep the change."),
        "up": _("Moved up. Save the draft to keep the change."),
        "down": _("Moved down. Save the draft to keep the change."),
    }.get(verb, "")


@login_required
def author_edit(request: HttpRequest, public_id: str) -> HttpResponse:
    """The whole draft on one page. Structural buttons re-render it with the change applied
    (nothing typed is lost); saving stores it all, or shows what is missing where it is."""
    mc = _authored(request, public_id)
    if not mc.is_editable:
        messages.error(request, _("Only a draft can be edited. Draft a new version to change "
                                  "a published micro-credential, or take it back from review."))
        return redirect("catalog:author_detail", public_id=mc.public_id)
    focus = None
    status = 200
    if request.method != "POST":
        editor = Editor(tree_from_spec(micro_credential_spec(mc)))
    else:
        tree = tree_from_post(request.POST)
        action = request.POST.get("action", "save")
        if action in ("save", "save_preview"):
            editor = Editor(tree)
            saved = micro_credential_spec(mc)
            if editor.is_valid():
                translations, dropped = _carry_translations(saved, editor)
                try:
                    micro_credential_write(
                        actor=request.user, organization=mc.organization,
                        spec=editor.spec(slug=mc.slug, translations=translations),
                        micro_credential_id=mc.pk)
                except ValidationFailed as exc:
                    editor.add_problems(exc.problems or {"": exc.message})
                else:
                    messages.success(request, _("Draft saved."))
                    names = dict(settings.LANGUAGES)
                    if dropped:
                        messages.warning(request, _(
                            "Translate it again into %(languages)s: parts were added, so "
                            "the earlier translation no longer covers everything.")
                            % {"languages": ", ".join(str(names.get(code, code))
                                                      for code in dropped)})
                    if action == "save_preview":
                        return redirect("catalog:author_preview", public_id=mc.public_id)
                    return redirect("catalog:author_edit", public_id=mc.public_id)
            status = 400
        else:
            focus = tree_apply(tree, action)
            if focus:
                messages.info(request, _notice(action.split(":", 1)[0]))
            editor = Editor(tree)
    return render(request, "catalog/author_edit.html", {
        "mc": mc, "editor": editor,
        "error_links": editor.error_links() if status == 400 else [],
        "general_errors": editor.general, "badge_form": BadgeForm(),
    }, status=status)


# --- Badge --------------------------------------------------------------------------------


@login_required
def author_badge(request: HttpRequest, public_id: str) -> HttpResponse:
    """The badge image as it is now: the cleaned upload, or the generated one."""
    return badge_response(_authored(request, public_id), cache="private, no-cache")


@login_required
@require_POST
def author_badge_set(request: HttpRequest, public_id: str) -> HttpResponse:
    mc = _authored(request, public_id)
    try:
        if request.POST.get("action") == "clear":
            micro_credential_badge_clear(actor=request.user, micro_credential_id=mc.pk)
            messages.success(request, _("The badge is generated from the title and colours "
                                        "again."))
        else:
            form = BadgeForm(request.POST, request.FILES)
            upload = form.files.get("badge_image")
            if not form.is_valid() or upload is None:
                raise ValidationFailed(_("Choose a PNG or an SVG file to upload."))
            micro_credential_badge_set(actor=request.user, micro_credential_id=mc.pk,
                                       upload=upload)
            messages.success(request, _("Badge image saved."))
    except (ValidationFailed, InvalidState) as exc:
        messages.error(request, exc.message)
    return redirect(f"{_edit_url(mc)}#badge-section")


def _edit_url(mc: MicroCredential) -> str:
    return reverse("catalog:author_edit", args=[mc.public_id])


# --- Preview ------------------------------------------------------------------------------


def _achievement_json(mc: MicroCredential) -> str:
    document = achievement_for(mc, language=mc.language)
    return json.dumps(document, indent=2, ensure_ascii=False)


@login_required
def author_preview(request: HttpRequest, public_id: str) -> HttpResponse:
    """What learners will see, rendered by the catalog's own template, and how the credential
    will look."""
    mc = _authored(request, public_id)
    sample = SimpleNamespace(
        micro_credential=mc, organization=mc.organization, public_id=uuid.UUID(int=0),
        is_issued=True, is_revoked=False, is_suspended=False, is_expired=False,
        issued_at=timezone.now())
    return render(request, "catalog/author_preview.html", {
        "mc": mc, "attempt": None, "preview": True, "sample_credential": sample,
        "achievement_json": _achievement_json(mc),
    })


# --- Lifecycle ----------------------------------------------------------------------------


def _lifecycle(request: HttpRequest, public_id: str, action: Any, done: str,
               **kwargs: Any) -> MicroCredential | None:
    mc = _authored(request, public_id)
    try:
        result = action(actor=request.user, micro_credential_id=mc.pk, **kwargs)
    except (NotAllowed, InvalidState) as exc:
        messages.error(request, exc.message)
        return None
    messages.success(request, done)
    return result  # type: ignore[no-any-return]


@login_required
@require_POST
def author_submit(request: HttpRequest, public_id: str) -> HttpResponse:
    _lifecycle(request, public_id, micro_credential_submit_for_review,
               _("Sent for review. An administrator of your organization publishes it."))
    return redirect("catalog:author_detail", public_id=public_id)


@login_required
@require_POST
def author_return(request: HttpRequest, public_id: str) -> HttpResponse:
    _lifecycle(request, public_id, micro_credential_return_to_draft,
               _("Returned to draft."), note=request.POST.get("note", "")[:2000])
    return redirect("catalog:author_detail", public_id=public_id)


@login_required
@require_POST
def author_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    mc = _lifecycle(request, public_id, micro_credential_publish,
                    _("Published: it is in the catalog now."))
    if mc is None:
        return redirect("catalog:author_detail", public_id=public_id)
    return redirect("learner:micro_credential", slug=mc.slug)


@login_required
@require_POST
def author_retire(request: HttpRequest, public_id: str) -> HttpResponse:
    _lifecycle(request, public_id, micro_credential_retire,
               _("Retired. Credentials already issued stay valid."))
    return redirect("catalog:author_detail", public_id=public_id)


@login_required
@require_POST
def author_new_version(request: HttpRequest, public_id: str) -> HttpResponse:
    draft = _lifecycle(request, public_id, micro_credential_new_version,
                       _("New version drafted from the published one."))
    if draft is None:
        return redirect("catalog:author_detail", public_id=public_id)
    return redirect("catalog:author_edit", public_id=draft.public_id)


# --- Translation --------------------------------------------------------------------------


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
    parts = list(mc.parts.prefetch_related("translations"))
    for part in parts:
        t = next((t for t in part.translations.all() if t.language == language), None)
        existing[f"part_{part.position}_title"] = t.title if t else ""
        existing[f"part_{part.position}_instructions"] = t.instructions if t else ""
    for p in mc.prompts.all():
        t = next((t for t in p.translations.all() if t.language == language), None)
        existing[f"prompt_{p.position}"] = t.prompt if t else ""
    for c in mc.criteria.all():
        t = next((t for t in c.translations.all() if t.language == language), None)
        existing[f"criterion_{c.position}_name"] = t.name if t else ""
        existing[f"criterion_{c.position}_pass"] = t.pass_descriptor if t else ""
        existing[f"criterion_{c.position}_not_yet"] = t.not_yet_descriptor if t else ""
    form = TranslationForm(request.POST if request.method == "POST" else None, mc=mc,
                           initial=existing, parts=parts)
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
                # Part titles are translated when any is given (then all must be).
                parts={part.position: (data[f"part_{part.position}_title"],
                                       data[f"part_{part.position}_instructions"])
                       for part in parts} if any(
                    data[f"part_{part.position}_title"].strip() for part in parts) else None,
            )
        except (ValidationFailed, InvalidState) as exc:
            service_error = exc.message
        else:
            messages.success(request, _("Translation saved."))
            return redirect("catalog:author_detail", public_id=mc.public_id)
    return render(request, "catalog/author_translate.html", {
        "mc": mc, "form": form, "language": language, "language_name": names[language],
        "service_error": service_error,
    })
