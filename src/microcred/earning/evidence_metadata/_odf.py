"""OpenDocument (ODT, ODS, ODP): ODF 1.3 Part 3 §3.3 (the ``meta.xml`` part) and Part 2 §3.3
(the ``mimetype`` entry: first in the package and stored uncompressed).

``meta.xml`` (initial creator, creator, dates, editing time and cycles, generator, template,
user-defined fields, statistics) is replaced by one whose ``office:meta`` is empty; every
element in it is optional. The creators of annotations and tracked changes (``dc:creator`` and
``meta:creator-initials`` in the content and styles) are blanked. Every other entry keeps its
content exactly.
"""

from __future__ import annotations

import re

from microcred.earning.evidence_metadata import _zip
from microcred.earning.evidence_metadata._ooxml import blank_elements

_VERSION = re.compile(rb"""office:version\s*=\s*["']([0-9.]{1,8})["']""")


def _empty_meta(original: bytes) -> bytes:
    found = _VERSION.search(original)
    version = found.group(1) if found else b"1.2"
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
        b'office:version="' + version + b'"><office:meta/></office:document-meta>'
    )


def strip(data: bytes) -> bytes:
    def clean(name: str, content: bytes) -> bytes | None:
        if name == "meta.xml":
            return _empty_meta(content)
        if name in ("content.xml", "styles.xml"):
            return blank_elements(content, ("dc:creator", "meta:creator-initials"))
        return content

    return _zip.rewrite(data, clean, first="mimetype")
