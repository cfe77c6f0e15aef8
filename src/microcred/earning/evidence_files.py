"""Evidence files: what a file is, judged by its bytes (never its name), and images re-encoded
so nothing but pixels survives (EXIF GPS positions, camera serials, author names, thumbnails).

Accepted: images (JPEG, PNG, GIF, WebP), documents (PDF, Office Open XML, OpenDocument, legacy
Office, plain text) and video/audio (MP4/MOV/M4A, WebM/Matroska, MP3). Anything else, such as
executables, archives or HTML, is refused. What the other kinds carry besides their content
(authors, locations, software, dates) is removed by ``evidence_metadata.strip_metadata``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["Sniffed", "UnsupportedFile", "embedded_files_refused", "embedded_image_format",
           "sniff", "strip_embedded_image", "strip_image"]

Image.MAX_IMAGE_PIXELS = 50_000_000  # a decompression bomb is refused, not decoded


class UnsupportedFile(ValueError):
    """A file refused. ``str()`` is the reason for the logs; ``explanation``, when set, is the
    sentence for the person who uploaded it (what is wrong and what to do instead)."""

    def __init__(self, reason: str, *, explanation: str | None = None) -> None:
        super().__init__(reason)
        self.explanation = explanation


def embedded_files_refused(reason: str) -> UnsupportedFile:
    """A document carrying whole files inside it (attachments, embedded objects): what those
    say about their author cannot be reached, so the document is refused, saying why."""
    return UnsupportedFile(reason, explanation=_(
        "It has files attached or embedded inside it, and what those files say about their "
        "author cannot be removed. Save it without them, and attach those files separately."))


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "image" | "document" | "video" | "audio"
    mime: str
    extension: str


def _zip_kind(head: IO[bytes]) -> Sniffed:
    try:
        with zipfile.ZipFile(head) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                mime = z.read("mimetype").decode("ascii", "replace").strip()
                ext = {"application/vnd.oasis.opendocument.text": "odt",
                       "application/vnd.oasis.opendocument.spreadsheet": "ods",
                       "application/vnd.oasis.opendocument.presentation": "odp"}.get(mime)
                if ext:
                    return Sniffed("document", mime, ext)
            if "[Content_Types].xml" in names:
                for prefix, ext, mime in (
                    ("word/", "docx", "application/vnd.openxmlformats-officedocument."
                                      "wordprocessingml.document"),
                    ("xl/", "xlsx", "application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet"),
                    ("ppt/", "pptx", "application/vnd.openxmlformats-officedocument."
                                     "presentationml.presentation"),
                ):
                    if any(n.startswith(prefix) for n in names):
                        return Sniffed("document", mime, ext)
    except (zipfile.BadZipFile, OSError, KeyError):
        pass
    raise UnsupportedFile("archive")


def sniff(stream: IO[bytes]) -> Sniffed:
    """Identify a file from its leading bytes; raise ``UnsupportedFile`` for anything else."""
    stream.seek(0)
    head = stream.read(8192)
    stream.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png", "png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image", "image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image", "image/webp", "webp")
    if head.startswith(b"%PDF-"):
        return Sniffed("document", "application/pdf", "pdf")
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(stream)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Sniffed("document", "application/msword", "doc")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return Sniffed("audio", "audio/mp4", "m4a")
        if brand == b"qt  ":
            return Sniffed("video", "video/quicktime", "mov")
        return Sniffed("video", "video/mp4", "mp4")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return Sniffed("video", "video/webm", "webm")
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3"):
        return Sniffed("audio", "audio/mpeg", "mp3")
    if head and b"\x00" not in head:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not merely a character cut at the 8 KiB boundary
                raise UnsupportedFile("binary") from None
            text = head[: exc.start].decode("utf-8")
        lowered = text.lstrip().lower()
        if lowered.startswith(("<!doctype html", "<html", "<script", "<svg", "<?xml")):
            raise UnsupportedFile("markup")
        return Sniffed("document", "text/plain", "txt")
    raise UnsupportedFile("unknown")


def _pixels_only(img: Image.Image) -> Image.Image:
    """A new image made of ``img``'s pixels (and palette) alone. Saving an opened image writes
    back some of what it was read with (a JPEG's comment, a TIFF's XMP, IPTC and Photoshop
    blocks, ICC profiles); an image that was never read has none of it."""
    clean = Image.frombytes(img.mode, img.size, img.tobytes())
    if img.mode in ("P", "PA") and img.palette is not None:
        clean.putpalette(img.palette.tobytes(), img.palette.mode)
    if "transparency" in img.info and img.mode in ("P", "L", "RGB", "I", "I;16"):
        clean.info["transparency"] = img.info["transparency"]
    return clean


def strip_image(stream: IO[bytes], sniffed: Sniffed) -> ContentFile[bytes]:
    """Decode and re-encode an image from its pixels alone (orientation applied first, so
    dropping EXIF does not turn photos sideways). Animated GIFs keep their first frame. Nothing
    else survives: EXIF (GPS, camera, artist), XMP, ICC profiles, comments (the JPEG ``COM``
    marker, PNG text chunks, GIF comment extensions)."""
    stream.seek(0)
    try:
        with Image.open(stream) as opened:
            opened.load()
            img = _pixels_only(ImageOps.exif_transpose(opened))
            out = io.BytesIO()
            if sniffed.mime == "image/jpeg":
                img.convert("RGB").save(out, format="JPEG", quality=90)
            elif sniffed.mime == "image/webp":
                img.save(out, format="WEBP", quality=90)
            else:
                clean = img.convert("RGBA") if img.mode in ("P", "LA", "RGBA") else img
                clean.save(out, format="PNG")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UnsupportedFile("broken image") from exc
    return ContentFile(out.getvalue())


# The raster formats an image embedded in a document may have, by their first bytes.
_EMBEDDED_IMAGES = (
    (b"\xff\xd8\xff", "JPEG"), (b"\x89PNG\r\n\x1a\n", "PNG"), (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"), (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG2000"), (b"\xff\x4f\xff\x51", "JPEG2000"),
)


def embedded_image_format(data: bytes) -> str | None:
    """The Pillow format name of a raster image inside a document, or None if it is none."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:2] == b"BM" and data[6:10] == bytes(4) and len(data) >= 26:  # reserved: zero
        return "BMP"
    for magic, name in _EMBEDDED_IMAGES:
        if data.startswith(magic):
            return name
    return None


