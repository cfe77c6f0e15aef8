"""Evidence files lose what identifies their maker, and still open.

Every file is made here, in the format's own structure, with a name planted in the places
that format keeps metadata; after stripping the name is nowhere in the bytes and the format's
own reader still reads the content.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from mutagen.id3 import ID3, TIT2, TPE1
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from pypdf import PdfReader, PdfWriter

from microcred.earning.evidence_files import UnsupportedFile, sniff
from microcred.earning.evidence_metadata import _matroska, _ole, _zip, strip_metadata
from microcred.earning.services import attempt_save_draft, attempt_start
from microcred.errors import ValidationFailed
from tests.factories import World

NAME = b"Jane Learner"


def _png() -> bytes:
    """A small real PNG as Pillow writes it (no metadata): re-encoding it gives it back."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 60)).save(out, format="PNG")
    return out.getvalue()


PNG = _png()


def _strip(data: bytes) -> bytes:
    stream = io.BytesIO(data)
    return strip_metadata(stream, sniff(stream)).read()


# --- PDF ------------------------------------------------------------------------------------

def _pdf(pages: list[bytes], *, update_author: bytes | None = None) -> bytes:
    """A PDF written object by object: text pages, an information dictionary, XMP on the
    catalog, page metadata and /PieceInfo; optionally an incremental update (ISO 32000-2
    §7.5.6) that replaces the information dictionary, leaving the old one in the file."""
    objects: list[bytes] = []
    info = len(pages) * 2 + 4
    kids = b" ".join(b"%d 0 R" % (5 + i * 2) for i in range(len(pages)))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R /Metadata 3 0 R >>")
    objects.append(b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(pages))
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>' + NAME + b"</dc:creator></x:xmpmeta>"
    objects.append(b"<< /Type /Metadata /Subtype /XML /Length %d >>\nstream\n" % len(xmp)
                   + xmp + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        content = b"BT /F1 12 Tf 20 100 Td (" + text + b") Tj ET"
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] "
                       b"/Resources << /Font << /F1 4 0 R >> >> /Contents %d 0 R "
                       b"/Metadata 3 0 R /PieceInfo << /Illustrator << /Private (" % (6 + i * 2)
                       + NAME + b") >> >> >>")
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(b"<< /Author (" + NAME + b") /Creator (Jane's Laptop) /Producer (Writer 1.0)"
                   b" /Title (My private title) /Subject (Subject) /Keywords (jane, learner)"
                   b" /CreationDate (D:20240102030405Z) /ModDate (D:20240102030405Z) >>")
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, info)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    if update_author is not None:
        offset = len(out)
        out += b"%d 0 obj\n<< /Author (" % (info + 1) + update_author + b") >>\nendobj\n"
        new_xref = len(out)
        out += b"xref\n%d 1\n%010d 00000 n \n" % (info + 1, offset)
        out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /Prev %d >>\n" % (
            info + 2, info + 1, xref)
        out += b"startxref\n%d\n%%%%EOF\n" % new_xref
    return bytes(out)


def test_pdf_loses_its_information_xmp_and_page_metadata_and_keeps_its_pages() -> None:
    raw = _pdf([b"First page of evidence", b"Second page"], update_author=b"Someone Else")
    before = PdfReader(io.BytesIO(raw))
    assert before.metadata.author == "Someone Else" and NAME in raw

    clean = _strip(raw)

    for leak in (NAME, b"Someone Else", b"Laptop", b"private title", b"D:2024", b"/PieceInfo",
                 b"Writer 1.0", b"pypdf"):
        assert leak not in clean, leak
    after = PdfReader(io.BytesIO(clean))
    assert after.metadata is None and after.xmp_metadata is None
    assert "/Metadata" not in after.trailer["/Root"]
    assert len(after.pages) == 2
    assert [p.extract_text() for p in after.pages] == ["First page of evidence", "Second page"]


def test_encrypted_and_broken_pdfs_are_refused_with_a_reason() -> None:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt("secret")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    with pytest.raises(UnsupportedFile, match="encrypted PDF"):
        _strip(encrypted.getvalue())
    with pytest.raises(UnsupportedFile, match="broken PDF"):
        _strip(b"%PDF-1.7\nthis is not a PDF at all")


# --- Office Open XML ------------------------------------------------------------------------

