"""Stacks on the site: the public list and page of each stack, and the authoring pages where an
organization makes and publishes its stacks. A learner's pathway through one is a learner page
(``microcred.learner.views.pathway``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.catalog.badges import badge_png_bytes, badge_src
from microcred.catalog.models import MicroCredential, Stack
from microcred.catalog.selectors import stack_for_viewer, stack_members_current
from microcred.catalog.stacks import (
    ACHIEVEMENT_TYPES,
    rule_sentence,
    stack_create,
    stack_publish,
    stack_retire,
)
from microcred.errors import NotAllowed, NotFound, ValidationFailed
from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import has_role

# -- public pages -------------------------------------------------------------------------------


def stack_list(request: HttpRequest) -> HttpResponse:
    stacks = (Stack.objects.filter(status=Stack.Status.PUBLISHED)
              .select_related("organization").annotate(member_count=Count("members"))
              .order_by("title"))
    return render(request, "catalog/stack_list.html", {"stacks": stacks})


def stack_detail(request: HttpRequest, slug: str) -> HttpResponse:
    stack = stack_for_viewer(slug=slug, viewer=request.user)
    rows = [{"member": m.member, "mc": m.mc, "badge": badge_src(m.mc)}
            for m in stack_members_current(stack=stack)]
    return render(request, "catalog/stack_detail.html", {
        "stack": stack, "members": rows, "rule_text": rule_sentence(stack, len(rows)),
        "credit_hours": sum((r["mc"].credit_hours or Decimal("0") for r in rows),
                            Decimal("0")),
        "badge": badge_src(stack),
    })


def stack_badge(request: HttpRequest, slug: str) -> HttpResponse:
    """The badge image every stack credential's achievement names (OB 3.0 ``image``)."""
    try:
        stack = Stack.objects.exclude(status=Stack.Status.DRAFT).get(slug=slug)
    except Stack.DoesNotExist:
        raise NotFound(_("No stack here.")) from None
    response = HttpResponse(badge_png_bytes(stack), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"
    response["Access-Control-Allow-Origin"] = "*"
    return response


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
    admin_of = {o.pk for o in orgs if has_role(request.user, o, Role.ADMIN)}
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
