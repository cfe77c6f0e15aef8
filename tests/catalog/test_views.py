import pytest
from django.test import Client
from django.urls import reverse

from microcred.catalog.models import MicroCredential
from tests.factories import World, organization, user

pytestmark = pytest.mark.django_db


def test_catalog_shows_rubric_to_anonymous_visitors(client: Client, world: World) -> None:
    response = client.get(reverse("learner:micro_credential", args=[world.mc.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Planned checks" in html and "Three checks at decision points." in html
    assert html.count("<h1") == 1


def test_author_creates_and_publishes_through_the_forms(client: Client) -> None:
    author = user()
    org = organization(author=author, admin=author)
    client.force_login(author)
    data = {
        "organization": org.pk, "title": "Feedback That Moves Learning Forward",
        "competency": "Gives task-focused feedback.", "key_method": "Success criteria.",
        "prompts-TOTAL_FORMS": "4", "prompts-INITIAL_FORMS": "0",
        "prompts-MIN_NUM_FORMS": "1", "prompts-MAX_NUM_FORMS": "10",
        "prompts-0-kind": "text", "prompts-0-prompt": "Explain.", "prompts-0-required": "on",
        "prompts-1-kind": "file", "prompts-1-prompt": "Upload.", "prompts-1-required": "on",
        "prompts-2-kind": "text", "prompts-2-required": "on",
        "prompts-3-kind": "text", "prompts-3-required": "on",
        "criteria-TOTAL_FORMS": "5", "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1", "criteria-MAX_NUM_FORMS": "12",
        "criteria-0-name": "Tied to criteria", "criteria-0-pass_descriptor": "Every comment.",
        "criteria-0-not_yet_descriptor": "General praise.",
    }
    response = client.post(reverse("catalog:author_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    mc = MicroCredential.objects.get(title="Feedback That Moves Learning Forward")
    assert [p.kind for p in mc.prompts.all()] == ["text", "file"]
    assert mc.criteria.count() == 1
    response = client.post(reverse("catalog:author_publish", args=[mc.public_id]))
    assert response.status_code == 302
    assert client.get(reverse("catalog:list")).content.decode().count(mc.title) == 1


def test_learner_cannot_open_authoring(client: Client) -> None:
    client.force_login(user())
    assert client.get(reverse("catalog:author_create")).status_code == 403
