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

Chapter titles live in two places: Nero's ``chpl`` box in ``udta`` (freed with it), and
QuickTime chapter tracks, text tracks that another track names in its ``tref/chap`` box, whose
samples in ``mdat`` are the titles. Those samples (found through the track's ``stsz``,
``stsc`` and ``stco``/``co64`` boxes, §8.7.3 to §8.7.5) are zeroed in place: a text sample
of length zero, an untitled chapter, still at its time.

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


def _child(data: bytearray, start: int, end: int, path: list[bytes]) -> tuple[int, int] | None:
    """(payload start, end) of the box at ``path`` under the given range, or None."""
    for kind in path:
        for found, _start, payload, box_end in _boxes(data, start, end):
            if found == kind:
                start, end = payload, box_end
                break
        else:
            return None
    return start, end


def _u32(data: bytearray, at: int, end: int) -> int:
    if at + 4 > end:
        raise UnsupportedFile("broken MP4 box")
    return int(struct.unpack_from(">I", data, at)[0])


def _samples(data: bytearray, start: int, end: int) -> list[tuple[int, int]]:
    """(offset, size) of each sample of the track whose ``stbl`` is ``start``..``end``."""
    stsz = _child(data, start, end, [b"stsz"])
    stsc = _child(data, start, end, [b"stsc"])
    stco = _child(data, start, end, [b"stco"]) or _child(data, start, end, [b"co64"])
    if stsz is None or stsc is None or stco is None:
        return []
    wide = _child(data, start, end, [b"stco"]) is None
    fixed, count = _u32(data, stsz[0] + 4, stsz[1]), _u32(data, stsz[0] + 8, stsz[1])
    sizes = [fixed] * count if fixed else \
        [_u32(data, stsz[0] + 12 + 4 * i, stsz[1]) for i in range(count)]
    runs = [(_u32(data, stsc[0] + 8 + 12 * i, stsc[1]), _u32(data, stsc[0] + 12 + 12 * i,
                                                                stsc[1]))
            for i in range(_u32(data, stsc[0] + 4, stsc[1]))]
    chunks = _u32(data, stco[0] + 4, stco[1])
    samples: list[tuple[int, int]] = []
    index = 0
    for chunk in range(1, chunks + 1):
        per_chunk = next((n for first, n in reversed(runs) if first <= chunk), 0)
        if wide:
            at = stco[0] + 8 + 8 * (chunk - 1)
            offset = (_u32(data, at, stco[1]) << 32) | _u32(data, at + 4, stco[1])
        else:
            offset = _u32(data, stco[0] + 8 + 4 * (chunk - 1), stco[1])
        for _ in range(per_chunk):
            if index >= len(sizes):
                return samples
            samples.append((offset, sizes[index]))
            offset += sizes[index]
            index += 1
    return samples


def _clear_chapter_tracks(out: bytearray) -> None:
    moov = _child(out, 0, len(out), [b"moov"])
    if moov is None:
        return
    tracks: dict[int, tuple[int, int]] = {}
    chapters: set[int] = set()
    for kind, _start, payload, end in _boxes(out, *moov):
        if kind != b"trak":
            continue
        tkhd = _child(out, payload, end, [b"tkhd"])
        if tkhd is None:
            continue
        version = out[tkhd[0]] if tkhd[0] < tkhd[1] else 0
        tracks[_u32(out, tkhd[0] + (20 if version == 1 else 12), tkhd[1])] = (payload, end)
        chap = _child(out, payload, end, [b"tref", b"chap"])
        if chap is not None:
            chapters.update(_u32(out, at, chap[1]) for at in range(chap[0], chap[1] - 3, 4))
    for track in chapters & tracks.keys():
        stbl = _child(out, *tracks[track], [b"mdia", b"minf", b"stbl"])
        for offset, size in _samples(out, *stbl) if stbl else []:
            if offset + size > len(out):
                raise UnsupportedFile("broken MP4 chapter track")
            out[offset:offset + size] = bytes(size)


def strip(data: bytes) -> bytes:
    if data[4:8] == b"ftyp" and (data[8:12] in _STILL_IMAGE_BRANDS):
        raise UnsupportedFile("HEIF or AVIF image")
    out = bytearray(data)
    _clear_chapter_tracks(out)  # first: the track references are read before udta is freed
    _clean(out, 0, len(out), 0)
    if not any(kind == b"moov" for kind, *_ in _boxes(out, 0, len(out))):
        raise UnsupportedFile("MP4 without a movie box")
    return bytes(out)
