"""Locking an email address out of sign-in after repeated failures.

``SIGN_IN_LOCKOUT_FAILURES`` failed sign-ins (a wrong password, or a wrong two-factor code)
for one email address within ``SIGN_IN_LOCKOUT_WINDOW`` seconds lock that address for
``SIGN_IN_LOCKOUT_SECONDS``; while it is locked even the right password is refused. The count
is kept per address typed, whether or not an account has it, so the lockout message reveals
nothing about which accounts exist (OWASP ASVS 4.0 §2.2.1). Model-free: the counts live in the
``throttle`` cache, which every worker process shares (Redis with ``REDIS_URL``, otherwise the
database cache table); they are security throttles, not records, and losing them on a cache
flush only resets the counts.

The per-address rate limit in ``microcred.web.rate_limits`` stops one client guessing many
accounts; this stops many clients guessing one.
"""

from __future__ import annotations

import hashlib
import math
import time
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import formats, timezone
from django.utils.translation import ngettext

__all__ = ["Locked", "check", "record_failure", "clear", "now"]

_PREFIX = "microcred:signin:"


def now() -> float:
    """The clock; tests replace it to move time on without waiting."""
    return time.time()


class Locked(Exception):  # noqa: N818 - reads as `raise Locked(...)`
    def __init__(self, until: float) -> None:
        super().__init__(until)
        self.until = until

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil((self.until - now()) / 60))
        at = timezone.localtime(datetime.fromtimestamp(self.until, tz=UTC))
        return ngettext(
            "Too many failed sign-in attempts for this email address. "
            "Try again in %(minutes)d minute (at %(time)s).",
            "Too many failed sign-in attempts for this email address. "
            "Try again in %(minutes)d minutes (at %(time)s).",
            minutes,
        ) % {"minutes": minutes, "time": formats.time_format(at, "H:i")}


def _cache() -> Any:
    return caches["throttle"]


def _key(kind: str, email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()
    return f"{_PREFIX}{kind}:{digest}"


def check(email: str) -> None:
    """Raise ``Locked`` while the address is locked out."""
    until = _cache().get(_key("locked", email))
    if until is not None and until > now():
        raise Locked(until)


def record_failure(email: str) -> None:
    """Count one failure; the one that reaches the limit locks the address (and raises).

    The count is one atomic increment (``cache.incr``; on Redis, shared by every web process),
    so failures sent at once are all counted; the window runs from the first failure it counts
    (a key of its own, set only if absent)."""
    window = settings.SIGN_IN_LOCKOUT_WINDOW
    key, since_key = _key("failures", email), _key("failures_since", email)
    started = now()
    cache = _cache()
    cache.add(since_key, started, timeout=window + 5)
    first = cache.get(since_key, started)
    if started - first > window:
        cache.set(since_key, started, timeout=window + 5)
        cache.set(key, 0, timeout=window + 5)
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count >= settings.SIGN_IN_LOCKOUT_FAILURES:
        until = started + settings.SIGN_IN_LOCKOUT_SECONDS
        cache.set(_key("locked", email), until, timeout=settings.SIGN_IN_LOCKOUT_SECONDS + 5)
        cache.delete_many([key, since_key])
        raise Locked(until)


def clear(email: str) -> None:
    """A successful sign-in starts the count again."""
    _cache().delete_many([_key("failures", email), _key("failures_since", email),
                          _key("locked", email)])


