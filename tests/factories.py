"""Test data built through the same services the site uses."""

from __future__ import annotations

import itertools
import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from microcred.accounts.models import User
from microcred.actors import SYSTEM
from microcred.assessment.services import ScoreInput, assessment_record, pool_member_add
from microcred.catalog.models import MicroCredential
from microcred.catalog.services import (
    CriterionSpec,
    PromptSpec,
    micro_credential_create,
    micro_credential_publish,
)
from microcred.earning.models import Attempt
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit
from microcred.orgs.models import Organization, Role
from microcred.orgs.services import membership_grant, organization_create

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def user(name: str = "Person", email: str | None = None) -> User:
    n = next(_seq)
    return User.objects.create_user(email or f"person{n}@example.test", PASSWORD,
                                    display_name=f"{name} {n}")


def organization(**roles: User) -> Organization:
    n = next(_seq)
    org = organization_create(actor=SYSTEM, name=f"Test Org {n}", slug=f"test-org-{n}",
                              url="https://org.example.test")
    for role, person in roles.items():
        membership_grant(actor=SYSTEM, organization=org, user=person, role=Role(role))
    return org


def micro_credential(*, org: Organization, author: User, publish: bool = True,
                     file_prompt: bool = True) -> MicroCredential:
    prompts = [PromptSpec("text", "Describe the lesson and your checks for understanding.")]
    if file_prompt:
        prompts.append(PromptSpec("file", "Upload the lesson plan."))
    prompts.append(PromptSpec("text", "Optional: anything else?", required=False))
    mc = micro_credential_create(
        actor=author, organization=org, title=f"Checking for Understanding {next(_seq)}",
        competency="Uses checks for understanding to adjust instruction.",
        key_method="Three planned checks at decision points.",
        prompts=prompts,
        criteria=[
            CriterionSpec("Planned checks", "Three checks at decision points.", "Fewer."),
            CriterionSpec("Adjustment", "A specific adjustment is explained.", "None."),
        ],
    )
    if publish:
        mc = micro_credential_publish(actor=reviewer_of(org), micro_credential_id=mc.pk)
    return mc


def micro_credential_with_limits(world: World, *, kind: str, **limits: Any) -> MicroCredential:
    """A published micro-credential of ``world``'s organization whose first ``kind`` prompt
    has ``limits`` (word_limit, max_bytes, allow_link), set while it was a draft."""
    from microcred.earning.services import prompt_rule_set

    mc = micro_credential(org=world.org, author=world.author, publish=False)
    prompt_rule_set(actor=world.author, prompt=mc.prompts.filter(kind=kind).first(), **limits)
    return micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=mc.pk)


def reviewer_of(org: Organization) -> User:
    """An administrator of ``org`` (created on first use): administrators publish."""
    admin = User.objects.filter(memberships__organization=org,
                                memberships__role=Role.ADMIN).first()
    if admin is None:
        admin = user("Reviewer")
        membership_grant(actor=SYSTEM, organization=org, user=admin, role=Role.ADMIN)
    return admin


def small_file(name: str = "plan.txt", size: int = 64) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * size, content_type="text/plain")


def submitted_attempt(*, learner: User, mc: MicroCredential, text: str = "My lesson.") -> Attempt:
    attempt = attempt_start(learner=learner, micro_credential=mc)
    prompts = list(mc.prompts.all())
    texts = {p.pk: text for p in prompts if p.kind == "text" and p.required}
    files = {p.pk: small_file() for p in prompts if p.kind == "file"}
    attempt_save_draft(learner=learner, attempt_id=attempt.pk, texts=texts, files=files)
    return attempt_submit(learner=learner, attempt_id=attempt.pk)


def all_scores(mc: MicroCredential, outcome: str = "pass", feedback: str = "") -> dict[int, Any]:
    return {c.pk: ScoreInput(outcome, feedback) for c in mc.criteria.all()}


def pass_attempt(*, assessor: User, attempt: Attempt) -> Any:
    return assessment_record(assessor=assessor, attempt_id=attempt.pk,
                             scores=all_scores(attempt.micro_credential))


def did_presentation(*, key: Any, challenge: str | None, domain: str | None = None,
                     holder: str | None = None) -> dict[str, Any]:
    """A DID Authentication presentation, as a wallet makes one: signed by ``key`` for the
    platform's ``challenge`` and domain (this deployment's public host unless given)."""
    from django.conf import settings

    from microcred.vc.presentation import present

    return present([], key=key, holder=holder, challenge=challenge,
                   domain=settings.PUBLIC_HOST if domain is None else domain)


def did_key_proven(learner: User) -> Any:
    """Give ``learner`` a new did:key on their profile and prove it, through the same page flow
    (challenge, signed presentation) a wallet uses. Returns the key."""
    from microcred.issuance.did_auth import did_challenge_issue, learner_did_prove
    from microcred.issuance.services import learner_profile_update
    from microcred.vc.keys import Ed25519Multikey

    key = Ed25519Multikey.generate()
    learner_profile_update(actor=learner, did=key.did, handle=None, public=False)
    challenge = did_challenge_issue(actor=learner)
    assert challenge is not None
    learner_did_prove(actor=learner, presentation=json.dumps(
        did_presentation(key=key, challenge=challenge.nonce)))
    return key


def did_proven(learner: User, did: str) -> None:
    """Put ``did`` on ``learner``'s profile as proven, for DIDs no key can sign for
    (``did:example``); a test of the proof itself uses :func:`did_key_proven`."""
    from django.utils import timezone

    from microcred.issuance.models import LearnerProfile
    from microcred.issuance.services import learner_profile_update

    learner_profile_update(actor=learner, did=did, handle=None, public=False)
    LearnerProfile.objects.filter(user=learner).update(did_proven_at=timezone.now())


class World:
    """An organization with an author and an assessor, a published micro-credential and a
    learner."""

    def __init__(self) -> None:
        self.author = user("Author")
        self.assessor = user("Assessor")
        self.learner = user("Learner", email=f"learner{next(_seq)}@example.test")
        self.org = organization(author=self.author, assessor=self.assessor)
        self.mc = micro_credential(org=self.org, author=self.author)
        pool_member_add(actor=SYSTEM, micro_credential=self.mc, assessor=self.assessor)


def database_flushed() -> None:
    """A new deployment's database: freshly migrated and empty (``flush``). PostgreSQL's
    TRUNCATE refuses tables with pending foreign-key checks, so they are made immediate first."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
