import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from microcred.accounts.models import User
from microcred.assessment.models import Appeal, PoolMember
from microcred.assessment.selectors import overdue_attempts
from microcred.catalog.import_export import catalog_export
from microcred.catalog.models import MicroCredential, Stack
from microcred.demo.programmes import MICRO_CREDENTIALS
from microcred.earning.models import Attempt
from microcred.issuance.models import Credential
from microcred.learner.models import HeldCredential
from microcred.learner.progress import stack_progress
from microcred.orgs.models import Membership, Organization
from microcred.verification.services import credential_verify

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_demo_loads_real_content_and_twice_duplicates_nothing() -> None:
    call_command("demo", stdout=io.StringIO())
    counts = _counts()
    # 13 people at two issuers (Riverbend: an admin, an author and four assessors, one of
    # them calibrating; Lakeshore: an admin, an author and an assessor); six micro-credentials
    # and one stack; 6 attempts: two passes, a Not Yet, an overdue submission, an appealed
    # Not Yet and one in review at Lakeshore.
    assert counts == [13, 2, 9, 6, 1, 6, 2]
    call_command("demo", stdout=io.StringIO())
    assert _counts() == counts
    for credential in Credential.objects.all():
        assert credential.is_issued
        assert credential.learner.email == "maya.chen@demo.microcred.test"
        assert credential_verify(data=credential.signed_json).verdict == "passed"
    assert Attempt.objects.filter(status="not_yet").count() == 1
    # ... and one badge Maya imported from an issuer that is not on the platform
    [held] = HeldCredential.objects.all()
    assert (held.owner.email, held.issuer_confirmed) == ("maya.chen@demo.microcred.test", False)
    assert credential_verify(data=held.text).verdict == "passed"
    # ... which a trusted issuer registry the demo installs lists (DCC format)
    assert (held.issuer_listed_by, held.issuer_name) == (
        "Partner Colleges Registry (demo)", "Northwind Community College")
    assert MicroCredential.objects.filter(status="published").count() == 6
    assert set(MicroCredential.objects.values_list("organization__slug", flat=True)) == {
        "riverbend-teaching-collaborative", "lakeshore-state-college-of-education"}


def _counts() -> list[int]:
    return [m.objects.count() for m in (User, Organization, Membership, MicroCredential, Stack,
                                        Attempt, Credential)]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_demo_micro_credentials_use_the_whole_model(tmp_path: Path) -> None:
    """Each is written as an issuer would: method components, research with references,
    resources, overview / work examples / reflection each with its own rubric and guidance for
    assessors, limits on every prompt, metadata and alignments."""
    call_command("demo", stdout=io.StringIO())
    # The demo's files hold all of it, in the form `catalog export` writes (as drafts: the
    # demo's authors import them, then send them for review and the administrators publish).
    files = sorted(MICRO_CREDENTIALS.glob("*/*.yaml"))
    exported = {p.name: p.read_text("utf-8") for p in catalog_export(directory=tmp_path)}
    assert sorted(exported) == sorted(p.name for p in files)
    for path in files:
        assert exported[path.name] == path.read_text("utf-8").replace(
            "\nstatus: draft\n", "\nstatus: published\n", 1), path.name
    for mc in MicroCredential.objects.all():
        assert 3 <= mc.method_components.count() <= 5, mc.slug
        assert mc.research.strip(), mc.slug
        assert 2 <= mc.citations.count() <= 4, mc.slug
        assert 2 <= mc.resources.count() <= 4, mc.slug
        assert 1 <= mc.alignments.count() <= 2, mc.slug
        assert [p.kind for p in mc.parts.all()] == ["overview", "artifacts", "reflection"]
        for part in mc.parts.all():
            assert 1 <= part.criteria.count() <= 3, (mc.slug, part.title)
            assert all(c.guidance.strip() for c in part.criteria.all()), (mc.slug, part.title)
            kinds = {p.kind for p in part.prompts.all()}
            assert kinds == ({"file"} if part.kind == "artifacts" else {"text"}), mc.slug
        for prompt in mc.prompts.all():
            if prompt.kind == "text":
                assert prompt.word_limit, (mc.slug, prompt.position)
            else:
                assert prompt.max_bytes and prompt.accepted_kinds, (mc.slug, prompt.position)
        assert mc.topic and mc.tags and mc.audience and mc.level and mc.estimated_hours
        assert mc.credit_hours or mc.ceus, mc.slug
    assert MicroCredential.objects.filter(fee__gt=0, sponsor_can_cover=True).exists()
    formative = MicroCredential.objects.get(
        slug="formative-assessment-checking-for-understanding")
    assert formative.translations.get(language="es").title == (
        "Evaluación formativa: comprobar la comprensión")
    assert formative.criteria.filter(translations__language="es").count() == 3
    assert formative.prompts.filter(translations__language="es").count() == 5


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_demo_stack_shows_a_learner_part_way_along_the_pathway() -> None:
    call_command("demo", stdout=io.StringIO())
    stack = Stack.objects.get(slug="assessment-literate-teacher")
    assert stack.status == "published" and stack.achievement_type == "Certificate"
    assert stack.members.count() == 3
    maya = User.objects.get(email="maya.chen@demo.microcred.test")
    progress = stack_progress(learner=maya, stack=stack)
    assert (progress.earned_count, progress.needed_count, progress.complete) == (2, 3, False)
    assert progress.next_member is not None
    assert progress.next_member.micro_credential.slug == "feedback-that-moves-learning-forward"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_demo_shows_calibration_an_overdue_submission_and_an_appeal() -> None:
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    trainee = PoolMember.objects.get(assessor__email="trainee@demo.microcred.test")
    assert trainee.status == "calibrating"
    assert trainee.micro_credential.calibration_anchors.count() == 3
    overdue = Attempt.objects.get(learner__email="sam.okoro@demo.microcred.test")
    assert overdue.decision_due_at < timezone.now()
    assert [r.public_id for r in overdue_attempts(organization=Organization.objects.get(
        slug="riverbend-teaching-collaborative"))] == [overdue.public_id]
    appeal = Appeal.objects.get()
    assert appeal.attempt.status == "in_review"
    assert appeal.attempt.assignments.filter(kind="appeal", status="active").exists()
