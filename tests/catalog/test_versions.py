"""Versions: a published micro-credential is frozen; a new version carries its settings
forward, supersedes the old one on publishing, and everything already started or issued keeps
pointing at the version it used."""

import dataclasses
import json

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from microcred.actors import SYSTEM
from microcred.assessment.models import PoolMember
from microcred.catalog.models import MicroCredential
from microcred.catalog.services import (
    micro_credential_new_version,
    micro_credential_publish,
    micro_credential_retire,
    micro_credential_spec,
    micro_credential_write,
)
from microcred.catalog.versions import current_version
from microcred.earning.services import attempt_limit_set, attempt_start, policy_for
from microcred.errors import InvalidState
from microcred.issuance.models import Credential, ValidityPeriod
from microcred.verification.services import credential_verify
from tests.factories import World, pass_attempt, reviewer_of, submitted_attempt

pytestmark = pytest.mark.django_db


def _second_version(world: World, *, title: str = "Checking for Understanding, revised"
                    ) -> MicroCredential:
    draft = micro_credential_new_version(actor=world.author, micro_credential_id=world.mc.pk)
    spec = dataclasses.replace(micro_credential_spec(draft), title=title)
    micro_credential_write(actor=world.author, organization=world.org, spec=spec,
                           micro_credential_id=draft.pk)
    return micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=draft.pk)


def test_a_published_version_is_frozen(world: World) -> None:
    spec = micro_credential_spec(world.mc)
    with pytest.raises(InvalidState):
        micro_credential_write(actor=world.author, organization=world.org, spec=spec,
                               micro_credential_id=world.mc.pk)


def test_a_new_version_copies_everything_and_carries_settings_forward(world: World) -> None:
    ValidityPeriod.objects.create(micro_credential=world.mc, valid_for_days=365)
    attempt_limit_set(actor=SYSTEM, micro_credential=world.mc, attempt_limit=5)
    draft = micro_credential_new_version(actor=world.author, micro_credential_id=world.mc.pk)
    assert (draft.version, draft.lineage, draft.slug) == (2, world.mc.lineage, world.mc.slug)
    assert draft.status == MicroCredential.Status.DRAFT
    assert micro_credential_spec(draft) == micro_credential_spec(world.mc)
    with pytest.raises(InvalidState):  # one version in the works at a time
        micro_credential_new_version(actor=world.author, micro_credential_id=world.mc.pk)
    v2 = micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=draft.pk)
    world.mc.refresh_from_db()
    assert world.mc.status == MicroCredential.Status.SUPERSEDED
    assert current_version(world.mc.slug) == v2
    member = PoolMember.objects.get(micro_credential=v2, assessor=world.assessor)
    assert member.status == PoolMember.Status.QUALIFIED
    assert ValidityPeriod.objects.get(micro_credential=v2).valid_for_days == 365
    assert policy_for(micro_credential=v2).attempt_limit == 5


def test_attempts_and_credentials_keep_the_version_they_used(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    v2 = _second_version(world)
    pass_attempt(assessor=world.assessor, attempt=attempt)  # scored after v2 went live
    credential = Credential.objects.get(attempt=attempt)
    achievement = json.loads(credential.signed_json)["credentialSubject"]["achievement"]
    assert achievement["version"] == "1"
    assert achievement["id"].endswith("#achievement-v1")
    assert achievement["name"] == world.mc.title
    assert credential_verify(data=credential.signed_json).verdict == "passed"
    # A new attempt starts on the live version.
    from tests.factories import user
    newcomer = user("Learner")
    assert attempt_start(learner=newcomer, micro_credential=v2).micro_credential_id == v2.pk
    with pytest.raises(InvalidState):
        attempt_start(learner=newcomer, micro_credential=world.mc)


def test_the_catalog_and_badge_urls_follow_versions(world: World, client: Client) -> None:
    v2 = _second_version(world, title="A Clearer Title")
    html = client.get(f"/catalog/{world.mc.slug}/").content.decode()
    assert "A Clearer Title" in html
    for url in (f"/badges/{world.mc.slug}.png", f"/badges/{world.mc.slug}/v1.png",
                f"/badges/{world.mc.slug}/v2.png"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.startswith(b"\x89PNG")
    assert client.get(f"/badges/{world.mc.slug}/v3.png").status_code == 404
    assert v2.previous_version_id == world.mc.pk


def test_retiring_keeps_issued_credentials_valid(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    micro_credential_retire(actor=reviewer_of(world.org), micro_credential_id=world.mc.pk)
    credential = Credential.objects.get(attempt=attempt)
    assert credential_verify(data=credential.signed_json).verdict == "passed"
    from tests.factories import user
    with pytest.raises(InvalidState):
        attempt_start(learner=user("Learner"), micro_credential=world.mc)
    # A retired micro-credential can come back as a new version.
    draft = micro_credential_new_version(actor=world.author, micro_credential_id=world.mc.pk)
    assert draft.version == 2


def test_the_database_refuses_two_live_versions(world: World) -> None:
    draft = micro_credential_new_version(actor=world.author, micro_credential_id=world.mc.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        MicroCredential.objects.filter(pk=draft.pk).update(status="published",
                                                           published_at=world.mc.published_at)


def test_the_badge_follows_the_authors_upload_and_colours(world: World, client: Client) -> None:
    import io

    from PIL import Image

    from microcred.catalog.services import micro_credential_badge_set
    from microcred.issuance import sharing

    draft = micro_credential_new_version(actor=world.author, micro_credential_id=world.mc.pk)
    png = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 200, 30)).save(png, format="PNG")
    from django.core.files.uploadedfile import SimpleUploadedFile
    micro_credential_badge_set(actor=world.author, micro_credential_id=draft.pk,
                               upload=SimpleUploadedFile("b.png", png.getvalue()))
    assert client.get(f"/badges/{draft.slug}/v2.png").status_code == 404  # still a draft
    v2 = micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=draft.pk)
    served = client.get(f"/badges/{v2.slug}/v2.png").content
    assert Image.open(io.BytesIO(served)).getpixel((5, 5))[:3] == (10, 200, 30)
    svg = client.get(f"/badges/{v2.slug}/v2.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"data:image/png;base64," in svg.content
    # Without an upload, the generated badge uses the author's colour.
    world.mc.refresh_from_db()
    assert world.mc.badge_colour.encode() in sharing.badge_svg(world.mc)
