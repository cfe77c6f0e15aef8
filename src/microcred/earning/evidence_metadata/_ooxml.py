"""Office Open XML (DOCX, XLSX, PPTX): ECMA-376 Part 2 (Open Packaging Conventions) §11 and
Part 1 §15.2.12 (extended properties) and §22.3 (custom properties).

The package's property parts are found through the package relationships (``_rels/.rels``),
not by their usual names. The core properties part is replaced by one with no properties at
all (every element of ``cp:coreProperties`` is optional, Part 2 §11.2), the extended properties
part (application, company, manager, template, editing time) by an empty one (every element is
optional, Part 1 §22.2), and the custom properties part is removed together with its
relationship and its content-type override, so the package stays valid.

People's names and account ids in comments, tracked changes and the people parts are blanked
attribute by attribute, so the parts keep every byte but those values. Every other entry keeps
its content exactly.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from microcred.earning.evidence_files import UnsupportedFile
from microcred.earning.evidence_metadata import _zip

_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    b'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_EMPTY_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'docPropsVTypes"/>'
)
_RELS = "_rels/.rels"
_CONTENT_TYPES = "[Content_Types].xml"
_RELATIONSHIP_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Which attributes (name="...") and elements (<name>...</name>) carry a person, by part.
_PEOPLE: list[tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...]]] = [
    # comments, tracked changes (w:ins, w:del, w:rPrChange...) and people.xml (w15:person)
    (re.compile(r"word/[^/]+\.xml"), ("w:author", "w:initials", "w15:author", "w15:userId"), ()),
    (re.compile(r"xl/comments[^/]*\.xml"), (), ("author",)),
    (re.compile(r"xl/persons/[^/]+\.xml"), ("displayName", "userId"), ()),
    # x15ac:absPath holds the folder of the last save (C:\Users\<name>\...); fileSharing a name
    (re.compile(r"xl/workbook\.xml"), ("url", "userName"), ()),
    (re.compile(r"ppt/commentAuthors\.xml"), ("name", "initials"), ()),
    (re.compile(r"ppt/authors\.xml"), ("name", "initials", "userId"), ()),
]


def blank_attributes(xml: bytes, names: tuple[str, ...]) -> bytes:
    if not names:
        return xml
    alternatives = b"|".join(re.escape(n.encode()) for n in names)
    pattern = rb"(\s(?:" + alternatives + rb")\s*=\s*)(?:\"[^\"]*\"|'[^']*')"
    return re.sub(pattern, rb'\1""', xml)


def blank_elements(xml: bytes, names: tuple[str, ...]) -> bytes:
    for name in names:
        tag = rb"(?:[\w.-]+:)?" + re.escape(name.encode())
        xml = re.sub(rb"(<" + tag + rb"(?:\s[^>]*)?>)[^<]*(</" + tag + rb"\s*>)", rb"\1\2", xml)
    return xml


def _property_parts(rels: bytes | None) -> dict[str, str]:
    """Relationship type's last segment -> part name, for the package-level relationships."""
    parts = {"core-properties": "docProps/core.xml", "extended-properties": "docProps/app.xml",
             "custom-properties": "docProps/custom.xml"}
    if rels is None:
        return parts
    try:
        root = ElementTree.fromstring(rels)
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise UnsupportedFile("broken package relationships") from exc
    for rel in root.iter(f"{_RELATIONSHIP_NS}Relationship"):
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        if kind in parts and rel.get("TargetMode") != "External":
            parts[kind] = posixpath.normpath(rel.get("Target", "").lstrip("/"))
    return parts


def _without_element(xml: bytes, element: str, attribute: str, value: str) -> bytes:
    """Remove the ``element`` whose ``attribute`` is ``value`` (with or without a leading /)."""
    target = re.escape(value.lstrip("/").encode())
    own = rb"<" + element.encode() + rb"\b[^>]*?\s" + attribute.encode() + \
        rb"\s*=\s*[\"']/?" + target + rb"[\"'][^>]*?"
    return re.sub(own + rb"(?:/>|>\s*</" + element.encode() + rb"\s*>)", b"", xml)


def strip(data: bytes) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            try:
                info = package.getinfo(_RELS)
            except KeyError:
                rels = None
            else:
                if info.file_size > 1024 * 1024 or info.flag_bits & 0x1:
                    raise UnsupportedFile("package relationships unreadable")
                rels = package.read(info)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, OSError) as exc:
        raise UnsupportedFile("broken archive") from exc
    parts = _property_parts(rels)
    custom = parts["custom-properties"]

    def clean(name: str, content: bytes) -> bytes | None:
        if name == parts["core-properties"]:
            return _EMPTY_CORE
        if name == parts["extended-properties"]:
            return _EMPTY_APP
        if name in (custom, posixpath.join(posixpath.dirname(custom), "_rels",
                                           posixpath.basename(custom) + ".rels")):
            return None
        if name == _RELS:
            return _without_element(content, "Relationship", "Target", custom)
        if name == _CONTENT_TYPES:
            return _without_element(content, "Override", "PartName", custom)
        for part, attributes, elements in _PEOPLE:
            if part.fullmatch(name):
                return blank_elements(blank_attributes(content, attributes), elements)
        return content

    return _zip.rewrite(data, clean)
