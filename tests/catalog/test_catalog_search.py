"""Full-text search: relevance, the index kept in step with publishing, suggestions, and
queries that are never search syntax."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.catalog.search import search_index_installed, search_terms, suggestion
from microcred.catalog.services import (
    micro_credential_new_version,
    micro_credential_publish,
    micro_credential_retire,
    micro_credential_spec,
    micro_credential_write,
)
from tests.catalog.catalog_data import full_spec, published
from tests.factories import World, reviewer_of
from tests.profiles import examples

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:list")


def _titles(client: Client, query: str) -> list[str]:
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    return re.findall(r'<h3><a href="/catalog/[^"]+/">([^<]+)</a></h3>',
                      response.content.decode())


def test_the_index_triggers_exist() -> None:
    # A later migration that rebuilds the table on SQLite drops them: re-create them there.
    assert search_index_installed()


def test_a_title_match_ranks_above_a_body_match(client: Client, world: World) -> None:
    body = published(org=world.org, author=world.author, title="Aardvark Planning",
                     key_method="Metacognition routines in every lesson.")
    title = published(org=world.org, author=world.author, title="Zebra Metacognition")
    middle = published(org=world.org, author=world.author, title="Mango Talk",
                       tags=("metacognition",))
    published(org=world.org, author=world.author, title="Unrelated Thing")
    assert _titles(client, "metacognition") == [title.title, middle.title, body.title]


def test_every_word_must_match_after_stemming(client: Client, world: World) -> None:
    mc = published(org=world.org, author=world.author, title="Questioning Strategies")
    assert _titles(client, "question strategy") == [mc.title]
    assert _titles(client, "questioning zebras") == []


def test_the_index_follows_publish_supersede_and_retire(client: Client, world: World) -> None:
    draft = micro_credential_write(actor=world.author, organization=world.org,
                                   spec=full_spec(title="Pelican Routines"))
    assert _titles(client, "pelican") == []  # drafts are not searchable
    v1 = micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=draft.pk)
    assert _titles(client, "pelican") == ["Pelican Routines"]
    v2 = micro_credential_new_version(actor=world.author, micro_credential_id=v1.pk)
    micro_credential_write(actor=world.author, organization=world.org, micro_credential_id=v2.pk,
                           spec=full_spec(**{**vars(micro_credential_spec(v2)),
                                             "title": "Pelican Rituals Renewed"}))
    assert _titles(client, "pelican") == ["Pelican Routines"]  # the draft is not live yet
    micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=v2.pk)
    assert _titles(client, "pelican") == ["Pelican Rituals Renewed"]
    assert _titles(client, "routines") == []
    micro_credential_retire(actor=reviewer_of(world.org), micro_credential_id=v2.pk)
    assert _titles(client, "pelican") == []


def test_a_typo_gets_a_suggestion_that_finds_it(client: Client, world: World) -> None:
    published(org=world.org, author=world.author, title="Formative Feedback Loops")
    response = client.get(LIST, {"q": "formtive"})
    html = response.content.decode()
    assert "Did you mean" in html and ">formative</a>" in html
    assert 'href="/catalog/?q=formative"' in html
    assert _titles(client, "formative") == ["Formative Feedback Loops"]


def test_the_vocabulary_is_refreshed_when_something_is_published(world: World) -> None:
    published(org=world.org, author=world.author, title="Alpha Routines")
    assert suggestion("kangaro") is None
    published(org=world.org, author=world.author, title="Kangaroo Court Debates")
    assert suggestion("kangaro") == "kangaroo"


def test_nothing_found_and_nothing_close(client: Client, world: World) -> None:
    published(org=world.org, author=world.author, title="Alpha Routines")
    html = client.get(LIST, {"q": "qqqqxxxzzz"}).content.decode()
    assert "Nothing matches" in html and "Did you mean" not in html


@pytest.mark.parametrize("query", [
    '"', '""', "'", "*", "a*", "NEAR(a b)", "NEAR", "-", "-feedback", "a AND", "OR", "NOT x",
    "title:feedback", "{title}: x", "^x", "(", ")", "a + b", "%", "_", "\\", "'; DROP TABLE x;--",
    "\x00", "🙂", "a" * 500,
])
def test_search_syntax_is_just_text(client: Client, world: World, query: str) -> None:
    published(org=world.org, author=world.author, title="Feedback Routines")
    assert client.get(LIST, {"q": query}).status_code == 200


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=80))
def test_any_query_string_answers(client: Client, world: World, query: str) -> None:
    response = client.get(LIST, {"q": query.replace("\x00", "")})
    assert response.status_code == 200


def test_search_terms_drop_syntax() -> None:
    assert search_terms('"NEAR(a* -b)" OR c') == ["near", "a", "b", "or", "c"]
    assert search_terms("   ") == []
