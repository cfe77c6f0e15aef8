from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from microcred.notifications.models import Notification
from microcred.notifications.tasks import notification_email

__all__ = ["in_language_of", "notify", "notification_send_email", "notifications_mark_read"]


@contextmanager
def in_language_of(user: Any) -> Iterator[None]:
    """Write a notification in its recipient's language, not the actor's: wrap the ``notify``
    call so its subject and body are translated for the person who will read them."""
    with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
        yield


def notify(*, user: Any, kind: str, subject: str, body: str = "", url: str = "") -> Notification:
    """Record an in-app notification and enqueue its email. Call inside the service's
    transaction: the row and the task row commit (or roll back) with the change itself."""
    note = Notification.objects.create(user=user, kind=kind, subject=subject[:200], body=body,
                                       url=url)
    notification_email.enqueue(note.pk)
    return note


def notification_send_email(*, notification_id: int) -> bool:
    """Send the email once (a locked row; an emailed notification is left alone)."""
    with transaction.atomic():
        note = (Notification.objects.select_for_update().select_related("user")
                .filter(pk=notification_id).first())
        if note is None or note.emailed_at is not None:
            return False
        link = f"\n\n{settings.PUBLIC_URL}{note.url}" if note.url else ""
        send_mail(note.subject, f"{note.body}{link}", None, [note.user.email])
        note.emailed_at = timezone.now()
        note.save(update_fields=["emailed_at"])
    return True


def notifications_mark_read(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now())
