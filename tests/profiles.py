"""Hypothesis profiles: how many examples a property test tries.

``ci`` (the default, and what ``make test`` and CI run) tries every test's full count: the
differential runs against pyld keep their 11,000 generated documents. ``dev`` (``make
test-fast``, or ``HYPOTHESIS_PROFILE=dev``) tries a twentieth, at least ten, for the inner loop.
A test names its full count with ``examples(n)``; the profile scales it.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

PROFILES = ("ci", "dev")
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if PROFILE not in PROFILES:
    raise SystemExit(f"HYPOTHESIS_PROFILE={PROFILE!r}: choose one of {', '.join(PROFILES)}")

settings.register_profile("ci", deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, max_examples=10,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(PROFILE)


def examples(full: int) -> int:
    """``full`` under the ci profile; a twentieth of it (at least 10) under dev."""
    return full if PROFILE == "ci" else max(10, full // 20)
