"""WebM and Matroska: EBML (RFC 8794) and the Matroska elements (RFC 9559).

``Tags`` (§5.1.8: titles, artists, comments, dates, encoder settings, any name a tool adds),
``Attachments`` (§5.1.6: files carried along, cover pictures and fonts) and ``Chapters``
(§5.1.7: chapter titles) become ``Void`` elements (RFC 8794 §11.3.2) of the same length, so
nothing after them moves and the ``SeekHead`` and ``Cues`` positions stay valid. In ``Info``
(§5.1.2) the ``Title``, ``DateUTC`` and the file names (``SegmentFilename``,
``PrevFilename``, ``NextFilename``) become ``Void`` too, and the mandatory ``MuxingApp`` and
``WritingApp`` are zeroed (an EBML string may be padded with zero bytes, RFC 8794 §7.4, so
they read as empty); a track's
``Name`` is zeroed the same way. A ``CRC-32`` element (RFC 8794 §11.3.1) of a changed element
is computed again.

Live recordings (a browser's MediaRecorder) leave the ``Segment`` and its ``Cluster`` sizes
unknown (RFC 8794 §6.2); an unknown-size cluster ends where the next top-level element starts.
"""

from __future__ import annotations

import zlib
from typing import Literal

from microcred.earning.evidence_files import UnsupportedFile

_EBML = 0x1A45DFA3
_SEGMENT = 0x18538067
_CLUSTER = 0x1F43B675
_VOID = 0xEC
_CRC32 = 0xBF
# the Segment's children (RFC 9559 §5.1): where an unknown-size Cluster ends
_TOP_LEVEL = {0x114D9B74, 0x1549A966, 0x1654AE6B, 0x1043A770, _CLUSTER, 0x1C53BB6B,
              0x1941A466, 0x1254C367}

type Rules = dict[int, Literal["void", "zero"] | Rules]
# Title, DateUTC, SegmentFilename, PrevFilename, NextFilename; MuxingApp, WritingApp
_INFO: Rules = {0x7BA9: "void", 0x4461: "void", 0x7384: "void", 0x3C83AB: "void",
                0x3E83BB: "void", 0x4D80: "zero", 0x5741: "zero"}
_TRACKS: Rules = {0xAE: {0x536E: "zero"}}  # TrackEntry > Name
# Tags, Attachments, Chapters; Info; Tracks
_SEGMENT_RULES: Rules = {0x1254C367: "void", 0x1941A466: "void", 0x1043A770: "void",
                         0x1549A966: _INFO, 0x1654AE6B: _TRACKS}
_MAX_DEPTH = 8


def _vint(data: bytearray, at: int, end: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """(value, width, unknown) of the variable-size integer at ``at`` (RFC 8794 §4)."""
    if at >= end or data[at] == 0:
        raise UnsupportedFile("broken Matroska element")
    width = 9 - data[at].bit_length()
    if at + width > end or (keep_marker and width > 4):
        raise UnsupportedFile("broken Matroska element")
    value = int.from_bytes(data[at:at + width], "big")
    if keep_marker:
        return value, width, False
    value &= (1 << (7 * width)) - 1
    return value, width, value == (1 << (7 * width)) - 1


def _void(data: bytearray, start: int, end: int) -> None:
    width = min(8, end - start - 1)
    size = end - start - 1 - width
    data[start] = _VOID
    data[start + 1:start + 1 + width] = (size | (1 << (7 * width))).to_bytes(width, "big")
    data[start + 1 + width:end] = bytes(size)


def _element_end(data: bytearray, payload: int, end: int) -> int:
    """Where an unknown-size Cluster ends: before the next top-level element, or at ``end``."""
    at = payload
    while at < end:
        element, id_width, _ = _vint(data, at, end, keep_marker=True)
        if element in _TOP_LEVEL or element == _SEGMENT:
            return at
        size, size_width, unknown = _vint(data, at + id_width, end, keep_marker=False)
        if unknown:
            raise UnsupportedFile("Matroska element of unknown size")
        at += id_width + size_width + size
    return min(at, end)


def _clean(data: bytearray, start: int, end: int, rules: Rules, depth: int) -> bool:
    """Apply ``rules`` to the children between ``start`` and ``end``; True if any changed."""
    if depth > _MAX_DEPTH:
        raise UnsupportedFile("Matroska elements nested too deeply")
    changed = False
    crc_at = None
    at = start
    while at < end:
        element, id_width, _ = _vint(data, at, end, keep_marker=True)
        size, size_width, unknown = _vint(data, at + id_width, end, keep_marker=False)
        payload = at + id_width + size_width
        if unknown:
            if element != _CLUSTER:
                raise UnsupportedFile("Matroska element of unknown size")
            element_end = _element_end(data, payload, end)
        else:
            element_end = payload + size
        if element_end > end:
            if element in rules:
                raise UnsupportedFile("broken Matroska element")
            element_end = end  # a recording cut short: its last cluster is kept as it is
        if element == _CRC32 and at == start and size == 4:
            crc_at = payload
        rule = rules.get(element)
        if rule == "void":
            _void(data, at, element_end)
            changed = True
        elif rule == "zero":
            data[payload:element_end] = bytes(element_end - payload)
            changed = True
        elif isinstance(rule, dict):
            changed |= _clean(data, payload, element_end, rule, depth + 1)
        at = element_end
    if changed and crc_at is not None:
        data[crc_at:crc_at + 4] = zlib.crc32(data[crc_at + 4:end]).to_bytes(4, "little")
    return changed


def strip(data: bytes) -> bytes:
    out = bytearray(data)
    end = len(out)
    at = 0
    seen_segment = False
    while at < end:
        element, id_width, _ = _vint(out, at, end, keep_marker=True)
        size, size_width, unknown = _vint(out, at + id_width, end, keep_marker=False)
        payload = at + id_width + size_width
        element_end = end if unknown else payload + size
        if element_end > end:
            # a recording cut short still plays; what is there is cleaned
            element_end = end
        if element == _SEGMENT:
            seen_segment = True
            _clean(out, payload, element_end, _SEGMENT_RULES, 0)
        elif element != _EBML and element != _VOID:
            break  # trailing bytes after the last segment are kept; nothing reads them
        at = element_end
    if not seen_segment:
        raise UnsupportedFile("Matroska without a segment")
    return bytes(out)
