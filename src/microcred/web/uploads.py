"""Reading an uploaded file under a size limit: the one way every form and view that takes a
file reads it (evidence, bulk issuance CSV, badge images, credential import and verify).

Django's upload handlers may keep only the start of a large file
(``earning.uploads.BoundedTemporaryFileUploadHandler`` stops storing past
``UPLOAD_MAX_BYTES``). A reader that takes "up to the limit" from such a file gets a shorter
file that may still look complete, such as a CSV cut on a row boundary. So the file is read to
at most ``limit + 1`` bytes, and getting more than ``limit`` (or an upload that reports a
larger size than it holds) refuses it as too large, naming the limit, instead of using the
part that arrived.
"""

from __future__ import annotations

from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed

__all__ = ["FileTooLarge", "read_upload", "size_label", "too_large_message"]

_MB = 1024 * 1024


class FileTooLarge(ValidationFailed):
    code = "file_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(too_large_message(limit))
        self.limit = limit


def size_label(limit: int) -> str:
    """``10 MB`` or ``64 KB`` for a whole number of them, else Django's ``filesizeformat``."""
    if limit >= _MB and limit % _MB == 0:
        return str(_("%(n)s MB") % {"n": limit // _MB})
    if limit >= 1024 and limit % 1024 == 0:
        return str(_("%(n)s KB") % {"n": limit // 1024})
    return str(filesizeformat(limit))


def too_large_message(limit: int) -> str:
    return str(_("The file is larger than %(limit)s; files here can be at most %(limit)s.")
               % {"limit": size_label(limit)})


def read_upload(upload: IO[bytes] | Any, *, limit: int) -> bytes:
    """The whole upload, from its start, or ``FileTooLarge`` if it has more than ``limit``
    bytes. Reads at most ``limit + 1`` bytes, so an oversize file costs no more than that."""
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        raise FileTooLarge(limit)  # what arrived was counted, even if not all of it was kept
    if getattr(upload, "seekable", lambda: True)():
        upload.seek(0)
    data = upload.read(limit + 1)
    if not isinstance(data, bytes):
        data = bytes(data)
    if len(data) > limit:
        raise FileTooLarge(limit)
    if isinstance(size, int) and size > len(data):
        # Counted but kept only in part: the server's own upload limit cut it short.
        raise FileTooLarge(min(limit, settings.UPLOAD_MAX_BYTES))
    return data
