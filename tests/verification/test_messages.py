"""The verifier's sentences in the reader's language: every sentence the credential core can
write is marked for the catalog where the core writes it, has Spanish, and the verify page speaks
Spanish to a Spanish browser."""

from __future__ import annotations

import json
import re

import polib
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from microcred.issuance.models import Credential
from microcred.vc.verifier import MESSAGES, SEVERAL, Check, Report
from microcred.web.verifier_messages import CHECK_NAMES, check_message, summary_message
from tests import i18n_catalog
from tests.factories import World, pass_attempt, submitted_attempt


def test_every_core_sentence_is_extracted_from_the_core() -> None:
    """Each template is marked ``N_`` at its one definition, in the core (not copied into the
    platform), so the catalog picks it up from ``microcred/vc``."""
    found = i18n_catalog.extract()
    missing = [code for code, text in MESSAGES.items() if ("", text) not in found]
    assert not missing, "core sentences not marked N_ in microcred.vc.verifier: " + str(missing)
    for text in MESSAGES.values():
        assert any(w.startswith("microcred/vc/") for w in found[("", text)][1]), text


def test_only_the_marker_is_extracted_from_the_core() -> None:
    in_core = {key for key, (_m, where) in i18n_catalog.extract().items()
               if any(w.startswith("microcred/vc/") for w in where)}
    assert in_core == {("", text) for text in MESSAGES.values()}


def test_every_core_sentence_has_spanish() -> None:
    po = polib.pofile(str(i18n_catalog.po_path("es")))
    translated = {(e.msgctxt or "", e.msgid) for e in po.translated_entries() if not e.obsolete}
    ids = [("", text) for text in MESSAGES.values()]
    ids += [("verification check, in a sentence", name) for name in CHECK_NAMES]
    assert not [i for i in ids if i not in translated]


def test_a_check_renders_in_spanish_with_english_detail_marked() -> None:
    check = Check.of("proof", "failed", "proof.invalid", reason="the proof has no <proofValue>")
    with translation.override("es"):
        html = check_message(check)
    assert html == ('La firma no es válida: <span lang="en">the proof has no '
                    '&lt;proofValue&gt;</span>.')


def test_identifiers_are_escaped_not_marked() -> None:
    check = Check.of("issuer", "passed", "issuer.valid", issuer="did:web:a.example<b>")
    with translation.override("es"):
        assert check_message(check) == "La firmó su emisor, did:web:a.example&lt;b&gt;."


def test_an_unknown_code_falls_back_to_the_english_message() -> None:
    with translation.override("es"):
        assert check_message(Check("proof", "failed", "Made by <hand>.")) == (
            '<span lang="en">Made by &lt;hand&gt;.</span>')
        assert check_message(Check("proof", "failed", "New.", code="proof.newer")) == (
            '<span lang="en">New.</span>')


def test_several_findings_render_each_in_spanish() -> None:
    parts = (Check.of("status", "passed", "status.not_revoked"),
             Check.of("status", "passed", "status.not_suspended"))
    check = Check("status", "passed", " ".join(p.message for p in parts), code=SEVERAL,
                  parts=parts)
    with translation.override("es"):
        assert check_message(check) == (
            "La credencial no ha sido revocada. La credencial no está suspendida.")


def test_the_summary_in_spanish_names_the_checks_in_spanish() -> None:
    report = Report(checks=[Check.of("proof", "failed", "proof.missing"),
                            Check.of("issuer", "failed", "issuer.missing")])
    assert report.summary == "Not verified: the proof, issuer checks failed."
    with translation.override("es"):
        assert summary_message(report) == (
            "No verificada: fallaron las comprobaciones de firma, emisor.")
    with translation.override("en"):
        assert summary_message(report) == report.summary


def test_a_summary_with_a_count_translates_with_the_cores_count() -> None:
    """A malformed credential's summary (and a verified one's with conformance problems) has
    ``count``, not ``checks``: it is filled from the report's own params."""
    problem = {"path": "$", "message": "is required (VC Data Model 2.0 §Contexts)"}
    malformed = Report(checks=[Check.of("proof", "passed", "proof.valid"),
                               Check("schema", "failed", "x",
                                     details={"problems": [{**problem, "malformed": True}],
                                              "malformed": True})])
    assert malformed.summary_code == "summary.malformed"
    with translation.override("es"):
        assert summary_message(malformed) == (
            "No verificada: no es una credencial verificable bien formada (problemas con el "
            "modelo de datos VC: 1).")
    nonconformant = Report(checks=[Check.of("proof", "passed", "proof.valid"),
                                   Check("schema", "failed", "x",
                                         details={"problems": [problem, problem]})])
    assert nonconformant.summary_code == "summary.verified_nonconformant"
    with translation.override("en"):
        assert summary_message(nonconformant) == nonconformant.summary


def _report(html: str) -> str:
    found = re.search(r'<section aria-labelledby="report-title".*?</section>', html, re.S)
    assert found, "no report on the page"
    return found.group(0)


@pytest.fixture
def credential(world: World) -> Credential:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt)


@pytest.mark.django_db
def test_the_verify_page_explains_a_tampered_credential_in_spanish(credential: Credential) -> None:
    doc = json.loads(credential.signed_json)
    doc["credentialSubject"]["achievement"]["name"] = "Otra cosa"
    client = Client(headers={"accept-language": "es"})
    html = client.post(reverse("verification:verify"),
                       {"credential_text": json.dumps(doc)}).content.decode()
    assert '<html lang="es">' in html
    assert ("La firma no corresponde al documento: se modificó después de firmarlo o se firmó "
            "con otra clave.") in html
    assert "pero sin una firma válida no se puede confirmar" in html
    assert 'lang="en"' not in _report(html)
    assert "changed after signing" not in html


@pytest.mark.django_db
def test_the_public_credential_page_reports_in_spanish(credential: Credential) -> None:
    url = reverse("issuance:credential", args=[credential.public_id])
    html = Client(headers={"accept-language": "es"}).get(url).content.decode()
    assert "La firma es válida." in html
    # One status entry says revoked or suspended (issuance.status_lists).
    assert ("La lista de estado del emisor dice que la credencial es válida: no ha sido "
            "revocada ni suspendida.") in html
    assert 'lang="en"' not in _report(html)
