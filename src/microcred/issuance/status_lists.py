"""Our Bitstring Status Lists (W3C Bitstring Status List 1.0): allocation and publication.

Every issued credential gets one ``message`` entry (``statusSize`` 2, section 2.1) at a random,
never reused index in a list of at least 131,072 entries (section 3.2): 0x0 valid, 0x1
revoked, 0x2 suspended (``vc.status_list.STANDING_MESSAGES``). One entry, because Open Badges
3.0's JSON schema allows ``credentialStatus`` to be one object; separate revocation and
suspension entries would need an array. Revocation is final (the platform never clears it);
lifting a suspension sets the value back to 0x0. Credentials issued before this kept their two
entries in ``revocation`` and ``suspension`` lists, which are still published and verified, and
callers may still ask for single-purpose entries (``status_entries_allocate(purposes=...)``).
Allocation takes a row
lock on the open list (``select_for_update``), so two signers never hand out the same index; a
unique constraint on (list, index) backs that up. The published list credential is re-signed by
a task enqueued in the transaction that changes a bit, and lazily whenever someone reads a list
whose signed copy is older than its ``version``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from microcred.issuance import identity
from microcred.issuance.documents import CredentialStatus, stored_json
from microcred.issuance.issuer_keys import issuer_sign
from microcred.issuance.models import (
    Credential,
    IssuerKey,
    StatusEntry,
    StatusList,
    StatusPurpose,
)
from microcred.issuance.tasks import status_list_publish_task
from microcred.vc import openbadges as ob
from microcred.vc.status_list import (
    MIN_ENTRIES,
    STANDING_MESSAGES,
    IndexAllocator,
    status_entry,
    status_list_credential,
)
from microcred.vc.status_list import StatusList as Bitstring

__all__ = [
    "STANDING",
    "status_list_url",
    "status_entries_allocate",
    "status_entry_document",
    "credential_status_document",
    "status_indexes_allocate",
    "status_list_mark_changed",
    "status_list_publish",
    "status_list_document",
    "platform_status_list",
]

#: What a credential issued now carries: one entry that says revoked or suspended.
STANDING = (StatusPurpose.MESSAGE,)
#: The values of a ``message`` list (``STANDING_MESSAGES``).
_VALID, _REVOKED, _SUSPENDED = 0, 1, 2


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
    status_list_publish_task.enqueue(status_list.pk)


def status_entries_allocate(
    *, credential: Credential, issuer_key: IssuerKey, purposes: Sequence[str] = STANDING
) -> list[StatusEntry]:
    """One entry per purpose for ``credential`` (call inside its transaction): by default the
    one ``message`` entry every credential carries; ``("revocation",)``, ``("suspension",)`` or
    both for a caller that wants single-purpose entries.

    Idempotent: entries already allocated (a signer that died after allocating rolled back, but
    a caller may still ask twice) are returned as they are.
    """
    unknown = [p for p in purposes if p not in StatusPurpose.values]
    if unknown or not purposes or len(set(purposes)) != len(purposes):
        raise ValueError(f"purposes must be distinct status purposes, got {purposes!r}")
    existing = {e.purpose: e for e in credential.status_entries.select_related("status_list")}
    entries = []
    for purpose in purposes:
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


def status_entry_document(
    *, status_list: StatusList, index: int, url: str | None = None
) -> dict[str, Any]:
    """The ``BitstringStatusListEntry`` for ``index`` of ``status_list`` (a ``message`` list's
    entry carries its ``statusSize`` and ``statusMessage``, section 2.1). ``url``: the list's
    URL when the caller already has it."""
    list_url = url or status_list_url(status_list)
    purpose = str(status_list.purpose)  # a plain str: see status_entries_allocate
    if purpose == StatusPurpose.MESSAGE:
        return status_entry(list_credential_url=list_url, index=index, purpose=purpose,
                            status_size=status_list.status_size,
                            status_message=STANDING_MESSAGES)
    return status_entry(list_credential_url=list_url, index=index, purpose=purpose)


def credential_status_document(entries: Sequence[StatusEntry]) -> CredentialStatus:
    """A credential's ``credentialStatus``: one object for one entry (what Open Badges 3.0's
    schema allows), an array only for a caller that asked for several."""
    documents = [status_entry_document(status_list=e.status_list, index=e.index)
                 for e in entries]
    return documents[0] if len(documents) == 1 else documents


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
    """A status of ``credential`` changed (``purpose``: revocation or suspension): bump every
    list that says it (the ``message`` list, or the single-purpose list of an older credential)
    and enqueue re-signing, in the caller's transaction (so the task commits with the change, or
    neither does)."""
    entries = credential.status_entries.filter(
        purpose__in=[purpose, StatusPurpose.MESSAGE]).select_related("status_list")
    for entry in entries:
        StatusList.objects.filter(pk=entry.status_list_id).update(version=F("version") + 1)
        _enqueue_publish(entry.status_list)


def _bitstring(status_list: StatusList) -> Bitstring:
    """The list's bits, derived from its credentials. A ``message`` list: revoked wins over
    suspended (revocation is final, and an unsuspended credential goes back to 0x0)."""
    bits = Bitstring(status_list.length, status_size=status_list.status_size)
    if status_list.purpose == StatusPurpose.MESSAGE:
        rows = status_list.entries.filter(
            Q(credential__revoked_at__isnull=False) | Q(credential__suspended_at__isnull=False)
        ).values_list("index", "credential__revoked_at")
        for index, revoked_at in rows:
            bits.set(index, _REVOKED if revoked_at is not None else _SUSPENDED)
        return bits
    flag = "credential__revoked_at" if status_list.purpose == StatusPurpose.REVOCATION \
        else "credential__suspended_at"
    for index in status_list.entries.filter(**{f"{flag}__isnull": False}).values_list(
        "index", flat=True
    ):
        bits.set(index)
    return bits


def status_list_publish(*, status_list_id: int) -> StatusList:
    """Sign the list as it is now, unless the signed copy is already current (idempotent)."""
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
            purpose=str(status_list.purpose), encoded_list=_bitstring(status_list).encode(),
            valid_from=ob.now_iso(), status_size=status_list.status_size,
        )
        status_list.signed_json = stored_json(issuer_sign(document, key=issuer_key))
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
