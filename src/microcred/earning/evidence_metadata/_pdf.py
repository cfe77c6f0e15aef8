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
from pypdf.generic import DictionaryObject, NameObject

from microcred.earning.evidence_files import UnsupportedFile

_DROP_FROM_CATALOG = ("/Metadata", "/PieceInfo")
_DROP_FROM_PAGES = ("/Metadata", "/PieceInfo", "/LastModified")


def strip(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnsupportedFile("encrypted PDF")
        # Dropped from what was read, before the copy: an object the copy never reaches is
        # never written, whatever pypdf version does the writing.
        reader.trailer.pop(NameObject("/Info"), None)
        dictionaries = [reader.trailer["/Root"].get_object()]
        # reader.pages are copies; the copy clones the page dictionaries they were made from
        dictionaries += [page.indirect_reference.get_object() if page.indirect_reference
                         else page for page in reader.pages]
        for index, dictionary in enumerate(dictionaries):
            if not isinstance(dictionary, DictionaryObject):
                raise UnsupportedFile("broken PDF")
            for key in _DROP_FROM_PAGES if index else _DROP_FROM_CATALOG:
                dictionary.pop(NameObject(key), None)
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # pypdf's own /Producer
        out = io.BytesIO()
        writer.write(out)
    except UnsupportedFile:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            RecursionError, OSError) as exc:
        raise UnsupportedFile("broken PDF") from exc
    return out.getvalue()
