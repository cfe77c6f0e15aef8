import io

import pytest
from django.core.management import call_command

from microcred.actors import SYSTEM
from tests.factories import World, submitted_attempt, user


@pytest.mark.django_db
def test_sweep_and_pool_commands(world: World) -> None:
    from microcred.orgs.models import Role
    from microcred.orgs.services import membership_grant

    submitted_attempt(learner=world.learner, mc=world.mc)
    out = io.StringIO()
    call_command("assessment", "sweep", stdout=out)
    assert out.getvalue().startswith("reminded 0, expired 0")
    person = user()
    membership_grant(actor=SYSTEM, organization=world.org, user=person, role=Role.ASSESSOR)
    out = io.StringIO()
    call_command("assessment", "pool", world.mc.slug, person.email, "--lead", stdout=out)
    assert "qualified (lead)" in out.getvalue()


def test_the_housekeeping_sweep_runs_every_periodic_job(world: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("sweep", stdout=out)
    assert out.getvalue().startswith(
        "reminded 0, expired 0, reassigned 0; tasks taken back 0; bulk jobs resumed 0")
