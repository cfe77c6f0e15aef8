"""Every number an author types is bounded: a huge one is an inline error naming the field,
never a 500 from the database's integer overflowing, and the draft is kept as it was."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from microcred.catalog.editor import data_from_tree, tree_from_spec
from microcred.catalog.services import micro_credential_spec
from tests.factories import World, micro_credential

pytestmark = pytest.mark.django_db

HUGE = str(10**30)


def _save(client: Client, mc, tree) -> object:  # type: ignore[no-untyped-def]
    data = data_from_tree(tree)
    payload = {key: data.getlist(key) for key in data}
    payload["action"] = "save"
    return client.post(reverse("catalog:author_edit", args=[mc.public_id]), payload)


@pytest.mark.parametrize(("where", "value", "message"), [
    ("word_limit", HUGE, "A word limit must be a whole number from 1 to 100000."),
    ("word_limit", "100001", "A word limit must be a whole number from 1 to 100000."),
    ("year", HUGE, "Give the year as four digits."),
    ("pass_minimum", HUGE, "Say how many criteria must be Pass"),
])
def test_a_huge_number_is_an_error_on_its_field(client: Client, world: World, where: str,
                                                value: str, message: str) -> None:
    mc = micro_credential(org=world.org, author=world.author, publish=False)
    client.force_login(world.author)
    tree = tree_from_spec(micro_credential_spec(mc))
    if where == "word_limit":
        tree["parts"][0]["prompts"][0]["word_limit"] = value
    elif where == "year":
        tree["citations"] = [{"authors": "Wiliam, D.", "year": value, "title": "Embedded",
                              "source": "", "url": ""}]
    else:
        tree["pass_rule"], tree["pass_minimum"] = "at_least", value
    response = _save(client, mc, tree)
    assert response.status_code == 400
    assert message in response.content.decode()
    prompt = mc.prompts.order_by("pk").first()
    assert prompt.word_limit is None or prompt.word_limit < 10**6
    assert not mc.citations.exists()
