import pytest
from django.core import mail

from microcred.notifications.models import Notification
from tests.factories import World, submitted_attempt

pytestmark = pytest.mark.django_db


def test_changes_notify_in_app_and_by_email(client, world: World) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    submitted_attempt(learner=world.learner, mc=world.mc)
    kinds = set(Notification.objects.filter(user=world.learner).values_list("kind", flat=True))
    assert "attempt.submitted" in kinds
    assert Notification.objects.filter(user=world.assessor, kind="assignment.primary").exists()
    assert all(n.emailed_at for n in Notification.objects.all())
    assert {m.to[0] for m in mail.outbox} >= {world.learner.email, world.assessor.email}
    client.force_login(world.learner)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Received" in page
