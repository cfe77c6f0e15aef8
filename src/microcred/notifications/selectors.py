from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from microcred.notifications.models import Notification


def notifications_for(*, user: Any, limit: int = 100) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)[:limit]


def unread_count(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
