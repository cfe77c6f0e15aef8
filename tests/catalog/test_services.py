import pytest

from microcred.catalog.selectors import catalog_list
from microcred.catalog.services import CriterionSpec, PromptSpec, micro_credential_create
from microcred.errors import NotAllowed, ValidationFailed
from tests.factories import micro_credential, organization, user

pytestmark = pytest.mark.django_db


def test_author_creates_draft_and_publishes_into_catalog() -> None:
    author = user()
    org = organization(author=author)
    draft = micro_credential(org=org, author=author, publish=False)
    assert draft not in catalog_list()
    published = micro_credential(org=org, author=author)
    assert published in catalog_list()
    assert [c.name for c in published.criteria.all()] == ["Planned checks", "Adjustment"]


def test_non_author_cannot_create() -> None:
    stranger = user()
    org = organization(author=user())
    with pytest.raises(NotAllowed):
        micro_credential(org=org, author=stranger)


def test_rubric_criterion_needs_both_descriptors() -> None:
    author = user()
    org = organization(author=author)
    with pytest.raises(ValidationFailed) as exc:
        micro_credential_create(
            actor=author, organization=org, title="T", competency="C", key_method="K",
            prompts=[PromptSpec("text", "Q")],
            criteria=[CriterionSpec("Name", "Pass looks like this", "")],
        )
    assert "parts[0].criteria[0].not_yet_descriptor" in exc.value.problems
