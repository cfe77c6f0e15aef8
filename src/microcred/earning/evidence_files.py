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
from PIL import Image, ImageOps, UnidentifiedImageError

__all__ = ["Sniffed", "UnsupportedFile", "sniff", "strip_image"]

Image.MAX_IMAGE_PIXELS = 50_000_000  # a decompression bomb is refused, not decoded


class UnsupportedFile(ValueError):
    pass


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


def strip_image(stream: IO[bytes], sniffed: Sniffed) -> ContentFile[bytes]:
    """Decode and re-encode an image from its pixels alone (orientation applied first, so
    dropping EXIF does not turn photos sideways). Animated GIFs keep their first frame."""
    stream.seek(0)
    try:
        with Image.open(stream) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            if sniffed.mime == "image/jpeg":
                img.convert("RGB").save(out, format="JPEG", quality=90)
            elif sniffed.mime == "image/webp":
                img.save(out, format="WEBP", quality=90)
            else:
                clean = img.convert("RGBA") if img.mode in ("P", "LA", "RGBA") else img
                clean.save(out, format="PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UnsupportedFile("broken image") from exc
    return ContentFile(out.getvalue())
