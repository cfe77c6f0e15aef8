from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from microcred.assessment.selectors import is_assessor_anywhere
from microcred.orgs.models import Role
from microcred.orgs.selectors import organizations_where


def site(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    authed = user.is_authenticated
    return {
        "nav_is_assessor": authed and is_assessor_anywhere(user=user),
        "nav_is_author": authed and (
            organizations_where(user=user, role=Role.AUTHOR).exists()
            or organizations_where(user=user, role=Role.ADMIN).exists()
        ),
    }
