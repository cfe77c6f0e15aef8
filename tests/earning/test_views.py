import pytest
from django.test import Client, override_settings
from django.urls import reverse

from microcred.earning.models import Attempt
from tests.factories import World, small_file, user

pytestmark = pytest.mark.django_db


def _start(client: Client, world: World) -> Attempt:
    client.force_login(world.learner)
    response = client.post(reverse("earning:start", args=[world.mc.slug]))
    assert response.status_code == 302
    return Attempt.objects.get(learner=world.learner)


def test_autosave_keeps_text_on_the_server(client: Client, world: World) -> None:
    attempt = _start(client, world)
    text = world.mc.prompts.get(position=1)
    response = client.post(reverse("earning:autosave", args=[attempt.public_id]),
                           {f"prompt_{text.pk}": "typed so far"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Draft saved" in response.content.decode()
    page = client.get(reverse("learner:attempt", args=[attempt.public_id])).content.decode()
    assert "typed so far" in page
    assert 'hx-post="' in page  # htmx autosave wired on the textarea


def test_save_draft_button_works_without_javascript(client: Client, world: World) -> None:
    attempt = _start(client, world)
    text = world.mc.prompts.get(position=1)
    file = world.mc.prompts.get(kind="file")
    response = client.post(reverse("learner:attempt", args=[attempt.public_id]), {
        "action": "save", f"prompt_{text.pk}": "plain form post",
        f"prompt_{file.pk}": small_file("my plan.txt")})
    assert response.status_code == 302
    assert attempt.answers.get(prompt=text).text == "plain form post"
    assert attempt.answers.get(prompt=file).file_name == "my plan.txt"


def test_submit_with_missing_part_shows_error_next_to_it(client: Client, world: World) -> None:
    attempt = _start(client, world)
    text = world.mc.prompts.get(position=1)
    file = world.mc.prompts.get(kind="file")
    response = client.post(reverse("learner:attempt", args=[attempt.public_id]), {
        "action": "submit", f"prompt_{text.pk}": "only the text"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "missing required parts: Part 1, question 2" in html
    assert f'id="id_prompt_{file.pk}_error"' in html
    attempt.refresh_from_db()
    assert attempt.status == "draft"
    assert attempt.answers.get(prompt=text).text == "only the text"


@override_settings(UPLOAD_MAX_BYTES=10)
def test_oversize_upload_refused_with_message_and_draft_kept(client: Client,
                                                             world: World) -> None:
    attempt = _start(client, world)
    text = world.mc.prompts.get(position=1)
    file = world.mc.prompts.get(kind="file")
    response = client.post(reverse("learner:attempt", args=[attempt.public_id]), {
        "action": "submit", f"prompt_{text.pk}": "keep this",
        f"prompt_{file.pk}": small_file(size=11)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "files can be at most 10" in html and "keep this" in html
    attempt.refresh_from_db()
    assert attempt.status == "draft"
    assert attempt.answers.get(prompt=text).text == "keep this"


def test_submit_then_status_page(client: Client, world: World) -> None:
    attempt = _start(client, world)
    text = world.mc.prompts.get(position=1)
    file = world.mc.prompts.get(kind="file")
    response = client.post(reverse("learner:attempt", args=[attempt.public_id]), {
        "action": "submit", f"prompt_{text.pk}": "done", f"prompt_{file.pk}": small_file(),
        "integrity": "on"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == "in_review"  # assigned straight to the pool's assessor
    page = client.get(reverse("learner:attempt", args=[attempt.public_id])).content.decode()
    assert "In review" in page
    assert "Expected decision by" in page


def test_other_people_cannot_open_the_attempt_or_its_evidence(client: Client,
                                                              world: World) -> None:
    attempt = _start(client, world)
    file = world.mc.prompts.get(kind="file")
    client.post(reverse("learner:attempt", args=[attempt.public_id]),
                {"action": "save", f"prompt_{file.pk}": small_file()})
    response = client.get(reverse("assessment:evidence", args=[attempt.public_id, file.pk]),
                          follow=True)
    assert response.status_code == 200
    signed_link = response.redirect_chain[-1][0]
    client.force_login(user())
    assert client.get(signed_link).status_code == 403  # made for the learner only
    assert client.get(reverse("learner:attempt", args=[attempt.public_id])).status_code == 403
    assert client.get(reverse("assessment:evidence", args=[attempt.public_id, file.pk])
                      ).status_code == 403