_DOCX_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Default Extension="png" ContentType="image/png"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/>'
    b'<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
    b'package.core-properties+xml"/>'
    b'<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.extended-properties+xml"/>'
    b'<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.custom-properties+xml"/></Types>'
)
_DOCX_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/extended-properties" Target="docProps/app.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    b'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/>'
    b'<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>'
)
_W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_DOCX_PARTS = {
    "[Content_Types].xml": _DOCX_TYPES,
    "_rels/.rels": _DOCX_RELS,
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
        b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Private title'
        b'</dc:title><dc:creator>' + NAME + b'</dc:creator><cp:lastModifiedBy>' + NAME
        + b'</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2024-01-02T03:04:05Z'
        b'</dcterms:created></cp:coreProperties>'),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Template>'
        b'Jane.dotm</Template><Company>Learner Ltd</Company><Manager>Boss Person</Manager>'
        b'</Properties>'),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/custom-properties"><property name="'
        b'Employee">' + NAME + b'</property></Properties>'),
    "word/document.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document ' + _W
        + b'><w:body><w:p><w:r><w:t>My lesson plan</w:t></w:r><w:ins w:id="1" w:author="'
        + NAME + b'" w:date="2024-01-02T03:04:05Z"><w:r><w:t> added</w:t></w:r></w:ins>'
        b'</w:p></w:body></w:document>'),
    "word/comments.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments ' + _W
        + b'><w:comment w:id="0" w:author="' + NAME + b"\" w:initials='JL'><w:p><w:r><w:t>"
        b'Check this</w:t></w:r></w:p></w:comment></w:comments>'),
    "word/people.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w15:people xmlns:w15='
        b'"http://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="'
        + NAME + b'"><w15:presenceInfo w15:providerId="AD" w15:userId="S::jane@example.org"/>'
        b'</w15:person></w15:people>'),
    "word/styles.xml": b'<?xml version="1.0"?>\n<w:styles ' + _W + b"/>",
    "word/media/image1.png": PNG,
}


def _zip_of(parts: dict[str, bytes], *, stored: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.comment = b"saved by " + NAME
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 6))
            info.compress_type = zipfile.ZIP_STORED if name == stored else zipfile.ZIP_DEFLATED
            z.writestr(info, content)
    return out.getvalue()


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {i.filename: z.read(i) for i in z.infolist()}


def test_docx_loses_its_properties_and_authors_and_keeps_everything_else() -> None:
    from defusedxml import ElementTree

    raw = _zip_of(_DOCX_PARTS)
    clean = _strip(raw)

    assert NAME not in clean
    entries = _entries(clean)
    assert NAME not in b"".join(entries.values())
    assert list(entries) == [n for n in _DOCX_PARTS if n != "docProps/custom.xml"]
    for name in ("word/styles.xml", "word/media/image1.png"):
        assert entries[name] == _DOCX_PARTS[name]
    for name, content in entries.items():
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(content)  # still well-formed
    core = ElementTree.fromstring(entries["docProps/core.xml"])
    assert core.tag.endswith("}coreProperties") and len(core) == 0
    assert b"Learner Ltd" not in entries["docProps/app.xml"]
    assert b"Boss" not in entries["docProps/app.xml"]
    assert b"Jane.dotm" not in entries["docProps/app.xml"]
    assert b"custom" not in entries["_rels/.rels"] and b"custom" not in entries["[Content_Types]"
                                                                              ".xml"]
    assert b"rId1" in entries["_rels/.rels"] and b"/docProps/core.xml" in entries[
        "[Content_Types].xml"]
    # the people are gone, the words and the change itself stay
    assert entries["word/document.xml"] == _DOCX_PARTS["word/document.xml"].replace(NAME, b"")
    assert b"S::jane" not in entries["word/people.xml"]
    assert b'w15:providerId="AD"' in entries["word/people.xml"]
    assert b"'JL'" not in entries["word/comments.xml"] and b"Check this" in entries[
        "word/comments.xml"]
    with zipfile.ZipFile(io.BytesIO(clean)) as z:  # neither the save time nor the comment
        assert z.comment == b""
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert sniff(io.BytesIO(clean)).extension == "docx"


