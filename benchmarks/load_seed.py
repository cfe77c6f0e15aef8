"""Accounts and work in progress for the load test (benchmarks/load.py), made through the same
services the site uses, in the deployment's database (``DATABASE_URL``).

One organization with three published micro-credentials (text evidence only, so a submission
needs no upload). Every learner has an attempt in progress on the first and has submitted one
on each of the other two; those submissions are assigned automatically across the qualified
assessors' pools, so every assessor has work waiting. Prints one line ``SEED:<json>`` naming
the accounts, the attempts and the scoring form's criteria, for the Locust file.

With UPLOADERS (the cluster test, benchmarks/cluster.py), a fourth micro-credential asks for a
file, and that many more learners each have an attempt in progress on it, to attach files to.

    DJANGO_SETTINGS_MODULE=microcred.settings python benchmarks/load_seed.py LEARNERS ASSESSORS \
        [UPLOADERS]
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402

from microcred.accounts.models import User  # noqa: E402
from microcred.actors import SYSTEM  # noqa: E402
from microcred.assessment.models import Assignment  # noqa: E402
from microcred.assessment.services import pool_member_add  # noqa: E402
from microcred.catalog.services import (  # noqa: E402
    CriterionSpec,
    PromptSpec,
    micro_credential_create,
    micro_credential_publish,
)
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit  # noqa: E402
from microcred.orgs.models import Organization, Role  # noqa: E402
from microcred.orgs.services import membership_grant, organization_create  # noqa: E402

PASSWORD = "load test password 2026"  # noqa: S105 - throwaway accounts


def _users(prefix: str, n: int, hashed: str) -> list[User]:
    # One Argon2 hash for everyone: hashing 180 passwords would take longer than the rest.
    users = [User(email=f"{prefix}{i}@load.example.test", display_name=f"Load {prefix} {i}",
                  password=hashed) for i in range(n)]
    return User.objects.bulk_create(users)


def _uploaders(n: int, hashed: str, org: Organization, author: User,
               admin: User) -> list[dict[str, object]]:
    mc = micro_credential_create(
        actor=author, organization=org, title="Evidence on File",
        competency="Keeps a record of practice.", key_method="A file of lesson notes.",
        prompts=[PromptSpec("file", "Attach your lesson notes.", accepted_kinds=("document",),
                            allow_link=False)],
        criteria=[CriterionSpec("Notes", "Complete notes.", "Incomplete notes.")])
    mc = micro_credential_publish(actor=admin, micro_credential_id=mc.pk)
    prompt = mc.prompts.get()
    rows = []
    for person in _users("uploader", n, hashed):
        attempt = attempt_start(learner=person, micro_credential=mc)
        rows.append({"email": person.email, "attempt": str(attempt.public_id),
                     "prompt": prompt.pk})
    return rows


def main(learners: int, assessors: int, uploaders: int = 0) -> dict[str, object]:
    hashed = make_password(PASSWORD)
    admin, author = _users("admin", 1, hashed) + _users("author", 1, hashed)
    org = organization_create(actor=SYSTEM, name="Load Test College", slug="load-test-college",
                              url="https://load.example.test")
    membership_grant(actor=SYSTEM, organization=org, user=admin, role=Role.ADMIN)
    membership_grant(actor=SYSTEM, organization=org, user=author, role=Role.AUTHOR)
    mcs = []
    for n in range(3):
        mc = micro_credential_create(
            actor=author, organization=org, title=f"Checking for Understanding {n}",
            competency="Uses checks for understanding to adjust instruction.",
            key_method="Three planned checks at decision points.",
            prompts=[PromptSpec("text", "Describe the lesson and your checks."),
                     PromptSpec("text", "Optional: anything else?", required=False)],
            criteria=[CriterionSpec("Planned checks", "Three checks.", "Fewer."),
                      CriterionSpec("Adjustment", "A specific adjustment.", "None.")])
        mcs.append(micro_credential_publish(actor=admin, micro_credential_id=mc.pk))
    assessor_users = _users("assessor", assessors, hashed)
    for person in assessor_users:
        membership_grant(actor=SYSTEM, organization=org, user=person, role=Role.ASSESSOR)
        for mc in mcs[1:]:
            pool_member_add(actor=admin, micro_credential=mc, assessor=person)
    learner_rows = []
    for person in _users("learner", learners, hashed):
        attempt = attempt_start(learner=person, micro_credential=mcs[0])
        required = mcs[0].prompts.get(required=True)
        learner_rows.append({"email": person.email, "attempt": str(attempt.public_id),
                             "prompt": required.pk})
        for mc in mcs[1:]:
            submitted = attempt_start(learner=person, micro_credential=mc)
            attempt_save_draft(learner=person, attempt_id=submitted.pk,
                               texts={mc.prompts.get(required=True).pk: "My lesson plan."})
            attempt_submit(learner=person, attempt_id=submitted.pk)
    criteria = {mc.pk: list(mc.criteria.values_list("pk", flat=True)) for mc in mcs}
    waiting: dict[str, list[dict[str, object]]] = {p.email: [] for p in assessor_users}
    for assessor_email, public_id, mc_id in Assignment.objects.filter(
            status=Assignment.Status.ACTIVE, attempt__micro_credential__in=mcs).values_list(
            "assessor__email", "attempt__public_id", "attempt__micro_credential_id"):
        waiting[assessor_email].append({"attempt": str(public_id), "criteria": criteria[mc_id]})
    return {"password": PASSWORD, "learners": learner_rows,
            "assessors": [{"email": e, "waiting": w} for e, w in waiting.items()],
            "uploaders": _uploaders(uploaders, hashed, org, author, admin) if uploaders else [],
            "admin": admin.email}


if __name__ == "__main__":
    print("SEED:" + json.dumps(main(*(int(n) for n in sys.argv[1:4]))))
