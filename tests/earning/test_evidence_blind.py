"""Blind review: no name, email, EXIF or GPS survives in stored evidence, wherever a format can
hold one (issue 14, finding A).

Each file is crafted with a name and an email in every place its format keeps them (the JPEG
comment marker, EXIF and GPS, PDF annotation authors and embedded images, DOCX, XLSX and PPTX
media, custom XML, external relationships and embedded workbooks, ODF pictures, embedded
objects and settings, MP4 cover art and chapter tracks, MP3 pictures and chapters, WebM
chapters and file names). After stripping, neither string is anywhere: not in the raw bytes,
not in any decompressed zip member (nested packages too), not in any decoded PDF stream; every
image left has no EXIF; and the file still opens with its format's library.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TIT2, TPE1, CTOCFlags
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4, MP4Cover
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from microcred.earning.evidence_files import UnsupportedFile, sniff
from microcred.earning.evidence_metadata import strip_metadata
from microcred.earning.services import attempt_save_draft, attempt_start
from microcred.errors import ValidationFailed
from tests.earning.test_evidence_metadata import _box, _el, _mp4
from tests.factories import World

NAME = b"Jane Learner"
EMAIL = b"jane.learner@example.org"
LEAKS = (NAME, EMAIL, NAME.replace(b" ", b"%20"), NAME.decode().encode("utf-16-le"),
         NAME.decode().encode("utf-16-be"))


def _strip(data: bytes) -> bytes:
    stream = io.BytesIO(data)
    return strip_metadata(stream, sniff(stream)).read()


def _photo(fmt: str = "JPEG", size: tuple[int, int] = (32, 24)) -> bytes:
    """A photo as a phone would leave it: EXIF artist and copyright, a GPS position, XMP and
    (JPEG) a comment marker, each naming the learner."""
    image = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x013B] = NAME.decode()  # Artist
    exif[0x8298] = EMAIL.decode()  # Copyright
    exif[0x010F] = "Jane's Phone"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 2.5)
    gps[3], gps[4] = "W", (0.0, 7.0, 28.0)
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>' + NAME + b"</dc:creator></x:xmpmeta>"
    if fmt == "JPEG":
        image.save(out, format="JPEG", exif=exif, comment=NAME + b" " + EMAIL, xmp=xmp)
    elif fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        text = PngInfo()
        text.add_text("Author", NAME.decode())
        text.add_itxt("Email", EMAIL.decode())
        image.save(out, format="PNG", exif=exif, pnginfo=text)
    else:
        image.save(out, format=fmt, exif=exif)
    data = out.getvalue()
    assert NAME in data
    with Image.open(io.BytesIO(data)) as made:
        assert made.getexif()[0x013B] == NAME.decode() and made.getexif().get_ifd(0x8825)
    return data


def _everything(data: bytes, depth: int = 0) -> list[bytes]:
    """The raw bytes, and everything inside them a reader could decompress or decode."""
    found = [data]
    if depth > 4:
        return found
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert z.testzip() is None
            for info in z.infolist():
                found += _everything(z.read(info), depth + 1)
    elif data.startswith(b"%PDF-"):
        reader = PdfReader(io.BytesIO(data))
        for number in range(1, len(reader.xref_objStm) + 10_000):
            try:
                obj = reader.get_object(number)
            except Exception:  # noqa: BLE001 - numbers past the last object
                continue
            if isinstance(obj, StreamObject):
                found += _everything(obj._data, depth + 1)
                try:
                    found += _everything(obj.get_data(), depth + 1)
                except Exception:  # noqa: BLE001 - image filters pypdf does not decode
                    pass
            elif obj is not None:
                found.append(repr(obj).encode())
    return found


def _assert_blind(clean: bytes) -> None:
    for part in _everything(clean):
        for leak in LEAKS:
            assert leak not in part, (leak, part[:200])
        assert b"Jane's Phone" not in part
        if part.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"II*\x00", b"MM\x00*")):
            with Image.open(io.BytesIO(part)) as image:
                image.load()
                assert not image.getexif(), "EXIF left in an image"
                assert not image.getexif().get_ifd(0x8825), "GPS left in an image"
                assert "comment" not in image.info and "xmp" not in image.info
            assert b"Exif\x00\x00" not in part


# --- images ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_uploaded_photo_keeps_no_comment_exif_gps_or_xmp(fmt: str) -> None:
    clean = _strip(_photo(fmt))
    _assert_blind(clean)
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (32, 24)


# --- PDF ------------------------------------------------------------------------------------

def _jpeg_image_xobject(photo: bytes) -> StreamObject:
    image = DecodedStreamObject()
    image.set_data(photo)
    image.update({NameObject("/Type"): NameObject("/XObject"),
                  NameObject("/Subtype"): NameObject("/Image"),
                  NameObject("/Width"): NumberObject(32), NameObject("/Height"): NumberObject(24),
                  NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
                  NameObject("/BitsPerComponent"): NumberObject(8),
                  NameObject("/Filter"): NameObject("/DCTDecode")})
    return image


def _pdf_with_people() -> bytes:
    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    metadata = DecodedStreamObject()
    metadata.set_data(b"<x:xmpmeta><dc:creator>" + EMAIL + b"</dc:creator></x:xmpmeta>")
    metadata.update({NameObject("/Type"): NameObject("/Metadata"),
                     NameObject("/Subtype"): NameObject("/XML")})
    image = _jpeg_image_xobject(_photo())
    image[NameObject("/Metadata")] = writer._add_object(metadata)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
        {NameObject("/Im1"): writer._add_object(image)})})
    content = DecodedStreamObject()
    content.set_data(b"q 32 0 0 24 10 10 cm /Im1 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    rect = ArrayObject([FloatObject(10), FloatObject(10), FloatObject(50), FloatObject(50)])
    comment = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
        NameObject("/Rect"): rect, NameObject("/Contents"): TextStringObject("Check the plan"),
        NameObject("/T"): TextStringObject(NAME.decode())})
    comment_ref = writer._add_object(comment)
    popup = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Popup"),
        NameObject("/Rect"): rect, NameObject("/Parent"): comment_ref,
        NameObject("/T"): TextStringObject(EMAIL.decode())})
    comment[NameObject("/Popup")] = writer._add_object(popup)
    field = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"), NameObject("/Rect"): rect,
        NameObject("/T"): TextStringObject("reflection_field")})
    page[NameObject("/Annots")] = ArrayObject([comment_ref, comment[NameObject("/Popup")],
                                               writer._add_object(field)])
    writer.add_metadata({"/Author": NAME.decode()})
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    assert NAME in data
    return data


def test_pdf_loses_annotation_authors_and_image_exif_and_keeps_its_content() -> None:
    clean = _strip(_pdf_with_people())
    _assert_blind(clean)
    reader = PdfReader(io.BytesIO(clean))
    page = reader.pages[0]
    annotations = [a.get_object() for a in page["/Annots"]]
    assert [a["/Subtype"] for a in annotations] == ["/Text", "/Popup", "/Widget"]
    assert annotations[0]["/Contents"] == "Check the plan"  # the comment itself stays
    assert "/T" not in annotations[0] and "/T" not in annotations[1]
    assert annotations[2]["/T"] == "reflection_field"  # a form field's name is not a person
    image = page["/Resources"]["/XObject"]["/Im1"].get_object()
    assert image["/Filter"] == "/DCTDecode" and "/Metadata" not in image
    with Image.open(io.BytesIO(image._data)) as decoded:
        assert decoded.size == (32, 24) and decoded.mode == "RGB"


def test_a_pdf_with_attached_files_is_refused_saying_why() -> None:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_attachment("cv.txt", NAME + b" " + EMAIL)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(UnsupportedFile) as caught:
        _strip(out.getvalue())
    assert "attached" in (caught.value.explanation or "")


# --- Office Open XML ------------------------------------------------------------------------

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _rels(*rels: tuple[str, str, str, bool]) -> bytes:
    body = "".join(
        f'<Relationship Id="{rid}" Type="{_REL}{kind}" Target="{target}"'
        + (' TargetMode="External"' if external else "") + "/>"
        for rid, kind, target, external in rels)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG}">{body}</Relationships>').encode()


def _types(*overrides: str) -> bytes:
    body = "".join(f'<Override PartName="{p}" ContentType="application/xml"/>' for p in overrides)
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
            b'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
            b'Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" '
            b'ContentType="image/jpeg"/>' + body.encode() + b"</Types>")


_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp='
         b'"http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc='
         b'"http://purl.org/dc/elements/1.1/"><dc:creator>' + NAME + b"</dc:creator>"
         b"<cp:lastModifiedBy>" + EMAIL + b"</cp:lastModifiedBy></cp:coreProperties>")
_CUSTOM_XML = {
    "customXml/item1.xml": (b'<?xml version="1.0"?><p:properties xmlns:p="http://schemas.'
                            b'microsoft.com/office/2006/metadata/properties"><Owner>' + NAME
                            + b"</Owner><OwnerEmail>" + EMAIL + b"</OwnerEmail></p:properties>"),
    "customXml/itemProps1.xml": (b'<?xml version="1.0"?><ds:datastoreItem ds:itemID="{1}" '
                                 b'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/'
                                 b'2006/customXml"/>'),
    "customXml/_rels/item1.xml.rels": _rels(("rId1", "customXmlProps", "itemProps1.xml", False)),
}


def _package(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


def _xlsx(extra: dict[str, bytes] | None = None) -> bytes:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts = {
        "[Content_Types].xml": _types("/xl/workbook.xml", "/docProps/core.xml",
                                      "/customXml/itemProps1.xml"),
        "_rels/.rels": _rels(("rId1", "officeDocument", "xl/workbook.xml", False))
        .replace(b"</Relationships>", b'<Relationship Id="rId2" Type="http://schemas.'
                 b'openxmlformats.org/package/2006/relationships/metadata/core-properties" '
                 b'Target="docProps/core.xml"/></Relationships>'),
        "docProps/core.xml": _CORE,
        "xl/workbook.xml": (f'<workbook xmlns="{main}"><sheets/></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": _rels(
            ("rId1", "externalLink", "externalLinks/externalLink1.xml", False),
            ("rId2", "customXml", "../customXml/item1.xml", False)),
        "xl/externalLinks/externalLink1.xml": (
            f'<externalLink xmlns="{main}" xmlns:r="{_REL[:-1]}">'
            f'<externalBook r:id="rId1"/></externalLink>').encode(),
        "xl/externalLinks/_rels/externalLink1.xml.rels": _rels(
            ("rId1", "externalLinkPath", "file:///C:/Users/Jane%20Learner/Documents/marks.xlsx",
             True)),
        "xl/comments1.xml": (f'<comments xmlns="{main}"><authors><author>').encode() + EMAIL
        + b"</author></authors><commentList/></comments>",
        "xl/pivotCache/pivotCacheDefinition1.xml": (
            f'<pivotCacheDefinition xmlns="{main}" refreshedBy="').encode() + NAME + b'"/>',
        "xl/connections.xml": (f'<connections xmlns="{main}"><connection id="1" name="q" '
                               f'sourceFile="C:\\Users\\').encode() + NAME
        + b'\\data.accdb" odcFile="' + EMAIL + b'"/></connections>',
        "xl/media/image1.jpeg": _photo(),
        **_CUSTOM_XML,
    }
    return _package({**parts, **(extra or {})})


def _svg() -> bytes:
    """An SVG as drawing programs save it: Dublin Core creator and email in its metadata, a
    title and description naming the author, a comment, and Inkscape's attributes that record
    where it was saved from."""
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n<!-- drawn by ' + NAME + b' -->\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" '
            b'xmlns:xlink="http://www.w3.org/1999/xlink" '
            b'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
            b'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" width="40" height="20" '
            b'sodipodi:docname="' + NAME + b'.svg" '
            b'inkscape:export-filename="C:\\Users\\' + NAME + b'\\Desktop\\chart.png">'
            b'<title>Chart by ' + NAME + b'</title><desc>' + EMAIL + b'</desc>'
            b'<metadata><rdf:RDF><dc:creator>' + NAME + b'</dc:creator>'
            b'<dc:rights>' + EMAIL + b'</dc:rights></rdf:RDF></metadata>'
            b'<rect x="1" y="1" width="38" height="18" fill="#0a78c8" '
            b'inkscape:label="' + NAME + b'"/>'
            b'<image width="5" height="5" xlink:href="file:///home/jane/' + NAME + b'.png"/>'
            b'</svg>')


def _emf() -> bytes:
    """An EMF whose header description names the program and the file it was saved from
    ([MS-EMF] 2.2.9), followed by an EOF record."""
    import struct

    description = ("Drawing\x00C:\\Users\\" + NAME.decode() + "\\chart.emf\x00\x00").encode(
        "utf-16-le")
    header_size = 88 + len(description)
    header_size += -header_size % 4
    eof = struct.pack("<IIIII", 14, 20, 0, 16, 20)
    header = struct.pack("<II4i4iIIIIHHIII2i2i", 1, header_size, 0, 0, 39, 19, 0, 0, 1000, 500,
                         0x464D4520, 0x10000, header_size + len(eof), 2, 0, 0,
                         len(description) // 2, 88, 0, 1920, 1080, 500, 280)
    body = header + description
    return body + bytes(header_size - len(body)) + eof


def _docx() -> bytes:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    parts = {
        "[Content_Types].xml": _types("/word/document.xml", "/customXml/itemProps1.xml"),
        "_rels/.rels": _rels(("rId1", "officeDocument", "word/document.xml", False)),
        "word/document.xml": (f'<w:document {w}><w:body><w:p><w:r><w:t>My lesson</w:t></w:r>'
                              f'</w:p></w:body></w:document>').encode(),
        "word/settings.xml": (f'<w:settings {w}><w:docVars><w:docVar w:name="owner" w:val="'
                              ).encode() + NAME + b'"/></w:docVars><w:mailMerge><w:connectString '
        b'w:val="Data Source=' + EMAIL + b'"/></w:mailMerge></w:settings>',
        "word/_rels/document.xml.rels": _rels(
            ("rId1", "image", "media/image1.jpeg", False),
            ("rId2", "hyperlink", "https://example.org/my-portfolio", True),
            ("rId3", "hyperlink", "mailto:" + EMAIL.decode(), True),
            ("rId4", "package", "embeddings/Book1.xlsx", False),
            ("rId5", "customXml", "../customXml/item1.xml", False)),
        "word/_rels/settings.xml.rels": _rels(
            ("rId1", "attachedTemplate",
             "file:///C:/Users/Jane%20Learner/AppData/Roaming/Microsoft/Templates/Normal.dotm",
             True)),
        "word/media/image1.jpeg": _photo(),
        "word/media/image2.svg": _svg(),
        "word/media/image3.emf": _emf(),
        "word/embeddings/Book1.xlsx": _xlsx(),
        **_CUSTOM_XML,
    }
    return _package(parts)


def _pptx() -> bytes:
    p = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'
    parts = {
        "[Content_Types].xml": _types("/ppt/presentation.xml", "/customXml/itemProps1.xml"),
        "_rels/.rels": _rels(("rId1", "officeDocument", "ppt/presentation.xml", False)),
        "ppt/presentation.xml": f"<p:presentation {p}/>".encode(),
        "ppt/_rels/presentation.xml.rels": _rels(
            ("rId1", "customXml", "../customXml/item1.xml", False),
            ("rId2", "image", "file:///Users/jane/Pictures/" + NAME.decode(), True)),
        "ppt/commentAuthors.xml": (f'<p:cmAuthorLst {p}><p:cmAuthor id="1" name="').encode()
        + NAME + b'" initials="JL"/></p:cmAuthorLst>',
        "ppt/media/image1.png": _photo("PNG"),
        "docProps/thumbnail.jpeg": _photo(),
        **_CUSTOM_XML,
    }
    return _package(parts)


@pytest.mark.parametrize(("make", "extension"),
                         [(_docx, "docx"), (_xlsx, "xlsx"), (_pptx, "pptx")])
def test_office_open_xml_keeps_no_person_in_media_custom_xml_links_or_embeddings(
    make: object, extension: str
) -> None:
    from defusedxml import ElementTree

    raw = make()  # type: ignore[operator]
    assert NAME in b"".join(_everything(raw))
    clean = _strip(raw)
    _assert_blind(clean)
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        names = z.namelist()
        assert not [n for n in names if n.startswith("customXml/")]
        for name in names:
            content = z.read(name)
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(content)  # still well-formed
                assert b"customXml" not in content and b"file:" not in content
            if name.endswith((".jpeg", ".png")):
                with Image.open(io.BytesIO(content)) as image:
                    assert image.size == (32, 24)
    assert sniff(io.BytesIO(clean)).extension == extension


def test_vector_pictures_in_a_docx_keep_their_drawing_and_lose_their_author() -> None:
    """SVG and EMF pictures: metadata, title, description, comments and a drawing program's
    attributes go, the shapes stay; the EMF keeps its size and records, its description blank."""
    from defusedxml import ElementTree

    with zipfile.ZipFile(io.BytesIO(_strip(_docx()))) as z:
        svg, emf = z.read("word/media/image2.svg"), z.read("word/media/image3.emf")
    root = ElementTree.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert [child.tag for child in root] == [f"{ns}rect", f"{ns}image"]
    assert root.find(f"{ns}rect").get("fill") == "#0a78c8"
    assert root.get("width") == "40" and not [a for a in root.attrib if a.startswith("{")]
    assert b"file:" not in svg and b"Users" not in svg
    original = _emf()
    assert len(emf) == len(original) and emf[:88] == original[:88]
    assert emf[-20:] == original[-20:]  # the EOF record, untouched
    assert NAME.decode().encode("utf-16-le") in original
    assert NAME.decode().encode("utf-16-le") not in emf


def test_a_docx_keeps_its_web_links_and_its_cleaned_embedded_workbook() -> None:
    clean = _strip(_docx())
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        rels = z.read("word/_rels/document.xml.rels")
        workbook = z.read("word/embeddings/Book1.xlsx")
    assert b'Target="https://example.org/my-portfolio"' in rels
    assert b'Target="media/image1.jpeg"' in rels and b'Target="embeddings/Book1.xlsx"' in rels
    assert b"customXml" not in rels
    assert sniff(io.BytesIO(workbook)).extension == "xlsx"


def test_an_office_file_with_an_embedded_file_of_another_kind_is_refused() -> None:
    raw = _package({"[Content_Types].xml": _types(), "word/document.xml": b"<w:document/>",
                    "word/embeddings/notes.zip": _package({"cv.txt": NAME})})
    with pytest.raises(UnsupportedFile) as caught:
        _strip(raw)
    assert "embedded" in (caught.value.explanation or "")


# --- OpenDocument ---------------------------------------------------------------------------

def _odt() -> bytes:
    office = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    meta = (f'<office:document-meta {office} xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:'
            f'meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">'
            f'<office:meta><dc:creator>').encode() + NAME + b"</dc:creator><meta:user-defined " \
        b'meta:name="Email">' + EMAIL + b"</meta:user-defined></office:meta></office:document-meta>"
    content = (f'<office:document-content {office} xmlns:dc="http://purl.org/dc/elements/1.1/" '
               f'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:draw="urn:oasis:names:tc:'
               f'opendocument:xmlns:drawing:1.0"><office:body><office:text><draw:image '
               f'xlink:href="Pictures/photo.jpg"/><draw:image xlink:href="file:///home/jane/'
               ).encode() + NAME + b'.png"/><office:annotation><dc:creator>' + EMAIL \
        + b"</dc:creator></office:annotation></office:text></office:body></office:document-content>"
    settings = (f'<office:document-settings {office} xmlns:config="urn:oasis:names:tc:'
                f'opendocument:xmlns:config:1.0"><config:config-item config:name="PrinterName" '
                f'config:type="string">').encode() + NAME + b"'s printer</config:config-item>" \
        b'<config:config-item config:name="PrinterSetup" config:type="base64Binary">' + EMAIL \
        + b"</config:config-item></office:document-settings>"
    parts = {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "content.xml": content,
        "meta.xml": meta,
        "settings.xml": settings,
        "Pictures/photo.jpg": _photo(),
        "Thumbnails/thumbnail.png": _photo("PNG"),
        "Object 1/meta.xml": meta,
        "Object 1/content.xml": content,
        "META-INF/manifest.xml": b"<manifest:manifest/>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data, zipfile.ZIP_STORED if name == "mimetype" else None)
    return out.getvalue()


def test_odt_keeps_no_person_in_pictures_embedded_objects_settings_or_links() -> None:
    clean = _strip(_odt())
    _assert_blind(clean)
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        assert z.namelist()[0] == "mimetype"
        assert b'xlink:href="Pictures/photo.jpg"' in z.read("content.xml")
        with Image.open(io.BytesIO(z.read("Pictures/photo.jpg"))) as image:
            assert image.size == (32, 24)
    assert sniff(io.BytesIO(clean)).extension == "odt"


# --- MP4, M4A, MP3, WebM --------------------------------------------------------------------

def _with_chapter_track(data: bytes) -> bytes:
    """``_mp4`` with a QuickTime chapter track: the audio track names track 2 in tref/chap, and
    track 2's one text sample (its title) sits at the end of mdat."""
    title = struct.pack(">H", len(NAME)) + NAME
    times = bytes(8)
    tkhd = _box(b"tkhd", b"\x00\x00\x00\x07" + times + struct.pack(">I", 2) + bytes(68))
    stbl = _box(b"stbl", _box(b"stsd", bytes(8)) + _box(b"stts", bytes(8))
                + _box(b"stsc", bytes(4) + struct.pack(">IIII", 1, 1, 1, 1))
                + _box(b"stsz", bytes(4) + struct.pack(">II", len(title), 1))
                + _box(b"stco", bytes(4) + struct.pack(">II", 1, 0)))
    hdlr = _box(b"hdlr", bytes(8) + b"text" + bytes(12) + b"\x00")
    chapter = _box(b"trak", tkhd + _box(b"mdia", _box(b"mdhd", bytes(24)) + hdlr
                                        + _box(b"minf", stbl)))
    out = bytearray(data)
    moov = out.index(b"moov") - 4
    trak = out.index(b"trak") - 4
    tkhd_at = out.index(b"tkhd", trak)
    struct.pack_into(">I", out, tkhd_at + 4 + 12, 1)  # the audio track is track 1
    tref = _box(b"tref", _box(b"chap", struct.pack(">I", 2)))
    (trak_size,) = struct.unpack_from(">I", out, trak)
    out[trak + trak_size:trak + trak_size] = tref  # at the end of the audio trak
    struct.pack_into(">I", out, trak, trak_size + len(tref))
    (moov_size,) = struct.unpack_from(">I", out, moov)
    moov_size += len(tref)
    out[moov + moov_size:moov + moov_size] = chapter
    struct.pack_into(">I", out, moov, moov_size + len(chapter))
    # the audio chunk moved by what was inserted before it; the title goes after everything
    audio = out.index(b"AUDIO-SAMPLES")
    struct.pack_into(">I", out, out.index(b"stco") + 12, audio)
    (mdat_size,) = struct.unpack_from(">I", out, audio - 8)
    struct.pack_into(">I", out, audio - 8, mdat_size + len(title))
    struct.pack_into(">I", out, out.rindex(b"stco") + 12, len(out))
    return bytes(out + title)


