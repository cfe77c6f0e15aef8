from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser

from microcred.accounts.models import User


def signed_in(user: User | AnonymousUser) -> TypeGuard[User]:
    """Whether ``user`` is a person signed in (not the anonymous visitor Django gives a page
    when no one is)."""
    return bool(user.is_authenticated)
