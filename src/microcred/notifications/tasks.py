from __future__ import annotations

from django.tasks import task


@task()
def notification_email(notification_id: int) -> bool:
    from microcred.notifications.services import notification_send_email

    return notification_send_email(notification_id=notification_id)
