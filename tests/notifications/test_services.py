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


def test_notifications_are_written_in_the_recipients_language(world: World) -> None:
    """The learner reads Spanish; the assessor who is notified at the same moment reads English."""
    from django.utils import translation

    world.learner.language = "es"
    world.learner.save(update_fields=["language"])
    with translation.override("en"):  # the person acting uses English
        submitted_attempt(learner=world.learner, mc=world.mc)
    learner_note = Notification.objects.get(user=world.learner, kind="attempt.submitted")
    assert learner_note.subject.startswith("Recibido: ")
    assessor_note = Notification.objects.get(user=world.assessor, kind="assignment.primary")
    assert assessor_note.subject.startswith("A submission is waiting")
    spanish_mail = next(m for m in mail.outbox if m.to == [world.learner.email])
    assert spanish_mail.subject.startswith("Recibido: ")
