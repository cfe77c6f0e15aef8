"""Who acts on the platform: a signed-in person, or the platform itself.

Every service that changes something takes ``actor: Actor``. A person is checked against their
roles (``microcred.orgs.selectors.require_role``); ``SYSTEM`` is the platform acting on its
own behalf (the command line, the demo loader, the worker's sweeps and the moves the workflow
makes by itself) and passes every role check, so that choice is written where it is made
instead of hidden in ``actor=None``. The audit trail records ``SYSTEM`` as no person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, TypeGuard

if TYPE_CHECKING:  # the bottom layer names the user model for the type checker only
    from microcred.accounts.models import User

__all__ = ["SYSTEM", "Actor", "System", "is_person"]


class System:
    """The platform itself. There is one (``SYSTEM``); it has no account and no roles to
    check."""

    pk = None
    is_authenticated = False

    def __repr__(self) -> str:
        return "SYSTEM"

    def __reduce__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = System()

type Actor = User | System


def is_person(actor: Actor) -> TypeGuard[User]:
    """True for a person (a user), False for the platform."""
    return not isinstance(actor, System)