def test_xlsx_loses_comment_authors_and_the_folder_of_the_last_save() -> None:
    parts = {
        "[Content_Types].xml": _DOCX_TYPES,
        "_rels/.rels": _DOCX_RELS,
        "xl/workbook.xml": (
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac">'
            b'<fileSharing userName="' + NAME + b'"/><x15ac:absPath url="C:\\Users\\'
            + NAME + b'\\Documents\\"/><sheets/></workbook>'),
        "xl/comments1.xml": (
            b'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<authors><author>' + NAME + b'</author></authors><commentList/></comments>'),
        "xl/persons/person.xml": (
            b'<personList><person displayName="' + NAME + b'" id="{1}" userId="jane@example.org"'
            b' providerId="AD"/></personList>'),
    }
    entries = _entries(_strip(_zip_of(parts)))
    assert NAME not in b"".join(entries.values())
    assert b"jane@example.org" not in entries["xl/persons/person.xml"]
    assert b"<author></author>" in entries["xl/comments1.xml"]


def test_archives_that_would_expand_too_far_are_refused() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in _DOCX_PARTS.items():
            z.writestr(name, content)
        with z.open("word/media/huge.bin", "w", force_zip64=True) as f:
            chunk = bytes(1024 * 1024)
            for _ in range(_zip.MAX_UNCOMPRESSED_BYTES // len(chunk) + 1):
                f.write(chunk)
    assert len(bomb.getvalue()) < 1024 * 1024  # small on the wire
    with pytest.raises(UnsupportedFile, match="expands too much"):
        _strip(bomb.getvalue())

    many = {f"word/media/{i}.png": b"" for i in range(_zip.MAX_ENTRIES)}
    with pytest.raises(UnsupportedFile, match="too many entries"):
        _strip(_zip_of({**_DOCX_PARTS, **many}))


# --- OpenDocument ---------------------------------------------------------------------------

def test_odt_loses_meta_and_keeps_mimetype_first_and_stored() -> None:
    meta = (b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta xmlns:office="urn:'
            b'oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:'
            b'opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            b'office:version="1.3"><office:meta><meta:initial-creator>' + NAME
            + b'</meta:initial-creator><dc:creator>' + NAME + b'</dc:creator><dc:date>2024-01-02'
            b'T03:04:05</dc:date><meta:user-defined meta:name="Employee">' + NAME
            + b'</meta:user-defined></office:meta></office:document-meta>')
    content = (b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
               b'office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:body><office:'
               b'text><office:annotation><dc:creator>' + NAME + b'</dc:creator><text:p>Note'
               b'</text:p></office:annotation></office:text></office:body>'
               b'</office:document-content>')
    parts = {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "content.xml": content,
        "meta.xml": meta,
        "Pictures/a.png": PNG,
        "META-INF/manifest.xml": b"<manifest:manifest/>",
    }
    clean = _strip(_zip_of(parts, stored="mimetype"))
    assert NAME not in clean and b"2024-01-02" not in clean
    entries = _entries(clean)
    assert list(entries) == list(parts)
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert clean[30:38] == b"mimetype"  # ODF 1.3 Part 2 §3.3: readable at a fixed offset
    assert b'office:version="1.3"><office:meta/>' in entries["meta.xml"]
    assert entries["content.xml"] == content.replace(NAME, b"")
    assert entries["Pictures/a.png"] == parts["Pictures/a.png"]
    assert sniff(io.BytesIO(clean)).extension == "odt"


# --- MP4 ------------------------------------------------------------------------------------

def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _mp4() -> bytes:
    """An audio MP4 with one chunk: a QuickTime-style location and author in moov/udta, and a
    creation time in every header that has one; iTunes-style tags are added by mutagen."""
    times = struct.pack(">II", 3_800_000_000, 3_800_000_001)
    mvhd = _box(b"mvhd", b"\x00\x00\x00\x00" + times + struct.pack(">II", 1000, 1000)
                + bytes(80))
    tkhd = _box(b"tkhd", b"\x00\x00\x00\x07" + times + bytes(72))
    mdhd = _box(b"mdhd", b"\x00\x00\x00\x00" + times + struct.pack(">II", 8000, 8000)
                + bytes(4))
    hdlr = _box(b"hdlr", bytes(8) + b"soun" + bytes(12) + b"\x00")
    mp4a = _box(b"mp4a", bytes(6) + b"\x00\x01" + bytes(8) + struct.pack(">HHHH", 1, 16, 0, 0)
                + struct.pack(">I", 8000 << 16) + _box(b"btrt", bytes(12)))
    stbl = _box(b"stbl", _box(b"stsd", bytes(4) + struct.pack(">I", 1) + mp4a)
                + _box(b"stts", bytes(8)) + _box(b"stsc", bytes(8)) + _box(b"stsz", bytes(12))
                + _box(b"stco", bytes(4) + struct.pack(">II", 1, 0)))
    trak = _box(b"trak", tkhd + _box(b"mdia", mdhd + hdlr + _box(b"minf", stbl)))
    location = b"+51.5007-000.1246/"
    xyz = _box(b"\xa9xyz", struct.pack(">HH", len(location), 0x15C7) + location)
    author = _box(b"\xa9aut", struct.pack(">HH", len(NAME), 0x15C7) + NAME)
    moov = _box(b"moov", mvhd + trak + _box(b"udta", xyz + author))
    ftyp = _box(b"ftyp", b"M4A \x00\x00\x00\x00M4A isom")
    media = b"AUDIO-SAMPLES" * 8
    data = bytearray(ftyp + moov + _box(b"mdat", media))
    at = data.index(b"stco") + 12  # the chunk offset, pointing at the media
    data[at:at + 4] = struct.pack(">I", data.index(media))
    return bytes(data)


def test_mp4_metadata_boxes_become_free_space_and_the_media_stays_in_place() -> None:
    raw = io.BytesIO(_mp4())
    tagged = MP4(raw)
    tagged["\xa9ART"] = NAME.decode()
    tagged["\xa9too"] = "Jane's Phone 1.0"
    tagged.save(raw)  # mutagen adds moov/udta/meta/ilst and moves the chunk offsets itself
    raw_bytes = raw.getvalue()
    assert MP4(io.BytesIO(raw_bytes)).tags["\xa9ART"] == [NAME.decode()]
    (offset,) = struct.unpack_from(">I", raw_bytes, raw_bytes.index(b"stco") + 12)

    clean = _strip(raw_bytes)

    for leak in (NAME, b"+51.5007", b"Phone", struct.pack(">I", 3_800_000_000)):
        assert leak not in clean, leak
    assert len(clean) == len(raw_bytes)
    assert clean[offset:offset + 13] == b"AUDIO-SAMPLES"  # the chunk offset still holds
    reread = MP4(io.BytesIO(clean))
    assert not reread.tags
    assert reread.info.sample_rate == 8000
    assert sniff(io.BytesIO(clean)).mime == "audio/mp4"


def test_broken_mp4_and_heif_images_are_refused() -> None:
    with pytest.raises(UnsupportedFile, match="broken MP4"):
        _strip(_box(b"ftyp", b"isom\x00\x00\x00\x00") + struct.pack(">I4s", 999, b"moov"))
    with pytest.raises(UnsupportedFile, match="HEIF"):
        _strip(_box(b"ftyp", b"heic\x00\x00\x00\x00mif1") + _box(b"meta", bytes(8)))


# --- MP3 ------------------------------------------------------------------------------------

def test_mp3_loses_id3v1_and_id3v2_and_keeps_its_frames() -> None:
    frame = b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    frames = frame * 20
    buffer = io.BytesIO(frames)
    tags = ID3()
    tags.add(TPE1(encoding=3, text=NAME.decode()))
    tags.add(TIT2(encoding=3, text="Recorded at home"))
    tags.save(buffer, v1=2)
    raw = buffer.getvalue()
    assert raw.startswith(b"ID3") and raw[-128:-125] == b"TAG"

    clean = _strip(raw)

    assert NAME not in clean and b"Recorded" not in clean
    assert clean == frames
    assert MP3(io.BytesIO(clean)).info.sample_rate == 44100
    assert sniff(io.BytesIO(clean)).mime == "audio/mpeg"


# --- WebM -----------------------------------------------------------------------------------

def _el(element: int, payload: bytes, *, unknown: bool = False) -> bytes:
    head = element.to_bytes((element.bit_length() + 7) // 8, "big")
    size = b"\x01\xff\xff\xff\xff\xff\xff\xff" if unknown else (
        len(payload) | 1 << 56).to_bytes(8, "big")
    return head + size + payload


def _walk(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    """(id, payload start, end) of each element, the way a reader would see them."""
    found = []
    at = start
    while at < end:
        id_width = 9 - data[at].bit_length()
        element = int.from_bytes(data[at:at + id_width], "big")
        size_width = 9 - data[at + id_width].bit_length()
        size = int.from_bytes(data[at + id_width:at + id_width + size_width], "big")
        size &= (1 << 7 * size_width) - 1
        payload = at + id_width + size_width
        found.append((element, payload, payload + size))
        at = payload + size
    return found


def test_webm_loses_tags_title_and_apps_and_stays_walkable() -> None:
    info_children = (_el(0x2AD7B1, b"\x0f\x42\x40") + _el(0x4D80, b"Jane's muxer")
                     + _el(0x5741, b"Jane's writer") + _el(0x7BA9, NAME + b" interview")
                     + _el(0x4461, (700_000_000_000_000_000).to_bytes(8, "big")))
    crc = zlib.crc32(info_children).to_bytes(4, "little")
    info = _el(0x1549A966, _el(0xBF, crc) + info_children)
    tracks = _el(0x1654AE6B, _el(0xAE, _el(0xD7, b"\x01") + _el(0x536E, b"Jane mic")))
    cluster = _el(0x1F43B675, _el(0xE7, b"\x00") + _el(0xA3, b"\x81\x00\x00\x80FRAME"),
                  unknown=True)
    tags = _el(0x1254C367, _el(0x7373, _el(0x67C8, _el(0x45A3, b"ARTIST")
                                           + _el(0x4487, NAME))))
    header = _el(0x1A45DFA3, _el(0x4282, b"webm"))
    raw = header + _el(0x18538067, info + tracks + cluster + tags, unknown=True)

    clean = _strip(raw)

    assert len(clean) == len(raw)
    assert b"Jane" not in clean
    assert clean.index(b"FRAME") == raw.index(b"FRAME")
    segment_payload = len(header) + 4 + 8
    top = _walk(clean, segment_payload, len(clean) - len(tags))  # before the voided tags
    assert [e for e, *_ in top] == [0x1549A966, 0x1654AE6B, 0x1F43B675]
    _, info_start, info_end = top[0]
    children = _walk(clean, info_start, info_end)
    assert [e for e, *_ in children] == [0xBF, 0x2AD7B1, 0x4D80, 0x5741, 0xEC, 0xEC]
    crc_stored = clean[children[0][1]:children[0][2]]
    assert crc_stored == zlib.crc32(clean[children[0][2]:info_end]).to_bytes(4, "little")
    assert [e for e, *_ in _walk(clean, len(clean) - len(tags), len(clean))] == [0xEC]
    assert _strip(clean) == clean  # nothing left to strip
    assert sniff(io.BytesIO(clean)).mime == "video/webm"


def test_webm_void_element_keeps_the_length_for_any_size() -> None:
    for total in (2, 3, 9, 10, 200):
        data = bytearray(b"\xaa" * total)
        _matroska._void(data, 0, total)
        [(element, _payload, end)] = _walk(bytes(data), 0, total)
        assert element == 0xEC and end == total


# --- legacy Office --------------------------------------------------------------------------

def _property_set_stream() -> bytes:
    """A SummaryInformation stream ([MS-OLEPS] §2.21): author (VT_LPSTR), last author
    (VT_LPWSTR) and the creation time (VT_FILETIME), with the code page kept."""
    author = struct.pack("<HHI", 0x1E, 0, len(NAME) + 1) + NAME + b"\x00"
    author += bytes(-len(author) % 4)
    wide = (NAME.decode() + "\x00").encode("utf-16-le")
    last = struct.pack("<HHI", 0x1F, 0, len(wide) // 2) + wide
    last += bytes(-len(last) % 4)
    created = struct.pack("<HHQ", 0x40, 0, 133_000_000_000_000_000)
    codepage = struct.pack("<HHh", 0x02, 0, 1252) + bytes(2)
    values = [(1, codepage), (4, author), (8, last), (12, created)]
    table_size = 8 + 8 * len(values)
    table, body = b"", b""
    for pid, value in values:
        table += struct.pack("<II", pid, table_size + len(body))
        body += value
    section = struct.pack("<II", table_size + len(body), len(values)) + table + body
    fmtid = bytes.fromhex("E0859FF2F94F6810AB9108002B27B3D9")
    return struct.pack("<HHI16sI", 0xFFFE, 0, 0, bytes(16), 1) + fmtid + struct.pack(
        "<I", 48) + section


def test_ole_summary_information_strings_and_dates_are_zeroed_in_place() -> None:
    raw = _property_set_stream()
    clean = _ole._blank_property_sets(raw)
    assert len(clean) == len(raw)
    assert NAME not in clean and NAME.decode().encode("utf-16-le") not in clean
    assert struct.pack("<Q", 133_000_000_000_000_000) not in clean
    assert struct.pack("<HHh", 0x02, 0, 1252) in clean  # the code page is not personal
    with pytest.raises(UnsupportedFile):
        _ole._blank_property_sets(raw[:60])


def test_broken_ole_file_is_refused() -> None:
    with pytest.raises(UnsupportedFile, match="broken Office document"):
        _strip(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))


def test_plain_text_is_kept_as_it_is() -> None:
    assert _strip("notes, ünïcode\n".encode()) == "notes, ünïcode\n".encode()


# --- through the upload service -------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("name", "make"), [
    ("lesson.pdf", lambda: _pdf([b"My lesson"])),
    ("lesson.docx", lambda: _zip_of(_DOCX_PARTS)),
])
def test_the_stored_evidence_file_names_no_author(
    world: World, name: str, make: Callable[[], bytes]
) -> None:
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    file = world.mc.prompts.get(kind="file")
    raw = make()
    assert NAME in raw
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                       files={file.pk: SimpleUploadedFile(name, raw)})
    answer = attempt.answers.get(prompt=file)
    stored = answer.file.read()
    assert NAME not in stored
    assert answer.file_size == len(stored)
    assert answer.file.name.endswith("." + name.rsplit(".", 1)[1])
    assert sniff(io.BytesIO(stored)).mime == answer.file_type