def test_mp4_loses_cover_art_tags_and_chapter_titles() -> None:
    raw = io.BytesIO(_with_chapter_track(_mp4()))
    tagged = MP4(raw)
    tagged["\xa9ART"] = NAME.decode()
    tagged["\xa9cmt"] = EMAIL.decode()
    tagged["covr"] = [MP4Cover(_photo(), imageformat=MP4Cover.FORMAT_JPEG)]
    tagged.save(raw)
    data = raw.getvalue()
    assert NAME in data and b"covr" in data

    clean = _strip(data)

    _assert_blind(clean)
    assert b"Exif" not in clean
    reread = MP4(io.BytesIO(clean))
    assert not reread.tags and reread.info.sample_rate == 8000
    assert len(clean) == len(data)


def test_mp3_loses_its_pictures_and_chapters() -> None:
    frames = (b"\xff\xfb\x90\x64" + bytes(413)) * 20
    buffer = io.BytesIO(frames)
    tags = ID3()
    tags.add(TPE1(encoding=3, text=NAME.decode()))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=EMAIL.decode()))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=_photo()))
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL, child_element_ids=["ch1"]))
    tags.add(CHAP(element_id="ch1", start_time=0, end_time=500,
                  sub_frames=[TIT2(encoding=3, text=NAME.decode() + " introduces herself")]))
    tags.save(buffer)
    clean = _strip(buffer.getvalue())
    _assert_blind(clean)
    assert clean == frames
    assert MP3(io.BytesIO(clean)).info.sample_rate == 44100


