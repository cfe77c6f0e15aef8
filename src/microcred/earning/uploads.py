"""Bounded uploads: an oversize file is counted, not stored.

Django's temporary-file handler writes every byte it receives; this one stops writing past
``UPLOAD_MAX_BYTES`` but keeps counting, so the upload reports its real size and the service
refuses it by size, while the rest of the form (the learner's draft) still arrives intact and
the disk never holds more than the limit per file.
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
        self.received += len(raw_data)
        if self.received <= settings.UPLOAD_MAX_BYTES:
            self.file.write(raw_data)
        return None
