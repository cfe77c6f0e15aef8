"""Legacy Office files (.doc, .xls, .ppt): OLE compound files ([MS-CFB]) whose summary
information streams are property sets ([MS-OLEPS] §2.21, §3.2).

``\\x05SummaryInformation`` holds the title, subject, author, keywords, comments, template,
last author, application name and the dates; ``\\x05DocumentSummaryInformation`` the company,
manager and category, and the user-defined properties. Every string (``VT_LPSTR``,
``VT_LPWSTR``) and date (``VT_FILETIME``) value in them is overwritten with zeros of the same
length (an empty string, and "no date"), so the streams keep their size and the compound file
its layout; olefile can only rewrite a stream in place.

A compound file that carries whole files inside it (``\\x01Ole10Native`` "Package" objects,
whether the upload itself or an object embedded in a DOCX or an ODF) is refused: what those
files say about their author cannot be reached.

Not reached: what the binary formats keep inside the document streams themselves (Word's
associated strings with the author and last reviser, [MS-DOC] §2.9.12, and the authors of
revision marks). Such a file is accepted with its summary information blanked; a learner whose
identity must not show should upload DOCX, ODT or PDF.
"""

from __future__ import annotations

import io
import struct

import olefile

from microcred.earning.evidence_files import UnsupportedFile, embedded_files_refused

_STREAMS = ("\x05SummaryInformation", "\x05DocumentSummaryInformation")
_VT_LPSTR, _VT_LPWSTR, _VT_FILETIME = 0x1E, 0x1F, 0x40
_MAX_PROPERTIES = 10_000


def _blank_property_sets(stream: bytes) -> bytes:
    out = bytearray(stream)
    try:
        byte_order, _version, _system, _clsid, sets = struct.unpack_from("<HHI16sI", out, 0)
        if byte_order != 0xFFFE or sets > 2:
            raise UnsupportedFile("broken property set")
        for index in range(sets):
            (base,) = struct.unpack_from("<I", out, 28 + index * 20 + 16)
            size, count = struct.unpack_from("<II", out, base)
            if count > _MAX_PROPERTIES or base + size > len(out):
                raise UnsupportedFile("broken property set")
            for p in range(count):
                pid, offset = struct.unpack_from("<II", out, base + 8 + p * 8)
                if pid in (0, 1) or pid & 0x80000000:  # dictionary, code page, locale...
                    continue
                at = base + offset
                (vt,) = struct.unpack_from("<H", out, at)
                if vt == _VT_FILETIME:
                    length, start = 8, at + 4
                elif vt in (_VT_LPSTR, _VT_LPWSTR):
                    (length,) = struct.unpack_from("<I", out, at + 4)
                    length *= 2 if vt == _VT_LPWSTR else 1
                    start = at + 8
                else:
                    continue
                if start + length > base + size:
                    raise UnsupportedFile("broken property set")
                out[start:start + length] = bytes(length)
    except struct.error as exc:
        raise UnsupportedFile("broken property set") from exc
    return bytes(out)


def strip(data: bytes) -> bytes:
    buffer = io.BytesIO(data)
    try:
        ole = olefile.OleFileIO(buffer, write_mode=True)
        try:
            # An OLE "Package" object ([MS-OLEDS] §2.3.6) is a whole file of any kind, with its
            # original path (C:/Users/<name>/...) beside it: refused, not reached.
            if any(path[-1] == "\x01Ole10Native" for path in ole.listdir(streams=True)):
                raise embedded_files_refused("OLE package object")
            for name in _STREAMS:
                if ole.exists(name) and ole.get_type(name) == olefile.STGTY_STREAM:
                    ole.write_stream(name, _blank_property_sets(ole.openstream(name).read()))
        finally:
            ole.close()
    except UnsupportedFile:
        raise
    except (OSError, ValueError, IndexError, struct.error) as exc:
        raise UnsupportedFile("broken Office document") from exc
    return buffer.getvalue()
