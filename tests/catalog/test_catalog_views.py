"""The public catalog: the micro-credential page, browsing, filters and pagination."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from microcred.catalog.models import MicroCredential, Stack, StackMember
from microcred.catalog.services import (
    micro_credential_new_version,
    micro_credential_publish,
    micro_credential_retire,
    micro_credential_spec,
    micro_credential_write,
)
from microcred.catalog.views import PER_PAGE
from tests.catalog.catalog_data import GUIDANCE, full_spec, published
from tests.factories import World, organization, reviewer_of, user

pytestmark = pytest.mark.django_db

LIST = reverse("catalog:list")


def _titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/catalog/[^"]+/">([^<]+)</a></h3>', html)


def _get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# The micro-credential page ------------------------------------------------------------------

def test_the_page_shows_the_whole_model_and_never_the_guidance(client: Client,
                                                               world: World) -> None:
    mc = published(org=world.org, author=world.author, fee=Decimal("95.00"),
                   sponsor_can_cover=True)
    html = _get(client, reverse("learner:micro_credential", args=[mc.slug]))
    for text in (mc.title, "Uses formative assessment", "Plan checks for understanding",
                 "Elicit evidence", "Ask a hinge question.", "Act on it",
                 "Feedback loops raise achievement", "Black, P., &amp; Wiliam, D.", "1998",
                 "Inside the Black Box", "Phi Delta Kappan", "https://example.org/black-box",
                 "Hinge questions explained", "Part 1: Overview questions",
                 "Part 2: Work examples", "Describe the class and the lesson.",
                 "Up to 300 words", "Documents, Images", "5.0\xa0MB",
                 "The class and goal are clear.",
                 "The goal is missing.", "Every criterion must reach Pass.",
                 "Assessment literacy", "Teaching Standards", "Assessment", "feedback",
                 "Teachers and educators", "Intermediate", "English", "About 6.5 hours", "0.50",
                 "1.25", "95 USD", "a sponsor can pay it", world.org.name,
                 'id="achievement-v1"', "Badge for " + mc.title):
        assert text in html, text
    assert GUIDANCE not in html
    # Method components in order.
    assert html.index("Elicit evidence") < html.index("Act on it")
    assert html.count("<h1") == 1


def test_an_at_least_pass_rule_is_stated(client: Client, world: World) -> None:
    mc = published(org=world.org, author=world.author, pass_rule="at_least", pass_minimum=1)
    html = _get(client, reverse("learner:micro_credential", args=[mc.slug]))
    assert "At least 1 of the 2 criteria must reach Pass." in html


def test_a_new_version_replaces_the_old_and_old_anchors_stay(client: Client,
                                                             world: World) -> None:
    v1 = published(org=world.org, author=world.author, title="Quiet Signals Zebra")
    draft = micro_credential_new_version(actor=world.author, micro_credential_id=v1.pk)
    spec = micro_credential_spec(draft)
    micro_credential_write(actor=world.author, organization=world.org,
                           spec=full_spec(**{**vars(spec), "title": "Quiet Signals Quokka"}),
                           micro_credential_id=draft.pk)
    micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=draft.pk)
    html = _get(client, reverse("learner:micro_credential", args=[v1.slug]) + "#achievement-v1")
    assert "Quiet Signals Quokka" in html and "Zebra" not in html
    assert 'id="achievement-v1"' in html and 'id="achievement-v2"' in html
    listing = _get(client, LIST)
    assert listing.count("Quiet Signals") == 1


def test_a_retired_one_has_a_page_saying_so(client: Client, world: World) -> None:
    mc = published(org=world.org, author=world.author, title="Retiring Rubrics")
    micro_credential_retire(actor=reviewer_of(world.org), micro_credential_id=mc.pk)
    client.force_login(world.learner)
    html = _get(client, reverse("learner:micro_credential", args=[mc.slug]))
    assert "has been retired" in html and "stay valid" in html
    assert reverse("earning:start", args=[mc.slug]) not in html
    assert 'id="achievement-v1"' in html
    assert GUIDANCE not in html
    assert "Retiring Rubrics" not in _get(client, LIST)


def test_drafts_and_unknown_slugs_are_not_found(client: Client, world: World) -> None:
    draft = micro_credential_write(actor=world.author, organization=world.org,
                                   spec=full_spec())
    for slug in (draft.slug, "no-such-thing"):
        assert client.get(reverse("learner:micro_credential", args=[slug])).status_code == 404


def test_the_preview_renders_a_draft_without_a_working_start(rf: RequestFactory,
                                                             world: World) -> None:
    draft = micro_credential_write(actor=world.author, organization=world.org,
                                   spec=full_spec(title="Draft Preview"))
    request = rf.get("/author/")
    request.user = AnonymousUser()
    html = render_to_string("catalog/detail.html",
                            {"mc": draft, "attempt": None, "preview": True}, request=request)
    assert "Draft Preview" in html and "Planned checks" in html
    assert re.search(r"<button type=\"button\" disabled", html)
    assert reverse("earning:start", args=[draft.slug]) not in html
    assert GUIDANCE not in html


def test_the_page_is_read_in_a_bounded_number_of_queries(
        client: Client, world: World, django_assert_max_num_queries: object) -> None:
    mc = published(org=world.org, author=world.author)
    url = reverse("learner:micro_credential", args=[mc.slug])
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        assert client.get(url).status_code == 200


# The list ---------------------------------------------------------------------------------

@pytest.fixture
def shelf(world: World) -> dict[str, MicroCredential]:
    """Five published micro-credentials that differ in every filter."""
    other_author = user("Other author")
    other = organization(author=other_author)
    return {
        "free": published(org=world.org, author=world.author, title="Hinge Questions",
                          topic="Assessment", audience="educators", fee=Decimal(0)),
        "sponsor": published(org=world.org, author=world.author, title="Coaching Cycles",
                             topic="Coaching", audience="coaches", fee=Decimal(50),
                             sponsor_can_cover=True),
        "paid": published(org=other, author=other_author, title="Data Conversations",
                          topic="Leadership", audience="leaders", fee=Decimal(80),
                          sponsor_can_cover=False),
        "spanish": published(org=other, author=other_author, title="Lectura Compartida",
                             topic="Literacy", audience="educators", language="es"),
        "anyone": published(org=world.org, author=world.author, title="Workplace Feedback",
                            topic="Assessment", audience="anyone"),
    }


def _stack(world: World, members: list[MicroCredential]) -> Stack:
    stack = Stack.objects.create(organization=world.org, slug="assessment-stack",
                                 title="Assessment Stack", description="Two together.",
                                 status=Stack.Status.PUBLISHED, published_at=timezone.now(),
                                 created_by=world.author)
    for i, mc in enumerate(members, start=1):
        StackMember.objects.create(stack=stack, position=i, micro_credential=mc,
                                   lineage=mc.lineage)
    return stack


def test_browsing_lists_only_what_is_published(client: Client, world: World,
                                               shelf: dict[str, MicroCredential]) -> None:
    micro_credential_write(actor=world.author, organization=world.org,
                           spec=full_spec(title="Unpublished Draft"))
    html = _get(client, LIST)
    titles = _titles(html)
    assert "Unpublished Draft" not in html
    assert sorted(titles) == titles  # by title
    assert {mc.title for mc in shelf.values()} <= set(titles)
    assert 'method="get"' in html and 'role="search"' in html
    assert f'<link rel="canonical" href="http://testserver{LIST}">' in html


@pytest.mark.parametrize(("query", "expected"), [
    ("topic=Assessment", {"free", "anyone"}),
    ("audience=coaches", {"sponsor"}),
    ("fee=free", {"free", "spanish", "anyone"}),
    ("fee=sponsor", {"sponsor"}),
    ("fee=paid", {"paid"}),
    ("language=es", {"spanish"}),
    ("topic=Assessment&audience=educators", {"free"}),
    ("q=feedback&topic=Assessment&fee=free", {"free", "anyone"}),
])
def test_each_filter_and_combinations(client: Client, world: World,
                                      shelf: dict[str, MicroCredential], query: str,
                                      expected: set[str]) -> None:
    titles = set(_titles(_get(client, f"{LIST}?{query}")))
    assert {k for k, mc in shelf.items() if mc.title in titles} == expected
    # The world's own micro-credential (free, no topic, for educators) is there too.
    assert titles - {mc.title for mc in shelf.values()} <= {world.mc.title}


def test_filter_by_issuer_and_by_stack(client: Client, world: World,
                                       shelf: dict[str, MicroCredential]) -> None:
    titles = set(_titles(_get(client, f"{LIST}?issuer={shelf['paid'].organization.slug}")))
    assert titles == {shelf["paid"].title, shelf["spanish"].title}
    _stack(world, [shelf["free"], shelf["sponsor"]])
    html = _get(client, f"{LIST}?stack=assessment-stack")
    assert set(_titles(html)) == {shelf["free"].title, shelf["sponsor"].title}
    assert "Assessment Stack" in html  # offered in the filter


def test_the_stack_filter_follows_the_lineage_to_the_new_version(
        client: Client, world: World) -> None:
    v1 = published(org=world.org, author=world.author, title="Lineage One")
    _stack(world, [v1])
    draft = micro_credential_new_version(actor=world.author, micro_credential_id=v1.pk)
    micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=draft.pk)
    html = _get(client, f"{LIST}?stack=assessment-stack")
    assert _titles(html) == ["Lineage One"]


def test_a_translation_counts_for_the_language_filter(client: Client, world: World) -> None:
    from tests.catalog.test_translations import _spanish
    mc = micro_credential_write(actor=world.author, organization=world.org,
                                spec=full_spec(title="Translated One"))
    _spanish(mc, world.author)
    micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=mc.pk)
    assert "Translated One" in _titles(_get(client, f"{LIST}?language=es"))
    spanish = client.get(f"{LIST}?language=es", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<li class="card" lang="es">' in spanish and "Comprobar la comprensión" in spanish


def test_unknown_filter_values_are_ignored(client: Client,
                                           shelf: dict[str, MicroCredential]) -> None:
    html = _get(client, f"{LIST}?topic=Nope&fee=cheap&audience=aliens&page=abc")
    assert len(_titles(html)) == len(shelf) + 1  # and the world's own


def test_pages_are_stable_and_cover_everything_once(client: Client, world: World) -> None:
    made = {published(org=world.org, author=world.author, title=f"Paged {i:02d}",
                      topic="Paging").title for i in range(PER_PAGE + 5)}
    first = _get(client, f"{LIST}?topic=Paging")
    second = _get(client, f"{LIST}?topic=Paging&page=2")
    assert len(_titles(first)) == PER_PAGE and len(_titles(second)) == 5
    assert set(_titles(first)) | set(_titles(second)) == made
    assert _titles(second) == _titles(_get(client, f"{LIST}?topic=Paging&page=2"))
    # Links carry the filters, in one order; page 1 has no page parameter.
    assert 'href="/catalog/?topic=Paging&amp;page=2" rel="next"' in first
    assert 'href="/catalog/?topic=Paging" rel="prev"' in second
    assert 'aria-current="page"' in second
    assert '<link rel="canonical" href="http://testserver/catalog/?topic=Paging&amp;page=2">' \
        in second
    # Past the end: the last page.
    assert _titles(_get(client, f"{LIST}?topic=Paging&page=99")) == _titles(second)


def test_htmx_gets_the_results_and_the_announced_count(client: Client,
                                                       shelf: dict[str, MicroCredential],
                                                       ) -> None:
    response = client.get(f"{LIST}?topic=Assessment", HTTP_HX_REQUEST="true",
                          HTTP_HX_TARGET="results")
    html = response.content.decode()
    assert "<html" not in html and "Hinge Questions" in html
    assert 'id="result-count" hx-swap-oob="innerHTML"' in html
    assert "2 micro-credentials match." in html
    assert "HX-Request" in response["Vary"]
    assert response["HX-Push-Url"] == f"{LIST}?topic=Assessment"
    page = _get(client, f"{LIST}?topic=Assessment")
    assert re.search(r'id="result-count"[^>]*role="status"', page)


def test_the_list_is_read_in_a_bounded_number_of_queries(
        client: Client, world: World, shelf: dict[str, MicroCredential],
        django_assert_max_num_queries: object) -> None:
    for i in range(15):
        published(org=world.org, author=world.author, title=f"More {i}")
    for url in (LIST, f"{LIST}?q=feedback", f"{LIST}?topic=Assessment&fee=free&language=en",
                f"{LIST}?q=formtive"):
        with django_assert_max_num_queries(9):  # type: ignore[operator]
            assert client.get(url).status_code == 200
