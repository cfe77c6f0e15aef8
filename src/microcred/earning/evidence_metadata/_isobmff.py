"""MP4, MOV and M4A: the ISO base media file format (ISO/IEC 14496-12 §4.2, boxes) and Apple's
QuickTime File Format (which shares the box structure).

Metadata lives in boxes of its own: ``udta`` (§8.10.1; QuickTime keeps the location ``©xyz``,
make, model, software and author there) and ``meta`` (§8.11.1; iTunes-style ``ilst`` tags and
QuickTime's ``mdta`` keys, location and creation date included), and XMP in a ``uuid`` box
(XMP Specification Part 3 §1.1.4). Each such box becomes a ``free`` box (§8.1.2) of the same
size with a zeroed payload, so no other byte moves and every chunk offset (``stco``, ``co64``)
stays valid. The creation and modification times of the movie, tracks and media (``mvhd``,
``tkhd``, ``mdhd``, §8.2.2, §8.3.2, §8.4.2) are zeroed in place, which the format reads as
"unknown".

HEIF and AVIF still images share the format but keep their pictures in ``meta``; they are
refused rather than destroyed.
"""

from __future__ import annotations

import struct

from microcred.earning.evidence_files import UnsupportedFile

_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"moof", b"traf", b"edts", b"mvex"}
_METADATA = {b"udta", b"meta"}
_XMP_UUID = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
_TIMED = {b"mvhd", b"tkhd", b"mdhd"}
_STILL_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1",
                       b"msf1", b"avif", b"avis"}
_MAX_DEPTH = 16


def _boxes(data: bytes | bytearray, start: int, end: int) -> list[tuple[bytes, int, int, int]]:
    """(type, start, payload start, end) of each box between ``start`` and ``end``."""
    boxes = []
    at = start
    while at < end:
        if end - at < 8:
            raise UnsupportedFile("broken MP4 box")
        size, kind = struct.unpack_from(">I4s", data, at)
        header = 8
        if size == 1:
            if end - at < 16:
                raise UnsupportedFile("broken MP4 box")
            (size,) = struct.unpack_from(">Q", data, at + 8)
            header = 16
        elif size == 0:  # the box runs to the end of its container
            size = end - at
        if kind == b"uuid":
            header += 16
        if size < header or at + size > end:
            raise UnsupportedFile("broken MP4 box")
        boxes.append((kind, at, at + header, at + size))
        at += size
    return boxes


def _clean(out: bytearray, start: int, end: int, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise UnsupportedFile("MP4 boxes nested too deeply")
    for kind, box_start, payload, box_end in _boxes(out, start, end):
        xmp = kind == b"uuid" and out[payload - 16:payload] == _XMP_UUID
        if kind in _METADATA or xmp:
            out[box_start + 4:box_start + 8] = b"free"
            # a uuid box's 16-byte user type is payload of the free box it becomes
            first = payload - 16 if xmp else payload
            out[first:box_end] = bytes(box_end - first)
        elif kind in _TIMED:
            if box_end - payload < 4:
                raise UnsupportedFile("broken MP4 box")
            width = 16 if out[payload] == 1 else 8  # version 1: 64-bit times
            if box_end - payload < 4 + width:
                raise UnsupportedFile("broken MP4 box")
            out[payload + 4:payload + 4 + width] = bytes(width)
        elif kind in _CONTAINERS:
            _clean(out, payload, box_end, depth + 1)


def strip(data: bytes) -> bytes:
    if data[4:8] == b"ftyp" and (data[8:12] in _STILL_IMAGE_BRANDS):
        raise UnsupportedFile("HEIF or AVIF image")
    out = bytearray(data)
    _clean(out, 0, len(out), 0)
    if not any(kind == b"moov" for kind, *_ in _boxes(out, 0, len(out))):
        raise UnsupportedFile("MP4 without a movie box")
    return bytes(out)
