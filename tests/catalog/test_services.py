import dataclasses
from decimal import Decimal

import pytest

from microcred.audit.models import AuditEvent
from microcred.catalog.models import MicroCredential
from microcred.catalog.selectors import catalog_list
from microcred.catalog.services import (
    CriterionSpec,
    PromptSpec,
    micro_credential_create,
    micro_credential_new_version,
    micro_credential_publish,
    micro_credential_retire,
    micro_credential_return_to_draft,
    micro_credential_spec,
    micro_credential_submit_for_review,
    micro_credential_translate,
    micro_credential_write,
)
from microcred.catalog.spec import (
    AlignmentSpec,
    CitationSpec,
    MethodComponentSpec,
    MicroCredentialSpec,
    PartSpec,
    ResourceSpec,
)
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from microcred.issuance.models import Credential
from tests.factories import (
    World,
    micro_credential,
    organization,
    pass_attempt,
    reviewer_of,
    submitted_attempt,
    user,
)

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


# --- The whole authoring model, and the review lifecycle --------------------------------------

def full_spec(title: str = "Feedback That Moves Learning") -> MicroCredentialSpec:
    return MicroCredentialSpec(
        title=title, competency="Gives task-focused feedback.", key_method="Success criteria.",
        research="Feedback has large effects when it is about the task.",
        method_components=(MethodComponentSpec("Plan", "Before."), MethodComponentSpec("Act")),
        citations=(CitationSpec(authors="Hattie, J.", title="Visible Learning", year=2008,
                                source="Routledge", url="https://example.org/vl"),),
        resources=(ResourceSpec(kind="video", title="Watch", url="https://v.example"),),
        alignments=(AlignmentSpec(target_name="Feedback", target_url="https://s.example/1",
                                  target_framework="ISTE", target_code="2.5"),),
        parts=(
            PartSpec(title="Overview", kind="overview", instructions="Answer briefly.",
                     prompts=(PromptSpec("text", "Describe the class.", word_limit=300),),
                     criteria=(CriterionSpec("Context", "Clear.", "Vague.", "Check size."),)),
            PartSpec(title="Artifacts", kind="artifacts",
                     prompts=(PromptSpec("file", "Upload work.", max_bytes=1024 * 1024,
                                         accepted_kinds=("image", "document"),
                                         allow_link=False),
                              PromptSpec("text", "Anything else?", required=False)),
                     criteria=(CriterionSpec("Specific", "Names the task.", "General."),
                               CriterionSpec("Actionable", "Next step.", "None."))),
        ),
        pass_rule="at_least", pass_minimum=2, topic="Assessment", tags=("feedback", "k12"),
        audience="educators", level="intermediate", estimated_hours=Decimal("4.5"),
        credit_hours=Decimal("0.50"), ceus=Decimal("0.45"), fee=Decimal("25.00"),
        fee_currency="EUR", sponsor_can_cover=False, achievement_type="Badge",
        badge_colour="#123456", badge_accent="#abcdef",
    )


def test_write_stores_every_part_of_the_model_and_reads_back_the_same(world: World) -> None:
    spec = full_spec()
    mc = micro_credential_write(actor=world.author, organization=world.org, spec=spec)
    assert mc.status == "draft" and mc.version == 1
    stored = micro_credential_spec(mc)
    assert dataclasses.replace(stored, slug="") == spec
    assert [p.position for p in mc.prompts.all()] == [1, 2, 3]
    assert [c.part.title for c in mc.criteria.all()] == ["Overview", "Artifacts", "Artifacts"]
    assert AuditEvent.objects.filter(action="micro_credential.created").exists()


def test_write_replaces_a_draft_and_refuses_anything_else(world: World) -> None:
    mc = micro_credential_write(actor=world.author, organization=world.org, spec=full_spec())
    changed = dataclasses.replace(full_spec("Renamed"), parts=full_spec().parts[:1],
                                  pass_rule="all", pass_minimum=None)
    micro_credential_write(actor=world.author, organization=world.org, spec=changed,
                           micro_credential_id=mc.pk)
    mc.refresh_from_db()
    assert mc.title == "Renamed" and mc.parts.count() == 1 and mc.prompts.count() == 1
    with pytest.raises(ValidationFailed) as exc:  # incomplete: nothing changes
        micro_credential_write(actor=world.author, organization=world.org,
                               spec=dataclasses.replace(changed, title=""),
                               micro_credential_id=mc.pk)
    assert exc.value.problems["title"]
    mc.refresh_from_db()
    assert mc.title == "Renamed"
    for status in ("in_review", "published"):
        with pytest.raises(InvalidState):
            if status == "in_review":
                micro_credential_submit_for_review(actor=world.author, micro_credential_id=mc.pk)
            else:
                micro_credential_publish(actor=reviewer_of(world.org),
                                         micro_credential_id=mc.pk)
            micro_credential_write(actor=world.author, organization=world.org, spec=changed,
                                   micro_credential_id=mc.pk)
    with pytest.raises(NotAllowed):  # another organization's author
        other = organization(author=user())
        micro_credential_write(actor=world.author, organization=other, spec=changed)


