"""Open Badges baking: carrying a credential inside its own PNG or SVG image.

A baked badge is an image a learner can post anywhere while software that knows Open Badges can
still pull the credential out and verify it. The rules come from Open Badges 3.0, section
"Baked Badge" (anchors ``#png-baking`` and ``#svg-baking``): PNG carries one uncompressed
``iTXt`` chunk with keyword ``openbadgecredential``; SVG carries one
``<openbadges:credential>`` element in namespace ``https://purl.imsglobal.org/ob/v3p0``, with the
JSON as CDATA content or a compact JWS in its ``verify`` attribute. Open Badges 2.0 images
(Badge Baking Specification: ``iTXt``/``tEXt`` keyword ``openbadges``,
``<openbadges:assertion>`` in namespace ``http://openbadges.org``) are read so that older
badges can be imported; we never write them.

Images come from people we do not trust, so reading is strict and bounded: every PNG chunk CRC is
checked, compressed text is inflated with a size limit, SVG is parsed by defusedxml with entity
declarations and external references refused, and inputs above ``MAX_IMAGE_BYTES`` or
credentials above ``MAX_CREDENTIAL_BYTES`` are refused (``InputError`` code ``too_large``).

``BakingError`` codes: ``not_png``, ``truncated_png``, ``bad_crc``, ``invalid_png``,
``not_svg``, ``invalid_xml``, ``unsupported_encoding``, ``namespace_conflict``,
``unsupported_format``, ``no_credential``, ``multiple_credentials``, ``malformed_credential``,
``already_baked``, ``bake_failed``. ``InputError`` codes: ``too_large``, ``invalid_input``,
``invalid_text``, ``not_a_credential``.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, Literal

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from .errors import BakingError, InputError

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_CREDENTIAL_BYTES",
    "OB3_PNG_KEYWORD",
    "OB2_PNG_KEYWORD",
    "OB3_SVG_NAMESPACE",
    "OB2_SVG_NAMESPACE",
    "Baked",
    "bake_png",
    "unbake_png",
    "bake_svg",
    "unbake_svg",
    "unbake",
]

#: Badge images are small; 10 MiB is generous and bounds the work any upload can cause.
MAX_IMAGE_BYTES: Final = 10 * 1024 * 1024
#: A credential with endorsements and evidence is tens of kilobytes; 2 MiB is far beyond that.
MAX_CREDENTIAL_BYTES: Final = 2 * 1024 * 1024

OB3_PNG_KEYWORD: Final = "openbadgecredential"
OB2_PNG_KEYWORD: Final = "openbadges"
OB3_SVG_NAMESPACE: Final = "https://purl.imsglobal.org/ob/v3p0"
OB2_SVG_NAMESPACE: Final = "http://openbadges.org"

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_OB3_KEYWORD: Final = OB3_PNG_KEYWORD.encode("latin-1")
_OB2_KEYWORD: Final = OB2_PNG_KEYWORD.encode("latin-1")
_SVG_NAMESPACE: Final = "http://www.w3.org/2000/svg"
_OB3_TAG: Final = f"{{{OB3_SVG_NAMESPACE}}}credential"
_OB2_TAG: Final = f"{{{OB2_SVG_NAMESPACE}}}assertion"
_SVG_PREFIX: Final = "openbadges"

_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
# XML 1.0 section 2.2 Char: no C0 controls except tab, LF, CR; no U+FFFE/U+FFFF.
_NOT_XML_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECL_ENCODING = re.compile(r"\ufeff?<\?xml[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_XML_NAME = re.compile(r"[^\s/>]+")

Kind = Literal["ob3", "ob2"]


@dataclass(frozen=True, slots=True)
class Baked:
    """A credential found in an image: ``ob3`` from the OB 3.0 carrier, ``ob2`` from the OB 2.0 one.

    ``text`` is what the image holds: JSON, a compact JWS, or (OB 2.0 only) the URL of a hosted
    assertion. Telling these apart, and verifying them, is the caller's job.
    """

    kind: Kind
    text: str


def _require_bytes(data: object, what: str) -> bytes:
    if isinstance(data, bytearray | memoryview):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise InputError(
            f"The {what} must be bytes, got {type(data).__name__}.", code="invalid_input"
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise InputError(
            f"The {what} is {len(data)} bytes; at most {MAX_IMAGE_BYTES} are accepted.",
            code="too_large",
        )
    return data


def _check_text_size(text: str | bytes) -> None:
    size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
    if size > MAX_CREDENTIAL_BYTES:
        raise InputError(
            f"The credential is {size} bytes; at most {MAX_CREDENTIAL_BYTES} are accepted.",
            code="too_large",
        )


def _credential_kind(credential: object) -> Literal["json", "jws"]:
    """Accept JSON object text or a compact JWS, the two forms OB 3.0 bakes."""
    if not isinstance(credential, str):
        raise InputError(
            f"The credential must be text, got {type(credential).__name__}.", code="invalid_input"
        )
    _check_text_size(credential)
    try:
        credential.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("The credential is not valid Unicode text.", code="invalid_text") from None
    if _NOT_XML_CHAR.search(credential):
        raise InputError(
            "The credential holds control characters that no image text can carry.",
            code="invalid_text",
        )
    stripped = credential.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        return "json"
    if _COMPACT_JWS.fullmatch(credential):
        return "jws"
    raise InputError(
        "The credential must be JSON object text or a compact JWS (OB 3.0, Baked Badge).",
        code="not_a_credential",
    )


# --- PNG (ISO/IEC 15948, W3C PNG section 5: signature, then length/type/data/CRC chunks) -------


@dataclass(frozen=True, slots=True)
class _Chunk:
    type: bytes
    data_start: int
    data_end: int
    end: int


def _chunks(image: bytes) -> Iterator[_Chunk]:
    """Every chunk up to IEND, with its CRC checked; the stream must start with IHDR."""
    if not image.startswith(_PNG_SIGNATURE):
        raise BakingError("The image is not a PNG (wrong signature).", code="not_png")
    view = memoryview(image)
    pos = len(_PNG_SIGNATURE)
    first = True
    while True:
        if pos + 8 > len(image):
            raise BakingError("The PNG ends before its IEND chunk.", code="truncated_png")
        length = int.from_bytes(image[pos : pos + 4], "big")
        chunk_type = image[pos + 4 : pos + 8]
        if length > 0x7FFFFFFF or not chunk_type.isalpha():
            raise BakingError(
                f"The PNG has a malformed chunk header at byte {pos}.", code="invalid_png"
            )
        start, end = pos + 8, pos + 8 + length
        if end + 4 > len(image):
            raise BakingError(
                f"The PNG ends in the middle of its {chunk_type.decode('ascii')} chunk.",
                code="truncated_png",
            )
        crc = int.from_bytes(image[end : end + 4], "big")
        if zlib.crc32(view[start:end], zlib.crc32(chunk_type)) != crc:
            raise BakingError(
                f"The PNG's {chunk_type.decode('ascii')} chunk at byte {pos} fails its CRC check.",
                code="bad_crc",
            )
        if first and (chunk_type != b"IHDR" or length != 13):
            raise BakingError("The PNG does not start with an IHDR chunk.", code="invalid_png")
        first = False
        yield _Chunk(chunk_type, start, end, end + 4)
        pos = end + 4
        if chunk_type == b"IEND":
            return


def _credential_keyword(image: bytes, chunk: _Chunk) -> bytes | None:
    """The baking keyword a text chunk carries, if it is one of ours."""
    if chunk.type not in (b"iTXt", b"tEXt"):
        return None
    head = image[chunk.data_start : min(chunk.data_end, chunk.data_start + 80)]
    keyword = head[: head.find(b"\0")] if b"\0" in head else b""
    if chunk.type == b"iTXt" and keyword in (_OB3_KEYWORD, _OB2_KEYWORD):
        return keyword
    if chunk.type == b"tEXt" and keyword == _OB2_KEYWORD:  # OB 2.0 legacy: a hosted URL
        return keyword
    return None


def _scan_png(image: bytes) -> tuple[_Chunk, _Chunk, list[tuple[bytes, _Chunk]]]:
    """(IHDR, IEND, credential chunks) of a PNG whose whole structure checks out."""
    chunks = _chunks(image)
    ihdr = iend = next(chunks)
    found: list[tuple[bytes, _Chunk]] = []
    for chunk in chunks:
        iend = chunk
        keyword = _credential_keyword(image, chunk)
        if keyword is not None:
            found.append((keyword, chunk))
    return ihdr, iend, found


def _inflate_bounded(data: bytes) -> bytes:
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, MAX_CREDENTIAL_BYTES + 1)
    except zlib.error:
        raise BakingError(
            "The PNG's compressed credential text is corrupt.", code="malformed_credential"
        ) from None
    _check_text_size(text)
    if not inflater.eof:
        raise BakingError(
            "The PNG's compressed credential text is cut short.", code="malformed_credential"
        )
    return text


def _read_text_chunk(image: bytes, keyword: bytes, chunk: _Chunk) -> str:
    """Decode a tEXt (Latin-1) or iTXt (UTF-8, maybe zlib-compressed) chunk (PNG 11.3.4)."""
    body = image[chunk.data_start + len(keyword) + 1 : chunk.data_end]
    if chunk.type == b"tEXt":
        _check_text_size(body)
        return body.decode("latin-1")
    parts = body[2:].split(b"\0", 2)  # language tag, translated keyword, text
    if len(body) < 2 or len(parts) != 3:
        raise BakingError("The PNG's credential chunk is malformed.", code="malformed_credential")
    compressed, method = body[0], body[1]
    raw = parts[2]
    if compressed == 1 and method == 0:
        raw = _inflate_bounded(raw)
    elif compressed != 0:
        raise BakingError(
            "The PNG's credential chunk uses an unknown compression.", code="malformed_credential"
        )
    _check_text_size(raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError(
            "The PNG's credential text is not valid UTF-8.", code="malformed_credential"
        ) from None


def _itxt_chunk(keyword: bytes, text: str) -> bytes:
    # keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword
    # NUL, then the UTF-8 text: OB 3.0 says compression MUST NOT be used.
    data = keyword + b"\0\0\0\0\0" + text.encode("utf-8")
    return (
        len(data).to_bytes(4, "big")
        + b"iTXt"
        + data
        + zlib.crc32(data, zlib.crc32(b"iTXt")).to_bytes(4, "big")
    )


def bake_png(image: bytes, credential: str) -> bytes:
    """Return ``image`` with ``credential`` (JSON text or compact JWS) baked in (OB 3.0, PNG).

    The ``iTXt`` chunk goes right after IHDR so readers that stop at the first match find it
    early. An image already carrying a credential (OB 3.0 or 2.0) is refused rather than
    overwritten, so one image never silently changes whose achievement it shows.
    """
    image = _require_bytes(image, "image")
    _credential_kind(credential)
    ihdr, iend, found = _scan_png(image)
    if found:
        raise BakingError("The image already carries a credential.", code="already_baked")
    baked = image[: ihdr.end] + _itxt_chunk(_OB3_KEYWORD, credential) + image[ihdr.end : iend.end]
    if len(baked) > MAX_IMAGE_BYTES:
        raise InputError(f"The baked image would exceed {MAX_IMAGE_BYTES} bytes.", code="too_large")
    return baked


def _unbake_png(image: bytes) -> Baked:
    image = _require_bytes(image, "image")
    _, _, found = _scan_png(image)
    if not found:
        raise BakingError("The PNG does not carry a credential.", code="no_credential")
    if len(found) > 1:
        # OB 3.0 and 2.0: the chunk MUST NOT appear more than once. With two we cannot know which
        # credential the image stands for, so we refuse rather than pick the first.
        raise BakingError("The PNG carries more than one credential.", code="multiple_credentials")
    keyword, chunk = found[0]
    text = _read_text_chunk(image, keyword, chunk)
    if not text.strip():
        raise BakingError("The PNG's credential chunk is empty.", code="no_credential")
    return Baked(kind="ob3" if keyword == _OB3_KEYWORD else "ob2", text=text)


def unbake_png(image: bytes) -> str:
    """The credential text baked into a PNG (OB 3.0 ``openbadgecredential`` or OB 2.0).

    Use ``unbake`` to learn which carrier it came from.
    """
    return _unbake_png(image).text


# --- SVG -----------------------------------------------------------------------------------------


def _looks_like_xml(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 byte order marks
        return True
    return data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n").startswith(b"<")


def _parse_svg(svg: bytes) -> tuple[Any, dict[str, str]]:
    """The root element and the namespace prefixes it declares, refusing unsafe XML."""
    if not _looks_like_xml(svg):
        raise BakingError("The image is not an SVG (not XML).", code="not_svg")
    root: Any = None
    root_namespaces: dict[str, str] = {}
    try:
        for event, item in safe_xml.iterparse(
            io.BytesIO(svg),
            events=("start-ns", "start"),
            forbid_dtd=False,  # SVG 1.1 files often carry a DOCTYPE; entities stay forbidden
            forbid_entities=True,
            forbid_external=True,
        ):
            if root is not None:
                continue
            if event == "start-ns":
                prefix, uri = item
                root_namespaces[prefix] = uri
            else:
                root = item
    except (safe_xml.ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        raise BakingError(
            f"The SVG is not well-formed XML, or uses entities or external references: {exc}",
            code="invalid_xml",
        ) from None
    if root is None:  # pragma: no cover - expat rejects a document without an element
        raise BakingError("The SVG has no root element.", code="invalid_xml")
    if root.tag not in (f"{{{_SVG_NAMESPACE}}}svg", "svg"):
        raise BakingError(f"The XML's root element is {root.tag!r}, not svg.", code="not_svg")
    return root, root_namespaces


def _svg_credentials(root: Any) -> list[Any]:
    return [element for element in root.iter() if element.tag in (_OB3_TAG, _OB2_TAG)]


def _read_svg_credential(element: Any) -> Baked:
    if len(element):
        raise BakingError(
            "The SVG's credential element contains other elements.", code="malformed_credential"
        )
    verify = (element.get("verify") or "").strip()
    body = (element.text or "").strip()
    kind: Kind
    if element.tag == _OB3_TAG:
        # OB 3.0: a JWS goes in verify, JSON in the body; both at once is two credentials.
        if verify and body:
            raise BakingError(
                "The SVG's credential element has both a verify attribute and a body.",
                code="malformed_credential",
            )
        kind, text = "ob3", verify or body
    else:
        # OB 2.0: the body holds the assertion JSON; verify holds a signature or hosted URL.
        kind, text = "ob2", body or verify
    if not text:
        raise BakingError("The SVG's credential element is empty.", code="no_credential")
    _check_text_size(text)
    return Baked(kind=kind, text=text)


def unbake_svg(svg: bytes) -> Baked:
    """The credential baked into an SVG (OB 3.0 ``openbadges:credential`` or OB 2.0 assertion).

    Surrounding whitespace is stripped: pretty-printed SVG indents the CDATA block (see the OB 3.0
    example) and whitespace around JSON or a JWS carries no meaning.
    """
    svg = _require_bytes(svg, "image")
    root, _ = _parse_svg(svg)
    found = _svg_credentials(root)
    if not found:
        raise BakingError("The SVG does not carry a credential.", code="no_credential")
    if len(found) > 1:
        raise BakingError("The SVG carries more than one credential.", code="multiple_credentials")
    return _read_svg_credential(found[0])


def _skip_doctype(doc: str, pos: int) -> int:
    """Index just past a ``<!DOCTYPE ...>`` starting at ``pos``, internal subset included."""
    depth, quote, i = 0, "", pos + 2
    while i < len(doc):
        char = doc[i]
        if quote:
            if char == quote:
                quote = ""
        elif depth and doc.startswith("<!--", i):
            end = doc.find("-->", i + 4)
            if end < 0:
                break
            i = end + 2
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == ">" and depth == 0:
            return i + 1
        i += 1
    raise BakingError("The SVG's DOCTYPE is not closed.", code="invalid_xml")


def _root_start_tag(doc: str) -> tuple[int, str, bool]:
    """Where the root start tag's ``>`` (or ``/>``) is, the root's name, and if it self-closes.

    Only ever run on a document the XML parser has already accepted, so the prolog is
    well-formed and a simple scan over it is enough.
    """
    pos = 1 if doc.startswith("\ufeff") else 0
    while True:
        while pos < len(doc) and doc[pos] in " \t\r\n":
            pos += 1
        if doc.startswith("<?", pos):
            end = doc.find("?>", pos + 2)
            pos = -1 if end < 0 else end + 2
        elif doc.startswith("<!--", pos):
            end = doc.find("-->", pos + 4)
            pos = -1 if end < 0 else end + 3
        elif doc.startswith("<!", pos):
            pos = _skip_doctype(doc, pos)
        elif doc.startswith("<", pos):
            break
        else:
            pos = -1
        if pos < 0:
            raise BakingError("Could not find the SVG's root element.", code="invalid_xml")
    name = _XML_NAME.match(doc, pos + 1)
    if name is None:
        raise BakingError("Could not read the SVG's root element.", code="invalid_xml")
    quote, i = "", name.end()
    while i < len(doc):
        char = doc[i]
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == ">":
            self_closing = doc[i - 1] == "/"
            return (i - 1 if self_closing else i), name.group(), self_closing
        i += 1
    raise BakingError("The SVG's root start tag is not closed.", code="invalid_xml")


def bake_svg(svg: bytes, credential: str) -> bytes:
    """Return ``svg`` with ``credential`` baked in (OB 3.0, SVG).

    The new element is spliced in as text right after the root start tag, so every other byte
    of the image (comments, formatting, prefixes) is kept; the result is then unbaked again to
    prove the credential reads back exactly. JSON goes in a CDATA section (a ``]]>`` inside it
    is split across two sections); a JWS goes in the ``verify`` attribute. Only UTF-8 SVG can be
    baked, because the splice is UTF-8.
    """
    svg = _require_bytes(svg, "image")
    kind = _credential_kind(credential)
    root, root_namespaces = _parse_svg(svg)
    if _svg_credentials(root):
        raise BakingError("The image already carries a credential.", code="already_baked")
    try:
        doc = svg.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError(
            "Only UTF-8 SVG images can be baked.", code="unsupported_encoding"
        ) from None
    declared = _XML_DECL_ENCODING.match(doc)
    if declared and declared.group(1).lower() not in ("utf-8", "utf8"):
        raise BakingError(
            f"Only UTF-8 SVG images can be baked; this one declares {declared.group(1)!r}.",
            code="unsupported_encoding",
        )
    bound = root_namespaces.get(_SVG_PREFIX)
    if bound is not None and bound != OB3_SVG_NAMESPACE:
        raise BakingError(
            f"The SVG already binds the prefix 'openbadges' to {bound!r}.",
            code="namespace_conflict",
        )
    if kind == "jws":
        expected = credential
        element = f'<{_SVG_PREFIX}:credential verify="{credential}"></{_SVG_PREFIX}:credential>'
    else:
        # XML parsers turn CR and CRLF into LF (XML 1.0 section 2.11); outside JSON strings,
        # where raw CR cannot occur, that changes nothing, so do it here and compare exactly.
        expected = credential.replace("\r\n", "\n").replace("\r", "\n").strip()
        cdata = expected.replace("]]>", "]]]]><![CDATA[>")
        element = f"<{_SVG_PREFIX}:credential><![CDATA[{cdata}]]></{_SVG_PREFIX}:credential>"
    declaration = "" if bound else f' xmlns:{_SVG_PREFIX}="{OB3_SVG_NAMESPACE}"'
    close, root_name, self_closing = _root_start_tag(doc)
    if self_closing:
        baked = doc[:close] + declaration + ">" + element + f"</{root_name}>" + doc[close + 2 :]
    else:
        baked = doc[:close] + declaration + ">" + element + doc[close + 1 :]
    result = baked.encode("utf-8")
    if len(result) > MAX_IMAGE_BYTES:
        raise InputError(f"The baked image would exceed {MAX_IMAGE_BYTES} bytes.", code="too_large")
    check = unbake_svg(result)
    if check != Baked(kind="ob3", text=expected):  # pragma: no cover - a bug, not bad input
        raise BakingError(
            "The credential did not read back from the baked SVG.", code="bake_failed"
        )
    return result


def unbake(data: bytes) -> Baked:
    """The credential baked into a PNG or SVG, telling the two apart by their first bytes."""
    data = _require_bytes(data, "image")
    if data.startswith(_PNG_SIGNATURE):
        return _unbake_png(data)
    if _looks_like_xml(data):
        return unbake_svg(data)
    raise BakingError("The image is neither PNG nor SVG.", code="unsupported_format")
