"""The audit log is permanent (hash-chained, append-only): it must never hold personal data, not
even to honour an erasure request later. Every entry holds ids, states and the names of the
fields that changed; a journey that touches every kind of personal value must leave none of
them in any entry."""

from __future__ import annotations

import json

import pytest

from microcred.accounts.models import User
from microcred.actors import SYSTEM
from microcred.assessment.services import attempt_return_incomplete
from microcred.audit.models import AuditEvent
from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit
from microcred.issuance.models import Credential
from microcred.issuance.services import (
    credential_revoke,
    credential_suspend,
    credential_unsuspend,
    learner_profile_update,
)
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from tests.factories import World, pass_attempt, small_file, submitted_attempt, user

pytestmark = pytest.mark.django_db

EMAIL = "zoe.quintana-personal@example.test"
NAME = "Zoë Quintana-Personal"
DID = "did:key:z6MkPersonalDidValue1234567890abcdefghijklmnop"
HANDLE = "zoe-quintana-personal"
RETURN_REASON = "Zoë's video shows her pupils' faces; please blur them"
REVOKE_REASON = "Zoë Quintana asked us to revoke it after her complaint"
SUSPEND_REASON = "Zoë Quintana's employer disputes this"
UNSUSPEND_REASON = "Cleared after speaking to Zoë Quintana by phone"


def test_a_full_journey_leaves_no_personal_data_in_the_audit_log(world: World) -> None:
    learner = User.objects.create_user(EMAIL, "correct horse battery staple",
                                       display_name=NAME)
    admin = user("Admin")
    membership_grant(actor=SYSTEM, organization=world.org, user=admin, role=Role.ADMIN)

    learner_profile_update(actor=learner, did=DID, handle=HANDLE, public=True)
    first = attempt_start(learner=learner, micro_credential=world.mc)
    prompts = list(world.mc.prompts.all())
    attempt_save_draft(learner=learner, attempt_id=first.pk,
                       texts={p.pk: "My lesson." for p in prompts if p.kind == "text"},
                       files={p.pk: small_file() for p in prompts if p.kind == "file"})
    attempt_submit(learner=learner, attempt_id=first.pk)
    attempt_return_incomplete(assessor=world.assessor, attempt_id=first.pk,
                              reason=RETURN_REASON)
    attempt_submit(learner=learner, attempt_id=first.pk)
    pass_attempt(assessor=world.assessor, attempt=first)
    credential = Credential.objects.get(attempt=first)
    credential_suspend(actor=admin, credential_id=credential.pk, reason=SUSPEND_REASON)
    credential_unsuspend(actor=admin, credential_id=credential.pk, reason=UNSUSPEND_REASON)
    credential_revoke(actor=admin, credential_id=credential.pk, reason=REVOKE_REASON)
    learner_profile_update(actor=learner, did="", handle=HANDLE + "-2", public=False)
    # Another learner's journey through the shared helper, for the generic events.
    pass_attempt(assessor=world.assessor,
                 attempt=submitted_attempt(learner=world.learner, mc=world.mc))

    events = list(AuditEvent.objects.order_by("sequence"))
    actions = {e.action for e in events}
    assert {"learner_profile.updated", "attempt.transition", "credential.suspended",
            "credential.unsuspended", "credential.revoked"} <= actions
    personal = [EMAIL, NAME, DID, HANDLE, RETURN_REASON, REVOKE_REASON, SUSPEND_REASON,
                UNSUSPEND_REASON, "Quintana", world.learner.email, world.learner.display_name]
    for event in events:
        text = json.dumps(event.data, ensure_ascii=False) + " " + event.target
        for value in personal:
            assert value.lower() not in text.lower(), (event.action, value, event.data)

    # What the entries do say: which fields changed, and that a reason was given.
    updates = [e.data for e in events if e.action == "learner_profile.updated"]
    assert updates == [{"fields": ["did", "handle", "public"], "public": True},
                       {"fields": ["did", "handle", "public"], "public": False}]
    returned = next(e for e in events if e.action == "attempt.transition"
                    and e.data.get("to") == "returned")
    assert returned.data["reason_given"] is True
