"""Vector pictures inside documents: SVG (W3C SVG 1.1/2) and EMF ([MS-EMF]).

Office and OpenDocument keep pictures as SVG next to their PNG fallback, and drawings as EMF.
Both can name their author without any pixel showing it: an SVG's ``<metadata>`` (Dublin Core
creator, RDF), ``<title>``/``<desc>``, comments, and the attributes drawing programs leave
(``inkscape:export-filename="C:\\Users\\<name>\\..."``, ``sodipodi:docname``); an EMF's header
description (the program and the file it was saved from). The SVG is rebuilt without them (the
drawing itself, its elements and presentation attributes, is kept); the EMF's description is
blanked in place, keeping every offset and length, so the picture still renders.
"""

from __future__ import annotations

import struct
from xml.etree import ElementTree as ET  # noqa: S405 - only serializes; parsing is defusedxml

from defusedxml import ElementTree as SafeET

from microcred.earning.evidence_files import UnsupportedFile

_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
# Elements that describe the file rather than draw it.
_DROPPED = {f"{{{_SVG}}}metadata", f"{{{_SVG}}}title", f"{{{_SVG}}}desc"}
_EMF_SIGNATURE = 0x464D4520  # " EMF"


def is_svg(content: bytes) -> bool:
    head = content[:1024].lstrip()
    return head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in content[:4096]


def is_emf(content: bytes) -> bool:
    return len(content) >= 88 and content[:4] == b"\x01\x00\x00\x00" and struct.unpack_from(
        "<I", content, 40)[0] == _EMF_SIGNATURE


def strip_svg(content: bytes) -> bytes:
    """The SVG with no metadata, title, description, comment, processing instruction or
    attribute outside SVG's own and XLink's namespaces (a drawing program's), and no link to a
    local file; refused when it is not well-formed SVG."""
    try:
        root = SafeET.fromstring(content)
    except (SafeET.ParseError, ValueError) as exc:
        raise UnsupportedFile(f"embedded SVG does not parse: {exc}") from None
    if root.tag != f"{{{_SVG}}}svg":
        raise UnsupportedFile("embedded picture is not SVG")
    _clean(root)
    ET.register_namespace("", _SVG)
    ET.register_namespace("xlink", _XLINK)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _clean(element: ET.Element) -> None:
    for child in list(element):
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _DROPPED or not tag.startswith(f"{{{_SVG}}}"):
            element.remove(child)  # metadata, comments, other vocabularies (RDF, a program's)
            continue
        _clean(child)
    for name in list(element.attrib):
        value = element.attrib[name]
        foreign = name.startswith("{") and not name.startswith(f"{{{_XLINK}}}")
        local_link = name in ("href", f"{{{_XLINK}}}href") and value.strip().lower().startswith(
            "file:")
        if foreign or local_link:
            del element.attrib[name]


def strip_emf(content: bytes) -> bytes:
    """The EMF with its header description ([MS-EMF] 2.2.9 Header object: ``nDescription``
    UTF-16 characters at ``offDescription``) overwritten with zeros."""
    count, offset = struct.unpack_from("<II", content, 60)
    end = offset + 2 * count
    if count and (offset < 88 or end > len(content)):
        raise UnsupportedFile("embedded EMF header points outside the file")
    data = bytearray(content)
    data[offset:end] = bytes(end - offset)
    return bytes(data)
