"""The SVG badge sanitizer reads CSS as a browser and WeasyPrint read it: escapes
(``\\75 rl(``) and comments are decoded before anything is checked, and only allow-listed
properties with plain values survive. Whatever escape spelling an upload uses, the cleaned
badge loads nothing when WeasyPrint renders it (a URL fetcher records every fetch)."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microcred.catalog.badges import svg_clean
from microcred.errors import ValidationFailed
from tests.profiles import examples

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{}</svg>'
EVIL = "http://evil.example/x"


@st.composite
def css_spelling(draw: st.DrawFn, word: str) -> str:
    """``word`` as CSS may spell it: each character literal, hex-escaped (any case, leading
    zeros, optional trailing space) or, for a non-hex character, escaped as itself; comments
    may sit between characters."""
    out = []
    for char in word:
        how = draw(st.sampled_from(["plain", "hex", "self"]))
        if how == "hex" or (how == "self" and char.lower() in "0123456789abcdef"):
            digits = format(ord(char), "x")
            digits = "0" * draw(st.integers(0, 6 - len(digits))) + digits
            digits = digits.upper() if draw(st.booleans()) else digits
            out.append("\\" + digits + draw(st.sampled_from(["", " "])))
        elif how == "self":
            out.append("\\" + char)
        else:
            out.append(char)
        if draw(st.integers(0, 5)) == 0:
            out.append("/**/")
    return "".join(out)


@st.composite
def hostile_badges(draw: st.DrawFn) -> str:
    url, imp, image_set, font_face = (draw(css_spelling(w)) for w in (
        "url", "@import", "image-set", "@font-face"))
    where = draw(st.sampled_from([
        f"<style>{font_face}{{font-family:x;src:{url}({EVIL})}}text{{font-family:x}}</style>"
        "<text>A</text>",
        f"<style>{imp} '{EVIL}';</style>",
        f"<style>{imp} {url}({EVIL});</style>",
        f"<style>rect{{fill:{url}({EVIL})}}</style><rect width='5' height='5'/>",
        f"<style>rect{{fill:{image_set}({url}({EVIL}) 1x)}}</style><rect width='5' height='5'/>",
        f"<rect width='5' height='5' style='fill:{url}({EVIL})'/>",
        f"<rect width='5' height='5' style='fill:{image_set}(\"{EVIL}\" 1x)'/>",
        f"<rect width='5' height='5' fill='{url}({EVIL})'/>",
        f"<rect width='5' height='5' filter='{url}({EVIL}#f)'/>",
    ]))
    return SVG.format(where)


class Recorder:
    """A WeasyPrint URL fetcher that records every URL asked for and fetches nothing but
    data: URIs."""

    def __init__(self) -> None:
        import weasyprint

        self.urls: list[str] = []
        self._inner = weasyprint.URLFetcher(allowed_protocols={"data"})

    def fetch(self, url: str, headers: object = None) -> object:
        self.urls.append(url)
        return self._inner.fetch(url, headers)

    def __call__(self, url: str) -> object:
        return self.fetch(url)


def _render(svg: bytes) -> list[str]:
    """Render ``svg`` as an image on a page with WeasyPrint; the URLs it tried to load."""
    import weasyprint

    recorder = Recorder()
    src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
    weasyprint.HTML(string=f'<img src="{src}" width="100" height="100">',
                    url_fetcher=recorder).write_pdf()
    return [u for u in recorder.urls if not u.startswith("data:")]


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_badges())
def test_no_escape_spelling_gets_a_reference_through(svg: str) -> None:
    try:
        clean = svg_clean(svg.encode())
    except ValidationFailed:
        return  # refused: nothing stored
    text = clean.decode().lower()
    assert "evil" not in text and "\\" not in text, text


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_badges())
def test_weasyprint_fetches_nothing_from_a_cleaned_badge(svg: str) -> None:
    try:
        clean = svg_clean(svg.encode())
    except ValidationFailed:
        return
    assert _render(clean) == []


def test_the_recorder_does_see_what_an_unsanitized_badge_loads() -> None:
    """The check above can fail: the same renderer asked for the remote image of an
    uncleaned badge."""
    raw = SVG.format(f'<image href="{EVIL}" width="5" height="5"/>').encode()
    assert _render(raw) == [EVIL]


@pytest.mark.parametrize("svg", [
    SVG.format(f"<style>@font-face{{src:\\75 rl({EVIL})}}</style>"),
    SVG.format(f"<style>@\\69mport '{EVIL}';</style>"),
    SVG.format(f"<style>rect{{fill:image-set('{EVIL}' 1x)}}</style>"),
    SVG.format(f"<rect style='fill:\\75 rl({EVIL})'/>"),
    SVG.format(f"<rect fill='\\75 rl({EVIL})'/>"),
    SVG.format(f"<rect fill='u/**/rl({EVIL})'/>"),
])
def test_the_reported_escapes_are_refused(svg: str) -> None:
    with pytest.raises(ValidationFailed):
        svg_clean(svg.encode())


def test_plain_styles_are_kept_and_everything_else_dropped() -> None:
    clean = svg_clean(SVG.format(
        "<style>/* brand */ .ring, circle > rect { stroke: #fff; stroke-width: 2;"
        " filter: blur(2px); behavior: x } @media print { rect { fill: red } }</style>"
        "<circle class='ring' r='4' style='fill: #1d4e89; transform: rotate(4deg);"
        " fill-opacity: .5; mask: x'/>").encode()).decode()
    assert ".ring, circle > rect{stroke:#fff;stroke-width:2}" not in clean  # has an at-rule
    assert "<style" not in clean
    assert 'style="fill:#1d4e89;fill-opacity:.5"' in clean
    kept = svg_clean(SVG.format(
        "<style>.ring{stroke:#fff;stroke-width:2;filter:blur(2px)}</style>"
        "<circle class='ring' r='4'/>").encode()).decode()
    assert ".ring{stroke:#fff;stroke-width:2}" in kept
