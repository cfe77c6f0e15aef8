"""Our Bitstring Status Lists (W3C Bitstring Status List 1.0): allocation and publication.

Every issued credential gets one revocation and one suspension entry at a random, never reused
index (section 2.1) in a list of at least 131,072 entries (section 3.2). Allocation takes a row
lock on the open list (``select_for_update``), so two signers never hand out the same index; a
unique constraint on (list, index) backs that up. The published list credential is re-signed by
a task enqueued in the transaction that changes a bit, and lazily whenever someone reads a list
whose signed copy is older than its ``version``.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from microcred.issuance import identity
from microcred.issuance.models import (
    Credential,
    IssuerKey,
    StatusEntry,
    StatusList,
    StatusPurpose,
)
from microcred.vc.status_list import MIN_ENTRIES, IndexAllocator
from microcred.vc.status_list import StatusList as Bitstring

__all__ = [
    "status_list_url",
    "status_entries_allocate",
    "status_indexes_allocate",
    "status_list_mark_changed",
    "status_list_publish",
    "status_list_document",
    "platform_status_list",
]

PURPOSES = (StatusPurpose.REVOCATION, StatusPurpose.SUSPENSION)


def status_list_url(status_list: StatusList) -> str:
    return f"{settings.PUBLIC_URL}/status/{status_list.public_id}"


def _open_list_locked(*, issuer_key: IssuerKey, purpose: str) -> StatusList:
    """The key's open list for ``purpose``, row-locked, created on first use."""
    found = (
        StatusList.objects.select_for_update()
        .filter(issuer_key=issuer_key, purpose=purpose, full=False)
        .first()
    )
    if found is not None:
        return found
    try:
        with transaction.atomic():
            created = StatusList.objects.create(
                issuer_key=issuer_key, purpose=purpose, length=MIN_ENTRIES,
                allocated=bytes(MIN_ENTRIES // 8),
            )
        _enqueue_publish(created)
    except IntegrityError:
        pass  # another signer created it first: use theirs
    return StatusList.objects.select_for_update().get(
        issuer_key=issuer_key, purpose=purpose, full=False
    )


def _enqueue_publish(status_list: StatusList) -> None:
    from microcred.issuance.tasks import status_list_publish_task

    status_list_publish_task.enqueue(status_list.pk)


def status_entries_allocate(
    *, credential: Credential, issuer_key: IssuerKey
) -> list[StatusEntry]:
    """One revocation and one suspension entry for ``credential`` (call inside its transaction).

    Idempotent: entries already allocated (a signer that died after allocating rolled back, but
    a caller may still ask twice) are returned as they are.
    """
    existing = {e.purpose: e for e in credential.status_entries.select_related("status_list")}
    entries = []
    for purpose in PURPOSES:
        if purpose in existing:
            entries.append(existing[purpose])
            continue
        status_list = _open_list_locked(issuer_key=issuer_key, purpose=purpose)
        allocator = IndexAllocator.from_bitmap(bytes(status_list.allocated), status_list.length)
        index = allocator.allocate()
        status_list.allocated = allocator.to_bitmap()
        status_list.full = allocator.free == 0
        status_list.save(update_fields=["allocated", "full"])
        entries.append(StatusEntry.objects.create(
            # A plain str, as read back from the database: a TextChoices member in the document
            # would send it down the slow (reference) JSON-LD path when it is signed.
            credential=credential, status_list=status_list, purpose=str(purpose), index=index
        ))
    return entries


def status_indexes_allocate(
    *, issuer_key: IssuerKey, purpose: str, count: int
) -> list[tuple[StatusList, int]]:
    """``count`` fresh random indexes for ``purpose`` (call inside the caller's transaction):
    bulk issuance's allocation for a whole chunk, one locked read and one write of the bitmap
    per list instead of one per credential. Indexes are drawn as in
    :func:`status_entries_allocate` (uniformly among the free ones, section 2.1); a list that
    fills up is closed and the rest come from a new one."""
    out: list[tuple[StatusList, int]] = []
    while len(out) < count:
        status_list = _open_list_locked(issuer_key=issuer_key, purpose=purpose)
        allocator = IndexAllocator.from_bitmap(bytes(status_list.allocated), status_list.length)
        take = min(count - len(out), allocator.free)
        out.extend((status_list, allocator.allocate()) for _ in range(take))
        status_list.allocated = allocator.to_bitmap()
        status_list.full = allocator.free == 0
        status_list.save(update_fields=["allocated", "full"])
    return out


def status_list_mark_changed(*, credential: Credential, purpose: str) -> None:
    """A status bit of ``credential`` changed: bump its list and enqueue re-signing, in the
    caller's transaction (so the task commits with the change, or neither does)."""
    for entry in credential.status_entries.filter(purpose=purpose).select_related("status_list"):
        StatusList.objects.filter(pk=entry.status_list_id).update(version=F("version") + 1)
        _enqueue_publish(entry.status_list)


def _bitstring(status_list: StatusList) -> Bitstring:
    bits = Bitstring(status_list.length)
    flag = "credential__revoked_at" if status_list.purpose == StatusPurpose.REVOCATION \
        else "credential__suspended_at"
    for index in status_list.entries.filter(**{f"{flag}__isnull": False}).values_list(
        "index", flat=True
    ):
        bits.set(index)
    return bits


def status_list_publish(*, status_list_id: int) -> StatusList:
    """Sign the list as it is now, unless the signed copy is already current (idempotent)."""
    from microcred.issuance.services import issuer_key_load
    from microcred.vc import openbadges as ob
    from microcred.vc.data_integrity import sign
    from microcred.vc.status_list import status_list_credential

    with transaction.atomic():
        status_list = StatusList.objects.select_for_update().select_related("issuer_key").get(
            pk=status_list_id
        )
        if status_list.signed_json and status_list.signed_version == status_list.version:
            return status_list
        version = status_list.version
        issuer_key = status_list.issuer_key
        document = status_list_credential(
            id=status_list_url(status_list), issuer=identity.issuer_did(issuer_key),
            purpose=status_list.purpose, encoded_list=_bitstring(status_list).encode(),
            valid_from=ob.now_iso(),
        )
        signed = sign(document, key=issuer_key_load(issuer_key=issuer_key),
                      cryptosuite="eddsa-rdfc-2022",
                      verification_method=identity.verification_method_id(issuer_key))
        status_list.signed_json = json.dumps(signed, ensure_ascii=False, indent=2)
        status_list.signed_version = version
        status_list.signed_at = timezone.now()
        status_list.save(update_fields=["signed_json", "signed_version", "signed_at"])
    return status_list


def status_list_document(*, status_list: StatusList) -> StatusList:
    """The list with a current signed copy (re-signed here if a change is not yet published)."""
    if status_list.signed_json and status_list.signed_version == status_list.version:
        return status_list
    return status_list_publish(status_list_id=status_list.pk)


def _own_list_id(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    prefix = f"{settings.PUBLIC_URL}/status/"
    if not url.startswith(prefix) or urlsplit(url).query or "#" in url:
        return None
    return url[len(prefix):]


def platform_status_list(url: str) -> dict[str, Any] | None:
    """Our own signed status list credential at ``url``, or ``None`` when it is not ours.

    The verifier's ``VerifyOptions.status_list_source``: our pages check our own lists without
    the network. Other issuers' lists are not answered here; the verifier reports their status
    as unknown unless it may fetch them.
    """
    list_id = _own_list_id(url)
    if list_id is None:
        return None
    try:
        status_list = StatusList.objects.get(public_id=uuid.UUID(list_id))
    except (StatusList.DoesNotExist, ValueError):
        return None
    loaded: dict[str, Any] = json.loads(
        status_list_document(status_list=status_list).signed_json
    )
    return loaded
