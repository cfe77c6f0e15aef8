"""The load test's users (locustfile_load.py) plus learners attaching files, for the cluster
test (cluster.py): with ``MICROCRED_STORAGE=s3`` every attached file goes to the bucket.

Each upload is a small text file holding a token unique to the learner and the request; the
one last acknowledged (the attempt page's 302 after "save draft") is recorded in the ledger
(``uploads``: attempt -> token), so cluster.py can check the stored file is that one and that
it is in the bucket.
"""

from __future__ import annotations

import itertools
import os
import uuid

from locust import FastHttpUser, between, task
from locustfile_load import (
    LEDGER,
    SEED,
    Assessor,
    Learner,
    Visitor,
    _csrf,
    _done,
    _fail,
    _sign_in,
    _user_ready,
)

__all__ = ["Assessor", "Learner", "Uploader", "Visitor"]

LEDGER["uploads"] = {}
_uploaders = itertools.count()


def multipart(fields: dict[str, str], field: str, filename: str,
              content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body (RFC 7578) with ``fields`` and one file; returns it with its
    Content-Type."""
    boundary = uuid.uuid4().hex
    parts = [(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
              f"{value}\r\n").encode() for name, value in fields.items()]
    parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                  f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n').encode()
                 + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Uploader(FastHttpUser):
    """Attaches a new version of their lesson notes every few seconds ("Save draft")."""

    fixed_count = int(os.environ.get("LOAD_UPLOADERS", "0"))
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.me = SEED["uploaders"][next(_uploaders) % len(SEED["uploaders"])]
        self.url = f"/attempts/{self.me['attempt']}/"
        self.seq = 0
        _sign_in(self, self.me["email"])
        self.token = _csrf(self.client.get(self.url, name="attempt page").text)
        _user_ready()

    @task
    def upload(self) -> None:
        self.seq += 1
        text = f"{self.me['email']} notes {self.seq} {uuid.uuid4().hex}\n" + "notes " * 200
        body, content_type = multipart({"csrfmiddlewaretoken": self.token},
                                       f"prompt_{self.me['prompt']}", "notes.txt", text.encode())
        with self.client.post(self.url, name="upload", data=body, allow_redirects=False,
                              headers={"Content-Type": content_type},
                              catch_response=True) as response:
            if _done(response):
                LEDGER["uploads"][self.me["attempt"]] = text
            else:
                _fail(response)
