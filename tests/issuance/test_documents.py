"""One builder for every credential (``issuance.documents``): a credential earned one at a time, a
bulk row and a stack credential are each exactly what ``documents.credential_document`` makes of
their parts, byte for byte, so the three paths produce documents of one shape."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from microcred.issuance.bulk import bulk_issuance_create, bulk_issuance_run
from microcred.issuance.documents import (
    CredentialTemplate,
    credential_document,
    credential_template,
)
from microcred.issuance.models import Credential, ValidityPeriod
from microcred.issuance.stack_credentials import stack_credential_template
from tests.catalog.test_stacks import StackWorld

pytestmark = pytest.mark.django_db


def _unsigned(credential: Credential) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(credential.signed_json)
    del document["proof"]
    return document


def _rebuilt(credential: Credential, template: CredentialTemplate) -> dict[str, Any]:
    """The credential built again by the one builder, from its template and its own parts as
    it states them (its recipient's salted hash cannot be drawn twice)."""
    stored = _unsigned(credential)
    subject = stored["credentialSubject"]
    assert credential.issued_at is not None
    return credential_document(
        template=template, public_id=credential.public_id,
        recipient={k: subject[k] for k in ("id", "identifier") if k in subject},
        status=stored["credentialStatus"], issued=credential.issued_at,
        valid_until=credential.valid_until, awarded=stored["awardedDate"],
        evidence=stored.get("evidence"))


def _micro_credential_template(credential: Credential) -> CredentialTemplate:
    mc = credential.micro_credential
    assert mc is not None and credential.issuer_key is not None
    return credential_template(micro_credential=mc, organization=credential.organization,
                               issuer_key=credential.issuer_key,
                               language=credential.learner.language or mc.language)


def _same_bytes(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return json.dumps(a, ensure_ascii=False, indent=2) == json.dumps(b, ensure_ascii=False,
                                                                      indent=2)


def test_single_bulk_and_stack_credentials_come_from_one_builder() -> None:
    sw = StackWorld()
    ValidityPeriod.objects.create(micro_credential=sw.mcs[0], valid_for_days=365)
    stack = sw.stack()
    single = [sw.earn(mc) for mc in sw.mcs]
    stack_credential = Credential.objects.get(stack=stack, learner=sw.learner)
    job = bulk_issuance_create(actor=sw.admin, micro_credential=sw.mcs[0], csv_file=io.BytesIO(
        b"email,name,awarded_date,evidence_url,note\n"
        b"plain@example.test,Plain,,,\n"
        b"full@example.test,Full,2024-05-01,https://example.org/work,Built a rubric\n"))
    bulk_issuance_run(job_id=job.pk)
    bulk = list(Credential.objects.filter(bulk_job=job).order_by("bulk_row"))
    assert len(bulk) == 2 and all(c.is_issued for c in [*single, *bulk, stack_credential])

    for credential in [*single, *bulk]:
        assert _same_bytes(_rebuilt(credential, _micro_credential_template(credential)),
                           _unsigned(credential)), credential
    assert stack_credential.issuer_key is not None
    stack_template = stack_credential_template(stack=stack, organization=sw.org,
                                               issuer_key=stack_credential.issuer_key)
    assert _same_bytes(_rebuilt(stack_credential, stack_template), _unsigned(stack_credential))

    # One shape: the same properties in the same order (a part a credential lacks, such as
    # evidence or validUntil, is left out, never moved), one issuer profile, one subject shape.
    documents = [_unsigned(c) for c in (single[0], bulk[0], bulk[1], stack_credential)]
    order = ["@context", "id", "type", "name", "issuer", "validFrom", "validUntil",
             "awardedDate", "credentialSubject", "evidence", "credentialStatus"]
    for document in documents:
        assert [k for k in order if k in document] == list(document)
        assert document["issuer"] == documents[0]["issuer"]
        assert list(document["credentialSubject"])[-2:] in (
            ["achievement", "result"], ["identifier", "achievement"])
    assert "validUntil" in documents[0] and "validUntil" in documents[1]
    assert documents[2]["awardedDate"] == "2024-05-01T00:00:00Z"
    assert documents[2]["evidence"][0]["narrative"] == "Built a rubric"
