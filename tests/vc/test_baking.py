"""Open Badges baking: PNG and SVG round trips, Open Badges 2.0 reads, and every refusal."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zlib
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from microcred.vc.baking import (
    MAX_CREDENTIAL_BYTES,
    MAX_IMAGE_BYTES,
    OB2_SVG_NAMESPACE,
    OB3_SVG_NAMESPACE,
    Baked,
    bake_png,
    bake_svg,
    unbake,
    unbake_png,
    unbake_svg,
)
from microcred.vc.errors import BakingError, InputError, VCError
from tests.profiles import examples

CREDENTIAL = json.dumps(
    {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5e1a7b3c-9d2f-4c61-8a0b-1f2e3d4c5b6a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Évaluation formative ✓",
        "credentialSubject": {"type": ["AchievementSubject"]},
    },
    ensure_ascii=False,
    indent=2,
)
JWS = (
    "eyJhbGciOiJFZERTQSIsImtpZCI6ImRpZDprZXk6ejZNayJ9.eyJpc3MiOiJkaWQ6a2V5In0.c2lnbmF0dXJlLWJ5dGVz"
)
OB2_ASSERTION = json.dumps(
    {
        "@context": "https://w3id.org/openbadges/v2",
        "id": "https://example.org/assertions/123",
        "type": "Assertion",
    }
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<!-- a badge drawn by hand -->\n"
    b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">\n'
    b'  <circle cx="32" cy="32" r="30" fill="#1d4ed8"/>\n'
    b'  <text x="32" y="38" text-anchor="middle">&#x2713;</text>\n'
    b"</svg>\n"
)


OB3_KEYWORD = b"openbadgecredential"


def png_image(**text_chunks: str) -> bytes:
    """A real PNG from Pillow, optionally with iTXt chunks written by Pillow itself."""
    image = Image.new("RGBA", (16, 16), (255, 255, 255, 0))
    for x in range(16):
        image.putpixel((x, x), (29, 78, 216, 255))
    info = PngImagePlugin.PngInfo()
    for key, value in text_chunks.items():
        info.add_itxt(key, value)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


PNG = png_image()


def chunk(chunk_type: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(chunk_type))
    return len(data).to_bytes(4, "big") + chunk_type + data + crc.to_bytes(4, "big")


def after_ihdr(image: bytes, *chunks: bytes) -> bytes:
    """Insert chunks right after IHDR (signature 8 bytes + IHDR 25 bytes)."""
    return image[:33] + b"".join(chunks) + image[33:]


def itxt(keyword: bytes, text: bytes, *, compressed: bool = False) -> bytes:
    body = zlib.compress(text) if compressed else text
    return chunk(b"iTXt", keyword + b"\0" + bytes([compressed, 0]) + b"\0\0" + body)


# --- PNG ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("credential", [CREDENTIAL, JWS])
def test_png_round_trip(credential: str) -> None:
    baked = bake_png(PNG, credential)
    assert unbake_png(baked) == credential
    assert unbake(baked) == Baked(kind="ob3", text=credential)


def test_the_baked_png_still_opens_in_pillow_with_the_same_pixels() -> None:
    baked = bake_png(PNG, CREDENTIAL)
    with Image.open(io.BytesIO(baked)) as opened:
        opened.load()  # decodes every chunk and checks CRCs
        assert opened.size == (16, 16)
        assert opened.tobytes() == Image.open(io.BytesIO(PNG)).tobytes()
        # Pillow's own iTXt reader sees our chunk: an independent check of the encoding.
        assert isinstance(opened, PngImagePlugin.PngImageFile)
        assert opened.text["openbadgecredential"] == CREDENTIAL


def test_the_png_chunk_is_one_uncompressed_itxt_right_after_ihdr() -> None:
    baked = bake_png(PNG, JWS)
    length = int.from_bytes(baked[33:37], "big")
    assert baked[37:41] == b"iTXt"
    data = baked[41 : 41 + length]
    assert data == b"openbadgecredential\0" + b"\0\0" + b"\0\0" + JWS.encode()
    assert baked[:33] == PNG[:33] and baked[41 + length + 4 :] == PNG[33:]


def test_a_png_already_carrying_a_credential_is_not_baked_again() -> None:
    with pytest.raises(BakingError) as caught:
        bake_png(bake_png(PNG, CREDENTIAL), JWS)
    assert caught.value.code == "already_baked"
    with pytest.raises(BakingError) as caught:
        bake_png(png_image(openbadges=OB2_ASSERTION), JWS)
    assert caught.value.code == "already_baked"


def test_open_badges_2_png_itxt_is_read() -> None:
    assert unbake(png_image(openbadges=OB2_ASSERTION)) == Baked(kind="ob2", text=OB2_ASSERTION)


def test_open_badges_2_legacy_png_text_chunk_is_read() -> None:
    legacy = after_ihdr(PNG, chunk(b"tEXt", b"openbadges\0https://example.org/assertions/123"))
    assert unbake(legacy) == Baked(kind="ob2", text="https://example.org/assertions/123")


def test_a_compressed_itxt_is_read() -> None:
    image = after_ihdr(PNG, itxt(b"openbadgecredential", CREDENTIAL.encode(), compressed=True))
    assert unbake_png(image) == CREDENTIAL
    # And one written by Pillow, with a language tag and translated keyword.
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadgecredential", CREDENTIAL, lang="en", tkey="Badge", zip=True)
    buffer = io.BytesIO()
    Image.new("L", (4, 4)).save(buffer, "PNG", pnginfo=info)
    assert unbake_png(buffer.getvalue()) == CREDENTIAL


def test_a_compressed_itxt_bomb_is_refused() -> None:
    spaces = b" " * (MAX_CREDENTIAL_BYTES + 1)
    bomb = after_ihdr(PNG, itxt(b"openbadgecredential", spaces, compressed=True))
    assert len(bomb) < 64 * 1024
    with pytest.raises(InputError) as caught:
        unbake(bomb)
    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    "image",
    [b"GIF89a\x01\x00\x01\x00", b"", b"\x89PNG", b"\xff\xd8\xff\xe0 a jpeg"],
)
def test_not_png(image: bytes) -> None:
    with pytest.raises(BakingError) as caught:
        unbake_png(image)
    assert caught.value.code == "not_png"
    with pytest.raises(BakingError) as caught:
        bake_png(image, CREDENTIAL)
    assert caught.value.code == "not_png"


def test_truncated_png() -> None:
    baked = bake_png(PNG, CREDENTIAL)
    for cut in (8, 20, 40, 200, len(baked) - 12, len(baked) - 1):
        with pytest.raises(BakingError) as caught:
            unbake(baked[:cut])
        assert caught.value.code == "truncated_png", cut
    with pytest.raises(BakingError) as caught:
        bake_png(PNG[:-12], CREDENTIAL)  # no IEND at all
    assert caught.value.code == "truncated_png"


def test_bad_crc() -> None:
    baked = bytearray(bake_png(PNG, CREDENTIAL))
    baked[70] ^= 0x01  # inside the credential text
    with pytest.raises(BakingError) as caught:
        unbake(bytes(baked))
    assert caught.value.code == "bad_crc"
    damaged_pixels = bytearray(PNG)
    damaged_pixels[-20] ^= 0xFF  # inside IDAT
    with pytest.raises(BakingError) as caught:
        bake_png(bytes(damaged_pixels), CREDENTIAL)
    assert caught.value.code == "bad_crc"


def test_a_png_that_does_not_start_with_ihdr_is_invalid() -> None:
    with pytest.raises(BakingError) as caught:
        unbake(PNG_SIGNATURE + chunk(b"tEXt", b"a\0b") + PNG[8:])
    assert caught.value.code == "invalid_png"
    with pytest.raises(BakingError) as caught:
        unbake(PNG_SIGNATURE + b"\x00\x00\x00\x0d" + b"IH\x00R" + PNG[16:])
    assert caught.value.code == "invalid_png"


def test_a_png_without_a_credential() -> None:
    with pytest.raises(BakingError) as caught:
        unbake(png_image(Comment="just a picture", openbadgesx="not ours"))
    assert caught.value.code == "no_credential"
    with pytest.raises(BakingError) as caught:
        unbake(after_ihdr(PNG, itxt(b"openbadgecredential", b"  ")))
    assert caught.value.code == "no_credential"


@pytest.mark.parametrize(
    "chunks",
    [
        [itxt(OB3_KEYWORD, CREDENTIAL.encode()), itxt(OB3_KEYWORD, JWS.encode())],
        [itxt(OB3_KEYWORD, JWS.encode()), itxt(b"openbadges", OB2_ASSERTION.encode())],
    ],
)
def test_a_png_with_two_credentials_is_refused(chunks: list[bytes]) -> None:
    with pytest.raises(BakingError) as caught:
        unbake(after_ihdr(PNG, *chunks))
    assert caught.value.code == "multiple_credentials"


def test_a_png_with_two_credentials_written_by_pillow_is_refused() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("openbadgecredential", CREDENTIAL)
    info.add_itxt("openbadgecredential", JWS)
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, "PNG", pnginfo=info)
    with pytest.raises(BakingError) as caught:
        unbake_png(buffer.getvalue())
    assert caught.value.code == "multiple_credentials"


@pytest.mark.parametrize(
    "data",
    [
        b"openbadgecredential\0\0",  # no language tag or translated keyword
        b"openbadgecredential\0\x01\x00\0\0not zlib",
        b"openbadgecredential\0\x01\x00\0\0" + zlib.compress(b"{}")[:-3],  # cut short
        b"openbadgecredential\0\x02\x00\0\0{}",  # unknown compression flag
        b"openbadgecredential\0\0\0\0\0\xff\xfe{}",  # not UTF-8
    ],
)
def test_a_malformed_credential_chunk(data: bytes) -> None:
    with pytest.raises(BakingError) as caught:
        unbake(after_ihdr(PNG, chunk(b"iTXt", data)))
    assert caught.value.code == "malformed_credential"


# --- SVG ----------------------------------------------------------------------------------------


def parse(svg: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # our own output or a fixed test string


@pytest.mark.parametrize("credential", [CREDENTIAL, JWS])
def test_svg_round_trip(credential: str) -> None:
    baked = bake_svg(SVG, credential)
    assert unbake_svg(baked) == Baked(kind="ob3", text=credential)
    assert unbake(baked) == Baked(kind="ob3", text=credential)


def test_the_svg_credential_is_the_first_child_with_cdata_json() -> None:
    baked = bake_svg(SVG, CREDENTIAL)
    root = parse(baked)
    first = root[0]
    assert first.tag == f"{{{OB3_SVG_NAMESPACE}}}credential"
    assert first.text == CREDENTIAL and "verify" not in first.attrib
    text = baked.decode()
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in text
    assert "<openbadges:credential><![CDATA[{" in text


def test_a_jws_goes_in_the_verify_attribute() -> None:
    root = parse(bake_svg(SVG, JWS))
    assert root[0].get("verify") == JWS and not root[0].text


def test_baking_an_svg_keeps_every_other_byte() -> None:
    baked = bake_svg(SVG, JWS).decode()
    inserted = (
        ' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"',
        f'<openbadges:credential verify="{JWS}"></openbadges:credential>',
    )
    for piece in inserted:
        assert baked.count(piece) == 1
        baked = baked.replace(piece, "")
    assert baked.encode() == SVG


def test_a_self_closing_svg_with_a_doctype_can_be_baked() -> None:
    svg = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" data-note="a > b"/>'
    )
    baked = bake_svg(svg, CREDENTIAL)
    assert unbake(baked) == Baked(kind="ob3", text=CREDENTIAL)
    assert baked.endswith(b"</openbadges:credential></svg>")


def test_an_existing_ob3_namespace_declaration_is_reused() -> None:
    svg = SVG.replace(b"<svg ", b'<svg xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0" ')
    baked = bake_svg(svg, JWS)
    assert baked.count(b"xmlns:openbadges") == 1
    assert unbake_svg(baked).text == JWS


def test_json_containing_the_cdata_terminator_round_trips() -> None:
    tricky = json.dumps({"name": "a]]>b ]]]]> <![CDATA[ &amp; </svg>"})
    assert unbake(bake_svg(SVG, tricky)).text == tricky


def test_crlf_json_reads_back_with_lf() -> None:
    # XML parsers normalise line ends (XML 1.0 section 2.11); outside strings that is harmless.
    crlf = CREDENTIAL.replace("\n", "\r\n")
    assert unbake(bake_svg(SVG, crlf)).text == CREDENTIAL


def test_a_pretty_printed_ob3_svg_is_read_without_the_indentation() -> None:
    svg = f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg"
  xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"
  viewBox="0 0 512 512">
  <openbadges:credential>
    <![CDATA[
      {CREDENTIAL}
    ]]>
  </openbadges:credential>
</svg>""".encode()
    assert unbake(svg) == Baked(kind="ob3", text=CREDENTIAL)


