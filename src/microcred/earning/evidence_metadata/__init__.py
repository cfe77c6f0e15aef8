"""Hidden details removed from evidence files before anyone else sees them.

Assessment is blind: an assessor must not learn who made a piece of evidence from its author
field, the company in its properties, the phone that filmed it or the place it was filmed. The
file's content is kept as it is; only what travels with it is dropped or blanked.

What each kind loses (the formats' own rules are in the private modules named after them):

- images: re-encoded from their pixels (``evidence_files.strip_image``);
- PDF (``_pdf``): the document information dictionary, XMP metadata, page-level metadata and
  application data (``/PieceInfo``), and any earlier revisions kept by incremental saves;
- Office Open XML (``_ooxml``): core, extended and custom properties, and the authors of
  comments, tracked changes and the people parts;
- OpenDocument (``_odf``): ``meta.xml`` and the creators of annotations and tracked changes;
- MP4, MOV and M4A (``_isobmff``): ``udta`` and ``meta`` boxes (location, make, model,
  software, titles) and XMP boxes turned into ``free`` space, and the creation times zeroed;
- MP3 (``_mp3``): ID3v1, ID3v2 and APEv2 tags;
- WebM and Matroska (``_matroska``): ``Tags`` and ``Attachments`` turned into ``Void``, and the
  title, muxing and writing application and date blanked;
- legacy Word, Excel and PowerPoint (``_ole``): the text and dates in the summary information
  property sets blanked. What the binary formats keep elsewhere (Word's associated strings and
  revision-mark authors) is not reached; a learner who needs that should upload DOCX or PDF;
- plain text: nothing travels with it, so it is stored as it is.

A file that cannot be read well enough to clean it (broken, encrypted, or a zip bomb) raises
``UnsupportedFile`` with the reason, and is refused rather than stored uncleaned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.core.files.base import ContentFile

from microcred.earning.evidence_files import Sniffed, UnsupportedFile, strip_image
from microcred.earning.evidence_metadata import _isobmff, _matroska, _mp3, _odf, _ole, _ooxml, _pdf

__all__ = ["strip_metadata"]

def _as_is(data: bytes) -> bytes:
    return data


_STRIPPERS: dict[str, Callable[[bytes], bytes]] = {
    "application/pdf": _pdf.strip,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _ooxml.strip,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _ooxml.strip,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": _ooxml.strip,
    "application/vnd.oasis.opendocument.text": _odf.strip,
    "application/vnd.oasis.opendocument.spreadsheet": _odf.strip,
    "application/vnd.oasis.opendocument.presentation": _odf.strip,
    "application/msword": _ole.strip,
    "video/mp4": _isobmff.strip,
    "video/quicktime": _isobmff.strip,
    "audio/mp4": _isobmff.strip,
    "audio/mpeg": _mp3.strip,
    "video/webm": _matroska.strip,
    "text/plain": _as_is,  # nothing travels with plain text
}


def strip_metadata(stream: IO[bytes], sniffed: Sniffed) -> ContentFile[bytes]:
    """Return the file without its hidden details, as ``sniff`` identified it.

    Every kind ``sniff`` accepts has an entry, so a new kind cannot slip through uncleaned.
    """
    if sniffed.kind == "image":
        return strip_image(stream, sniffed)
    strip = _STRIPPERS.get(sniffed.mime)
    if strip is None:
        raise UnsupportedFile(f"no metadata stripper for {sniffed.mime}")
    stream.seek(0)
    return ContentFile(strip(stream.read()))