def test_lifecycle_transitions_and_who_may_make_them(world: World) -> None:
    mc = micro_credential_write(actor=world.author, organization=world.org, spec=full_spec())
    admin = reviewer_of(world.org)
    with pytest.raises(NotAllowed):
        micro_credential_submit_for_review(actor=world.learner, micro_credential_id=mc.pk)
    with pytest.raises(InvalidState):
        micro_credential_return_to_draft(actor=world.author, micro_credential_id=mc.pk)
    mc = micro_credential_submit_for_review(actor=world.author, micro_credential_id=mc.pk)
    assert mc.status == "in_review" and mc.submitted_at
    with pytest.raises(InvalidState):
        micro_credential_submit_for_review(actor=world.author, micro_credential_id=mc.pk)
    mc = micro_credential_return_to_draft(actor=admin, micro_credential_id=mc.pk,
                                          note="Tighten part 2.")
    assert mc.status == "draft"
    assert mc.review_note == "Tighten part 2."
    event = AuditEvent.objects.filter(action="micro_credential.returned_to_draft").get()
    assert event.data == {"from": "in_review", "to": "draft", "note_given": True}
    assert "Tighten" not in str(event.data)
    micro_credential_submit_for_review(actor=world.author, micro_credential_id=mc.pk)
    with pytest.raises(NotAllowed):  # authors send for review; administrators publish
        micro_credential_publish(actor=world.author, micro_credential_id=mc.pk)
    with pytest.raises(NotAllowed):
        micro_credential_publish(actor=world.assessor, micro_credential_id=mc.pk)
    mc = micro_credential_publish(actor=admin, micro_credential_id=mc.pk)
    assert mc.status == "published" and mc.published_at
    assert mc in catalog_list()
    with pytest.raises(InvalidState):
        micro_credential_publish(actor=admin, micro_credential_id=mc.pk)
    with pytest.raises(NotAllowed):
        micro_credential_retire(actor=world.author, micro_credential_id=mc.pk)
    mc = micro_credential_retire(actor=admin, micro_credential_id=mc.pk)
    assert mc.status == "retired" and mc not in catalog_list()
    with pytest.raises(InvalidState):
        micro_credential_retire(actor=admin, micro_credential_id=mc.pk)


def test_new_version_copies_everything_and_publishing_it_supersedes(world: World) -> None:
    v1 = micro_credential_write(actor=world.author, organization=world.org, spec=full_spec())
    admin = reviewer_of(world.org)
    with pytest.raises(InvalidState):  # a draft is edited, not versioned
        micro_credential_new_version(actor=world.author, micro_credential_id=v1.pk)
    v1 = micro_credential_publish(actor=admin, micro_credential_id=v1.pk)
    v2 = micro_credential_new_version(actor=world.author, micro_credential_id=v1.pk)
    assert (v2.version, v2.lineage, v2.slug, v2.previous_version_id) == (
        2, v1.lineage, v1.slug, v1.pk)
    assert micro_credential_spec(v2) == micro_credential_spec(v1)
    assert v2.parts.get(position=1).pk != v1.parts.get(position=1).pk  # copies, not shared
    micro_credential_publish(actor=admin, micro_credential_id=v2.pk)
    v1.refresh_from_db()
    assert v1.status == MicroCredential.Status.SUPERSEDED
    assert list(catalog_list().filter(lineage=v1.lineage)) == [v2]


def test_attempts_keep_their_version_and_retiring_keeps_credentials(world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    admin = reviewer_of(world.org)
    v2 = micro_credential_new_version(actor=world.author, micro_credential_id=world.mc.pk)
    micro_credential_publish(actor=admin, micro_credential_id=v2.pk)
    attempt.refresh_from_db()
    assert attempt.micro_credential_id == world.mc.pk
    pass_attempt(assessor=world.assessor, attempt=attempt)
    credential = Credential.objects.get(attempt=attempt)
    assert credential.micro_credential_id == world.mc.pk
    micro_credential_retire(actor=admin, micro_credential_id=v2.pk)
    credential.refresh_from_db()
    assert credential.signed_json and not credential.is_revoked


def test_translate_covers_part_titles(world: World) -> None:
    mc = micro_credential_write(actor=world.author, organization=world.org, spec=full_spec())
    kwargs = dict(
        actor=world.author, micro_credential_id=mc.pk, language="es", title="T",
        competency="C", key_method="K",
        prompts={p.position: "P" for p in mc.prompts.all()},
        criteria={c.position: CriterionSpec("N", "S", "T") for c in mc.criteria.all()})
    with pytest.raises(ValidationFailed) as exc:
        micro_credential_translate(**kwargs, parts={1: ("Resumen", ""), 2: ("", "")})
    assert "parts" in exc.value.problems
    micro_credential_translate(**kwargs, parts={1: ("Resumen", "Breve."), 2: ("Obras", "")})
    assert [p.translations.get(language="es").title for p in mc.parts.all()] == [
        "Resumen", "Obras"]
    assert micro_credential_spec(mc).translations["es"].parts[0].instructions == "Breve."
