"""Signing keys never reach the logs, in any form.

Everything is logged at DEBUG (every logger, SQL statements with their parameters included)
while the paths that touch keys run: a key is created and a credential signed, a status list
re-signed after a revocation, the key rotated and a new credential signed with the new key, a
transcript signed, a backup written, the error pages rendered. Then the captured text is
searched for every form a private key or the secret key could take.
"""

from __future__ import annotations

import base64
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from microcred.actors import SYSTEM
from microcred.issuance.issuer_keys import issuer_key_load, issuer_key_rotate
from microcred.issuance.models import IssuerKey
from microcred.issuance.services import credential_revoke
from tests.factories import World, micro_credential, pass_attempt, reviewer_of, submitted_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything_logged() -> Iterator[io.StringIO]:
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    loggers = [root, *(logging.getLogger(name) for name in (
        "django", "django.db.backends", "django.request", "django.tasks", "microcred"))]
    # Whatever an earlier test in this process did to the loggers (a command's own logging set
    # up, a logger turned off), this test hears everything.
    saved = [(lg, lg.level, lg.propagate, lg.disabled) for lg in loggers]
    disabled_below = logging.root.manager.disable
    logging.disable(logging.NOTSET)
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        lg.disabled = False
        if lg is not root:
            lg.propagate = True
    root.addHandler(handler)
    connection.force_debug_cursor = True  # SQL and its parameters, as DEBUG would log them
    try:
        yield captured
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(handler)
        for lg, level, propagate, disabled in saved:
            lg.setLevel(level)
            lg.propagate = propagate
            lg.disabled = disabled
        logging.disable(disabled_below)


def _forms_of(secret: bytes) -> set[str]:
    return {secret.hex(), base64.b64encode(secret).decode().rstrip("="),
            base64.urlsafe_b64encode(secret).decode().rstrip("=")}


def test_no_private_key_or_secret_key_in_the_logs(world: World, everything_logged: io.StringIO,
                                                  tmp_path: Path) -> None:
    from django.test import Client

    from microcred.issuance.transcripts import transcript_signed
    from microcred.ops.backup import backup_create

    first = submitted_attempt(learner=world.learner, mc=world.mc)
    pass_attempt(assessor=world.assessor, attempt=first)
    admin = reviewer_of(world.org)
    credential = first.credentials.get()
    credential_revoke(actor=admin, credential_id=credential.pk, reason="A test of the logs")
    issuer_key_rotate(actor=admin, organization=world.org)
    other = micro_credential(org=world.org, author=world.author)
    from microcred.assessment.services import pool_member_add
    pool_member_add(actor=SYSTEM, micro_credential=other, assessor=world.assessor)
    second = submitted_attempt(learner=world.learner, mc=other)
    pass_attempt(assessor=world.assessor, attempt=second)
    transcript_signed(learner=world.learner, organization=world.org)
    backup_create(path=tmp_path / "backup.tar.gz")
    browser = Client()
    browser.get(f"/credentials/{credential.public_id}/")
    browser.get("/no-such-page/")
    browser.get(f"/status/{credential.status_entries.first().status_list.public_id}")

    logged = everything_logged.getvalue()
    assert "INSERT INTO" in logged and "credential" in logged  # the capture really captured
    keys = list(IssuerKey.objects.all())
    assert len(keys) == 2  # the first key and the rotated one
    for issuer_key in keys:
        private = issuer_key_load(issuer_key=issuer_key)
        forms = {private.secret_multibase, *_forms_of(private.seed)}
        found = [form for form in forms if form in logged]
        assert not found, f"private key material of key {issuer_key.pk} is in the logs"
    secret = settings.SECRET_KEY
    assert secret not in logged, "the secret key is in the logs"
