"""PDF: ISO 32000-2 §14.3 (metadata) and §14.5 (page-piece dictionaries).

The document is read and written again with pypdf, which keeps the pages and everything they
reach but not earlier revisions (incremental updates keep the old information dictionary and
the text that was deleted). Dropped: the trailer's document information dictionary
(§14.3.3: title, author, subject, keywords, creator, producer, dates), the catalog's XMP
metadata stream (§14.3.2), and each page's metadata stream and ``/PieceInfo`` (the private
data of the application that last edited it, §14.5).
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import NameObject

from microcred.earning.evidence_files import UnsupportedFile

_DROP_FROM_CATALOG = ("/Metadata", "/PieceInfo")
_DROP_FROM_PAGES = ("/Metadata", "/PieceInfo", "/LastModified")


def strip(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnsupportedFile("encrypted PDF")
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        catalog = writer.root_object
        for key in _DROP_FROM_CATALOG:
            catalog.pop(NameObject(key), None)
        for page in writer.pages:
            for key in _DROP_FROM_PAGES:
                page.pop(NameObject(key), None)
        # what was cloned before the references were dropped would still be written
        writer.compress_identical_objects(remove_identicals=False, remove_orphans=True)
        out = io.BytesIO()
        writer.write(out)
    except UnsupportedFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as exc:
        raise UnsupportedFile("broken PDF") from exc
    return out.getvalue()
