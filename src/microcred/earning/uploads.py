"""Bounded uploads: an oversize file is counted, not stored.

Django's temporary-file handler writes every byte it receives; this one stops writing one byte
past ``UPLOAD_MAX_BYTES`` but keeps counting, so the upload reports its real size, the file it
keeps shows that it went over (``web.uploads.read_upload`` refuses both), and the rest of the
form (the learner's draft) still arrives intact while the disk never holds more than the limit
and a byte per file. What was kept is never used as if it were the whole file: a CSV cut on a
row boundary would otherwise look complete.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class BoundedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        keep = settings.UPLOAD_MAX_BYTES + 1 - self.received  # the byte past the limit too
        self.received += len(raw_data)
        if keep > 0:
            self.file.write(raw_data[:keep])
        return None