def strip_embedded_image(data: bytes) -> tuple[bytes, str]:
    """An image embedded in a document (a DOCX's ``word/media``, an ODF's ``Pictures/``, a
    PDF's JPEG), re-encoded from its pixels alone as ``strip_image`` does, and in the same
    format so the document's own references and content types stay right: (bytes, mode).

    Unlike an uploaded photo it is not turned by its EXIF orientation: the document already
    placed it as its application shows it. Refused (``UnsupportedFile``) if it cannot be read.
    """
    fmt = embedded_image_format(data)
    if fmt is None:
        raise UnsupportedFile("not an image")
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != fmt:
                raise UnsupportedFile("broken image")
            img.load()
            clean = _pixels_only(img)
            out = io.BytesIO()
            if fmt == "JPEG":
                if clean.mode not in ("L", "RGB", "CMYK"):
                    clean = clean.convert("RGB")
                clean.save(out, format="JPEG", quality=90)
            elif fmt == "WEBP":
                clean.save(out, format="WEBP", quality=90,
                           lossless=bool(img.info.get("lossless")))
            elif fmt == "TIFF":
                clean.save(out, format="TIFF", compression="tiff_deflate")
            elif fmt == "JPEG2000":  # a bare codestream stays one (what a PDF often holds)
                clean.save(out, format="JPEG2000", no_jp2=data.startswith(b"\xff\x4f"))
            else:
                clean.save(out, format=fmt)
    except UnsupportedFile:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError) as exc:
        raise UnsupportedFile("broken image") from exc
    return out.getvalue(), clean.mode
