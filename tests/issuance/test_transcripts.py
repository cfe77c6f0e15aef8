"""The learner's CLR 2.0 transcript: every credential they hold from an organization, signed."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from microcred.actors import SYSTEM
from microcred.issuance.models import Credential
from microcred.issuance.services import credential_revoke
from microcred.vc import openbadges as ob
from microcred.verification.services import credential_verify
from tests.factories import World, micro_credential, pass_attempt, reviewer_of, submitted_attempt

pytestmark = pytest.mark.django_db


def _earn(world: World, mc) -> Credential:  # type: ignore[no-untyped-def]
    from microcred.assessment.services import pool_member_add

    pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=world.assessor)
    attempt = submitted_attempt(learner=world.learner, mc=mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt)


def test_a_transcript_holds_every_credential_signed_and_verifiable(world: World) -> None:
    first = _earn(world, world.mc)
    second = _earn(world, micro_credential(org=world.org, author=world.author))
    client = Client()
    client.force_login(world.learner)
    page = client.get(reverse("learner:my_credentials")).content.decode()
    url = reverse("issuance:transcript", args=[world.org.slug])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    clr = json.loads(response.content)
    assert "ClrCredential" in clr["type"]
    assert ob.validate(clr) == []
    embedded = clr["credentialSubject"]["verifiableCredential"]
    # Embedded exactly as signed: each keeps its own proof.
    assert embedded == [json.loads(first.signed_json), json.loads(second.signed_json)]
    assert world.learner.email not in response.content.decode()  # hashed identity only
    report = credential_verify(data=response.content)
    assert report.verdict == "passed", report.as_dict()
    # A revoked credential leaves the transcript.
    credential_revoke(actor=reviewer_of(world.org), credential_id=first.pk, reason="Mistake")
    again = json.loads(client.get(url).content)
    assert again["credentialSubject"]["verifiableCredential"] == [json.loads(second.signed_json)]


def test_only_the_learner_and_only_what_they_hold(world: World) -> None:
    _earn(world, world.mc)
    url = reverse("issuance:transcript", args=[world.org.slug])
    assert Client().get(url).status_code == 302  # sign in first
    from tests.factories import user
    other = Client()
    other.force_login(user("Someone"))
    assert other.get(url).status_code == 404  # they hold nothing from this organization
