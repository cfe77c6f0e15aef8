import threading

import pytest
from django.db import connection

from microcred.actors import SYSTEM
from microcred.assessment.models import Assessment
from microcred.assessment.services import AlreadyAssessed, assessment_record
from microcred.issuance.models import Credential
from tests.factories import World, all_scores, submitted_attempt


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_scorings_record_once() -> None:
    """A double click that reaches two server processes at once: the row lock serializes them
    and the second finds the attempt assessed."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: run with MICROCRED_TEST_DATABASE=postgres")
    world = World()
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    scores = all_scores(world.mc)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def score() -> None:
        try:
            barrier.wait()
            assessment_record(assessor=world.assessor, attempt_id=attempt.pk, scores=scores)
            results.append("recorded")
        except AlreadyAssessed:
            results.append("already_assessed")
        finally:
            connection.close()

    threads = [threading.Thread(target=score) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["already_assessed", "recorded"]
    assert Assessment.objects.filter(attempt=attempt).count() == 1
    assert Credential.objects.filter(attempt=attempt).count() == 1


def _race(*calls):  # type: ignore[no-untyped-def]
    """Run each call in its own thread (its own database connection), released together."""
    barrier = threading.Barrier(len(calls))
    results: list[str] = []

    def run(call):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            call()
            results.append("won")
        except Exception as exc:  # noqa: BLE001 - the loser's error is the result
            results.append(getattr(exc, "code", type(exc).__name__))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(results)


def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: run with MICROCRED_TEST_DATABASE=postgres")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_assessors_claiming_one_submission_one_wins() -> None:
    from microcred.assessment.models import Assignment
    from microcred.assessment.services import assignment_claim, assignment_release, pool_member_add
    from microcred.orgs.models import Role
    from microcred.orgs.services import membership_grant
    from tests.factories import user

    _needs_postgres()
    world = World()
    second = user("Assessor")
    membership_grant(actor=SYSTEM, organization=world.org, user=second, role=Role.ASSESSOR)
    pool_member_add(actor=SYSTEM, micro_credential=world.mc, assessor=second)
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    holder = Assignment.objects.get(attempt=attempt, status="active").assessor
    assignment_release(assessor=holder, attempt_id=attempt.pk)  # reassigned to the other one
    Assignment.objects.filter(attempt=attempt, status="active").update(
        status="released", ended_at=attempt.submitted_at)
    from microcred.earning.models import Attempt
    Attempt.objects.filter(pk=attempt.pk).update(status="submitted")
    results = _race(lambda: assignment_claim(assessor=world.assessor, attempt_id=attempt.pk),
                    lambda: assignment_claim(assessor=second, attempt_id=attempt.pk))
    assert results == ["already_claimed", "won"]
    assert Assignment.objects.filter(attempt=attempt, status="active").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_submits_racing_submit_once() -> None:
    from microcred.audit.models import AuditEvent
    from microcred.earning.services import attempt_save_draft, attempt_start, attempt_submit
    from tests.factories import small_file

    _needs_postgres()
    world = World()
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    texts = {p.pk: "x" for p in world.mc.prompts.filter(kind="text", required=True)}
    files = {p.pk: small_file() for p in world.mc.prompts.filter(kind="file")}
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts=texts, files=files)
    results = _race(lambda: attempt_submit(learner=world.learner, attempt_id=attempt.pk),
                    lambda: attempt_submit(learner=world.learner, attempt_id=attempt.pk))
    assert results == ["already_submitted", "won"]
    assert AuditEvent.objects.filter(action="attempt.submitted",
                                     target=f"earning.attempt:{attempt.pk}").count() == 1
    assert attempt.assignments.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_starts_racing_open_one_attempt() -> None:
    from microcred.earning.models import Attempt
    from microcred.earning.services import attempt_start

    _needs_postgres()
    world = World()
    results = _race(lambda: attempt_start(learner=world.learner, micro_credential=world.mc),
                    lambda: attempt_start(learner=world.learner, micro_credential=world.mc))
    assert results == ["won", "won"]  # the second tab gets the same attempt
    assert Attempt.objects.filter(learner=world.learner).count() == 1
