"""What a credential carries, and that there is exactly one per passed attempt."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from microcred.actors import SYSTEM
from microcred.earning.models import Attempt
from microcred.errors import NotAllowed, ValidationFailed
from microcred.issuance import services
from microcred.issuance.identity import did_web_document
from microcred.issuance.issuer_keys import issuer_key_rotate
from microcred.issuance.models import Credential, IssuerKey, StatusEntry
from microcred.issuance.services import (
    credential_request_issue,
    credential_set_sharing,
    credential_sign,
    learner_profile_update,
)
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from microcred.verification.services import credential_verify
from tests.factories import World, pass_attempt, submitted_attempt, user


def issue(world: World, learner=None) -> Credential:  # type: ignore[no-untyped-def]
    attempt = submitted_attempt(learner=learner or world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt, renews=None)


@pytest.mark.django_db
def test_the_credential_carries_the_achievement_results_and_evidence(world: World) -> None:
    credential = issue(world)
    doc = json.loads(credential.signed_json)
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["version"] == str(world.mc.version)
    assert achievement["id"].endswith(f"#achievement-v{world.mc.version}")
    assert achievement["description"] == world.mc.competency
    assert world.mc.key_method in achievement["criteria"]["narrative"]
    criteria = list(world.mc.criteria.all())
    descriptions = achievement["resultDescription"]
    assert [d["name"] for d in descriptions] == [c.name for c in criteria]
    for d in descriptions:
        assert d["resultType"] == "RubricCriterionLevel"
        assert [level["name"] for level in d["rubricCriterionLevel"]] == ["Not Yet", "Pass"]
    results = doc["credentialSubject"]["result"]
    assert len(results) == len(criteria)
    assert {r["resultDescription"] for r in results} == {d["id"] for d in descriptions}
    assert all(r["achievedLevel"].endswith("-pass") for r in results)
    assert doc["awardedDate"] == doc["validFrom"]
    assert doc["issuer"]["type"] == ["Profile"] and doc["issuer"]["name"] == world.org.name
    evidence = doc["evidence"]
    assert evidence and all(e["type"] == ["Evidence"] for e in evidence)
    assert all(f"/credentials/{credential.public_id}/evidence/" in e["id"] for e in evidence)
    identifier = doc["credentialSubject"]["identifier"][0]
    assert identifier["hashed"] is True and identifier["identityHash"].startswith("sha256$")


@pytest.mark.django_db
def test_recipient_is_the_learners_did_once_they_proved_it(world: World) -> None:
    """A typed DID is only a claim (anyone could type another person's): credentials name it
    once the account proved it controls it, and the hashed email until then."""
    from tests.factories import did_key_proven

    with pytest.raises(ValidationFailed):
        learner_profile_update(actor=world.learner, did="not a did", handle=None, public=False)
    typed = user("Typed")
    learner_profile_update(actor=typed, did="did:example:ana-123", handle=None, public=False)
    unproven = json.loads(issue(world, learner=typed).signed_json)["credentialSubject"]
    assert "id" not in unproven and unproven["identifier"][0]["hashed"] is True
    key = did_key_proven(world.learner)
    credential = issue(world)
    subject = json.loads(credential.signed_json)["credentialSubject"]
    assert subject["id"] == key.did and "identifier" not in subject
    assert credential_verify(data=credential.signed_json).verdict == "passed"


@pytest.mark.django_db
def test_evidence_links_answer_only_when_the_learner_shares(client: Client, world: World) -> None:
    credential = issue(world)
    url = json.loads(credential.signed_json)["evidence"][0]["id"]
    path = url.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 403
    with pytest.raises(NotAllowed):
        credential_set_sharing(actor=world.assessor, credential_id=credential.pk,
                               evidence_public=True, on_public_profile=False)
    client.force_login(world.learner)
    client.post(reverse("issuance:sharing", args=[credential.public_id]),
                {"evidence_public": "on"})
    client.logout()
    assert client.get(path).status_code == 200
    page = client.get(reverse("issuance:credential", args=[credential.public_id])).content
    assert path.encode() in page


@pytest.mark.django_db
def test_a_worker_dying_midway_leaves_nothing_and_the_retry_issues_once(
    world: World, monkeypatch: pytest.MonkeyPatch, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt)
    assert not credential.is_issued

    def die(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise SystemExit("worker killed while building")

    monkeypatch.setattr(services, "micro_credential_document", die)
    with pytest.raises(SystemExit):
        credential_sign(credential_id=credential.pk)
    assert not StatusEntry.objects.filter(credential=credential).exists()
    monkeypatch.undo()
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    first = credential_sign(credential_id=credential.pk)
    again = credential_sign(credential_id=credential.pk)
    assert first.is_issued and again.signed_json == first.signed_json
    assert StatusEntry.objects.filter(credential=credential).count() == 1  # one "message" entry
    attempt.refresh_from_db()
    assert credential_request_issue(actor=SYSTEM, attempt=attempt) == first
    assert Credential.objects.filter(attempt=attempt).count() == 1


@pytest.mark.django_db
def test_key_rotation_keeps_earlier_credentials_verifying(world: World) -> None:
    admin = user("Admin")
    membership_grant(actor=SYSTEM, organization=world.org, user=admin, role=Role.ADMIN)
    before = issue(world)
    with pytest.raises(NotAllowed):
        issuer_key_rotate(actor=world.learner, organization=world.org)
    new_key = issuer_key_rotate(actor=admin, organization=world.org)
    assert IssuerKey.objects.filter(organization=world.org).count() == 2
    assert IssuerKey.objects.get(organization=world.org, active=True) == new_key
    after = issue(world, learner=user("Second"))
    assert after.issuer_key == new_key and before.issuer_key != new_key
    assert credential_verify(data=before.signed_json).verdict == "passed"
    assert credential_verify(data=after.signed_json).verdict == "passed"
    # The old key still signs its own status lists: revoking an old credential works.
    services.credential_revoke(actor=admin, credential_id=before.pk, reason="Test")
    assert credential_verify(data=before.signed_json).check("status").outcome == "failed"
    assert credential_verify(data=after.signed_json).verdict == "passed"


@pytest.mark.django_db
@override_settings(ISSUER_DID_METHOD="web", PUBLIC_URL="https://badges.example.org",
                   PUBLIC_HOST="badges.example.org")
def test_key_rotation_under_did_web_keeps_old_keys_in_the_document(world: World) -> None:
    admin = user("Admin")
    membership_grant(actor=SYSTEM, organization=world.org, user=admin, role=Role.ADMIN)
    before = issue(world)
    issuer_key_rotate(actor=admin, organization=world.org)
    after = issue(world, learner=user("Second"))
    methods = {m["id"] for m in did_web_document()["verificationMethod"]}
    assert json.loads(before.signed_json)["proof"]["verificationMethod"] in methods
    assert json.loads(after.signed_json)["proof"]["verificationMethod"] in methods
    assert credential_verify(data=before.signed_json).verdict == "passed"
    assert credential_verify(data=after.signed_json).verdict == "passed"


def _mark_passed(attempt: Attempt) -> None:
    """As the assessment would, without enqueuing the credential."""
    from django.utils import timezone

    fields = {"status": Attempt.Status.PASSED}
    if any(f.name == "decided_at" for f in Attempt._meta.get_fields()):
        fields["decided_at"] = timezone.now()
    Attempt.objects.filter(pk=attempt.pk).update(**fields)


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: run with MICROCRED_TEST_DATABASE=postgres")


def _race(target, n: int = 2) -> list[object]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(n)
    results: list[object] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issuers_make_one_credential() -> None:
    """Two processes asked to issue for the same passed attempt at the same instant."""
    _postgres_only()
    world = World()
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    attempt = Attempt.objects.get(pk=attempt.pk)
    original = Credential.objects.get(attempt=attempt)
    # Both issuers race to request and to sign.
    results = _race(lambda: credential_request_issue(actor=SYSTEM, attempt=attempt).pk)
    assert results == [original.pk, original.pk]
    signed = _race(lambda: credential_sign(credential_id=original.pk).signed_json)
    assert len(set(signed)) == 1 and all(isinstance(s, str) for s in signed)
    assert Credential.objects.filter(attempt=attempt).count() == 1
    assert StatusEntry.objects.filter(credential=original).count() == 1  # one "message" entry


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fresh_attempt_raced_by_two_requests_makes_one_credential(settings) -> None:  # type: ignore[no-untyped-def]
    """No credential yet: two requests insert at once; the constraint and retry keep one."""
    _postgres_only()
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    world = World()
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    _mark_passed(attempt)
    attempt = Attempt.objects.select_related("micro_credential").get(pk=attempt.pk)
    results = _race(lambda: credential_request_issue(actor=SYSTEM, attempt=attempt).pk)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
    assert Credential.objects.filter(attempt=attempt).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_signers_never_share_a_status_index() -> None:
    _postgres_only()
    world = World()
    credentials = []
    for _ in range(4):
        learner = user("Racer")
        attempt = submitted_attempt(learner=learner, mc=world.mc)
        _mark_passed(attempt)
        credentials.append(Credential.objects.create(
            attempt=attempt, learner=learner, micro_credential=world.mc,
            organization=world.org))
    queue = list(credentials)
    lock = threading.Lock()

    def sign_next() -> int:
        with lock:
            c = queue.pop()
        return credential_sign(credential_id=c.pk).pk

    results = _race(sign_next, n=4)
    assert all(isinstance(r, int) for r in results), results
    indexes = list(StatusEntry.objects.filter(purpose="message").values_list("index",
                                                                           flat=True))
    assert len(indexes) == len(set(indexes)) == 4
