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


def _images(pdf: bytes) -> list[tuple[int, int]]:
    """The raster images drawn on the certificate's page (pypdf: XObjects of subtype Image,
    also inside form XObjects)."""
    from pypdf import PdfReader

    found: list[tuple[int, int]] = []

    def walk(resources) -> None:  # type: ignore[no-untyped-def]
        xobjects = (resources or {}).get("/XObject") or {}
        for ref in xobjects.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.append((int(obj["/Width"]), int(obj["/Height"])))
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources"))

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    walk(page.get("/Resources"))
    return found


def test_pdf_certificate_draws_the_badge(client: Client, world: World, credential: Credential,
                                         caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="weasyprint"):
        response = client.get(reverse("issuance:credential_pdf", args=[credential.public_id]))
    assert response.status_code == 200
    assert (400, 400) in _images(response.content)  # the badge, as the Achievement's PNG
    assert not [r for r in caplog.records if "Failed to load" in r.getMessage()]


def _count_renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import weasyprint

    renders: list[str] = []
    original = weasyprint.HTML.write_pdf

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        renders.append("render")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", counted)
    return renders


def test_pdf_certificate_is_rendered_once_per_state(client: Client, world: World,
                                                    credential: Credential,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.cache import cache

    from microcred.issuance.services import credential_suspend, credential_unsuspend
    from tests.factories import reviewer_of

    cache.clear()
    renders = _count_renders(monkeypatch)
    url = reverse("issuance:credential_pdf", args=[credential.public_id])
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(renders) == 1  # the second request was served without rendering
    admin = reviewer_of(world.org)
    credential_suspend(actor=admin, credential_id=credential.pk, reason="Checking")
    assert client.get(url).status_code == 200
    assert len(renders) == 2  # a state change renders again
    credential_unsuspend(actor=admin, credential_id=credential.pk, reason="Checked")
    client.get(url)
    client.get(url, HTTP_ACCEPT_LANGUAGE="es")
    assert len(renders) == 4  # and so does another language


def test_pdf_certificate_renders_are_limited(client: Client, world: World,
                                             credential: Credential,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """With every renderer busy, a request that would have to render is told to come back;
    it never queues for ever."""
    from django.core.cache import cache

    from microcred.issuance import sharing

    cache.clear()
    renders = _count_renders(monkeypatch)
    monkeypatch.setattr(sharing, "CERTIFICATE_WAIT_SECONDS", 0.05)
    url = reverse("issuance:credential_pdf", args=[credential.public_id])
    held = [sharing._renderers.acquire(timeout=1) for _ in range(sharing.CERTIFICATE_RENDERS)]
    try:
        assert all(held)
        busy = client.get(url)
        assert busy.status_code == 503
        assert busy["Retry-After"] == "5"
        assert "try again in a moment" in busy.content.decode()
        assert renders == []
    finally:
        for _ in held:
            sharing._renderers.release()
    assert client.get(url).status_code == 200
    assert len(renders) == 1


def test_profile_shows_a_suspended_or_expired_credentials_status(
        client: Client, world: World, credential: Credential) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from microcred.issuance.services import credential_revoke, credential_suspend
    from tests.factories import reviewer_of

    learner_profile_update(actor=world.learner, did="", handle="ana", public=True)
    Credential.objects.filter(pk=credential.pk).update(on_public_profile=True)
    page = client.get("/people/ana/").content.decode()
    assert world.mc.title in page and "Suspended" not in page and "Expired" not in page
    admin = reviewer_of(world.org)
    credential_suspend(actor=admin, credential_id=credential.pk, reason="Checking")
    page = client.get("/people/ana/").content.decode()
    assert world.mc.title in page and "Suspended" in page
    Credential.objects.filter(pk=credential.pk).update(
        suspended_at=None, valid_until=timezone.now() - timedelta(days=1))
    page = client.get("/people/ana/").content.decode()
    assert "Expired" in page and "Suspended" not in page
    credential_revoke(actor=admin, credential_id=credential.pk, reason="Issued in error")
    assert world.mc.title not in client.get("/people/ana/").content.decode()  # left out
