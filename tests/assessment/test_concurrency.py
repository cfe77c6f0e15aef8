import threading

import pytest
from django.db import connection

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
