"""require_role: one role check for every service, and the platform named where it acts."""

from __future__ import annotations

import pickle

import pytest
from django.contrib.auth.models import AnonymousUser

from microcred.actors import SYSTEM, is_person
from microcred.audit.models import AuditEvent
from microcred.audit.services import audit_record
from microcred.errors import NotAllowed
from microcred.orgs.models import Role
from microcred.orgs.selectors import has_role, require_role
from tests.factories import organization, user

pytestmark = pytest.mark.django_db


def test_a_person_needs_one_of_the_roles_named():
    admin, author, stranger = user("Ada"), user("Ben"), user("Cy")
    org = organization(admin=admin, author=author)
    require_role(admin, org, Role.ADMIN)
    require_role(author, org, Role.AUTHOR, Role.ADMIN)
    with pytest.raises(NotAllowed) as refused:
        require_role(author, org, Role.ADMIN)
    assert org.name in str(refused.value) and "administrator" in str(refused.value)
    with pytest.raises(NotAllowed, match="Only admins"):
        require_role(stranger, org, Role.ASSESSOR, message="Only admins")
    assert not has_role(AnonymousUser(), org, Role.ADMIN)


def test_the_platform_passes_and_is_recorded_as_no_person():
    org = organization(admin=user("Ada"))
    require_role(SYSTEM, org, Role.ADMIN)
    assert not has_role(SYSTEM, org, Role.ADMIN)  # it holds no role; require_role lets it by
    assert not is_person(SYSTEM) and is_person(user("Dee"))
    event = audit_record(actor=SYSTEM, action="test.system", target=org)
    assert AuditEvent.objects.get(pk=event.pk).actor_id is None
    assert pickle.loads(pickle.dumps(SYSTEM)) is SYSTEM  # it crosses the task queue as itself


def test_no_role_named_is_a_programming_error():
    org = organization(admin=user("Ada"))
    with pytest.raises(ValueError):
        has_role(user("Eve"), org)
