"""Sealing secrets at rest (``microcred.sealing``): a key per purpose, blobs bound to their row
and to SECRET_KEY, blobs from before purposes still opened, and the data migrations that seal
the stored ones again with their purpose's key."""

from __future__ import annotations

import base64
import importlib
import json
import os
import time
from types import SimpleNamespace

import pyotp
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.db import connection

from microcred.accounts import two_factor
from microcred.accounts.models import TwoFactorDevice
from microcred.issuance.issuer_keys import issuer_key_get_or_create, issuer_key_load
from microcred.issuance.models import IssuerKey
from microcred.sealing import (
    Purpose,
    SealError,
    is_current,
    reseal,
    reseal_legacy,
    seal,
    unseal,
)
from tests.factories import World, user


def _legacy_seal(plaintext: str, *, associated_data: str, secret_key: str | None = None) -> str:
    """What ``issuance.key_sealing`` wrote before purposes, written out here as it was (one key
    for everything), so the test does not lean on the code it checks."""
    material = (secret_key or settings.SECRET_KEY).encode("utf-8")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"microcred.issuance.key_sealing",
               info=b"microcred issuer key sealing v1").derive(material)
    nonce = os.urandom(12)
    box = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), associated_data.encode("utf-8"))
    return "v1:" + base64.urlsafe_b64encode(nonce + box).decode("ascii")


@pytest.mark.parametrize("purpose", list(Purpose))
def test_a_blob_opens_for_its_purpose_only(purpose: Purpose) -> None:
    box = seal("the secret", purpose=purpose, associated_data="row 1")
    assert box.startswith("v2:") and "the secret" not in box and is_current(box)
    assert unseal(box, purpose=purpose, associated_data="row 1") == "the secret"
    for other in Purpose:
        if other != purpose:
            with pytest.raises(SealError):
                unseal(box, purpose=other, associated_data="row 1")


def test_issuer_keys_and_totp_secrets_no_longer_share_a_key() -> None:
    """The issue's case: the same text and associated data, sealed as a TOTP secret, does not
    open as an issuer key (before purposes it did)."""
    box = seal("JBSWY3DPEHPK3PXP", purpose=Purpose.TOTP_SECRET, associated_data="z6Mk")
    with pytest.raises(SealError):
        unseal(box, purpose=Purpose.ISSUER_KEY, associated_data="z6Mk")
    legacy = _legacy_seal("JBSWY3DPEHPK3PXP", associated_data="z6Mk")
    assert unseal(legacy, purpose=Purpose.ISSUER_KEY, associated_data="z6Mk") \
        == "JBSWY3DPEHPK3PXP"


def test_sealing_is_bound_to_the_secret_key_and_the_row() -> None:
    box = seal("the secret", purpose=Purpose.ISSUER_KEY, associated_data="z6Mkpub",
               secret_key="a" * 40)
    assert unseal(box, purpose=Purpose.ISSUER_KEY, associated_data="z6Mkpub",
                  secret_key="a" * 40) == "the secret"
    with pytest.raises(SealError):
        unseal(box, purpose=Purpose.ISSUER_KEY, associated_data="z6Mkpub", secret_key="b" * 40)
    with pytest.raises(SealError):
        unseal(box, purpose=Purpose.ISSUER_KEY, associated_data="z6Mkother",
               secret_key="a" * 40)


@pytest.mark.parametrize("blob", ["", "v3:abc", "v2:", "v2:not base64!", "v2:AAAA", "v1:é"])
def test_what_is_not_a_sealed_blob_is_refused(blob: str) -> None:
    with pytest.raises(SealError) as refused:
        unseal(blob, purpose=Purpose.SIGN_UP_LINK, associated_data="x")
    assert refused.value.code == "key_unsealing_failed"


def test_blobs_from_before_purposes_still_open() -> None:
    legacy = _legacy_seal("the secret", associated_data="row 1")
    assert not is_current(legacy)
    for purpose in Purpose:
        assert unseal(legacy, purpose=purpose, associated_data="row 1") == "the secret"
    with pytest.raises(SealError):
        unseal(legacy, purpose=Purpose.ISSUER_KEY, associated_data="row 2")
    with pytest.raises(SealError):
        unseal(_legacy_seal("x", associated_data="row 1", secret_key="b" * 40),
               purpose=Purpose.ISSUER_KEY, associated_data="row 1")


