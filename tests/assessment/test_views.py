import re

import pytest
from django.test import Client
from django.urls import reverse

from microcred.actors import SYSTEM
from microcred.assessment.models import Assessment
from microcred.orgs.models import Role
from microcred.orgs.services import membership_grant
from tests.factories import World, submitted_attempt

pytestmark = pytest.mark.django_db


def _form(world: World, outcome: str = "pass", feedback: str = "") -> dict[str, str]:
    data = {}
    for c in world.mc.criteria.all():
        data[f"criterion_{c.pk}_outcome"] = outcome
        data[f"criterion_{c.pk}_feedback"] = feedback
    return data


def test_learner_cannot_open_the_queue(client: Client, world: World) -> None:
    client.force_login(world.learner)
    response = client.get(reverse("assessment:queue"))
    assert response.status_code == 403
    response = client.get(reverse("assessment:queue"), HTTP_ACCEPT="application/json")
    assert response.json() == {"error": {"code": "not_allowed",
                                         "message": "The assessment queue is for assessors."}}


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("assessment:queue"))
    assert response.status_code == 302 and "/accounts/sign-in/" in response["Location"]


def test_queue_and_scoring_pages_never_show_the_learner(client: Client, world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    client.force_login(world.assessor)
    for url in (reverse("assessment:queue"), reverse("assessment:score",
                                                     args=[attempt.public_id])):
        html = client.get(url).content.decode()
        assert world.mc.title in html
        assert world.learner.email not in html
        assert world.learner.display_name not in html


def test_not_yet_without_feedback_shows_error_next_to_feedback(client: Client,
                                                               world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    client.force_login(world.assessor)
    response = client.post(reverse("assessment:score", args=[attempt.public_id]),
                           _form(world, "not_yet"))
    assert response.status_code == 400
    criterion = world.mc.criteria.first()
    assert f'id="id_criterion_{criterion.pk}_feedback_error"' in response.content.decode()


def test_double_click_records_once(client: Client, world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    client.force_login(world.assessor)
    url = reverse("assessment:score", args=[attempt.public_id])
    first = client.post(url, _form(world))
    second = client.post(url, _form(world))
    assert first.status_code == second.status_code == 302
    assert Assessment.objects.filter(attempt=attempt).count() == 1


def test_assessor_cannot_open_own_submission(client: Client, world: World) -> None:
    membership_grant(actor=SYSTEM, organization=world.org, user=world.learner,
                     role=Role.ASSESSOR)
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    client.force_login(world.learner)
    assert client.get(reverse("assessment:score", args=[attempt.public_id])).status_code == 403
    assert client.post(reverse("assessment:score", args=[attempt.public_id]),
                       _form(world)).status_code == 403
    assert not Assessment.objects.exists()


def test_not_yet_feedback_reaches_the_learner(client: Client, world: World) -> None:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    client.force_login(world.assessor)
    client.post(reverse("assessment:score", args=[attempt.public_id]),
                _form(world, "not_yet", "Add a hinge question."))
    client.force_login(world.learner)
    html = client.get(reverse("learner:attempt", args=[attempt.public_id])).content.decode()
    assert "Add a hinge question." in html and "Revise and resubmit" in html


def test_admin_sees_overdue_agreement_and_sets_the_rules(client: Client, world: World) -> None:
    from decimal import Decimal

    from microcred.assessment.models import AssessmentPolicy
    from microcred.earning.models import EarningPolicy
    from microcred.orgs.models import Role
    from microcred.orgs.services import membership_grant
    from tests.factories import user

    admin = user("Admin")
    membership_grant(actor=SYSTEM, organization=world.org, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    url = reverse("assessment:admin", args=[world.org.slug])
    page = client.get(url).content.decode()
    assert "Nothing is overdue" in page and "No moderated decisions yet" in page
    response = client.post(url, {"action": "policy", "moderation_rate": "0.25",
                                 "calibration_threshold": "0.9", "decision_business_days": "10",
                                 "reminder_business_days": "2", "claim_hours": "48"})
    assert response.status_code == 302
    policy = AssessmentPolicy.objects.get(organization=world.org)
    assert (policy.moderation_rate, policy.decision_business_days) == (Decimal("0.25"), 10)
    client.post(url, {"action": "attempt_limit", "micro_credential": world.mc.pk,
                      "attempt_limit": "5"})
    assert EarningPolicy.objects.get(micro_credential=world.mc).attempt_limit == 5
    client.force_login(world.assessor)
    assert client.get(url).status_code == 403


def _two_part_micro_credential(world: World):  # type: ignore[no-untyped-def]
    from microcred.assessment.services import pool_member_add
    from microcred.catalog.services import micro_credential_publish, micro_credential_write
    from microcred.catalog.spec import CriterionSpec, MicroCredentialSpec, PartSpec, PromptSpec
    from tests.factories import reviewer_of

    spec = MicroCredentialSpec(
        title="Feedback for Learning", competency="Gives feedback students act on.",
        key_method="Feedback tied to success criteria, with time to act on it.",
        pass_rule="at_least", pass_minimum=1,
        parts=(
            PartSpec(title="Overview", kind="overview",
                     prompts=(PromptSpec("text", "Describe the task."),),
                     criteria=(CriterionSpec("Context", "Task and criteria are clear.",
                                             "The task is unclear.",
                                             guidance="Look for the success criteria."),)),
            PartSpec(title="Reflection", kind="reflection",
                     prompts=(PromptSpec("text", "What changed?"),),
                     criteria=(CriterionSpec("Reflection", "Names a change.", "No change."),)),
        ))
    mc = micro_credential_write(actor=world.author, organization=world.org, spec=spec)
    mc = micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=mc.pk)
    pool_member_add(actor=SYSTEM, micro_credential=mc, assessor=world.assessor)
    return mc


def test_assessors_see_parts_guidance_and_the_pass_rule(client: Client, world: World) -> None:
    mc = _two_part_micro_credential(world)
    attempt = submitted_attempt(learner=world.learner, mc=mc)
    client.force_login(world.assessor)
    url = reverse("assessment:score", args=[attempt.public_id])
    html = client.get(url).content.decode()
    assert "Part 1: Overview" in html and "Part 2: Reflection" in html
    assert "Look for the success criteria." in html
    assert "Overall Pass needs at least 1 criterion at Pass." in html
    # The learner never sees the guidance.
    client.force_login(world.learner)
    learner_pages = [reverse("learner:micro_credential", args=[mc.slug]),
                     reverse("learner:attempt", args=[attempt.public_id])]
    for page in learner_pages:
        assert "Look for the success criteria." not in client.get(page).content.decode()


def test_the_overall_outcome_follows_the_pass_rule(client: Client, world: World) -> None:
    mc = _two_part_micro_credential(world)
    attempt = submitted_attempt(learner=world.learner, mc=mc)
    client.force_login(world.assessor)
    first, second = mc.criteria.all()
    client.post(reverse("assessment:score", args=[attempt.public_id]), {
        f"criterion_{first.pk}_outcome": "pass", f"criterion_{first.pk}_feedback": "",
        f"criterion_{second.pk}_outcome": "not_yet",
        f"criterion_{second.pk}_feedback": "Name one change you made.",
    })
    assert Assessment.objects.get(attempt=attempt).outcome == "pass"


def _org_admin(client: Client, world: World) -> str:
    from tests.factories import user

    admin = user("Admin")
    membership_grant(actor=SYSTEM, organization=world.org, user=admin, role=Role.ADMIN)
    client.force_login(admin)
    return reverse("assessment:admin", args=[world.org.slug])


def test_adding_to_a_pool_does_not_tell_whether_an_email_has_an_account(
        client: Client, world: World) -> None:
    """An org admin learns nothing about people outside the organization: an unknown address
    and someone else's account get the same answer, word for word, and no name."""
    from microcred.accounts.models import User
    from microcred.assessment.models import PoolMember

    url = _org_admin(client, world)
    User.objects.create_user("outsider@example.test", "correct horse battery staple",
                             display_name="Olwen Outsider-Secret")
    pages = {}
    for email in ("outsider@example.test", "nobody-here@example.test"):
        response = client.post(url, {"action": "add_member", "micro_credential": world.mc.pk,
                                     "email": email}, follow=True)
        assert response.status_code == 200
        # Each render masks the CSRF token differently; everything else must be the same.
        pages[email] = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "",
                              response.content.decode().replace(email, "EMAIL"))
    assert pages["outsider@example.test"] == pages["nobody-here@example.test"]
    assert "Olwen" not in pages["outsider@example.test"]
    assert "If EMAIL belongs to an assessor of" in pages["nobody-here@example.test"]
    assert not PoolMember.objects.filter(assessor__email="outsider@example.test").exists()

    # The organization's own assessor is added, with the same sentence.
    from tests.factories import user

    colleague = user("Colleague")
    membership_grant(actor=SYSTEM, organization=world.org, user=colleague, role=Role.ASSESSOR)
    response = client.post(url, {"action": "add_member", "micro_credential": world.mc.pk,
                                 "email": colleague.email.upper()}, follow=True)
    assert "If " + colleague.email.upper() + " belongs to an assessor of" in (
        response.content.decode())
    assert PoolMember.objects.filter(micro_credential=world.mc, assessor=colleague).exists()


@pytest.mark.parametrize("limit", [str(10**30), "0", "101", "-3", "many"])
def test_an_attempt_limit_out_of_range_is_refused_not_a_500(client: Client, world: World,
                                                           limit: str) -> None:
    from microcred.earning.models import EarningPolicy
    from microcred.earning.services import policy_for

    url = _org_admin(client, world)
    before = policy_for(micro_credential=world.mc).attempt_limit
    response = client.post(url, {"action": "attempt_limit", "micro_credential": world.mc.pk,
                                 "attempt_limit": limit})
    assert response.status_code == 400
    assert "The attempt limit must be a whole number from 1 to 100." in (
        response.content.decode())
    assert EarningPolicy.objects.get(micro_credential=world.mc).attempt_limit == before
    response = client.post(url, {"action": "attempt_limit", "micro_credential": world.mc.pk,
                                 "attempt_limit": "100"})
    assert response.status_code == 302
    assert EarningPolicy.objects.get(micro_credential=world.mc).attempt_limit == 100


def test_pages_that_show_the_rules_write_no_policy_row(client: Client, world: World) -> None:
    """Reading an organization's assessment rules or a micro-credential's attempt limit (the
    admin page, the calibration page, and submitting, which reads the deadline) writes no
    policy row: the defaults are shown, unsaved, until an administrator saves."""
    from microcred.assessment.models import AssessmentPolicy
    from microcred.earning.models import EarningPolicy
    from tests.factories import reviewer_of

    submitted_attempt(learner=world.learner, mc=world.mc)
    client.force_login(reviewer_of(world.org))
    page = client.get(reverse("assessment:admin", args=[world.org.slug]))
    assert page.status_code == 200
    assert 'name="decision_business_days" value="14"' in page.content.decode()
    client.force_login(world.assessor)
    page = client.get(reverse("assessment:calibration", args=[world.mc.slug]))
    assert page.status_code == 200 and "0.80" in page.content.decode()
    assert not AssessmentPolicy.objects.exists()
    assert not EarningPolicy.objects.exists()
