"""Business-day arithmetic for decision deadlines (Monday to Friday; no holiday calendar)."""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = ["add_business_days", "business_days_between"]


def add_business_days(start: datetime, days: int) -> datetime:
    """``start`` moved forward by ``days`` weekdays, keeping the time of day."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def business_days_between(start: datetime, end: datetime) -> int:
    """Weekdays after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    current = start
    while current.date() < end.date():
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count
