"""Badge images: uploads are cleaned or refused; the generated badge is accessible."""

from __future__ import annotations

import io
import zlib

import pytest
from defusedxml import ElementTree as DefusedET
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from microcred.catalog.badges import badge_clean, badge_generated_svg, png_clean, svg_clean
from microcred.catalog.services import micro_credential_badge_clear, micro_credential_badge_set
from microcred.errors import InvalidState, NotAllowed, ValidationFailed
from tests.factories import World, micro_credential, user

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">%s</svg>'


def _png(size: tuple[int, int] = (64, 64)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def test_safe_svg_is_kept() -> None:
    clean = svg_clean(SVG % (b'<defs><linearGradient id="g"><stop offset="0" stop-color="red"/>'
                             b'</linearGradient></defs><title>Badge</title>'
                             b'<circle cx="5" cy="5" r="4" fill="url(#g)"/>'
                             b'<use href="#g"/>'))
    root = DefusedET.fromstring(clean)
    tags = [el.tag.rsplit("}", 1)[-1] for el in root.iter()]
    assert tags == ["svg", "defs", "linearGradient", "stop", "title", "circle", "use"]
    assert b'fill="url(#g)"' in clean


@pytest.mark.parametrize("inner", [
    b"<script>alert(1)</script>",
    b'<circle r="1" onload="alert(1)" onclick="x()"/>',
    b'<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>',
    b'<image href="https://x.example/a.png"/>',
])
def test_dangerous_things_are_dropped(inner: bytes) -> None:
    clean = svg_clean(SVG % inner).lower()
    for bad in (b"script", b"onload", b"onclick", b"foreignobject", b"<image", b"alert"):
        assert bad not in clean


@pytest.mark.parametrize("inner", [
    b'<use href="https://evil.example/sprite.svg#a"/>',
    b'<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="//evil.example/x"/>',
    b'<use href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="/>',
    b'<rect width="1" height="1" fill="url(https://evil.example/p.svg#p)"/>',
    b'<rect width="1" height="1" style="fill: url(\'data:image/svg+xml,x\')"/>',
    b"<style>@import url(https://evil.example/a.css);</style>",
    b"<style>rect { fill: url(http://evil.example/x) }</style>",
])
def test_external_references_refuse_the_file(inner: bytes) -> None:
    with pytest.raises(ValidationFailed) as exc:
        svg_clean(SVG % inner)
    assert "badge_image" in exc.value.problems


def test_entities_and_non_svg_are_refused() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    with pytest.raises(ValidationFailed):
        svg_clean(bomb)
    with pytest.raises(ValidationFailed):
        svg_clean(b"<html><body/></html>")
    with pytest.raises(ValidationFailed):
        badge_clean(b"GIF89a....", "x.gif")


def test_png_is_reencoded_without_extra_data() -> None:
    original = _png() + b"trailing junk that could be a polyglot"
    clean, suffix = badge_clean(original, "badge.png")
    assert suffix == ".png" and b"trailing junk" not in clean
    assert Image.open(io.BytesIO(clean)).size == (64, 64)


def test_png_too_many_pixels_and_bomb_refused() -> None:
    with pytest.raises(ValidationFailed):
        png_clean(_png((2100, 10)))
    # A decompression bomb: tiny file, a huge declared image (the header is read first).
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    assert len(out.getvalue()) < 200_000
    with pytest.raises(ValidationFailed):
        png_clean(out.getvalue())
    with pytest.raises(ValidationFailed):
        png_clean(b"\x89PNG\r\n\x1a\n" + zlib.compress(b"not really"))
    with pytest.raises(ValidationFailed):
        png_clean(b"x" * (2 * 1024 * 1024 + 1))


def test_generated_badge_is_accessible_svg() -> None:
    svg = badge_generated_svg(title="Checking for Understanding <in> Science Classrooms Today",
                              colour="#1d4e89", accent="#f2b705")
    root = DefusedET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("Checking")
    assert b"#1d4e89" in svg and b"#f2b705" in svg
    assert len(root.findall(".//{http://www.w3.org/2000/svg}tspan")) == 3
    assert svg_clean(svg)  # what we generate passes our own sanitizer


@pytest.mark.django_db
def test_badge_services(world: World) -> None:
    draft = micro_credential(org=world.org, author=world.author, publish=False)
    mc = micro_credential_badge_set(actor=world.author, micro_credential_id=draft.pk,
                                    upload=SimpleUploadedFile("b.png", _png()))
    assert mc.badge_image.name.endswith(".png")
    with mc.badge_image.open("rb") as f:
        assert f.read().startswith(b"\x89PNG")
    with pytest.raises(NotAllowed):
        micro_credential_badge_set(actor=user(), micro_credential_id=draft.pk,
                                   upload=SimpleUploadedFile("b.png", _png()))
    assert not micro_credential_badge_clear(actor=world.author,
                                            micro_credential_id=draft.pk).badge_image
    with pytest.raises(InvalidState):  # a published version is frozen
        micro_credential_badge_set(actor=world.author, micro_credential_id=world.mc.pk,
                                   upload=SimpleUploadedFile("b.png", _png()))


def _img_src(html: str, css_class: str = "badge-image") -> str:
    import re

    match = re.search(r'<img class="' + css_class + r'"[^>]*src="([^"]+)"', html)
    assert match, html[:2000]
    return match[1]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "body", "media_type"), [
    ("badge.png", _png((120, 120)), "image/png"),
    ("badge.svg", SVG % b'<circle cx="5" cy="5" r="4" fill="#123456"/>', "image/svg+xml"),
])
def test_an_uploaded_badge_is_served_where_it_is_linked(world: World, name: str, body: bytes,
                                                        media_type: str) -> None:
    """The catalog page, the stack page and the Achievement name URLs that answer with the
    image (never ``/media-not-served/...``), served as an image only."""
    import json

    from django.test import Client
    from django.urls import reverse

    from microcred.catalog.services import micro_credential_publish
    from microcred.catalog.stacks import stack_create
    from tests.factories import reviewer_of

    draft = micro_credential(org=world.org, author=world.author, publish=False)
    micro_credential_badge_set(actor=world.author, micro_credential_id=draft.pk,
                               upload=SimpleUploadedFile(name, body))
    client = Client()
    client.force_login(world.author)
    preview = client.get(reverse("catalog:author_preview", args=[draft.public_id])).content
    src = _img_src(preview.decode())
    assert client.get(src).status_code == 200  # the draft's, to its author
    assert client.get(reverse("catalog:badge", args=[draft.slug, 1])).status_code == 404
    mc = micro_credential_publish(actor=reviewer_of(world.org), micro_credential_id=draft.pk)

    anonymous = Client()
    page = anonymous.get(reverse("learner:micro_credential", args=[mc.slug]))
    src = _img_src(page.content.decode())
    assert "media-not-served" not in src
    image = anonymous.get(src)
    assert image.status_code == 200
    assert image["Content-Type"] == media_type
    assert "sandbox" in image["Content-Security-Policy"]
    assert image["X-Content-Type-Options"] == "nosniff"
    if media_type == "image/png":
        assert Image.open(io.BytesIO(image.content)).size == (120, 120)
    else:
        assert b"#123456" in image.content

    stack = stack_create(actor=reviewer_of(world.org), organization=world.org,
                         title="Two badges", description="Both.", rule="all",
                         members=[mc, world.mc])
    page = client.get(reverse("catalog:stack_detail", args=[stack.slug])).content.decode()
    assert src in page

    achievement = json.loads(anonymous.get(reverse("catalog:achievement",
                                                   args=[mc.slug])).content)
    image_url = achievement["image"]["id"] if isinstance(achievement["image"], dict) else (
        achievement["image"])
    served = anonymous.get(image_url.replace("http://127.0.0.1:8000", ""))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    if media_type == "image/png":
        assert Image.open(io.BytesIO(served.content)).size == (120, 120)  # the upload itself


@pytest.mark.django_db
def test_a_badge_address_with_a_huge_version_is_not_found(world: World) -> None:
    from django.test import Client

    response = Client().get(f"/catalog/{world.mc.slug}/v{10**30}/badge")
    assert response.status_code == 404
    for url in (f"/badges/{world.mc.slug}/v{10**30}.png", f"/badges/{world.mc.slug}/v{10**30}.svg"):
        assert Client().get(url).status_code == 404
