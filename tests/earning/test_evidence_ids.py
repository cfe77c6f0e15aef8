"""An evidence address with an id no row can have is a 404, never a 500 (SQLite and PostgreSQL
refuse to compare a column with an integer beyond 64 bits)."""

import pytest
from django.test import Client
from django.urls import reverse

from microcred.earning.models import Attempt
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prompt_id", ["99999999999999999999", str(2**63), str(2**63 - 1)])
def test_an_evidence_id_beyond_any_row_is_not_found(client: Client, world: World,
                                                    prompt_id: str) -> None:
    client.force_login(world.learner)
    client.post(reverse("earning:start", args=[world.mc.slug]))
    attempt = Attempt.objects.get(learner=world.learner)
    url = reverse("assessment:evidence", args=[attempt.public_id, 1]).replace("/1/",
                                                                          f"/{prompt_id}/")
    response = client.get(url)
    assert response.status_code == 404
    assert "No file here." in response.content.decode()