@pytest.mark.django_db
def test_an_upload_that_cannot_be_cleaned_is_refused_and_not_stored(world: World) -> None:
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    file = world.mc.prompts.get(kind="file")
    with pytest.raises(ValidationFailed) as exc:
        attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                           files={file.pk: SimpleUploadedFile("a.pdf", b"%PDF-1.7\nbroken")})
    assert exc.value.code == "file_refused"
    assert "could not be read" in exc.value.message
    assert not attempt.answers.filter(prompt=file).exclude(file="").exists()


def _compound_file(stream_name: str, stream: bytes) -> bytes:
    """A version 3 compound file ([MS-CFB] §2) holding one small stream in the mini stream:
    sector 0 the FAT, 1 the directory, 2 the mini FAT, 3 the mini stream."""
    free, end, fat_sector, none = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    assert len(stream) <= 512
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 2, 1, end, 0)
              + struct.pack("<109I", 0, *[free] * 108))
    fat = struct.pack("<128I", fat_sector, end, end, end, *[free] * 124)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le") if name else b""
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", none, none, child) + bytes(16 + 4 + 16)
                + struct.pack("<IQ", start, size))

    mini_sectors = -(-len(stream) // 64)
    directory = (entry("Root Entry", 5, 1, 3, mini_sectors * 64)
                 + entry(stream_name, 2, none, 0, len(stream))
                 + entry("", 0, none, end, 0) * 2)
    chain = [*range(1, mini_sectors), end] + [free] * (128 - mini_sectors)
    mini_fat = struct.pack("<128I", *chain)
    return header + fat + directory + mini_fat + stream.ljust(512, b"\x00")


def test_doc_summary_information_is_blanked_inside_the_compound_file() -> None:
    import olefile

    raw = _compound_file("\x05SummaryInformation", _property_set_stream())
    assert NAME in raw and olefile.isOleFile(raw)
    assert sniff(io.BytesIO(raw)).mime == "application/msword"
    before = olefile.OleFileIO(raw).get_metadata()
    # olefile reads past a VT_LPWSTR's end ([MS-OLEPS] §2.7 counts characters); the start holds
    assert before.author == NAME and before.last_saved_by.startswith(NAME.decode())
    assert before.create_time.year > 2000

    clean = _strip(raw)

    assert len(clean) == len(raw) and NAME not in clean
    ole = olefile.OleFileIO(clean)
    assert ole.exists("\x05SummaryInformation")
    meta = ole.get_metadata()
    assert meta.author == b"" and not meta.last_saved_by.startswith(NAME.decode())
    assert meta.create_time in (None, datetime(1601, 1, 1))  # FILETIME zero: no date
    assert meta.codepage == 1252
