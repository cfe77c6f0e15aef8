"""Office Open XML (DOCX, XLSX, PPTX): ECMA-376 Part 2 (Open Packaging Conventions) §11 and
Part 1 §15.2.12 (extended properties) and §22.3 (custom properties).

The package's property parts are found through the package relationships (``_rels/.rels``),
not by their usual names. The core properties part is replaced by one with no properties at
all (every element of ``cp:coreProperties`` is optional, Part 2 §11.2), the extended properties
part (application, company, manager, template, editing time) by an empty one (every element is
optional, Part 1 §22.2), and the custom properties part is removed together with its
relationship and its content-type override, so the package stays valid.

Custom XML parts (``customXml/``, §15.2.4 and §15.2.5: data stores that Office and SharePoint
fill with the author's name, email and document-management fields) are removed with every
relationship and content-type override that points at them.

External relationships (Part 2 §9.3.2, ``TargetMode="External"``) point outside the package:
an attached template, a linked workbook or picture, a subdocument, a data source, often as a
path on the author's computer (``file:///C:/Users/<name>/...``) or in their cloud storage.
Their targets are emptied; only a hyperlink to a web address (``http``, ``https``) is kept,
since that is content the reader clicks.

People's names and account ids in comments, tracked changes, the people parts, pivot caches,
shared-workbook revisions and data connections, and the values of document variables, are
blanked attribute by attribute, so the parts keep every byte but those values. Images and
embedded documents are cleaned by ``_zip.clean_member``. Every other entry keeps its content
exactly.
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
    (re.compile(r"xl/pivotCache/[^/]+\.xml"), ("refreshedBy",), ()),
    (re.compile(r"xl/revisions/[^/]+\.xml"), ("userName",), ()),
    (re.compile(r"xl/connections\.xml"), ("connection", "sourceFile", "odcFile", "url",
                                          "credentialsFile"), ()),
    (re.compile(r"ppt/commentAuthors\.xml"), ("name", "initials"), ()),
    (re.compile(r"ppt/authors\.xml"), ("name", "initials", "userId"), ()),
]
# Values kept in elements that are otherwise structure: (part, element, attribute).
_VALUES = [
    # document variables (any text a template or add-in stores) and mail-merge data sources
    (re.compile(r"word/settings\.xml"), "w:docVar", "w:val"),
    (re.compile(r"word/settings\.xml"), "w:connectString", "w:val"),
    (re.compile(r"word/settings\.xml"), "w:query", "w:val"),
]
_RELATIONSHIP = re.compile(rb"<Relationship\b([^>]*?)(?:/>|>\s*</Relationship\s*>)")
_OVERRIDE = re.compile(rb"<Override\b([^>]*?)(?:/>|>\s*</Override\s*>)")
_ATTRIBUTE = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_WEB = (b"http://", b"https://")


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


def blank_element_attribute(xml: bytes, element: str, attribute: str) -> bytes:
    """Empty ``attribute`` on every ``element`` (with its prefix as written)."""
    pattern = (rb"(<" + re.escape(element.encode()) + rb"\b[^>]*?\s" +
               re.escape(attribute.encode()) + rb"\s*=\s*)(?:\"[^\"]*\"|'[^']*')")
    return re.sub(pattern, rb'\1""', xml)


def _attributes(raw: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
            for m in _ATTRIBUTE.finditer(raw)}


def _rels_base(name: str) -> str | None:
    """The folder a relationships part's targets are relative to (Part 2 §9.3.3.2)."""
    folder, file = posixpath.split(name)
    if posixpath.basename(folder) != "_rels" or not file.endswith(".rels"):
        return None
    return posixpath.dirname(folder)


def _clean_relationships(xml: bytes, base: str, dropped: set[str]) -> bytes:
    """Without the relationships to ``dropped`` parts, and with external targets emptied
    (a hyperlink to a web address excepted)."""
    def one(match: re.Match[bytes]) -> bytes:
        attributes = _attributes(match.group(1))
        target = attributes.get(b"Target", b"")
        if attributes.get(b"TargetMode") == b"External":
            hyperlink = attributes.get(b"Type", b"").endswith(b"/hyperlink")
            if hyperlink and target.strip().lower().startswith(_WEB):
                return match.group(0)
            return re.sub(rb"""(\sTarget\s*=\s*)(?:"[^"]*"|'[^']*')""", rb'\1""',
                          match.group(0))
        text = target.decode("utf-8", "replace")
        part = posixpath.normpath(text.lstrip("/") if text.startswith("/")
                                  else posixpath.join(base, text))
        return b"" if part in dropped else match.group(0)

    return _RELATIONSHIP.sub(one, xml)


def _without_overrides(xml: bytes, dropped: set[str]) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        name = _attributes(match.group(1)).get(b"PartName", b"").decode("utf-8", "replace")
        return b"" if name.lstrip("/") in dropped else match.group(0)

    return _OVERRIDE.sub(one, xml)


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


def strip(data: bytes, depth: int = 0) -> bytes:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
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
    dropped = {custom, posixpath.join(posixpath.dirname(custom), "_rels",
                                      posixpath.basename(custom) + ".rels")}
    dropped |= {n for n in names if n.lower().startswith("customxml/")}

    def clean(name: str, content: bytes) -> bytes | None:
        if name in dropped:
            return None
        if name == parts["core-properties"]:
            return _EMPTY_CORE
        if name == parts["extended-properties"]:
            return _EMPTY_APP
        base = _rels_base(name)
        if base is not None:
            return _clean_relationships(content, base, dropped)
        if name == _CONTENT_TYPES:
            return _without_overrides(content, dropped)
        for part, attributes, elements in _PEOPLE:
            if part.fullmatch(name):
                content = blank_elements(blank_attributes(content, attributes), elements)
        for part, element, attribute in _VALUES:
            if part.fullmatch(name):
                content = blank_element_attribute(content, element, attribute)
        return _zip.clean_member(content, depth)

    return _zip.rewrite(data, clean)
