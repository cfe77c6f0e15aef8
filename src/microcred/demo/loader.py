"""The demo showroom: two issuers with their people, the micro-credentials and stack they
publish (files in ``content/``), assessor pools, and learners part-way through real journeys.

Everything goes through the same services the site uses, so the demo is a real journey: the
micro-credentials were written, sent for review and published by the issuer's own people, and
the held credentials were submitted, assessed and signed, not inserted. Loading it twice
changes nothing the second time.
"""

from __future__ import annotations

from django.db import transaction

from microcred.demo.attempts import attempts_load
from microcred.demo.elsewhere import badge_from_elsewhere
from microcred.demo.people import organizations_load, people_load, people_logins
from microcred.demo.programmes import micro_credentials_load, pools_and_calibration, stacks_load

__all__ = ["load_demo"]


def load_demo() -> list[tuple[str, str]]:
    """Create what is missing; return (role, email) of the demo's people."""
    with transaction.atomic():
        users = people_load()
        orgs = organizations_load(users)
        mcs = micro_credentials_load(users, orgs)
        stacks_load(users, orgs, mcs)
    pools_and_calibration(users, mcs)
    attempts_load(users, mcs)
    badge_from_elsewhere(users["learner1"])
    return people_logins()
