import pytest

from microcred.audit.models import AuditEvent
from microcred.orgs.models import Membership, Role
from microcred.orgs.selectors import organizations_where, user_has_role
from microcred.orgs.services import membership_grant
from tests.factories import organization, user

pytestmark = pytest.mark.django_db


def test_membership_grant_is_idempotent_and_audited() -> None:
    admin, person = user(), user()
    org = organization(admin=admin)
    membership_grant(actor=admin, organization=org, user=person, role=Role.ASSESSOR)
    membership_grant(actor=admin, organization=org, user=person, role=Role.ASSESSOR)
    assert Membership.objects.filter(user=person).count() == 1
    assert AuditEvent.objects.filter(action="membership.granted", actor=admin).count() == 1
    assert user_has_role(user=person, organization=org, role=Role.ASSESSOR)
    assert not user_has_role(user=person, organization=org, role=Role.AUTHOR)
    assert list(organizations_where(user=person, role=Role.ASSESSOR)) == [org]
