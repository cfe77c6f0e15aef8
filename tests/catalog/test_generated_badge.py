"""The generated badge is one drawing (``catalog.badges.badge_layout``), rendered as SVG and as
PNG: a credential's two images show the same title on the same lines in the same places."""

from __future__ import annotations

import io
from xml.etree import ElementTree

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from microcred.catalog.badges import (
    BADGE_SIZE,
    BadgeLayout,
    badge_generated_png,
    badge_generated_svg,
    badge_layout,
    badge_png_bytes,
)
from microcred.catalog.models import MicroCredential
from microcred.issuance import sharing
from microcred.issuance.models import Credential
from tests.factories import World, pass_attempt, submitted_attempt

TITLES = [
    "Formative Assessment",
    "Formative Assessment in the Classroom",
    "Designing Rubrics that Students Can Use to Judge Their Own Work Before Submitting It",
    "Jig-saw Grouping: Quick Checks",
    "Evaluación formativa",
]
_SVG = "{http://www.w3.org/2000/svg}"


def _svg_lines(svg: bytes) -> list[tuple[str, int]]:
    """(text, y) of each line of the title in a generated SVG badge."""
    root = ElementTree.fromstring(svg)  # noqa: S314 - our own output
    return [(t.text or "", int(t.get("y", ""))) for t in root.iter(f"{_SVG}tspan")]


def _text_rows(png: bytes) -> list[int]:
    """The rows of a PNG badge holding white lettering, inside the ring (clear of it)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    rows = []
    for y in range(90, 310):
        whites = sum(1 for x in range(120, 281) if min(image.getpixel((x, y))) > 235)
        if whites >= 2:
            rows.append(y)
    return rows


def _assert_png_follows(png: bytes, layout: BadgeLayout) -> None:
    """Lettering crosses the middle of every line of ``layout`` and lies nowhere else."""
    rows = _text_rows(png)
    for y in layout.line_centres:
        assert any(abs(row - y) <= 3 for row in rows), (y, layout)
    reach = layout.font_size * 0.75
    assert all(any(abs(row - y) <= reach for y in layout.line_centres) for row in rows), layout


def _assert_valid_png(png: bytes) -> None:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.size == (BADGE_SIZE, BADGE_SIZE)
        image.verify()


@pytest.mark.parametrize("title", TITLES)
def test_the_svg_and_the_png_draw_the_one_layout(title: str) -> None:
    layout = badge_layout(title)
    assert 1 <= len(layout.lines) <= 3
    svg = badge_generated_svg(title=title, colour="#1d4e89", accent="#f2b705")
    assert _svg_lines(svg) == [(line, round(y)) for line, y in zip(
        layout.lines, layout.line_centres, strict=True)]
    png = badge_generated_png(title=title, colour="#1d4e89", accent="#f2b705")
    _assert_valid_png(png)
    _assert_png_follows(png, layout)


def test_a_long_title_is_cut_on_the_third_line() -> None:
    layout = badge_layout(TITLES[2])
    assert len(layout.lines) == 3 and layout.lines[-1].endswith("…")
    assert layout.font_size < badge_layout(TITLES[0]).font_size


def test_the_png_is_the_same_every_time_and_takes_the_colours() -> None:
    first = badge_generated_png(title="Quick Checks", colour="#5b2a86", accent="#f2b705")
    assert badge_generated_png(title="Quick Checks", colour="#5b2a86",
                               accent="#f2b705") == first
    with Image.open(io.BytesIO(first)) as image:
        rgb = image.convert("RGB")
        assert rgb.getpixel((200, 120)) == (0x5B, 0x2A, 0x86)  # the disc
        assert rgb.getpixel((200, 9)) == (0xF2, 0xB7, 0x05)  # the accent rim
    # A colour that is not #rrggbb falls back to the default rather than failing.
    _assert_valid_png(badge_generated_png(title="Quick Checks", colour="blue", accent="#zz"))


@pytest.mark.django_db
def test_one_credentials_png_and_svg_show_the_same_title_lines() -> None:
    world = World()
    MicroCredential.objects.filter(pk=world.mc.pk).update(
        title="Formative Assessment in the Classroom")
    pass_attempt(assessor=world.assessor,
                 attempt=submitted_attempt(learner=world.learner, mc=world.mc))
    credential = Credential.objects.get(learner=world.learner, micro_credential=world.mc)
    layout = badge_layout("Formative Assessment in the Classroom")
    client = Client()
    svg = client.get(reverse("issuance:credential_svg", args=[credential.public_id])).content
    png = client.get(reverse("issuance:credential_png", args=[credential.public_id])).content
    # Baked: the SVG and the PNG also carry the signed credential; the drawing is the same.
    assert [line for line, _y in _svg_lines(svg)] == list(layout.lines)
    _assert_valid_png(png)
    _assert_png_follows(png, layout)
    # issuance's badge_png is the catalog's generator.
    assert sharing.badge_png(credential.badge_source) == badge_png_bytes(
        credential.badge_source)
