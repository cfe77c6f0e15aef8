"""Badge images: an uploaded PNG re-encoded, an uploaded SVG sanitized, or one generated from
the title and the badge colours.

The image is embedded in every credential's Achievement (OB 3.0 ``Image``) and shown on public
pages, so nothing from an upload is kept as sent: a PNG is decoded and written again by Pillow
(dropping metadata chunks and anything appended), and an SVG is parsed with defusedxml (no
entities, no external DTDs), rebuilt from an allow-list of elements and attributes, and refused
if it still points outside itself (SVG 2 §5.6 ``href``, CSS ``url()``, ``@import``, read after
decoding CSS escapes and comments, as a browser reads them). Styles keep only allow-listed
properties with plain values (``style`` attributes and simple ``<style>`` rules).
"""

from __future__ import annotations

import base64
import io
import re
import textwrap
from dataclasses import dataclass
from html import escape
from typing import Any
from xml.etree.ElementTree import Element  # noqa: S405 - only builds trees; parsing is defused

from django.urls import reverse
from django.utils.translation import gettext as _

from microcred.catalog.models import MicroCredential, Stack
from microcred.errors import ValidationFailed

__all__ = ["BADGE_MAX_BYTES", "BADGE_MAX_PIXELS", "BADGE_SIZE", "BadgeLayout", "badge_clean",
           "badge_generated_png", "badge_generated_svg", "badge_image_bytes", "badge_layout",
           "badge_png_bytes", "badge_src", "png_clean", "svg_clean"]

BADGE_MAX_BYTES = 2 * 1024 * 1024
BADGE_MAX_PIXELS = 2000  # per side

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"

# Shapes, paint servers, text and structure; no script, foreignObject, image, use of other
# documents, animation (which can set href), or iframes.
_ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "path", "rect", "circle", "ellipse", "line",
    "polyline", "polygon", "text", "tspan", "linearGradient", "radialGradient", "stop",
    "clipPath", "mask", "symbol", "use", "style", "pattern", "filter", "feGaussianBlur",
    "feOffset", "feBlend", "feFlood", "feComposite", "feMerge", "feMergeNode",
    "feColorMatrix", "metadata",
}
_ATTRIBUTES = {
    "id", "class", "style", "viewBox", "width", "height", "x", "y", "x1", "y1", "x2", "y2",
    "cx", "cy", "r", "rx", "ry", "d", "points", "fill", "fill-opacity", "fill-rule",
    "stroke", "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "opacity", "transform",
    "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
    "spreadMethod", "fx", "fy", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "dominant-baseline", "letter-spacing", "dx", "dy", "clip-path",
    "clip-rule", "mask", "preserveAspectRatio", "role", "aria-label", "aria-hidden",
    "version", "href", "patternUnits", "patternTransform", "filter", "stdDeviation",
    "in", "in2", "result", "mode", "operator", "values", "type", "flood-color",
    "flood-opacity", "clipPathUnits", "maskUnits", "maskContentUnits", "lang", "xml:space",
    "visibility", "display", "color", "textLength", "lengthAdjust",
}
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
# CSS Syntax §4.3.7 (escapes) and §4.3.2 (comments): what a browser or WeasyPrint reads.
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(\n)|(.))", re.DOTALL)
# Functions and at-rules that load something (CSS Images 3/4 image(), image-set(), cross-fade(),
# element(); @import, @font-face src), plus IE's expression().
_LOADERS = ("@import", "@font-face", "image(", "image-set(", "cross-fade(", "element(",
            "expression(", "src(")
# Style properties a badge may set, each to a plain value: no function, escape or at-rule.
_STYLE_PROPERTIES = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset",
    "stroke-miterlimit", "opacity", "color", "stop-color", "stop-opacity", "flood-color",
    "flood-opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
    "dominant-baseline", "letter-spacing", "visibility", "display", "clip-rule",
}
_PLAIN_VALUE = re.compile(r"[#\w.,%\s'\"+-]*")
_SELECTOR = re.compile(r"[\w#.,\s>+~*:-]+")


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, problems={"badge_image": message})


