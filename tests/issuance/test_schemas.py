"""What we issue and serve against 1EdTech's published JSON schemas (OB 3.0, CLR 2.0).

The schemas live beside the project (``../shared/testdata/1edtech-schemas``, never copied in);
each test skips, saying why, when they or ``jsonschema`` are absent. They are draft 2019-09
(their ``$schema``), validated with a FormatChecker as their README says.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from microcred.issuance.models import Credential, StatusList
from microcred.issuance.services import credential_revoke, credential_suspend
from microcred.issuance.status_lists import platform_status_list
from microcred.vc import openbadges as ob
from tests.factories import World, pass_attempt, reviewer_of, submitted_attempt

jsonschema = pytest.importorskip(
    "jsonschema", reason="validating against 1EdTech's schemas needs jsonschema (test extra)")

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "1edtech-schemas"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"


def problems(schema_file: str, document: Any) -> list[str]:
    """Every place ``document`` breaks the schema, as "path: message" (empty when valid)."""
    path = SCHEMAS / schema_file
    if not path.is_file():
        pytest.skip(f"1EdTech's schema {schema_file} is not in {SCHEMAS}")
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/draft/2019-09/")
    validator = jsonschema.Draft201909Validator(
        schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}"
            for e in validator.iter_errors(document)]


def issue(world: World, learner: Any = None) -> Credential:
    attempt = submitted_attempt(learner=learner or world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt, renews=None)


def test_an_issued_credential_and_its_status_list_are_schema_valid(world: World) -> None:
    credential = issue(world)
    document = json.loads(credential.signed_json)
    assert problems("ob_v3p0_achievementcredential_schema.json", document) == []
    # The same after a suspension and a revocation: the signed text never changes, but the
    # status list it points to does, and that list is a credential of its own.
    admin = reviewer_of(world.org)
    credential_suspend(actor=admin, credential_id=credential.pk, reason="Under review")
    credential_revoke(actor=admin, credential_id=credential.pk, reason="Mistake")
    status_list = platform_status_list(document["credentialStatus"]["statusListCredential"])
    assert status_list is not None
    # OB 3.0 has no schema for a BitstringStatusListCredential: what applies is the VC shape
    # (the checker's VC 2.0 rules for a plain credential) and the VerifiableCredential parts of
    # the OB schema (id, issuer, validFrom, proof), checked by putting the list's envelope
    # around an AchievementSubject.
    assert ob.validate(status_list) == []
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["credentialSubject"]["statusPurpose"] == "message"
    vc_shape = {k: v for k, v in status_list.items() if k != "credentialSubject"}
    schema_problems = problems("ob_v3p0_achievementcredential_schema.json", {
        **vc_shape,
        "type": ["VerifiableCredential", "AchievementCredential"],
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": document[
            "credentialSubject"]["achievement"]},
    })
    # The list's @context is VC 2.0 alone (it uses no OB term), which the OB schema's
    # "contains the OB context" rule is not about.
    assert [p for p in schema_problems if not p.startswith("@context")] == []


def test_a_bulk_credential_and_a_stack_credential_are_schema_valid(db: None) -> None:
    from microcred.accounts.models import User
    from microcred.issuance.bulk import bulk_issuance_create, bulk_issuance_run
    from tests.catalog.test_stacks import StackWorld

    sw = StackWorld(count=2)
    stack = sw.stack()
    sw.earn(sw.mcs[0])
    User.objects.create_user("other@example.test", "pw", display_name="Other")
    raw = io.BytesIO(b"email,name,awarded_date,evidence_url,note\n"
                     + f"{sw.learner.email},,,,\n".encode()
                     + b"other@example.test,,2026-01-15,https://portfolio.example.test/1,Good\n")
    job = bulk_issuance_create(actor=sw.admin, micro_credential=sw.mcs[1], csv_file=raw)
    bulk_issuance_run(job_id=job.pk)
    bulk = list(Credential.objects.filter(bulk_job=job))
    assert len(bulk) == 2
    for credential in bulk:
        document = json.loads(credential.signed_json)
        assert isinstance(document["credentialStatus"], dict)
        assert problems("ob_v3p0_achievementcredential_schema.json", document) == []
    stacked = Credential.objects.get(stack=stack, learner=sw.learner)
    assert stacked.is_issued
    assert problems("ob_v3p0_achievementcredential_schema.json",
                    json.loads(stacked.signed_json)) == []


def test_a_transcript_and_every_credential_in_it_are_schema_valid(world: World) -> None:
    issue(world)
    client = Client()
    client.force_login(world.learner)
    response = client.get(reverse("issuance:transcript", args=[world.org.slug]))
    assert response.status_code == 200
    clr = json.loads(response.content)
    assert problems("clr_v2p0_clrcredential_schema.json", clr) == []
    embedded = clr["credentialSubject"]["verifiableCredential"]
    assert embedded
    for credential in embedded:
        assert problems("ob_v3p0_achievementcredential_schema.json", credential) == []


def _token(owner: Any, scopes: str) -> dict[str, str]:
    from oauth2_provider.models import AccessToken, Application

    app = Application.objects.create(
        name="Wallet", user=owner, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://wallet.example/callback")
    value = f"schema-token-{owner.pk}"
    AccessToken.objects.create(user=owner, application=app, token=value, scope=scopes,
                               expires=timezone.now() + timedelta(hours=1))
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def test_the_ob_api_responses_are_schema_valid(world: World) -> None:
    issue(world)
    headers = _token(world.learner, f"{OB}credential.readonly {OB}profile.readonly")
    client = Client()
    listing = client.get("/ims/ob/v3p0/credentials", **headers)
    assert listing.status_code == 200
    body = json.loads(listing.content)
    assert len(body["credential"]) == 1
    assert problems("ob_v3p0_getopenbadgecredentialsresponse_schema.json", body) == []
    profile = client.get("/ims/ob/v3p0/profile", **headers)
    assert profile.status_code == 200
    assert problems("ob_v3p0_profile_schema.json", json.loads(profile.content)) == []
    # Errors: a bad query, no token, a method the path does not have.
    bad_query = client.get("/ims/ob/v3p0/credentials?limit=0", **headers)
    no_token = client.get("/ims/ob/v3p0/credentials")
    wrong_method = client.delete("/ims/ob/v3p0/profile", **headers)
    for response, status in ((bad_query, 400), (no_token, 401), (wrong_method, 405)):
        assert response.status_code == status
        assert problems("ob_v3p0_imsx_statusinfo_schema.json", json.loads(response.content)) == []


def test_old_two_entry_credentials_still_show_revocation(world: World) -> None:
    """A credential signed before the single entry (a revocation and a suspension entry, an
    array) still verifies, and still shows suspension and revocation."""
    from microcred.issuance.documents import micro_credential_document
    from microcred.issuance.issuer_keys import issuer_sign
    from microcred.issuance.models import StatusEntry
    from microcred.issuance.status_lists import credential_status_document, status_entries_allocate
    from microcred.verification.services import credential_verify

    credential = issue(world)
    issuer_key = credential.issuer_key
    assert issuer_key is not None
    with transaction.atomic():  # what the signer did before: two single-purpose entries
        StatusEntry.objects.filter(credential=credential).delete()
        entries = status_entries_allocate(credential=credential, issuer_key=issuer_key,
                                          purposes=("revocation", "suspension"))
        status = credential_status_document(entries)
        document = micro_credential_document(credential, issuer_key=issuer_key, status=status,
                                             issued=credential.issued_at, valid_until=None)
        signed = issuer_sign(document, key=issuer_key)
        Credential.objects.filter(pk=credential.pk).update(signed_json=json.dumps(signed))
    credential.refresh_from_db()
    assert [e["statusPurpose"] for e in signed["credentialStatus"]] == ["revocation",
                                                                        "suspension"]
    assert credential_verify(data=credential.signed_json).verdict == "passed"
    admin = reviewer_of(world.org)
    credential_suspend(actor=admin, credential_id=credential.pk, reason="Review")
    report = credential_verify(data=credential.signed_json)
    assert report.check("status").outcome == "failed"
    assert "suspended" in report.check("status").message
    credential_revoke(actor=admin, credential_id=credential.pk, reason="Mistake")
    report = credential_verify(data=credential.signed_json)
    assert report.check("status").outcome == "failed"
    assert "revoked" in report.check("status").message
    lists = StatusList.objects.filter(purpose__in=["revocation", "suspension"])
    assert lists.count() == 2
