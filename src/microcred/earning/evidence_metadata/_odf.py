"""OpenDocument (ODT, ODS, ODP): ODF 1.3 Part 3 §3.3 (the ``meta.xml`` part) and Part 2 §3.3
(the ``mimetype`` entry: first in the package and stored uncompressed).

``meta.xml`` (initial creator, creator, dates, editing time and cycles, generator, template,
user-defined fields, statistics) is replaced by one whose ``office:meta`` is empty; every
element in it is optional. An embedded object (a chart, a formula: ``Object 1/``) has a
``meta.xml`` of its own, and is treated the same. The creators of annotations and tracked
changes (``dc:creator`` and ``meta:creator-initials`` in the content and styles, the
package's and every embedded object's) are blanked, and so are the printer kept in
``settings.xml`` (``PrinterName``, and ``PrinterSetup``, the driver's settings, which name the
printer and often its owner) and links to files on the author's computer (``xlink:href``
starting ``file:``: linked pictures and sections, ``C:/Users/<name>/...``). Pictures
(``Pictures/``, ``Thumbnails/``) and embedded documents are cleaned by ``_zip.clean_member``.
Every other entry keeps its content exactly.
"""

from __future__ import annotations

import posixpath
import re

from microcred.earning.evidence_metadata import _zip
from microcred.earning.evidence_metadata._ooxml import blank_elements

_VERSION = re.compile(rb"""office:version\s*=\s*["']([0-9.]{1,8})["']""")
_LOCAL_LINK = re.compile(rb"""(\sxlink:href\s*=\s*)(?:"file:[^"]*"|'file:[^']*')""",
                         re.IGNORECASE)
_PRINTER = re.compile(
    rb"""(<config:config-item\s[^>]*config:name\s*=\s*["'](?:PrinterName|PrinterSetup)["']"""
    rb"""[^>]*>)[^<]*(</config:config-item\s*>)""")


def _empty_meta(original: bytes) -> bytes:
    found = _VERSION.search(original)
    version = found.group(1) if found else b"1.2"
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        b'office:version="' + version + b'"><office:meta/></office:document-meta>'
    )


def strip(data: bytes, depth: int = 0) -> bytes:
    def clean(name: str, content: bytes) -> bytes | None:
        base = posixpath.basename(name)
        if base == "meta.xml":
            return _empty_meta(content)
        if base in ("content.xml", "styles.xml"):
            content = blank_elements(content, ("dc:creator", "meta:creator-initials"))
            return _LOCAL_LINK.sub(rb'\1""', content)
        if base == "settings.xml":
            return _PRINTER.sub(rb"\1\2", content)
        return _zip.clean_member(content, depth)

    return _zip.rewrite(data, clean, first="mimetype")
