"""Stacks on the site: the public list and page of each stack, a learner's pathway through one,
and the authoring pages where an organization makes and publishes its stacks."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.catalog.badges import badge_generated_svg
from microcred.catalog.models import MicroCredential, Stack
from microcred.catalog.stacks import (
    ACHIEVEMENT_TYPES,
    rule_sentence,
    stack_create,
    stack_progress,
    stack_publish,
    stack_retire,
)
from microcred.errors import NotAllowed, NotFound, ValidationFailed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import user_has_role, user_may_author

# -- public pages -------------------------------------------------------------------------------


def _badge_src(obj: MicroCredential | Stack) -> str:
    """An uploaded badge's URL, else the generated badge as a data: URI."""
    upload = getattr(obj, "badge_image", None)
    if upload and isinstance(obj, MicroCredential) and obj.is_frozen:
        return reverse("catalog:badge", args=[obj.slug, obj.version])
    svg = badge_generated_svg(title=obj.title, colour=obj.badge_colour, accent=obj.badge_accent)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def _may_author(user: Any, organization: Organization) -> bool:
    return user_may_author(user=user, organization=organization)


def _stack(slug: str, request: HttpRequest) -> Stack:
    """A published or retired stack; a draft only for its organization's authors (preview)."""
    try:
        stack = Stack.objects.select_related("organization").get(slug=slug)
    except Stack.DoesNotExist:
        raise NotFound(_("No stack here.")) from None
    if stack.status == Stack.Status.DRAFT and not (
            request.user.is_authenticated and _may_author(request.user, stack.organization)):
        raise NotFound(_("No stack here."))
    return stack


def _members(stack: Stack) -> list[dict[str, Any]]:
    rows = []
    for m in stack.members.select_related("micro_credential").order_by("position"):
        mc = m.micro_credential
        current = (MicroCredential.objects.filter(lineage=m.lineage,
                                                  status=MicroCredential.Status.PUBLISHED)
                   .first() or mc)
        rows.append({"member": m, "mc": current, "badge": _badge_src(current)})
    return rows


def _hours(rows: list[dict[str, Any]]) -> Decimal:
    return sum((r["mc"].credit_hours or Decimal("0") for r in rows), Decimal("0"))


def stack_list(request: HttpRequest) -> HttpResponse:
    stacks = (Stack.objects.filter(status=Stack.Status.PUBLISHED)
              .select_related("organization").annotate(member_count=Count("members"))
              .order_by("title"))
    return render(request, "catalog/stack_list.html", {"stacks": stacks})


def stack_detail(request: HttpRequest, slug: str) -> HttpResponse:
    stack = _stack(slug, request)
    rows = _members(stack)
    return render(request, "catalog/stack_detail.html", {
        "stack": stack, "members": rows, "rule_text": rule_sentence(stack, len(rows)),
        "credit_hours": _hours(rows), "badge": _badge_src(stack),
    })


