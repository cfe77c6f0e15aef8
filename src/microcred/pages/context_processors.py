from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from microcred.assessment.selectors import is_assessor_anywhere
from microcred.notifications.selectors import unread_count
from microcred.orgs.models import Role
from microcred.orgs.selectors import organizations_where


def navigation(request: HttpRequest) -> dict[str, Any]:
    """What the header shows a person: the parts of the site that are theirs, and their roles
    (from orgs, assessment and notifications, so it lives here, above them)."""
    # An error page can be rendered before AuthenticationMiddleware has run (a Host header not
    # in ALLOWED_HOSTS is refused by CommonMiddleware, earlier in the chain): nobody is signed
    # in then, and the 400 must not become a 500 here.
    user = getattr(request, "user", None) or AnonymousUser()
    authed = user.is_authenticated
    is_assessor = authed and is_assessor_anywhere(user=user)
    is_author = authed and (
        organizations_where(user=user, role=Role.AUTHOR).exists()
        or organizations_where(user=user, role=Role.ADMIN).exists()
    )
    # The header names the person's roles, so they know which parts of the site are theirs.
    roles = []
    if authed:
        roles.append(_("Learner"))
        if is_author:
            roles.append(_("Author"))
        if is_assessor:
            roles.append(_("Assessor"))
        if organizations_where(user=user, role=Role.ADMIN).exists():
            roles.append(_("Administrator"))
        if user.is_staff:
            roles.append(_("Staff"))
    return {
        "nav_is_assessor": is_assessor,
        "nav_is_author": is_author,
        "nav_is_admin": authed and organizations_where(user=user, role=Role.ADMIN).exists(),
        "nav_roles": roles,
        "nav_unread": unread_count(user=user) if authed else 0,
        "nav_is_org_admin": authed and organizations_where(user=user, role=Role.ADMIN).exists(),
    }
