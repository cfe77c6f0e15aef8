import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from microcred.orgs.models import Organization, Role
from microcred.orgs.selectors import user_has_role
from tests.factories import user

pytestmark = pytest.mark.django_db


def test_org_create_and_grant_roles() -> None:
    person = user()
    call_command("org", "create", "acme", "Acme Schools", "--url", "https://acme.test",
                 stdout=io.StringIO())
    call_command("org", "grant", "acme", person.email.upper(), "author", stdout=io.StringIO())
    org = Organization.objects.get(slug="acme")
    assert user_has_role(user=person, organization=org, role=Role.AUTHOR)
    out = io.StringIO()
    call_command("org", "list", stdout=out)
    assert f"{person.email} (author)" in out.getvalue()


def test_org_grant_refuses_unknown_people_and_orgs() -> None:
    call_command("org", "create", "acme", "Acme", stdout=io.StringIO())
    with pytest.raises(CommandError, match="signs up first"):
        call_command("org", "grant", "acme", "nobody@example.test", "assessor")
    with pytest.raises(CommandError, match="no organization"):
        call_command("org", "grant", "nope", "nobody@example.test", "assessor")
