"""Rewriting a ZIP package (APPNOTE.TXT) entry by entry, with limits against zip bombs.

Both Office Open XML (ECMA-376 Part 2, Open Packaging Conventions) and OpenDocument (ODF 1.3
Part 2, §3) are ZIP packages. Each entry is either kept (the same content, the same
compression method) or replaced; the entries' timestamps, extra fields and the archive comment
are dropped, since they are metadata too (the time and the machine of the last save).

Whatever the format, two kinds of entry carry metadata of their own (``clean_member``): images
(a DOCX's ``word/media``, an ODF's ``Pictures/``, thumbnails), re-encoded from their pixels
with ``evidence_files.strip_embedded_image``, EXIF, GPS and comments gone (SVG and EMF
pictures lose their metadata in ``_vector``); and documents
embedded in the document (a chart's workbook, an OLE object, a PDF), cleaned by their own
stripper in turn, to a bounded depth, or refused when they cannot be.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable
from contextvars import ContextVar

from microcred.earning.evidence_files import (
    UnsupportedFile,
    embedded_image_format,
    strip_embedded_image,
)
from microcred.earning.evidence_metadata import _vector

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest DOS date, as Office itself writes
_DOCUMENT_MAGIC = (b"PK\x03\x04", b"%PDF-", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
# What the packages of one upload may inflate to, nested ones included (set per upload).
expanded: ContextVar[list[int] | None] = ContextVar("expanded", default=None)
#: How a document found inside a package is cleaned (a .docx inside an .odt): the package's
#: ``strip_embedded_document``, set with the budget by ``strip_metadata`` for one file (so this
#: module, which the package imports, does not import it back).
nested_document: ContextVar[Callable[[bytes, int], bytes] | None] = ContextVar(
    "nested_document", default=None)

# Given an entry's name and content, the new content, or None to drop the entry.
Rewrite = Callable[[str, bytes], bytes | None]


def clean_member(content: bytes, depth: int) -> bytes:
    """An entry that is an image or a document of its own, cleaned; any other as it is."""
    if embedded_image_format(content) is not None:
        return strip_embedded_image(content)[0]
    if content.startswith(_DOCUMENT_MAGIC):
        strip_document = nested_document.get()
        if strip_document is None:  # outside strip_metadata: refuse rather than keep metadata
            raise RuntimeError("a nested document is cleaned only inside strip_metadata")
        return strip_document(content, depth + 1)
    if _vector.is_svg(content):
        return _vector.strip_svg(content)
    if _vector.is_emf(content):
        return _vector.strip_emf(content)
    return content


def rewrite(data: bytes, rewrite_entry: Rewrite, *, first: str | None = None) -> bytes:
    """Copy the package, passing each entry through ``rewrite_entry``.

    ``first`` names an entry that must come first and stay uncompressed (ODF's ``mimetype``).
    Declared sizes are checked before anything is inflated; ``zipfile`` never inflates an entry
    past its declared size, so the checks bound what is read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            infos = source.infolist()
            if len(infos) > MAX_ENTRIES:
                raise UnsupportedFile("archive has too many entries")
            spent = expanded.get() or [0]
            spent[0] += sum(i.file_size for i in infos)
            if spent[0] > MAX_UNCOMPRESSED_BYTES:
                raise UnsupportedFile("archive expands too much")
            if any(i.flag_bits & 0x1 for i in infos):
                raise UnsupportedFile("encrypted archive")
            if len({i.filename for i in infos}) != len(infos):
                raise UnsupportedFile("archive has duplicate entries")
            if first is not None:
                infos.sort(key=lambda i: i.filename != first)  # stable: the rest keep order
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as target:
                for info in infos:
                    content = rewrite_entry(info.filename, source.read(info))
                    if content is None:
                        continue
                    clean = zipfile.ZipInfo(info.filename, date_time=_EPOCH)
                    clean.external_attr = info.external_attr
                    method = info.compress_type
                    if info.filename == first or method not in (zipfile.ZIP_STORED,
                                                                 zipfile.ZIP_DEFLATED):
                        method = zipfile.ZIP_STORED if info.filename == first \
                            else zipfile.ZIP_DEFLATED
                    clean.compress_type = method
                    target.writestr(clean, content)
    except UnsupportedFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError,
            EOFError, OSError, ValueError) as exc:
        raise UnsupportedFile("broken archive") from exc
    return out.getvalue()
