"""PDF: ISO 32000-2 §14.3 (metadata), §14.5 (page-piece dictionaries), §12.5 (annotations),
§7.11.4 (embedded file streams) and §8.9.5 (image dictionaries).

The document is read and written again with pypdf, which keeps the pages and everything they
reach but not earlier revisions (incremental updates keep the old information dictionary and
the text that was deleted). Dropped: the trailer's document information dictionary
(§14.3.3: title, author, subject, keywords, creator, producer, dates); every metadata stream
(§14.3.2: XMP, on the catalog, a page, an image, a font or anything else), ``/PieceInfo`` (the
private data of the application that last edited it, §14.5) and ``/LastModified``, wherever
they are; and the author (``/T``, §12.5.6.2) of every markup annotation (comments,
highlights, stamps and their pop-ups; a form field's ``/T`` is its name and is kept).

Images stored as JPEG (``DCTDecode``) or JPEG 2000 (``JPXDecode``) carry their own EXIF (the
camera, its owner, where it was taken), XMP and comments; they are re-encoded from their
pixels with ``evidence_files.strip_embedded_image``, with the same size and colour
components. Other image filters hold samples only.

Files attached to the PDF (embedded files, file-attachment annotations, associated files)
are whole files of any kind, with metadata of their own that cannot be reached: a PDF with
any is refused, saying so, rather than stored with them or silently without them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from microcred.earning.evidence_files import (
    UnsupportedFile,
    embedded_files_refused,
    strip_embedded_image,
)

_DROP_EVERYWHERE = ("/Metadata", "/PieceInfo", "/LastModified")
_ATTACHMENT_KEYS = ("/EmbeddedFiles", "/EF", "/AF")
# §12.5.6.2: the annotations whose /T is "the text label ... representing the user who added
# the annotation" (markup annotations), and pop-ups, whose /T repeats their parent's.
_MARKUP = {"/Text", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine",
           "/Highlight", "/Underline", "/Squiggly", "/StrikeOut", "/Stamp", "/Caret", "/Ink",
           "/FileAttachment", "/Sound", "/Redact", "/Popup", "/Projection"}
_MAX_OBJECTS = 200_000


def _reachable(root: PdfObject) -> Iterator[DictionaryObject]:
    """Every dictionary (streams included) reachable from ``root``, each once."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject | None] = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > _MAX_OBJECTS:
                raise UnsupportedFile("PDF has too many objects")
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            yield obj
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _filters(stream: DictionaryObject) -> list[str]:
    found = stream.get("/Filter")
    if found is None:
        return []
    found = found.get_object()
    return [str(f) for f in found] if isinstance(found, ArrayObject) else [str(found)]


def _clean_image(stream: StreamObject) -> None:
    filters = _filters(stream)
    if not {"/DCTDecode", "/JPXDecode"} & set(filters):
        return  # samples only
    if len(filters) != 1:
        raise UnsupportedFile("PDF image with chained filters", explanation=_(
            "An image in it is stored in a way whose hidden details cannot be removed. "
            "Export the PDF again, or upload the images on their own."))
    data, mode = strip_embedded_image(stream._data)  # the JPEG's own bytes, still encoded
    StreamObject.set_data(stream, data)  # the filter stays; pypdf refuses set_data for it
    stream.decoded_self = None
    stream.pop(NameObject("/DecodeParms"), None)
    if filters == ["/DCTDecode"]:
        stream[NameObject("/BitsPerComponent")] = NumberObject(8)
    if mode in ("RGBA", "LA"):  # JPEG 2000 with its own alpha: the PDF reads it as such
        stream[NameObject("/SMaskInData")] = NumberObject(1)


def strip(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnsupportedFile("encrypted PDF")
        # Dropped from what was read, before the copy: an object the copy never reaches is
        # never written, whatever pypdf version does the writing.
        reader.trailer.pop(NameObject("/Info"), None)
        for dictionary in _reachable(reader.trailer.raw_get("/Root")):
            if any(key in dictionary for key in _ATTACHMENT_KEYS) or \
                    dictionary.get("/Subtype") == "/FileAttachment" or \
                    dictionary.get("/Type") == "/EmbeddedFile":
                raise embedded_files_refused("PDF with attached files")
            for key in _DROP_EVERYWHERE:
                dictionary.pop(NameObject(key), None)
            subtype = dictionary.get("/Subtype")
            if subtype in _MARKUP and "/FT" not in dictionary and \
                    dictionary.get("/Type", "/Annot") == "/Annot":
                dictionary.pop(NameObject("/T"), None)
            if subtype == "/Image" and isinstance(dictionary, StreamObject):
                _clean_image(dictionary)
        if not isinstance(reader.trailer["/Root"].get_object(), DictionaryObject):
            raise UnsupportedFile("broken PDF")
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