def test_webm_loses_its_chapters_and_file_names() -> None:
    info = _el(0x1549A966, _el(0x2AD7B1, b"\x0f\x42\x40") + _el(0x7384, NAME + b".webm")
               + _el(0x3C83AB, EMAIL))
    chapters = _el(0x1043A770, _el(0x45B9, _el(0xB6, _el(0x73C4, b"\x01") + _el(
        0x80, _el(0x85, NAME + b" introduces herself")))))
    cluster = _el(0x1F43B675, _el(0xE7, b"\x00") + _el(0xA3, b"\x81\x00\x00\x80FRAME"))
    raw = _el(0x1A45DFA3, _el(0x4282, b"webm")) + _el(0x18538067, info + chapters + cluster)

    clean = _strip(raw)

    _assert_blind(clean)
    assert len(clean) == len(raw) and clean.index(b"FRAME") == raw.index(b"FRAME")


# --- through the upload service -------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("name", "make"), [
    ("photo.jpg", _photo), ("plan.pdf", _pdf_with_people), ("lesson.docx", _docx),
    ("marks.xlsx", _xlsx), ("slides.pptx", _pptx), ("lesson.odt", _odt),
])
def test_the_stored_evidence_names_nobody(world: World, name: str, make: object) -> None:
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    file = world.mc.prompts.get(kind="file")
    attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                       files={file.pk: SimpleUploadedFile(name, make())})  # type: ignore[operator]
    stored = attempt.answers.get(prompt=file).file.read()
    _assert_blind(stored)


@pytest.mark.django_db
def test_a_pdf_with_attachments_is_refused_by_the_service_with_the_reason(world: World) -> None:
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_attachment("cv.txt", NAME)
    out = io.BytesIO()
    writer.write(out)
    attempt = attempt_start(learner=world.learner, micro_credential=world.mc)
    file = world.mc.prompts.get(kind="file")
    with pytest.raises(ValidationFailed) as caught:
        attempt_save_draft(learner=world.learner, attempt_id=attempt.pk, texts={},
                           files={file.pk: SimpleUploadedFile("plan.pdf", out.getvalue())})
    assert caught.value.code == "file_refused"
    assert "plan.pdf was not accepted" in caught.value.message
    assert "attached or embedded" in caught.value.message
    assert not attempt.answers.filter(prompt=file).exclude(file="").exists()

