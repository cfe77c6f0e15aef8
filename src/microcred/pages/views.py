from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from microcred.catalog.models import MicroCredential
from microcred.catalog.selectors import catalog_list
from microcred.issuance.models import Credential
from microcred.orgs.models import Organization
from microcred.pages.forms import StyleguideForm


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"micro_credentials": catalog_list()[:6]})


def styleguide(request: HttpRequest) -> HttpResponse:
    """Every component, for the people who build pages (staff only).

    A submitted form shows the error states; ``?toast=1`` shows a message of each level.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.is_staff:
        raise PermissionDenied(_("The style guide is for staff."))
    form = StyleguideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        form.is_valid()
    if request.GET.get("toast"):
        messages.success(request, _("Saved: this is a success message."))
        messages.info(request, _("For your information: this is an information message."))
        messages.warning(request, _("Careful: this is a warning message."))
        messages.error(request, _("Something went wrong: this is an error message."))
    return render(request, "pages/styleguide.html", {"form": form, **_styleguide_samples()})


def _styleguide_samples() -> dict[str, Any]:
    """Unsaved examples: the style guide shows components without touching real records."""
    org = Organization(name=_("Example Teaching Network"))
    mc = MicroCredential(
        title=_("Formative Assessment: Checking for Understanding"),
        competency=_("The educator plans checks for understanding and adjusts instruction."),
        organization=org, language=get_language() or "en")
    now = timezone.now()
    return {
        "sample_issued": Credential(micro_credential=mc, organization=org, issued_at=now,
                                    status=Credential.Status.ISSUED),
        "sample_pending": Credential(micro_credential=mc, organization=org,
                                     status=Credential.Status.PENDING),
        "sample_rows": [(_("Draft"), "draft"), (_("Submitted"), "submitted"),
                        (_("Not Yet"), "not_yet"), (_("Passed"), "passed")],
    }


# -- the pages the OB 3.0 Service Description Document links to ------------------------------


def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/terms.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")