def stack_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """The badge image every stack credential's achievement names (OB 3.0 ``image``)."""
    from microcred.issuance.sharing import badge_png

    try:
        stack = Stack.objects.exclude(status=Stack.Status.DRAFT).get(slug=slug)
    except Stack.DoesNotExist:
        raise NotFound(_("No stack here.")) from None
    response = HttpResponse(badge_png(stack), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
def pathway(request: HttpRequest, slug: str) -> HttpResponse:
    from microcred.issuance.models import Credential

    stack = _stack(slug, request)
    progress = stack_progress(learner=request.user, stack=stack)
    current = {r["member"].pk: r for r in _members(stack)}
    members = [{"progress": p, **current[p.member.pk]} for p in progress.members]
    credential = (Credential.objects.filter(stack=stack, learner=request.user)
                  .order_by("-requested_at", "-pk").first())
    return render(request, "catalog/pathway.html", {
        "stack": stack, "progress": progress, "members": members,
        "rule_text": rule_sentence(stack, len(members)),
        "next": next((m for m in members if m["progress"].is_next), None),
        "stack_credential": credential,
    })


# -- authoring ----------------------------------------------------------------------------------


def _author_orgs(user: Any) -> QuerySet[Organization]:
    orgs = Organization.objects.filter(
        Q(memberships__role=Role.AUTHOR) | Q(memberships__role=Role.ADMIN),
        memberships__user=user,
    ).distinct()
    if not orgs.exists():
        raise NotAllowed(_("Only authors of an issuing organization can make stacks."))
    return orgs


class StackForm(forms.Form):
    organization = forms.ModelChoiceField(label=gettext_lazy("Organization"),
                                          queryset=Organization.objects.none())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Description"), widget=forms.Textarea(
        attrs={"rows": 4}), help_text=gettext_lazy("What completing the stack shows."))
    rule = forms.ChoiceField(label=gettext_lazy("Completion rule"), choices=Stack.Rule.choices)
    required_count = forms.IntegerField(
        label=gettext_lazy("How many are needed"), min_value=1, required=False,
        help_text=gettext_lazy("Only for the rule \u201cany number of them\u201d."))
    achievement_type = forms.ChoiceField(label=gettext_lazy("Kind of achievement"),
                                         choices=[(t, t) for t in ACHIEVEMENT_TYPES])

    def __init__(self, data: Any, *, organizations: QuerySet[Organization],
                 candidates: list[MicroCredential]) -> None:
        super().__init__(data)
        fields: Any = self.fields
        fields["organization"].queryset = organizations
        self.candidates = candidates
        for mc in candidates:
            fields[f"position_{mc.pk}"] = forms.IntegerField(
                label=mc.title, min_value=1, required=False)

    def member_fields(self) -> list[tuple[MicroCredential, Any]]:
        return [(mc, self[f"position_{mc.pk}"]) for mc in self.candidates]

    def chosen(self) -> list[MicroCredential]:
        """The micro-credentials given a position, in the order of their positions."""
        picked = [(self.cleaned_data.get(f"position_{mc.pk}"), i, mc)
                  for i, mc in enumerate(self.candidates)]
        return [mc for position, _i, mc in sorted((p for p in picked if p[0]),
                                                  key=lambda p: (p[0], p[1]))]


@login_required
def stack_author_home(request: HttpRequest) -> HttpResponse:
    orgs = _author_orgs(request.user)
    stacks = (Stack.objects.filter(organization__in=orgs).select_related("organization")
              .annotate(member_count=Count("members")).order_by("-created_at"))
    admin_of = {o.pk for o in orgs
                if user_has_role(user=request.user, organization=o, role=Role.ADMIN)}
    return render(request, "catalog/stack_author.html", {
        "rows": [{"stack": s, "is_admin": s.organization_id in admin_of} for s in stacks],
    })


@login_required
def stack_author_create(request: HttpRequest) -> HttpResponse:
    orgs = _author_orgs(request.user)
    candidates = list(MicroCredential.objects.filter(
        organization__in=orgs, status=MicroCredential.Status.PUBLISHED,
    ).select_related("organization").order_by("organization__name", "title"))
    form = StackForm(request.POST if request.method == "POST" else None, organizations=orgs,
                     candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                stack = stack_create(
                    actor=request.user, organization=data["organization"],
                    title=data["title"], description=data["description"], rule=data["rule"],
                    required_count=data.get("required_count"),
                    achievement_type=data["achievement_type"], members=form.chosen(),
                    language=(get_language() or "en").split("-")[0],
                )
            except ValidationFailed as error:
                for name, problem in error.problems.items():
                    form.add_error(name if name in form.fields else None, problem)
                if not error.problems:
                    form.add_error(None, error.message)
            else:
                messages.success(request, _("The stack is saved as a draft."))
                return redirect("catalog:stack_detail", slug=stack.slug)
        status = 400
    return render(request, "catalog/stack_create.html", {"form": form}, status=status)


def _authored_stack(request: HttpRequest, public_id: str) -> Stack:
    try:
        return Stack.objects.filter(organization__in=_author_orgs(request.user)).get(
            public_id=public_id)
    except (Stack.DoesNotExist, ValueError):
        raise NotFound(_("No stack of yours here.")) from None


@login_required
@require_POST
def stack_author_publish(request: HttpRequest, public_id: str) -> HttpResponse:
    stack = _authored_stack(request, public_id)
    try:
        stack_publish(actor=request.user, stack_id=stack.pk)
    except ValidationFailed as error:
        messages.error(request, error.message)
        return redirect("catalog:stack_author_home")
    messages.success(request, _("The stack is published."))
    return redirect("catalog:stack_detail", slug=stack.slug)


@login_required
@require_POST
def stack_author_retire(request: HttpRequest, public_id: str) -> HttpResponse:
    stack = _authored_stack(request, public_id)
    stack_retire(actor=request.user, stack_id=stack.pk)
    messages.success(request, _("The stack is retired. Credentials already issued stay valid."))
    return redirect("catalog:stack_author_home")
