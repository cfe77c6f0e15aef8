"""Sharing: the public page, baked images, the PDF certificate, LinkedIn, the profile page."""

import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from microcred.issuance.models import Credential
from microcred.issuance.services import learner_profile_update
from microcred.vc.baking import unbake
from microcred.verification.services import credential_verify
from tests.factories import World, pass_attempt, submitted_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def credential(world: World) -> Credential:
    attempt = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=attempt)
    return Credential.objects.get(attempt=attempt)


def test_public_page_has_open_graph_twitter_and_share_tools(client: Client, world: World,
                                                           credential: Credential) -> None:
    html = client.get(reverse("issuance:credential", args=[credential.public_id])).content.decode()
    assert f'<meta property="og:title" content="{world.mc.title}">' in html
    assert f'content="http://127.0.0.1:8000/credentials/{credential.public_id}/"' in html
    assert 'property="og:image" content="http://127.0.0.1:8000/badges/' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert "Verified: every check passed" in html
    assert "https://www.linkedin.com/profile/add?" in html
    assert 'id="embed-snippet"' in html
    for name in ("credential_pdf", "credential_png", "credential_svg", "credential_json"):
        assert reverse(f"issuance:{name}", args=[credential.public_id]) in html


def test_linkedin_link_is_prefilled_as_a_certification(client: Client, world: World,
                                                       credential: Credential) -> None:
    from microcred.issuance.sharing import linkedin_url

    query = parse_qs(urlsplit(linkedin_url(credential)).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [world.mc.title]
    assert query["organizationName"] == [world.org.name]
    assert query["certId"] == [str(credential.public_id)]
    assert query["certUrl"] == [f"http://127.0.0.1:8000/credentials/{credential.public_id}/"]
    assert query["issueYear"] == [str(credential.issued_at.year)]


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_baked_images_unbake_to_the_stored_credential_byte_for_byte(
    client: Client, credential: Credential, kind: str
) -> None:
    response = client.get(reverse(f"issuance:credential_{kind}", args=[credential.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == {"png": "image/png", "svg": "image/svg+xml"}[kind]
    assert unbake(response.content).text == credential.signed_json
    report = credential_verify(data=response.content)
    assert report.verdict == "passed", report.as_dict()


def test_badge_image_is_generated(client: Client, world: World) -> None:
    from PIL import Image

    response = client.get(reverse("issuance:badge_image", args=[world.mc.slug]))
    assert Image.open(io.BytesIO(response.content)).size == (400, 400)


def test_pdf_certificate_has_a_qr_code_to_the_public_page(client: Client, world: World,
                                                         credential: Credential) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    response = client.get(reverse("issuance:credential_pdf", args=[credential.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    page = pdfium.PdfDocument(response.content)[0]
    text = page.get_textpage().get_text_range()
    assert world.mc.title in text and world.org.name in text
    image = page.render(scale=3).to_pil()
    decoded = [r.text for r in zxingcpp.read_barcodes(image)]
    assert decoded == [f"http://127.0.0.1:8000/credentials/{credential.public_id}/"]


def test_profile_lists_only_what_the_learner_makes_public(client: Client, world: World,
                                                         credential: Credential) -> None:
    learner_profile_update(actor=world.learner, did="", handle="ana", public=False)
    assert client.get("/people/ana/").status_code == 404  # private by default
    learner_profile_update(actor=world.learner, did="", handle="ana", public=True)
    page = client.get("/people/ana/")
    assert page.status_code == 200 and world.mc.title not in page.content.decode()
    client.force_login(world.learner)
    client.post(reverse("issuance:sharing", args=[credential.public_id]),
                {"on_public_profile": "on"})
    client.logout()
    assert world.mc.title in client.get("/people/ana/").content.decode()


def test_profile_form(client: Client, world: World) -> None:
    client.force_login(world.learner)
    bad = client.post(reverse("issuance:profile_edit"), {"did": "nope", "handle": "x"})
    assert bad.status_code == 400
    ok = client.post(reverse("issuance:profile_edit"),
                     {"did": "did:example:123", "handle": "ana-b", "public": "on"})
    assert ok.status_code == 302
    assert json.loads(json.dumps(client.get(reverse("issuance:profile_edit")).status_code)) == 200
