"""The authoring pages: the one-form editor (structural buttons, inline errors), the badge,
the preview and the review lifecycle."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from microcred.catalog.editor import data_from_tree, tree_from_spec
from microcred.catalog.models import MicroCredential
from microcred.catalog.services import micro_credential_spec
from tests.factories import World, micro_credential, organization, reviewer_of, user

pytestmark = pytest.mark.django_db


def _draft(world: World) -> MicroCredential:
    return micro_credential(org=world.org, author=world.author, publish=False)


def _post_data(mc: MicroCredential, **changes: Any) -> dict[str, Any]:
    tree = tree_from_spec(micro_credential_spec(mc))
    tree.update(changes)
    data = data_from_tree(tree)
    return {key: data.getlist(key) for key in data}


def _tree(mc: MicroCredential) -> dict[str, Any]:
    return tree_from_spec(micro_credential_spec(mc))


def _post(client: Client, mc: MicroCredential, tree: dict[str, Any], action: str) -> Any:
    data = data_from_tree(tree)
    payload = {key: data.getlist(key) for key in data}
    payload["action"] = action
    return client.post(reverse("catalog:author_edit", args=[mc.public_id]), payload)


def test_editor_shows_every_section(client: Client, world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    html = client.get(reverse("catalog:author_edit", args=[mc.public_id])).content.decode()
    for label in ("Competency statement", "Key method", "Method components", "Citations",
                  "Resources", "Parts", "Evidence prompts", "Rubric criteria",
                  "Guidance for assessors", "Overall Pass", "Estimated hours", "CEUs",
                  "Assessment fee", "Currency", "Alignments", "Badge colour", "Word limit",
                  "Largest file, in megabytes", "Accepted kinds of file"):
        assert label in html, label
    assert 'for="id_parts-0-prompts-0-prompt"' in html
    assert html.count("<h1") == 1


def test_add_part_rerenders_with_typed_input_kept(client: Client, world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    tree = _tree(mc)
    tree["title"] = "Typed but not saved"
    response = _post(client, mc, tree, "add:parts")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Typed but not saved" in html
    assert 'name="parts-1-title"' in html and 'name="parts-1-prompts-0-prompt"' in html
    mc.refresh_from_db()
    assert mc.title != "Typed but not saved"  # nothing is saved until Save


def test_two_parts_saved_reordered_and_removed(client: Client, world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    tree = _tree(mc)
    tree["parts"][0]["title"] = "Overview"
    _post(client, mc, tree, "add:parts")
    second = {"origin": "", "kind": "reflection", "title": "Reflection", "instructions": "",
              "prompts": [{"origin": "", "kind": "text", "prompt": "Reflect.",
                           "instructions": "", "required": True, "word_limit": "300",
                           "max_bytes": "", "accepted_kinds": [], "allow_link": True}],
              "criteria": [{"origin": "", "name": "Depth", "pass_descriptor": "Deep.",
                            "not_yet_descriptor": "Shallow.", "guidance": "Look for why."}]}
    tree["parts"].append(second)
    response = _post(client, mc, tree, "save")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [p.title for p in mc.parts.all()] == ["Overview", "Reflection"]
    reflection = mc.parts.get(title="Reflection")
    assert reflection.prompts.get().word_limit == 300
    assert reflection.criteria.get().guidance == "Look for why."

    # Move the reflection up: the view re-renders it first; saving stores the new order.
    tree = _tree(mc)
    response = _post(client, mc, tree, "up:parts-1")
    html = response.content.decode()
    assert html.index('value="Reflection"') < html.index('value="Overview"')
    tree["parts"].reverse()
    assert _post(client, mc, tree, "save").status_code == 302
    assert [p.title for p in mc.parts.all()] == ["Reflection", "Overview"]
    assert [p.position for p in mc.prompts.all()] == [1, 2, 3, 4]

    # Remove a prompt from the second part.
    tree = _tree(mc)
    response = _post(client, mc, tree, "remove:parts-1-prompts-0")
    assert 'name="parts-1-prompts-2-prompt"' not in response.content.decode()
    del tree["parts"][1]["prompts"][0]
    assert _post(client, mc, tree, "save").status_code == 302
    assert mc.parts.get(title="Overview").prompts.count() == 2


def test_problems_show_on_their_fields_and_nothing_saved_is_lost(client: Client,
                                                                 world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    tree = _tree(mc)
    tree["title"] = "A new title"
    tree["parts"][0]["prompts"][1]["prompt"] = ""
    tree["parts"][0]["criteria"][0]["not_yet_descriptor"] = ""
    tree["citations"] = [{"authors": "Hattie, J.", "year": "20", "title": "Visible Learning",
                          "source": "", "url": "ftp://x"}]
    response = _post(client, mc, tree, "save")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="error-summary"' in html
    assert 'href="#id_parts-0-prompts-1-prompt"' in html
    assert 'href="#id_parts-0-criteria-0-not_yet_descriptor"' in html
    assert 'href="#id_citations-0-year"' in html and 'href="#id_citations-0-url"' in html
    assert 'aria-invalid="true"' in html
    assert "A new title" in html  # what was typed is kept on the page
    mc.refresh_from_db()
    assert mc.title != "A new title"  # and what was saved before is untouched
    assert mc.prompts.count() == 3


def test_whole_list_problems_are_shown_at_the_list(client: Client, world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    tree = _tree(mc)
    tree["parts"] = []
    html = _post(client, mc, tree, "save").content.decode()
    assert 'href="#parts-section"' in html
    assert "Add at least one part" in html


def test_metadata_saved(client: Client, world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    tree = _tree(mc)
    tree.update(topic="Assessment", tags="feedback, formative ", audience="educators",
                level="advanced", estimated_hours="4.5", credit_hours="", ceus="0.5",
                fee="25", fee_currency="usd", sponsor_can_cover=False, pass_rule="at_least",
                pass_minimum="1")
    tree["methods"] = [{"name": "Plan", "explanation": "Before the lesson."}]
    tree["resources"] = [{"kind": "video", "title": "Watch", "url": "https://v.example",
                          "description": ""}]
    tree["alignments"] = [{"target_name": "Feedback", "target_url": "https://s.example/1",
                           "target_framework": "ISTE", "target_code": "2.5",
                           "target_description": "", "target_type": "CFItem"}]
    assert _post(client, mc, tree, "save").status_code == 302
    mc.refresh_from_db()
    assert mc.tags == ["feedback", "formative"] and mc.fee_currency == "USD"
    assert not mc.sponsor_can_cover and mc.pass_minimum == 1
    assert mc.method_components.get().name == "Plan"
    assert mc.resources.get().kind == "video"
    assert mc.alignments.get().target_code == "2.5"


def test_published_version_is_not_editable(client: Client, world: World) -> None:
    client.force_login(world.author)
    response = client.get(reverse("catalog:author_edit", args=[world.mc.public_id]))
    assert response.status_code == 302


def test_lifecycle_buttons_by_role(client: Client) -> None:
    author = user()
    org = organization(author=author)
    admin = reviewer_of(org)
    mc = micro_credential(org=org, author=author, publish=False)
    client.force_login(author)
    detail = reverse("catalog:author_detail", args=[mc.public_id])
    html = client.get(detail).content.decode()
    assert "Send for review" in html and "Only an administrator" in html
    client.post(reverse("catalog:author_submit", args=[mc.public_id]))
    mc.refresh_from_db()
    assert mc.status == "in_review"
    # An author cannot publish, and is told why.
    response = client.post(reverse("catalog:author_publish", args=[mc.public_id]), follow=True)
    assert "Only an administrator" in response.content.decode()
    mc.refresh_from_db()
    assert mc.status == "in_review"
    client.force_login(admin)
    assert client.post(reverse("catalog:author_publish", args=[mc.public_id])).status_code == 302
    mc.refresh_from_db()
    assert mc.status == "published"
    response = client.post(reverse("catalog:author_new_version", args=[mc.public_id]))
    draft = MicroCredential.objects.get(lineage=mc.lineage, version=2)
    assert response["Location"] == reverse("catalog:author_edit", args=[draft.public_id])
    html = client.get(reverse("catalog:author_detail", args=[draft.public_id])).content.decode()
    assert "Version 1" in html and "Version 2" in html
    client.post(reverse("catalog:author_retire", args=[mc.public_id]))
    mc.refresh_from_db()
    assert mc.status == "retired"
    home = client.get(reverse("catalog:author_home")).content.decode()
    assert "Drafts" in home and "Retired and replaced" in home


def test_return_to_draft_with_a_note(client: Client, world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    client.post(reverse("catalog:author_submit", args=[mc.public_id]))
    client.post(reverse("catalog:author_return", args=[mc.public_id]), {"note": "Fix part 1"})
    mc.refresh_from_db()
    assert mc.status == "draft"
    html = client.get(reverse("catalog:author_detail", args=[mc.public_id])).content.decode()
    assert "Fix part 1" in html


def test_preview_renders_the_catalog_page_and_the_card(client: Client, world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    response = client.get(reverse("catalog:author_preview", args=[mc.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview." in html and mc.title in html
    assert "Planned checks" in html  # the rubric, from the catalog's template
    assert "credential-card" in html
    assert html.count("<h1") == 1


def test_badge_upload_sanitizes_and_serves(client: Client, world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    mc = _draft(world)
    client.force_login(world.author)
    generated = client.get(reverse("catalog:author_badge", args=[mc.public_id]))
    assert generated["Content-Type"] == "image/svg+xml" and b"<title>" in generated.content
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)'
           b'</script><circle r="5"/></svg>')
    client.post(reverse("catalog:author_badge_set", args=[mc.public_id]),
                {"badge_image": SimpleUploadedFile("b.svg", svg, "image/svg+xml")})
    mc.refresh_from_db()
    assert mc.badge_image.name.endswith(".svg")
    served = client.get(reverse("catalog:author_badge", args=[mc.public_id]))
    assert b"script" not in served.content and b"onload" not in served.content
    assert "sandbox" in served["Content-Security-Policy"]
    bad = b'<svg xmlns="http://www.w3.org/2000/svg"><use href="https://evil.example/x#a"/></svg>'
    response = client.post(reverse("catalog:author_badge_set", args=[mc.public_id]),
                           {"badge_image": SimpleUploadedFile("b.svg", bad)}, follow=True)
    assert "outside the image" in response.content.decode()
    client.post(reverse("catalog:author_badge_set", args=[mc.public_id]), {"action": "clear"})
    mc.refresh_from_db()
    assert not mc.badge_image


def test_translate_page_covers_parts(client: Client, world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    url = reverse("catalog:author_translate", args=[mc.public_id, "es"])
    html = client.get(url).content.decode()
    assert "Part 1: title" in html
    data = {"title": "T", "competency": "C", "key_method": "K", "part_1_title": "Evidencia",
            "part_1_instructions": ""}
    data.update({f"prompt_{p.position}": "P" for p in mc.prompts.all()})
    for c in mc.criteria.all():
        data.update({f"criterion_{c.position}_name": "N", f"criterion_{c.position}_pass": "S",
                     f"criterion_{c.position}_not_yet": "T"})
    assert client.post(url, data).status_code == 302
    assert mc.parts.get().translations.get(language="es").title == "Evidencia"


def test_translations_follow_moved_parts(client: Client, world: World) -> None:
    mc = _draft(world)
    client.force_login(world.author)
    url = reverse("catalog:author_translate", args=[mc.public_id, "es"])
    data = {"title": "T", "competency": "C", "key_method": "K", "part_1_title": "Evidencia",
            "part_1_instructions": ""}
    data.update({f"prompt_{p.position}": f"P{p.position}" for p in mc.prompts.all()})
    for c in mc.criteria.all():
        data.update({f"criterion_{c.position}_name": f"N{c.position}",
                     f"criterion_{c.position}_pass": "S", f"criterion_{c.position}_not_yet": "T"})
    client.post(url, data)
    tree = _tree(mc)
    prompts = tree["parts"][0]["prompts"]
    prompts[0], prompts[1] = prompts[1], prompts[0]
    assert _post(client, mc, tree, "save").status_code == 302
    assert [p.translations.get(language="es").prompt for p in mc.prompts.all()] == [
        "P2", "P1", "P3"]
    # A new part has no translation yet: the language is dropped, and the author is told.
    tree = _tree(mc)
    tree["parts"].append({**tree["parts"][0], "origin": "", "title": "More"})
    response = _post(client, mc, tree, "save")
    assert response.status_code == 302
    assert not mc.translations.exists()
