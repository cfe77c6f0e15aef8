"""MP3: ID3v2 (id3.org, ID3 tag version 2.4.0 - Main Structure) at the start, ID3v1 (the last
128 bytes, starting "TAG") and APEv2 at the end. They hold the artist, title, comments,
encoder settings and pictures; the audio frames are kept as they are. mutagen removes them.
"""

from __future__ import annotations

import io

from mutagen import MutagenError, apev2, id3

from microcred.earning.evidence_files import UnsupportedFile


def strip(data: bytes) -> bytes:
    buffer = io.BytesIO(data)
    try:
        id3.delete(buffer, delete_v1=True, delete_v2=True)
        apev2.delete(buffer)
    except (MutagenError, ValueError, EOFError, OSError) as exc:
        raise UnsupportedFile("broken MP3") from exc
    clean = buffer.getvalue()
    if not clean:
        raise UnsupportedFile("MP3 without audio")
    return clean
