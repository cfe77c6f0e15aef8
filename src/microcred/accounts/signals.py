"""What accounts asks the apps above it (their ``receivers.py`` answer; docs/architecture.md).

Accounts knows people, not organizations: whether a person holds a role ("admin", "assessor",
"author") is for ``orgs`` to say.
"""

from __future__ import annotations

from django.dispatch import Signal

__all__ = ["roles_asked"]

#: Sent with ``user`` and ``roles`` (role names) to ask whether the person holds any of them;
#: each receiver answers ``True`` or ``False``. Two-factor sign-in asks it for the roles of
#: ``REQUIRE_2FA_FOR`` (``two_factor.required_for``); ``orgs`` answers from memberships.
roles_asked = Signal()