def test_open_badges_2_svg_with_an_assertion_body() -> None:
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
  <openbadges:assertion verify="https://example.org/assertions/123">
    <![CDATA[{OB2_ASSERTION}]]>
  </openbadges:assertion>
</svg>""".encode()
    assert unbake(svg) == Baked(kind="ob2", text=OB2_ASSERTION)


def test_open_badges_2_svg_with_a_signature_only() -> None:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="{OB2_SVG_NAMESPACE}">'
        f'<ob:assertion verify="{JWS}"/></svg>'
    ).encode()
    assert unbake_svg(svg) == Baked(kind="ob2", text=JWS)


@pytest.mark.parametrize(
    "svg",
    [
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        b'<svg xmlns="http://example.org/not-svg"/>',
        b"GIF89a",
        b"",
    ],
)
def test_not_svg(svg: bytes) -> None:
    with pytest.raises(BakingError) as caught:
        unbake_svg(svg)
    assert caught.value.code == "not_svg"
    with pytest.raises(BakingError) as caught:
        bake_svg(svg, CREDENTIAL)
    assert caught.value.code == "not_svg"


@pytest.mark.parametrize(
    "svg",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>",
        b'<?xml version="1.0" encoding="no-such-encoding"?><svg/>',
        # Billion laughs: entity declarations are refused outright.
        b'<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><svg>&b;</svg>',
        # External entity: never fetched, never read.
        b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg>&x;</svg>',
        b'<!DOCTYPE svg SYSTEM "http://example.org/evil.dtd"><svg>&x;</svg>',
        b"<svg>\x00</svg>",
    ],
)
def test_invalid_or_unsafe_xml(svg: bytes) -> None:
    with pytest.raises(BakingError) as caught:
        unbake(svg)
    assert caught.value.code == "invalid_xml"


def test_an_svg_without_a_credential() -> None:
    with pytest.raises(BakingError) as caught:
        unbake(SVG)
    assert caught.value.code == "no_credential"
    empty = SVG.replace(
        b"<circle",
        b'<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">  '
        b"</openbadges:credential><circle",
    )
    with pytest.raises(BakingError) as caught:
        unbake(empty)
    assert caught.value.code == "no_credential"


@pytest.mark.parametrize(
    "elements",
    [
        f'<o:credential verify="{JWS}"/><o:credential verify="{JWS}"/>',
        f'<o:credential verify="{JWS}"/><g><o2:assertion verify="{JWS}"/></g>',
    ],
)
def test_an_svg_with_two_credentials_is_refused(elements: str) -> None:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="{OB3_SVG_NAMESPACE}" '
        f'xmlns:o2="{OB2_SVG_NAMESPACE}">{elements}</svg>'
    ).encode()
    with pytest.raises(BakingError) as caught:
        unbake(svg)
    assert caught.value.code == "multiple_credentials"


@pytest.mark.parametrize(
    "element",
    [
        f'<o:credential verify="{JWS}"><![CDATA[{{"a": 1}}]]></o:credential>',
        f"<o:credential><g/>{JWS}</o:credential>",
    ],
)
def test_a_malformed_svg_credential(element: str) -> None:
    svg = f'<svg xmlns="{SVG_NAMESPACE}" xmlns:o="{OB3_SVG_NAMESPACE}">{element}</svg>'
    with pytest.raises(BakingError) as caught:
        unbake(svg.encode())
    assert caught.value.code == "malformed_credential"


def test_an_svg_already_carrying_a_credential_is_not_baked_again() -> None:
    with pytest.raises(BakingError) as caught:
        bake_svg(bake_svg(SVG, JWS), CREDENTIAL)
    assert caught.value.code == "already_baked"


def test_an_openbadges_prefix_bound_elsewhere_is_a_conflict() -> None:
    svg = SVG.replace(b"<svg ", b'<svg xmlns:openbadges="http://openbadges.org" ')
    with pytest.raises(BakingError) as caught:
        bake_svg(svg, JWS)
    assert caught.value.code == "namespace_conflict"


def test_only_utf8_svg_can_be_baked() -> None:
    latin1 = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><desc>\xe9</desc></svg>'
    )
    assert parse(latin1) is not None
    with pytest.raises(BakingError) as caught:
        bake_svg(latin1, JWS)
    assert caught.value.code == "unsupported_encoding"


# --- shared rules -------------------------------------------------------------------------------


def test_unbake_sniffs_png_and_svg() -> None:
    assert unbake(bake_png(PNG, JWS)).text == JWS
    assert unbake(b"\xef\xbb\xbf" + bake_svg(SVG, JWS)).text == JWS
    no_declaration = SVG.split(b"\n", 1)[1]
    assert unbake(b" \n" + bake_svg(no_declaration, JWS)).text == JWS
    with pytest.raises(BakingError) as caught:
        unbake(b"GIF89a\x01\x00")
    assert caught.value.code == "unsupported_format"


def test_inputs_over_the_caps_are_too_large() -> None:
    huge = PNG_SIGNATURE + bytes(MAX_IMAGE_BYTES)
    for operation in (unbake, unbake_png, unbake_svg):
        with pytest.raises(InputError) as caught:
            operation(huge)
        assert caught.value.code == "too_large"
    long_credential = '{"name": "' + "x" * MAX_CREDENTIAL_BYTES + '"}'
    for bake in (bake_png, bake_svg):
        with pytest.raises(InputError) as caught:
            bake(PNG if bake is bake_png else SVG, long_credential)
        assert caught.value.code == "too_large"


def test_a_bake_that_would_exceed_the_image_cap_is_refused() -> None:
    filler = chunk(b"prVt", bytes(MAX_IMAGE_BYTES - len(PNG) - 12 - 50))
    big = after_ihdr(PNG, filler)
    assert len(big) == MAX_IMAGE_BYTES - 50
    with pytest.raises(InputError) as caught:
        bake_png(big, JWS)
    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    ("credential", "code"),
    [
        ("hello", "not_a_credential"),
        ("a.b", "not_a_credential"),
        (f" {JWS}", "not_a_credential"),
        ('{"a": "\x00"}', "invalid_text"),
        ('{"a": "\ud800"}', "invalid_text"),
        (b"{}", "invalid_input"),
    ],
)
def test_only_json_or_a_compact_jws_is_baked(credential: object, code: str) -> None:
    for bake, image in ((bake_png, PNG), (bake_svg, SVG)):
        with pytest.raises(InputError) as caught:
            bake(image, credential)  # type: ignore[arg-type]
        assert caught.value.code == code


def test_the_credential_core_does_not_import_django() -> None:
    code = (
        "import sys; import microcred.vc.baking, microcred.vc.status_list; "
        "sys.exit('django' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --- hostile input never escapes as anything but a VCError --------------------------------------

BAKED_PNG = bake_png(PNG, CREDENTIAL)
BAKED_SVG = bake_svg(SVG, CREDENTIAL)
FUZZ = settings(max_examples=examples(300), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def unbake_or_vc_error(data: bytes) -> None:
    try:
        result = unbake(data)
    except VCError:
        return
    assert result.kind in ("ob3", "ob2") and isinstance(result.text, str) and result.text


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    unbake_or_vc_error(data)
    unbake_or_vc_error(PNG_SIGNATURE + data)
    unbake_or_vc_error(b"<svg" + data)


@FUZZ
@given(st.data())
def test_mutated_baked_images(data: st.DataObject) -> None:
    original = data.draw(st.sampled_from([BAKED_PNG, BAKED_SVG]))
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(mutated) - 1))
        action = data.draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if action == "flip":
            mutated[position] = data.draw(st.integers(0, 255))
        elif action == "insert":
            mutated[position:position] = data.draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del mutated[position : position + data.draw(st.integers(1, 16))]
        else:
            del mutated[position:]
        if not mutated:
            break
    unbake_or_vc_error(bytes(mutated))


KEYWORDS = st.sampled_from([b"openbadgecredential", b"openbadges", b"Comment", b""])


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.sampled_from([b"iTXt", b"tEXt", b"zTXt", b"prVt", b"IDAT", b"IEND"]),
            KEYWORDS,
            st.binary(max_size=64),
            st.booleans(),
        ),
        max_size=6,
    )
)
def test_well_framed_pngs_with_random_chunks(
    chunks: list[tuple[bytes, bytes, bytes, bool]],
) -> None:
    """Correct CRCs everywhere, so the chunk parsers themselves get exercised."""
    built = []
    for chunk_type, keyword, body, compress in chunks:
        payload = zlib.compress(body) if compress else body
        built.append(chunk(chunk_type, keyword + b"\0" + payload))
    unbake_or_vc_error(after_ihdr(PNG, *built))


@FUZZ
@given(st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\ufffe\uffff")))
def test_any_json_string_round_trips_through_both_formats(value: str) -> None:
    credential = json.dumps({"name": value}, ensure_ascii=False)
    assert unbake(bake_png(PNG, credential)).text == credential
    assert unbake(bake_svg(SVG, credential)).text == credential
