"""Hidden details removed from evidence files before anyone else sees them.

Assessment is blind: an assessor must not learn who made a piece of evidence from its author
field, the company in its properties, the phone that filmed it or the place it was filmed. The
file's content is kept as it is; only what travels with it is dropped or blanked.

What each kind loses (the formats' own rules are in the private modules named after them):

- images: re-encoded from their pixels (``evidence_files.strip_image``): EXIF, GPS, XMP, ICC
  profiles and comments (the JPEG ``COM`` marker) gone;
- PDF (``_pdf``): the document information dictionary, every metadata stream, application data
  (``/PieceInfo``), the authors of comments and other markup annotations, and any earlier
  revisions kept by incremental saves; JPEG and JPEG 2000 images re-encoded; a PDF with
  attached files is refused;
- Office Open XML (``_ooxml``): core, extended and custom properties, custom XML parts
  (``customXml/``), the authors of comments, tracked changes, the people parts, pivot caches
  and shared-workbook revisions, document variables and data connections, and the targets of
  external relationships other than web links (``file:///C:/Users/<name>/...`` templates,
  linked workbooks and images);
- OpenDocument (``_odf``): every ``meta.xml`` (embedded objects have their own), the creators
  of annotations and tracked changes, the printer in ``settings.xml`` and links to local
  files;
- in both zip packages (``_zip.clean_member``): every image re-encoded, and every document
  embedded in the document (a chart's workbook, an OLE object) cleaned in turn, to a depth of
  three, or the whole file refused;
- MP4, MOV and M4A (``_isobmff``): ``udta`` and ``meta`` boxes (location, make, model,
  software, titles, cover art, Nero chapters) and XMP boxes turned into ``free`` space, the
  titles of QuickTime chapter tracks zeroed, and the creation times zeroed;
- MP3 (``_mp3``): ID3v1, ID3v2 (pictures and chapters too) and APEv2 tags;
- WebM and Matroska (``_matroska``): ``Tags``, ``Attachments`` (cover art) and ``Chapters``
  turned into ``Void``, and the title, file names, muxing and writing application and date
  blanked;
- legacy Word, Excel and PowerPoint (``_ole``): the text and dates in the summary information
  property sets blanked. What the binary formats keep elsewhere (Word's associated strings and
  revision-mark authors) is not reached; a learner who needs that should upload DOCX or PDF;
- plain text: nothing travels with it, so it is stored as it is.

A file that cannot be read well enough to clean it (broken, encrypted, or a zip bomb) raises
``UnsupportedFile`` with the reason, and is refused rather than stored uncleaned; when the
person who uploaded it can do something about it (attachments inside a PDF), the exception's
``explanation`` says what.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile

from microcred.earning.evidence_files import (
    Sniffed,
    UnsupportedFile,
    embedded_files_refused,
    sniff,
    strip_image,
)
from microcred.earning.evidence_metadata import (
    _isobmff,
    _matroska,
    _mp3,
    _odf,
    _ole,
    _ooxml,
    _pdf,
    _zip,
)
from microcred.web.uploads import read_upload

__all__ = ["strip_embedded_document", "strip_metadata"]

MAX_NESTING = 3  # a document in a document in a document


def _as_is(data: bytes, depth: int) -> bytes:
    return data


def _flat(strip: Callable[[bytes], bytes]) -> Callable[[bytes, int], bytes]:
    return lambda data, depth: strip(data)


_STRIPPERS: dict[str, Callable[[bytes, int], bytes]] = {
    "application/pdf": _flat(_pdf.strip),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _ooxml.strip,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _ooxml.strip,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _ooxml.strip,
    "application/vnd.oasis.opendocument.text": _odf.strip,
    "application/vnd.oasis.opendocument.spreadsheet": _odf.strip,
    "application/vnd.oasis.opendocument.presentation": _odf.strip,
    "application/msword": _flat(_ole.strip),
    "video/mp4": _flat(_isobmff.strip),
    "video/quicktime": _flat(_isobmff.strip),
    "audio/mp4": _flat(_isobmff.strip),
    "audio/mpeg": _flat(_mp3.strip),
    "video/webm": _flat(_matroska.strip),
    "text/plain": _as_is,  # nothing travels with plain text
}


def strip_embedded_document(data: bytes, depth: int) -> bytes:
    """A document found inside another (an OOXML package, an OpenDocument, a PDF or an OLE
    object), cleaned by its own stripper; anything else there is refused."""
    if depth > MAX_NESTING:
        raise embedded_files_refused("documents nested too deeply")
    try:
        sniffed = sniff(io.BytesIO(data))
    except UnsupportedFile:
        raise embedded_files_refused("embedded file of an unknown kind") from None
    strip = _STRIPPERS.get(sniffed.mime)
    if sniffed.kind != "document" or strip is None or sniffed.mime == "text/plain":
        raise embedded_files_refused(f"embedded {sniffed.mime}")
    return strip(data, depth)


def strip_metadata(stream: IO[bytes], sniffed: Sniffed, *,
                   limit: int | None = None) -> ContentFile[bytes]:
    """Return the file without its hidden details, as ``sniff`` identified it.

    Every kind ``sniff`` accepts has an entry, so a new kind cannot slip through uncleaned. The
    file is read whole or refused (``web.uploads.FileTooLarge``) past ``limit`` (default
    ``UPLOAD_MAX_BYTES``): never cleaned from a part of it.
    """
    data = read_upload(stream, limit=settings.UPLOAD_MAX_BYTES if limit is None else limit)
    if sniffed.kind == "image":
        return strip_image(io.BytesIO(data), sniffed)
    strip = _STRIPPERS.get(sniffed.mime)
    if strip is None:
        raise UnsupportedFile(f"no metadata stripper for {sniffed.mime}")
    token = _zip.expanded.set([0])  # one budget against zip bombs, nested packages included
    nested = _zip.nested_document.set(strip_embedded_document)
    try:
        return ContentFile(strip(data, 0))
    finally:
        _zip.nested_document.reset(nested)
        _zip.expanded.reset(token)