def test_resealing_moves_a_blob_to_its_purpose_key_and_back() -> None:
    legacy = _legacy_seal("the secret", associated_data="row 1")
    current = reseal(legacy, purpose=Purpose.TOTP_SECRET, associated_data="row 1")
    assert is_current(current)
    assert unseal(current, purpose=Purpose.TOTP_SECRET, associated_data="row 1") == "the secret"
    assert reseal(current, purpose=Purpose.TOTP_SECRET, associated_data="row 1") == current
    back = reseal_legacy(current, purpose=Purpose.TOTP_SECRET, associated_data="row 1")
    assert back.startswith("v1:") and back != legacy
    assert unseal(back, purpose=Purpose.ISSUER_KEY, associated_data="row 1") == "the secret"
    assert reseal_legacy(back, purpose=Purpose.TOTP_SECRET, associated_data="row 1") == back
    with pytest.raises(SealError):  # what cannot be opened cannot be sealed again
        reseal(legacy, purpose=Purpose.ISSUER_KEY, associated_data="row 2")



def _migration(app: str, name: str) -> SimpleNamespace:
    module = importlib.import_module(f"microcred.{app}.migrations.{name}")
    editor = SimpleNamespace(connection=connection)
    return SimpleNamespace(forwards=lambda: module.forwards(apps, editor),
                           backwards=lambda: module.backwards(apps, editor))


def _sealed_secret(model: type, pk: int) -> str:
    return str(model.objects.values_list("sealed_secret", flat=True).get(pk=pk))


@pytest.mark.django_db
def test_the_issuance_migration_reseals_issuer_keys(world: World) -> None:
    row = issuer_key_get_or_create(organization=world.org)
    secret = issuer_key_load(issuer_key=row).secret_multibase
    plain = unseal(row.sealed_secret, purpose=Purpose.ISSUER_KEY,
                   associated_data=row.public_multibase)
    IssuerKey.objects.filter(pk=row.pk).update(
        sealed_secret=_legacy_seal(plain, associated_data=row.public_multibase))
    unreadable = _legacy_seal("x", associated_data="z6Mkgone", secret_key="b" * 40)
    gone = IssuerKey.objects.create(organization=world.org, public_multibase="z6Mkgone",
                                    sealed_secret=unreadable, active=False)
    # Before the migration the old blob is still read.
    assert issuer_key_load(issuer_key=IssuerKey.objects.get(pk=row.pk)).secret_multibase \
        == secret
    migration = _migration("issuance", "0008_reseal_issuer_keys")
    migration.forwards()
    resealed = _sealed_secret(IssuerKey, row.pk)
    assert is_current(resealed)
    assert json.loads(unseal(resealed, purpose=Purpose.ISSUER_KEY,
                             associated_data=row.public_multibase))["secretKeyMultibase"] == secret
    assert issuer_key_load(issuer_key=IssuerKey.objects.get(pk=row.pk)).secret_multibase \
        == secret
    assert _sealed_secret(IssuerKey, gone.pk) == unreadable  # left as it was
    migration.forwards()  # again: nothing changes
    assert _sealed_secret(IssuerKey, row.pk) == resealed
    migration.backwards()
    assert _sealed_secret(IssuerKey, row.pk).startswith("v1:")
    assert issuer_key_load(issuer_key=IssuerKey.objects.get(pk=row.pk)).secret_multibase \
        == secret


@pytest.mark.django_db
def test_the_accounts_migration_reseals_two_factor_secrets() -> None:
    person = user("Sam")
    secret = two_factor.new_secret()
    totp = pyotp.TOTP(secret)
    step = int(time.time()) // totp.interval
    device = TwoFactorDevice.objects.create(
        user=person, last_used_step=step - 3,
        sealed_secret=_legacy_seal(secret, associated_data=f"microcred totp v1 user {person.pk}"))
    # Before the migration the old blob is still read.
    assert two_factor.verify(user=person, code=totp.generate_otp(step - 1)) == "totp"
    _migration("accounts", "0005_reseal_totp_secrets").forwards()
    resealed = _sealed_secret(TwoFactorDevice, device.pk)
    assert is_current(resealed)
    with pytest.raises(SealError):
        unseal(resealed, purpose=Purpose.ISSUER_KEY,
               associated_data=f"microcred totp v1 user {person.pk}")
    assert two_factor.verify(user=person, code=totp.generate_otp(step)) == "totp"
    _migration("accounts", "0005_reseal_totp_secrets").backwards()
    assert _sealed_secret(TwoFactorDevice, device.pk).startswith("v1:")
    assert two_factor.verify(user=person, code=totp.generate_otp(step + 1)) == "totp"
