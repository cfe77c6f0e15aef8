"""Rewriting a ZIP package (APPNOTE.TXT) entry by entry, with limits against zip bombs.

Both Office Open XML (ECMA-376 Part 2, Open Packaging Conventions) and OpenDocument (ODF 1.3
Part 2, §3) are ZIP packages. Each entry is either kept (the same content, the same
compression method) or replaced; the entries' timestamps, extra fields and the archive comment
are dropped, since they are metadata too (the time and the machine of the last save).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

from microcred.earning.evidence_files import UnsupportedFile

MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest DOS date, as Office itself writes

# Given an entry's name and content, the new content, or None to drop the entry.
Rewrite = Callable[[str, bytes], bytes | None]


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
            if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
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