def png_clean(data: bytes) -> bytes:
    """The PNG decoded and encoded again; refused when it is not a PNG, is too large, or would
    decompress into more pixels than a badge needs (a decompression bomb)."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > BADGE_MAX_BYTES:
        raise _refuse(_("The badge image must be 2 MB or smaller."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            # The header gives the size before any pixel is decompressed.
            if probe.format != "PNG":
                raise _refuse(_("Upload a PNG or an SVG image."))
            width, height = probe.size
            if width > BADGE_MAX_PIXELS or height > BADGE_MAX_PIXELS:
                raise _refuse(_("The badge image must be at most %(n)s by %(n)s pixels.")
                              % {"n": BADGE_MAX_PIXELS})
            probe.load()
            image = probe.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise _refuse(_("This file is not a PNG image that can be read.")) from None
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _css_decode(css: str) -> str:
    """``css`` as a CSS parser reads it: comments removed, escapes replaced by the characters
    they stand for (so ``\\75 rl(`` is ``url(``)."""

    def unescape(match: re.Match[str]) -> str:
        if match[1]:
            code = int(match[1], 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF \
                else "\ufffd"
        return "" if match[2] else match[3]

    return _CSS_ESCAPE.sub(unescape, _CSS_COMMENT.sub("", css))


def _css_is_local(css: str) -> bool:
    """Nothing in ``css``, once decoded, loads anything but a fragment of the image itself."""
    decoded = _css_decode(css)
    squashed = re.sub(r"\s+", "", decoded).lower()
    if any(loader in squashed for loader in _LOADERS):
        return False
    return all(target.strip().startswith("#") for _q, target in _URL.findall(decoded))


def _plain_declarations(css: str) -> str:
    """Only allow-listed properties with plain values (no function, escape or at-rule), so a
    way of loading something that nobody has thought of yet is dropped too."""
    if "\\" in css:
        return ""
    kept = []
    for declaration in _css_decode(css).split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if (colon and name in _STYLE_PROPERTIES and _PLAIN_VALUE.fullmatch(value)
                and not re.search(r"url|image|@", value, re.IGNORECASE)):
            kept.append(f"{name}:{value}")
    return ";".join(kept)


def _plain_stylesheet(css: str) -> str:
    """A ``<style>`` rebuilt from plain rules (simple selectors, allow-listed declarations);
    anything else in it (an at-rule, an escape, a stray character) drops the whole sheet."""
    decoded = _css_decode(css)
    if "\\" in css or "@" in decoded or "<" in decoded:
        return ""
    rules, end = [], 0
    for match in re.finditer(r"([^{}]+)\{([^{}]*)\}", decoded):
        if decoded[end:match.start()].strip():
            return ""
        end = match.end()
        selector = match[1].strip()
        if not _SELECTOR.fullmatch(selector):
            return ""
        declarations = _plain_declarations(match[2])
        if declarations:
            rules.append(f"{selector}{{{declarations}}}")
    if decoded[end:].strip():
        return ""
    return "".join(rules)


def svg_clean(data: bytes) -> bytes:
    """The SVG rebuilt from allowed elements and attributes only; refused if anything in it
    still refers outside the image (scripts, event handlers and ``foreignObject`` are dropped;
    a remote or ``data:`` reference, an ``@import`` or a ``url()`` not starting with ``#``
    refuses the whole file)."""
    from defusedxml import ElementTree as DefusedET
    from defusedxml.common import DefusedXmlException

    if len(data) > BADGE_MAX_BYTES:
        raise _refuse(_("The badge image must be 2 MB or smaller."))
    try:
        root = DefusedET.fromstring(data)
    except (DefusedXmlException, SyntaxError, ValueError):
        raise _refuse(_("This file is not an SVG image that can be read.")) from None
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise _refuse(_("Upload a PNG or an SVG image."))

    def rebuild(node: Element) -> Element | None:
        name = _local(node.tag) if node.tag.startswith(f"{{{_SVG_NS}}}") else None
        if name not in _ELEMENTS:
            return None  # script, foreignObject, image, other namespaces...
        clean = Element(name)
        for key, value in node.attrib.items():
            attr = _local(key)
            if key.startswith("{") and not key.startswith(f"{{{_XLINK_NS}}}"):
                continue  # attributes in foreign namespaces
            if attr.lower().startswith("on") or attr not in _ATTRIBUTES:
                continue
            if attr == "href" and not value.strip().startswith("#"):
                raise _refuse(_("The SVG refers to something outside the image. Badges must "
                                "be self-contained."))
            if not _css_is_local(value):
                raise _refuse(_("The SVG refers to something outside the image. Badges must "
                                "be self-contained."))
            if attr == "style":
                value = _plain_declarations(value)
                if not value:
                    continue
            elif "\\" in value:
                continue  # no plain attribute needs a CSS escape
            clean.set(attr, value)
        if node.text and node.text.strip():
            text = node.text
            if name == "style":
                if not _css_is_local(text):
                    raise _refuse(_("The SVG refers to something outside the image. Badges "
                                    "must be self-contained."))
                text = _plain_stylesheet(text)
                if not text:
                    return None
            clean.text = text
        for child in node:
            kept = rebuild(child)
            if kept is not None:
                kept.tail = child.tail if child.tail and child.tail.strip() else None
                clean.append(kept)
        return clean

    cleaned = rebuild(root)
    assert cleaned is not None
    cleaned.set("xmlns", _SVG_NS)
    from xml.etree.ElementTree import tostring  # noqa: S405 - serializing our own tree

    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(cleaned, encoding="utf-8",
                                                                    xml_declaration=False)


def badge_clean(data: bytes, filename: str) -> tuple[bytes, str]:
    """The upload, cleaned, and the suffix to store it under (``.png`` or ``.svg``)."""
    head = data[:512].lstrip()
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return png_clean(data), ".png"
    if filename.lower().endswith(".svg") or head.startswith((b"<?xml", b"<svg")):
        return svg_clean(data), ".svg"
    raise _refuse(_("Upload a PNG or an SVG image."))


# -- the generated badge: one drawing, as SVG and as PNG ---------------------------------------

#: The drawing's square, in SVG user units and in PNG pixels alike.
BADGE_SIZE = 400
_CENTRE = BADGE_SIZE / 2
# The disc: an accent rim, the badge colour, a thin white ring; a small accent pennant below the
# title. Radii in the square's units.
_RIM, _DISC, _RING = 194, 176, 156
_RING_WIDTH, _RING_OPACITY = 3, 0.7
_PENNANT = ((200, 330), (214, 308), (186, 308))
# The PNG is drawn at this multiple and scaled down, so edges and letters are smooth.
_SUPERSAMPLE = 4


@dataclass(frozen=True)
class BadgeLayout:
    """Where the title goes on a generated badge: wrapped on up to three lines, each centred at
    ``x`` = the middle and at its own ``y`` (the line's middle), in one font size. The SVG and the
    PNG both draw from this, so they show the same lines in the same places."""

    lines: tuple[str, ...]
    font_size: int
    line_centres: tuple[float, ...]


def badge_layout(title: str, *, width: int = 16, max_lines: int = 3) -> BadgeLayout:
    """The title wrapped at ``width`` characters on at most ``max_lines`` lines (the last one
    cut with an ellipsis), in a size that fits them inside the ring."""
    lines = textwrap.wrap(title, width=width) or [title]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    size = 30 if len(lines) < 3 else 26
    top = _CENTRE - (len(lines) - 1) * size * 0.6
    return BadgeLayout(lines=tuple(lines), font_size=size,
                       line_centres=tuple(top + i * size * 1.2 for i in range(len(lines))))


def badge_generated_svg(*, title: str, colour: str, accent: str) -> bytes:
    """The generated badge as SVG (:func:`badge_layout`), with an accessible ``<title>``."""
    layout = badge_layout(title)
    text = "".join(
        f'<tspan x="{_CENTRE:.0f}" y="{y:.0f}">{escape(line)}</tspan>'
        for line, y in zip(layout.lines, layout.line_centres, strict=True))
    label = escape(title, quote=True)
    pennant = " ".join(f"{x},{y}" for x, y in _PENNANT)
    c = f'cx="{_CENTRE:.0f}" cy="{_CENTRE:.0f}"'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {BADGE_SIZE} {BADGE_SIZE}" '
        f'width="{BADGE_SIZE}" height="{BADGE_SIZE}" role="img" aria-label="{label}">'
        f"<title>{escape(title)}</title>"
        f'<circle {c} r="{_RIM}" fill="{escape(accent)}"/>'
        f'<circle {c} r="{_DISC}" fill="{escape(colour)}"/>'
        f'<circle {c} r="{_RING}" fill="none" stroke="#ffffff" '
        f'stroke-opacity="{_RING_OPACITY}" stroke-width="{_RING_WIDTH}"/>'
        f'<polygon points="{pennant}" fill="{escape(accent)}"/>'
        '<text text-anchor="middle" dominant-baseline="central" font-family="sans-serif" '
        f'font-size="{layout.font_size}" font-weight="bold" fill="#ffffff">{text}</text></svg>'
    ).encode()


def _rgb(hex_colour: str, fallback: str) -> tuple[int, int, int]:
    """``#rrggbb`` as a triple; the model's default colour for anything else (the SVG passes
    the text through, and a browser would not paint it either)."""
    value = hex_colour.strip().lstrip("#")
    if not re.fullmatch(r"[0-9a-fA-F]{6}", value):
        value = fallback.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def badge_generated_png(*, title: str, colour: str, accent: str) -> bytes:
    """The generated badge as PNG: the drawing of :func:`badge_generated_svg`, shape for shape
    and line for line, drawn with Pillow in its bundled font (bold by a one-pixel outline).
    Deterministic for a given Pillow, so a credential's image does not change between
    requests."""
    from PIL import Image, ImageDraw, ImageFont  # local: Pillow loads only when a PNG is drawn

    scale = _SUPERSAMPLE
    fill, rim = _rgb(colour, "#1d4e89"), _rgb(accent, "#f2b705")
    # The ring is white at 70 % over the disc: blended here, as the SVG viewer blends it.
    ring = tuple(round(255 * _RING_OPACITY + c * (1 - _RING_OPACITY)) for c in fill)
    image = Image.new("RGBA", (BADGE_SIZE * scale, BADGE_SIZE * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def disc(radius: float, **paint: Any) -> None:
        box = [(_CENTRE - radius) * scale, (_CENTRE - radius) * scale,
               (_CENTRE + radius) * scale, (_CENTRE + radius) * scale]
        draw.ellipse(box, **paint)

    disc(_RIM, fill=rim)
    disc(_DISC, fill=fill)
    disc(_RING + _RING_WIDTH / 2, outline=ring, width=_RING_WIDTH * scale)
    draw.polygon([(x * scale, y * scale) for x, y in _PENNANT], fill=rim)
    layout = badge_layout(title)
    font = ImageFont.load_default(size=layout.font_size * scale)
    for line, y in zip(layout.lines, layout.line_centres, strict=True):
        draw.text((_CENTRE * scale, y * scale), line, font=font, anchor="mm",
                  fill=(255, 255, 255), stroke_width=scale, stroke_fill=(255, 255, 255))
    out = io.BytesIO()
    image.resize((BADGE_SIZE, BADGE_SIZE), Image.Resampling.LANCZOS).save(out, format="PNG")
    return out.getvalue()


def badge_png_bytes(source: MicroCredential | Stack) -> bytes:
    """The badge as PNG (what credentials' PNG carriers and the stack badge show): the uploaded
    PNG as stored, else the generated one. An uploaded SVG cannot be rasterized here without a
    renderer, so PNG carriers of an SVG badge show the generated drawing."""
    upload = getattr(source, "badge_image", None)
    if upload and not upload.name.endswith(".svg"):
        with upload.open("rb") as f:
            return f.read()
    return badge_generated_png(title=source.title, colour=source.badge_colour,
                               accent=source.badge_accent)


def badge_image_bytes(mc: MicroCredential) -> tuple[bytes, str]:
    """The badge a version shows, and its media type: the cleaned upload (stored already
    cleaned by ``micro_credential_badge_set``), else one generated from its title and colours.
    """
    if mc.badge_image:
        with mc.badge_image.open("rb") as f:
            body = f.read()
        return body, "image/svg+xml" if mc.badge_image.name.endswith(".svg") else "image/png"
    return badge_generated_svg(title=mc.title, colour=mc.badge_colour,
                               accent=mc.badge_accent), "image/svg+xml"


def badge_src(source: MicroCredential | Stack) -> str:
    """Where a page's ``<img>`` finds the badge: a frozen version's uploaded badge by its URL,
    else the generated badge as a ``data:`` URI."""
    if isinstance(source, MicroCredential) and source.badge_image and source.is_frozen:
        return reverse("catalog:badge", args=[source.slug, source.version])
    svg = badge_generated_svg(title=source.title, colour=source.badge_colour,
                              accent=source.badge_accent)
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
