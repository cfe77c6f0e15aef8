"""A micro-credential in several languages: authored, shown to readers in theirs, and issued
in the learner's."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from microcred.actors import SYSTEM
from microcred.catalog.languages import micro_credential_text
from microcred.catalog.models import MicroCredential
from microcred.catalog.services import (
    CriterionSpec,
    micro_credential_publish,
    micro_credential_translate,
)
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from microcred.issuance.models import Credential
from tests.factories import (
    World,
    micro_credential,
    pass_attempt,
    reviewer_of,
    submitted_attempt,
)

pytestmark = pytest.mark.django_db


def _spanish(mc: MicroCredential, actor: object) -> MicroCredential:
    return micro_credential_translate(
        actor=actor, micro_credential_id=mc.pk, language="es",
        title="Comprobar la comprensión", competency="Usa comprobaciones para ajustar.",
        key_method="Tres comprobaciones en momentos de decisión.",
        prompts={p.position: f"Consigna {p.position}" for p in mc.prompts.all()},
        criteria={c.position: CriterionSpec(f"Criterio {c.position}", "Así es Logrado.",
                                            "Así es Todavía no.")
                  for c in mc.criteria.all()},
    )


def _translated_draft(world: World) -> MicroCredential:
    mc = micro_credential(org=world.org, author=world.author, publish=False)
    return _spanish(mc, world.author)


def test_the_author_translates_every_part(world: World) -> None:
    mc = _translated_draft(world)
    text = micro_credential_text(mc, "es")
    assert text.language == "es" and text.title == "Comprobar la comprensión"
    assert [c.name for c in text.criteria] == ["Criterio 1", "Criterio 2"]
    # A language nobody translated into falls back to the author's, and says so.
    assert micro_credential_text(mc, "fr").language == "en"
    assert micro_credential_text(mc, "es-MX").language == "es"


def test_translation_must_be_complete_by_an_author_and_before_publishing(world: World) -> None:
    mc = micro_credential(org=world.org, author=world.author, publish=False)
    with pytest.raises(ValidationFailed) as exc:
        micro_credential_translate(actor=world.author, micro_credential_id=mc.pk,
                                   language="es", title="T", competency="C", key_method="K",
                                   prompts={}, criteria={})
    assert set(exc.value.problems) == {"prompts", "criteria"}
    with pytest.raises(ValidationFailed):
        _spanish_in(mc, world.author, "en")  # its own language
    with pytest.raises(NotAllowed):
        _spanish(mc, world.learner)
    with pytest.raises(InvalidState):
        _spanish(world.mc, world.author)  # published: frozen


def _spanish_in(mc: MicroCredential, actor: object, language: str) -> MicroCredential:
    return micro_credential_translate(
        actor=actor, micro_credential_id=mc.pk, language=language, title="T", competency="C",
        key_method="K", prompts={p.position: "P" for p in mc.prompts.all()},
        criteria={c.position: CriterionSpec("N", "P", "N") for c in mc.criteria.all()})


def test_readers_see_it_in_their_language_marked_with_it(world: World) -> None:
    mc = _translated_draft(world)
    micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=mc.pk)
    url = reverse("learner:micro_credential", args=[mc.slug])
    spanish = Client(headers={"accept-language": "es"}).get(url).content.decode()
    assert 'lang="es">Comprobar la comprensión</h1>' in spanish
    assert "Criterio 1" in spanish and "Consigna 1" in spanish
    english = Client(headers={"accept-language": "en"}).get(url).content.decode()
    assert f'lang="en">{mc.title}</h1>' in english


def test_the_credential_is_issued_in_the_learners_language(world: World) -> None:
    mc = micro_credential_publish(actor=reviewer_of(world.org),
                                  micro_credential_id=_translated_draft(world).pk)
    from microcred.assessment.services import pool_member_add
    pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=world.assessor)
    world.learner.language = "es"
    world.learner.save(update_fields=["language"])
    attempt = submitted_attempt(learner=world.learner, mc=mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt)
    achievement = json.loads(credential.signed_json)["credentialSubject"]["achievement"]
    assert achievement["name"] == "Comprobar la comprensión"
    assert achievement["description"] == "Usa comprobaciones para ajustar."
    assert achievement["inLanguage"] == "es"
    assert [r["name"] for r in achievement["resultDescription"]] == ["Criterio 1", "Criterio 2"]


def test_without_a_preference_it_is_issued_in_the_authors_language(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    document = json.loads(Credential.objects.get(attempt=attempt).signed_json)
    assert document["credentialSubject"]["achievement"]["inLanguage"] == "en"
    assert document["credentialSubject"]["achievement"]["name"] == world.mc.title


def test_the_author_translates_through_the_form(world: World) -> None:
    mc = micro_credential(org=world.org, author=world.author, publish=False)
    client = Client()
    client.force_login(world.author)
    detail = client.get(reverse("catalog:author_detail", args=[mc.public_id])).content.decode()
    url = reverse("catalog:author_translate", args=[mc.public_id, "es"])
    assert url in detail
    data = {"title": "Título", "competency": "Competencia", "key_method": "Método"}
    data |= {f"prompt_{p.position}": "Consigna" for p in mc.prompts.all()}
    for c in mc.criteria.all():
        data |= {f"criterion_{c.position}_name": "Nombre",
                 f"criterion_{c.position}_pass": "Logrado",
                 f"criterion_{c.position}_not_yet": "Todavía no"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert micro_credential_text(mc, "es").title == "Título"
    assert client.get(reverse("catalog:author_translate", args=[mc.public_id, "en"])
                      ).status_code == 404
