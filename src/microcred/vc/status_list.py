"""W3C Bitstring Status List v1.0: the bitstring, its credential, entries and the status check.

Its predecessor, the W3C CCG's VC Status List 2021 (``StatusList2021Entry`` pointing at a
``StatusList2021Credential`` whose ``StatusList2021`` subject holds the same GZIP bitstring,
base64 without the multibase ``u``), is still in credentials from earlier issuers: it is read
(never written) with the same check, one bit per credential, for revocation or suspension.

Why a bitstring: anyone can check whether a credential was revoked or suspended by fetching one
list that covers many credentials, so the issuer cannot tell which credential is being checked
(herd privacy, spec section 1.1 and section 6.1). That privacy only holds when lists are large
(at least 131,072 entries, section 3.2 step 2) and indexes are handed out at random (section 2.1,
``statusListIndex``), which is why ``StatusList`` refuses smaller lists and ``IndexAllocator``
exists.

Error codes follow the spec's own error names (section 3.5) where it has one:
``status_retrieval_error``, ``status_verification_error``, ``status_list_length_error``,
``range_error`` and ``malformed_value_error`` (section 3, first paragraph). Ours on top:
``status_list_too_large`` (a GZIP bomb or an absurd list), ``status_list_full``,
``invalid_status_size``, ``invalid_status_value``, ``index_in_use``, ``unsupported_purpose`` and
``unsupported_status_type``. Bad arguments to the builders raise ``InputError`` (``invalid_url``,
``invalid_issuer``, ``invalid_purpose``, ``invalid_index``, ``invalid_datetime``,
``invalid_status_message``, ``invalid_bitmap``, ``invalid_length``).
"""

from __future__ import annotations

import dataclasses
import gzip
import re
import secrets
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from .errors import InputError, KeyFormatError, StatusListError
from .multibase import decode_base64url, encode_base64url

__all__ = [
    "ENTRY_TYPES",
    "MIN_ENTRIES",
    "STATUS_LIST_2021_CONTEXT",
    "MAX_LIST_BYTES",
    "MAX_STATUS_SIZE",
    "READ_PURPOSES",
    "WRITE_PURPOSES",
    "STANDING_STATUS_SIZE",
    "STANDING_MESSAGES",
    "StatusList",
    "IndexAllocator",
    "StatusResult",
    "Outcome",
    "status_list_credential",
    "status_entry",
    "check_status",
    "decode_2021",
]

#: Section 3.2 step 2 (and section 6.1): fewer entries than this gives too small a crowd to hide in.
MIN_ENTRIES: Final = 131_072

#: The spec sets no maximum. 16 MiB expanded is 134 million one-bit entries, far beyond any real
#: list, and small enough that decoding a hostile list cannot exhaust memory.
MAX_LIST_BYTES: Final = 16 * 1024 * 1024

#: Section 2.1 only says ``statusSize`` is an integer greater than zero. A ``statusMessage`` array
#: must hold 2**statusSize items, so an unbounded size from an untrusted entry would be a way to
#: make us compute absurd numbers; 16 bits (65,536 messages) is far more than anyone uses.
MAX_STATUS_SIZE: Final = 16

#: Purposes we can interpret when checking a status (section 2.1, ``statusPurpose``).
READ_PURPOSES: Final = frozenset({"revocation", "suspension", "refresh", "message"})

#: Purposes we publish. ``refresh`` needs a refresh service we do not run.
WRITE_PURPOSES: Final = frozenset({"revocation", "suspension", "message"})

#: A credential's standing in one ``message`` entry (section 2.1, ``statusPurpose`` "message"):
#: Open Badges 3.0's JSON schema allows one ``credentialStatus`` object, not the two entries
#: separate revocation and suspension lists would need, so one 2-bit entry says both.
#: ``statusMessage`` must list every value the size allows (2**statusSize items, section 2.1);
#: 0x3 is never written, and reads as revoked so that a verifier fails safe if it ever is.
STANDING_STATUS_SIZE: Final = 2
STANDING_MESSAGES: Final[tuple[Mapping[str, str], ...]] = (
    {"status": "0x0", "message": "valid"},
    {"status": "0x1", "message": "revoked"},
    {"status": "0x2", "message": "suspended"},
    {"status": "0x3", "message": "revoked"},
)

#: How a ``message`` entry's ``statusMessage`` text is read (after trimming and case folding):
#: these words are the issuer saying the credential is revoked, suspended or in good standing.
#: Any other text is information only (section 2.1: a message value does not by itself
#: invalidate a credential).
_MESSAGE_MEANINGS: Final = {
    "revoked": "revoked",
    "revocation": "revoked",
    "suspended": "suspended",
    "suspension": "suspended",
    "valid": "valid",
}

_VC_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
#: The W3C CCG VC Status List 2021 context (``StatusList2021Entry``).
STATUS_LIST_2021_CONTEXT: Final = "https://w3id.org/vc/status-list/2021/v1"
#: The entry types this module reads, by the kind of list each points at.
ENTRY_TYPES: Final = {"BitstringStatusListEntry": "bitstring", "StatusList2021Entry": "2021"}
#: Status List 2021 defines only these two purposes (section 2.1, ``statusPurpose``).
_PURPOSES_2021: Final = frozenset({"revocation", "suspension"})
_BASE64_2021 = re.compile(r"[A-Za-z0-9+/_-]+=*")
_INFLATE_STEP: Final = 1024 * 1024
_BASE64URL_BODY = re.compile(r"[A-Za-z0-9_-]+")
_DECIMAL_INDEX = re.compile(r"[0-9]{1,19}")
_HEX_STATUS = re.compile(r"0x[0-9a-fA-F]{1,8}")
_ABSOLUTE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")

Outcome = Literal["passed", "failed", "unknown"]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_status_size(status_size: object) -> int:
    if (
        isinstance(status_size, bool)
        or not isinstance(status_size, int)
        or not 1 <= status_size <= MAX_STATUS_SIZE
    ):
        raise StatusListError(
            f"statusSize must be an integer from 1 to {MAX_STATUS_SIZE}, got {status_size!r}.",
            code="invalid_status_size",
        )
    return status_size


class StatusList:
    """A bitstring of ``length`` entries of ``status_size`` bits each (section 2.2, 3.3).

    Entry ``i`` occupies bits ``i * status_size`` to ``(i + 1) * status_size - 1`` and bit 0 is the
    most significant bit of byte 0 (section 2.2 ``encodedList`` and section 7.1): getting this
    backwards silently reads another credential's status, so it is tested against hand-computed
    bytes.
    """

    __slots__ = ("_bits", "_length", "_status_size")

    def __init__(self, length: int = MIN_ENTRIES, *, status_size: int = 1) -> None:
        size = _check_status_size(status_size)
        if not _is_int(length) or length < MIN_ENTRIES:
            raise StatusListError(
                f"A status list needs at least {MIN_ENTRIES} entries for herd privacy "
                f"(Bitstring Status List section 3.2), got {length!r}.",
                code="status_list_length_error",
            )
        if (length * size) % 8:
            raise StatusListError(
                "length times statusSize must be a whole number of bytes, so that decoding the "
                "encoded list gives back the same length.",
                code="status_list_length_error",
            )
        if length * size // 8 > MAX_LIST_BYTES:
            raise StatusListError(
                f"A status list may expand to at most {MAX_LIST_BYTES} bytes.",
                code="status_list_too_large",
            )
        self._bits = bytearray(length * size // 8)
        self._length = length
        self._status_size = size

    @classmethod
    def _wrap(cls, bits: bytearray, status_size: int) -> StatusList:
        self = cls.__new__(cls)
        self._bits = bits
        self._length = len(bits) * 8 // status_size
        self._status_size = status_size
        return self

    @property
    def length(self) -> int:
        """Number of entries (not bits)."""
        return self._length

    @property
    def status_size(self) -> int:
        return self._status_size

    def __len__(self) -> int:
        return self._length

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StatusList):
            return NotImplemented
        return self._status_size == other._status_size and self._bits == other._bits

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"StatusList(length={self._length}, status_size={self._status_size})"

    def _span(self, index: int) -> tuple[int, int, int]:
        """Byte range holding entry ``index`` and how far its value sits from the range's end."""
        if not _is_int(index) or not 0 <= index < self._length:
            # Section 3.2: RANGE_ERROR.
            raise StatusListError(
                f"The status list index {index!r} is outside the list (0 to {self._length - 1}).",
                code="range_error",
            )
        first_bit = index * self._status_size
        last_bit = first_bit + self._status_size - 1
        start, stop = first_bit >> 3, (last_bit >> 3) + 1
        return start, stop, stop * 8 - 1 - last_bit

    def get(self, index: int) -> int:
        """The status value of entry ``index`` (0 means "unset" for every purpose)."""
        start, stop, shift = self._span(index)
        word = int.from_bytes(self._bits[start:stop], "big")
        return (word >> shift) & ((1 << self._status_size) - 1)

    def set(self, index: int, value: int = 1) -> None:
        """Set entry ``index`` to ``value`` (1 revokes or suspends when statusSize is 1)."""
        if not _is_int(value) or not 0 <= value < (1 << self._status_size):
            raise StatusListError(
                f"A status value must fit in {self._status_size} bit(s), got {value!r}.",
                code="invalid_status_value",
            )
        start, stop, shift = self._span(index)
        mask = ((1 << self._status_size) - 1) << shift
        word = int.from_bytes(self._bits[start:stop], "big")
        word = (word & ~mask) | (value << shift)
        self._bits[start:stop] = word.to_bytes(stop - start, "big")

    def clear(self, index: int) -> None:
        """Reset entry ``index`` to 0 (lifts a suspension; revocation is final by policy)."""
        self.set(index, 0)

    def to_bytes(self) -> bytes:
        """The uncompressed bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """``encodedList``: multibase ``u`` + base64url (no padding) of GZIP (section 3.3).

        The GZIP header's mtime is fixed at 0 so the same list always encodes to the same text,
        which keeps re-publishing an unchanged list byte-for-byte stable.
        """
        return encode_base64url(gzip.compress(bytes(self._bits), compresslevel=9, mtime=0))

    @classmethod
    def decode(
        cls,
        encoded: str,
        *,
        status_size: int = 1,
        max_bytes: int = MAX_LIST_BYTES,
        min_entries: int = MIN_ENTRIES,
    ) -> StatusList:
        """Expand an ``encodedList`` (section 3.4) and check its length (section 3.2): at least
        ``min_entries`` (the herd-privacy minimum unless a reader asks for less).

        Decompression is incremental and stops one byte past ``max_bytes``, so a GZIP bomb costs
        at most ``max_bytes`` of memory before it is refused.
        """
        size = _check_status_size(status_size)
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise StatusListError(
                "encodedList must be a multibase base64url string starting with 'u' "
                "(Bitstring Status List section 2.2).",
                code="malformed_value_error",
            )
        # DEFLATE never grows data by more than a few bytes per 64 KiB block, so anything longer
        # than this cannot expand to a list we would accept.
        max_compressed = max_bytes + max_bytes // 1000 + 1024
        if len(encoded) - 1 > (max_compressed * 4 + 2) // 3:
            raise StatusListError(
                f"encodedList is longer than any list of at most {max_bytes} bytes could be.",
                code="status_list_too_large",
            )
        if not _BASE64URL_BODY.fullmatch(encoded, 1):
            raise StatusListError(
                "encodedList holds characters outside the base64url alphabet (no padding).",
                code="malformed_value_error",
            )
        try:
            compressed = decode_base64url(encoded, what="encodedList")
        except KeyFormatError:
            raise StatusListError(
                "encodedList is not valid base64url.", code="malformed_value_error"
            ) from None
        bits = _gunzip_bounded(compressed, max_bytes)
        if len(bits) * 8 // size < min_entries:
            raise StatusListError(
                f"The status list has {len(bits) * 8 // size} entries; at least {MIN_ENTRIES} are "
                "required for herd privacy (Bitstring Status List section 3.2).",
                code="status_list_length_error",
            )
        return cls._wrap(bits, size)


def decode_2021(
    encoded: object, *, max_bytes: int = MAX_LIST_BYTES, min_entries: int = MIN_ENTRIES
) -> StatusList:
    """Expand a Status List 2021 ``encodedList``: the GZIP bitstring in base64 (VC Status List
    2021, section 2.2). The 2021 text says base64 without naming the alphabet, and issuers wrote
    both; Bitstring Status List later added the multibase ``u``. All of them are read, with or
    without padding, and the 16 KB (131,072 entry) minimum still holds."""
    if not isinstance(encoded, str) or not encoded:
        raise StatusListError("encodedList must be a base64 string", code="malformed_value_error")
    # GZIP data starts 1f 8b, "H4s" in base64: a leading "u" can only be the multibase prefix.
    body = encoded.removeprefix("u")
    if not _BASE64_2021.fullmatch(body):
        raise StatusListError(
            "encodedList holds characters outside the base64 alphabets.",
            code="malformed_value_error",
        )
    url_safe = body.rstrip("=").replace("+", "-").replace("/", "_")
    return StatusList.decode("u" + url_safe, max_bytes=max_bytes, min_entries=min_entries)


def _gunzip_bounded(data: bytes, max_bytes: int) -> bytearray:
    """GZIP-decompress (RFC 1952, every member) producing at most ``max_bytes``.

    Output is pulled in 1 MiB steps, so memory stays near what has been accepted so far and a
    bomb is stopped as soon as it passes ``max_bytes``.
    """
    if not data:
        raise StatusListError("encodedList is empty.", code="malformed_value_error")
    out = bytearray()
    remaining = data
    while remaining:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        pending = remaining
        while not inflater.eof:
            try:
                chunk = inflater.decompress(pending, _INFLATE_STEP)
            except zlib.error:
                raise StatusListError(
                    "encodedList is not valid GZIP data.", code="malformed_value_error"
                ) from None
            if len(out) + len(chunk) > max_bytes:
                raise StatusListError(
                    f"The status list expands to more than {max_bytes} bytes.",
                    code="status_list_too_large",
                )
            out += chunk
            pending = inflater.unconsumed_tail
            if not chunk and not pending:
                raise StatusListError(
                    "encodedList ends in the middle of its GZIP data.",
                    code="malformed_value_error",
                )
        remaining = inflater.unused_data
    return out


class IndexAllocator:
    """Hands out status list indexes uniformly at random, never the same one twice.

    Section 2.1 (``statusListIndex``): indexes SHOULD be assigned randomly so that position says
    nothing about when a credential was issued or how many exist. "Used" here means allocated to
    a credential, whatever its status bit says; indexes are never released, because a revoked
    credential keeps its index forever.

    Each allocation first tries a few random draws over the whole range (fast while the list is
    mostly free); if they all hit used indexes it picks the r-th free index for a random r, found
    through per-block free counts. Either way the result is uniform over the free indexes and the
    work is bounded, however full the list is.
    """

    __slots__ = ("_length", "_used", "_block_free", "_free")

    _BLOCK_BITS: Final = 4096
    _RANDOM_TRIES: Final = 16

    def __init__(self, length: int = MIN_ENTRIES, *, used: Iterable[int] = ()) -> None:
        if not _is_int(length) or length < 1:
            raise InputError(
                f"length must be a positive integer, got {length!r}.", code="invalid_length"
            )
        self._length = length
        self._used = bytearray((length + 7) // 8)
        blocks = (length + self._BLOCK_BITS - 1) // self._BLOCK_BITS
        self._block_free = [
            min(self._BLOCK_BITS, length - b * self._BLOCK_BITS) for b in range(blocks)
        ]
        self._free = length
        for index in used:
            self.mark_used(index)

    @classmethod
    def from_bitmap(cls, bitmap: bytes, length: int) -> IndexAllocator:
        """Rebuild from ``to_bitmap()`` output (bit ``i`` set, most significant first, = used)."""
        self = cls(length)
        if len(bitmap) != len(self._used):
            raise InputError(
                f"A bitmap for {length} indexes must be {len(self._used)} bytes, "
                f"got {len(bitmap)}.",
                code="invalid_bitmap",
            )
        pad = len(self._used) * 8 - length
        if pad and bitmap[-1] & ((1 << pad) - 1):
            raise InputError(
                "The bitmap marks indexes past the end of the list.", code="invalid_bitmap"
            )
        self._used[:] = bitmap
        block_bytes = cls._BLOCK_BITS // 8
        for b in range(len(self._block_free)):
            chunk = bytes(self._used[b * block_bytes : (b + 1) * block_bytes])
            used_here = int.from_bytes(chunk, "big").bit_count()
            self._block_free[b] -= used_here
            self._free -= used_here
        return self

    @property
    def length(self) -> int:
        return self._length

    @property
    def free(self) -> int:
        """How many indexes are still available."""
        return self._free

    def to_bitmap(self) -> bytes:
        return bytes(self._used)

    def is_used(self, index: int) -> bool:
        self._check(index)
        return bool(self._used[index >> 3] & (0x80 >> (index & 7)))

    def mark_used(self, index: int) -> None:
        """Record an index allocated elsewhere (e.g. loaded from the database)."""
        if self.is_used(index):
            raise StatusListError(
                f"Status list index {index} is already in use.", code="index_in_use"
            )
        self._used[index >> 3] |= 0x80 >> (index & 7)
        self._block_free[index // self._BLOCK_BITS] -= 1
        self._free -= 1

    def allocate(self) -> int:
        """A fresh index, chosen uniformly at random among the free ones."""
        if self._free == 0:
            raise StatusListError(
                f"All {self._length} indexes of this status list are in use; start a new list.",
                code="status_list_full",
            )
        for _ in range(self._RANDOM_TRIES):
            candidate = secrets.randbelow(self._length)
            if not self._used[candidate >> 3] & (0x80 >> (candidate & 7)):
                self.mark_used(candidate)
                return candidate
        index = self._nth_free(secrets.randbelow(self._free))
        self.mark_used(index)
        return index

    def _check(self, index: int) -> None:
        if not _is_int(index) or not 0 <= index < self._length:
            raise StatusListError(
                f"Status list index {index!r} is outside 0..{self._length - 1}.", code="range_error"
            )

    def _nth_free(self, rank: int) -> int:
        block = 0
        while rank >= self._block_free[block]:
            rank -= self._block_free[block]
            block += 1
        first = block * self._BLOCK_BITS
        stop = min(first + self._BLOCK_BITS, self._length)
        for byte_index in range(first >> 3, (stop + 7) >> 3):
            byte = self._used[byte_index]
            valid = min(8, self._length - byte_index * 8)
            free_here = valid - byte.bit_count()
            if rank >= free_here:
                rank -= free_here
                continue
            for bit in range(valid):
                if not byte & (0x80 >> bit):
                    if rank == 0:
                        return byte_index * 8 + bit
                    rank -= 1
        raise AssertionError("free counts out of step with the bitmap")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class StatusResult:
    """The outcome of one status check, shaped for the verifier's report.

    ``outcome`` is ``unknown`` whenever the status could not be established (list missing, not
    verified, malformed, too short, wrong purpose); ``code`` then says why, using the spec's error
    names (section 3.5). ``message`` is a sentence for people. ``status_message`` is the issuer's
    ``statusMessage`` text for the value, which section 2.1 says is for developers.
    ``standing`` is what a ``message`` entry's text says of the credential, when it says one of
    the words we read (``revoked``, ``suspended`` or ``valid``, see :data:`STANDING_MESSAGES`);
    otherwise ``None``.
    """

    outcome: Outcome
    purpose: str
    value: int | None
    message: str
    code: str | None = None
    status_message: str | None = None
    standing: str | None = None
    #: How many entries the list has when that is fewer than the herd-privacy minimum
    #: (:data:`MIN_ENTRIES`): the value was read all the same (see :func:`check_status`).
    short_list: int | None = None


def _validate_datetime(value: object, name: str) -> str:
    if not isinstance(value, str) or _parse_datetime(value) is None:
        raise InputError(
            f"{name} must be an XML Schema dateTimeStamp with a time zone, got {value!r}.",
            code="invalid_datetime",
        )
    return value


def _parse_datetime(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _check_purpose(purpose: object, allowed: frozenset[str]) -> str:
    if not isinstance(purpose, str) or purpose not in allowed:
        raise InputError(
            f"statusPurpose must be one of {sorted(allowed)}, got {purpose!r}.",
            code="invalid_purpose",
        )
    return purpose


def _check_status_messages(messages: object, size: int) -> dict[int, str]:
    """Section 2.1 ``statusMessage``: 2**statusSize items of ``{status: "0x..", message}``."""
    if not isinstance(messages, Sequence) or isinstance(messages, str | bytes):
        raise StatusListError("statusMessage must be an array.", code="malformed_value_error")
    if len(messages) != 1 << size:
        raise StatusListError(
            f"statusMessage must have {1 << size} items for statusSize {size}, "
            f"got {len(messages)}.",
            code="malformed_value_error",
        )
    table: dict[int, str] = {}
    for item in messages:
        if not isinstance(item, Mapping):
            raise StatusListError(
                "Each statusMessage item must be an object.", code="malformed_value_error"
            )
        status, text = item.get("status"), item.get("message")
        if not isinstance(status, str) or not _HEX_STATUS.fullmatch(status):
            raise StatusListError(
                f"statusMessage status must be a hexadecimal string like '0x1', got {status!r}.",
                code="malformed_value_error",
            )
        if not isinstance(text, str):
            raise StatusListError(
                "statusMessage message must be a string.", code="malformed_value_error"
            )
        value = int(status, 16)
        if value >= 1 << size or value in table:
            raise StatusListError(
                f"statusMessage status {status} is out of range or repeated.",
                code="malformed_value_error",
            )
        table[value] = text
    return table


def status_list_credential(
    *,
    id: str,
    issuer: str | Mapping[str, Any],
    purpose: str,
    encoded_list: str,
    valid_from: str,
    valid_until: str | None = None,
    status_size: int = 1,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` (section 2.2, example 3), ready to sign.

    The encoded list is decoded once here (``status_size`` bits per entry) so we never publish a
    list shorter than the herd-privacy minimum or one that no verifier could expand. The list
    itself does not state its ``statusSize`` or ``statusMessage``: section 2.1 puts them on each
    entry, and the VC 2.0 context defines them only there (a ``BitstringStatusList`` subject
    carrying them fails JSON-LD safe mode, so it could not be signed).
    """
    if not isinstance(id, str) or not _ABSOLUTE_URL.fullmatch(id) or "#" in id:
        raise InputError(
            f"id must be an absolute URL without a fragment, got {id!r}.", code="invalid_url"
        )
    if isinstance(issuer, Mapping):
        if not isinstance(issuer.get("id"), str):
            raise InputError("An issuer object must have a string id.", code="invalid_issuer")
        issuer_value: str | dict[str, Any] = dict(issuer)
    elif isinstance(issuer, str) and _ABSOLUTE_URL.fullmatch(issuer):
        issuer_value = issuer
    else:
        raise InputError(
            f"issuer must be a URL or an object with an id, got {issuer!r}.", code="invalid_issuer"
        )
    _check_purpose(purpose, WRITE_PURPOSES)
    try:
        size = _check_status_size(status_size)
    except StatusListError as exc:
        raise InputError(exc.message, code="invalid_status_size") from None
    StatusList.decode(encoded_list, status_size=size)
    credential: dict[str, Any] = {
        "@context": [_VC_V2_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_value,
        "validFrom": _validate_datetime(valid_from, "validFrom"),
    }
    if valid_until is not None:
        credential["validUntil"] = _validate_datetime(valid_until, "validUntil")
    credential["credentialSubject"] = {
        "id": id + "#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encoded_list,
    }
    return credential


def _check_entry_size(
    purpose: str, status_size: object, status_message: Sequence[Mapping[str, str]] | None
) -> int:
    """Section 2.1: ``statusSize`` above 1 needs ``statusMessage`` (2**statusSize items), and a
    ``message`` purpose needs more than one bit."""
    try:
        size = _check_status_size(status_size)
    except StatusListError as exc:
        raise InputError(exc.message, code="invalid_status_size") from None
    if purpose == "message" and size < 2:
        raise InputError(
            "A message status needs statusSize 2 or more (Bitstring Status List section 2.1).",
            code="invalid_status_size",
        )
    if size > 1 and status_message is None:
        raise InputError(
            "statusMessage is required when statusSize is above 1 "
            "(Bitstring Status List section 2.1).",
            code="invalid_status_message",
        )
    if status_message is not None:
        try:
            _check_status_messages(status_message, size)
        except StatusListError as exc:
            raise InputError(exc.message, code="invalid_status_message") from None
    return size


def status_entry(
    *,
    list_credential_url: str,
    index: int,
    purpose: str,
    status_size: int = 1,
    status_message: Sequence[Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` for a credential's ``credentialStatus`` (section 2.1).

    ``statusListIndex`` is a base-10 string as the spec requires; ``id`` is the list URL plus
    ``#index`` because the entry's id MUST NOT be the list's URL. ``statusSize`` above 1 requires
    ``statusMessage`` with one item per possible value.
    """
    if (
        not isinstance(list_credential_url, str)
        or not _ABSOLUTE_URL.fullmatch(list_credential_url)
        or "#" in list_credential_url
    ):
        raise InputError(
            f"list_credential_url must be an absolute URL without a fragment, "
            f"got {list_credential_url!r}.",
            code="invalid_url",
        )
    if not _is_int(index) or index < 0:
        raise InputError(
            f"index must be a non-negative integer, got {index!r}.", code="invalid_index"
        )
    _check_purpose(purpose, WRITE_PURPOSES)
    size = _check_entry_size(purpose, status_size, status_message)
    entry: dict[str, Any] = {
        "id": f"{list_credential_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential_url,
    }
    if size != 1:
        entry["statusSize"] = size
    if status_message is not None:
        entry["statusMessage"] = [dict(item) for item in status_message]
    return entry


@dataclass(frozen=True, slots=True)
class _Entry:
    purpose: str
    index: int
    size: int
    list_url: str
    messages: dict[int, str] | None
    #: ``bitstring`` (Bitstring Status List 1.0) or ``2021`` (VC Status List 2021).
    kind: str = "bitstring"


def _types(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else [value]


def _parse_entry(entry: object) -> _Entry:
    if not isinstance(entry, Mapping):
        raise StatusListError("credentialStatus is not an object", code="malformed_value_error")
    kinds = [ENTRY_TYPES[t] for t in _types(entry.get("type")) if t in ENTRY_TYPES]
    if not kinds:
        raise StatusListError(
            f"The status entry has type {entry.get('type')!r}, not BitstringStatusListEntry "
            "or StatusList2021Entry",
            code="unsupported_status_type",
        )
    kind = kinds[0]
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str) or not purpose:
        raise StatusListError("The status entry has no statusPurpose", code="malformed_value_error")
    if purpose not in (READ_PURPOSES if kind == "bitstring" else _PURPOSES_2021):
        raise StatusListError(
            f"The status purpose {purpose!r} is not one this verifier understands",
            code="unsupported_purpose",
        )
    raw_index = entry.get("statusListIndex")
    if kind == "2021" and isinstance(raw_index, int) and not isinstance(raw_index, bool):
        raw_index = str(raw_index)  # 2021 says a string; some issuers wrote a number (a
        # negative one fails the pattern below)
    if not isinstance(raw_index, str) or not _DECIMAL_INDEX.fullmatch(raw_index):
        raise StatusListError(
            f"statusListIndex must be a base-10 string, got {raw_index!r}",
            code="malformed_value_error",
        )
    list_url = entry.get("statusListCredential")
    if not isinstance(list_url, str) or not _ABSOLUTE_URL.fullmatch(list_url):
        raise StatusListError(
            "The status entry's statusListCredential is not a URL", code="malformed_value_error"
        )
    if kind == "2021":  # one bit per credential, no messages (VC Status List 2021, 2.1)
        return _Entry(purpose, int(raw_index), 1, list_url, None, kind)
    size = entry.get("statusSize", 1)
    if not _is_int(size) or not 1 <= size <= MAX_STATUS_SIZE:
        raise StatusListError(
            f"statusSize must be an integer from 1 to {MAX_STATUS_SIZE}, got {size!r}",
            code="malformed_value_error",
        )
    messages: dict[int, str] | None = None
    if "statusMessage" in entry:
        messages = _check_status_messages(entry["statusMessage"], size)
    elif size > 1:
        raise StatusListError(
            "statusMessage is required when statusSize is above 1", code="malformed_value_error"
        )
    return _Entry(purpose, int(raw_index), size, list_url, messages)


def _parse_list_credential(
    credential: object, entry: _Entry, now: datetime, *, dereferenced: bool = False
) -> tuple[str, list[str]]:
    """Return (encodedList, statusPurposes) after the section 2.2 structure checks."""
    if not isinstance(credential, Mapping):
        raise StatusListError(
            "The status list credential is not an object", code="malformed_value_error"
        )
    credential_type, subject_type = (
        ("BitstringStatusListCredential", "BitstringStatusList")
        if entry.kind == "bitstring"
        else ("StatusList2021Credential", "StatusList2021")
    )
    if credential_type not in _types(credential.get("type")):
        raise StatusListError(
            f"The status list credential is not a {credential_type}",
            code="status_verification_error",
        )
    list_id = credential.get("id")
    if list_id is not None and list_id != entry.list_url and not dereferenced:
        raise StatusListError(
            f"The status list credential's id {list_id!r} is not the statusListCredential "
            f"{entry.list_url!r} named by the entry",
            code="status_verification_error",
        )
    # VC 1.1 lists (Status List 2021) say issuanceDate and expirationDate.
    for name in ("validFrom", "issuanceDate", "validUntil", "expirationDate"):
        raw = credential.get(name)
        if raw is None:
            continue
        moment = _parse_datetime(raw) if isinstance(raw, str) else None
        if moment is None:
            raise StatusListError(
                f"The status list credential's {name} is not a date-time with a time zone",
                code="malformed_value_error",
            )
        if name in ("validFrom", "issuanceDate") and now < moment:
            raise StatusListError(
                "The status list credential is not valid yet", code="status_verification_error"
            )
        if name in ("validUntil", "expirationDate") and now > moment:
            raise StatusListError(
                "The status list credential has expired", code="status_verification_error"
            )
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or subject_type not in _types(subject.get("type")):
        raise StatusListError(
            f"The status list credential's subject is not a {subject_type}",
            code="malformed_value_error",
        )
    purposes = _types(subject.get("statusPurpose"))
    if not purposes or not all(isinstance(p, str) for p in purposes):
        raise StatusListError(
            "The status list's statusPurpose must be a string or strings",
            code="malformed_value_error",
        )
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("The status list has no encodedList", code="malformed_value_error")
    # A list that states its entry size (earlier drafts of the spec put it there) must agree:
    # reading 2-bit values out of a 1-bit list (or the reverse) reads other credentials' bits.
    list_size = subject.get("statusSize")
    if list_size is not None and list_size != entry.size:
        raise StatusListError(
            f"The status list has statusSize {list_size!r} but the entry says {entry.size}",
            code="status_verification_error",
        )
    return encoded, [p for p in purposes if isinstance(p, str)]


_UNKNOWN_SUBJECT: Final = {"revocation": "revocation", "suspension": "suspension"}


def check_status(
    entry: Mapping[str, Any],
    list_credential: Mapping[str, Any] | None,
    *,
    list_verified: bool | None = None,
    now: datetime | None = None,
    dereferenced: bool = False,
) -> StatusResult:
    """Run the section 3.2 validate algorithm for one ``BitstringStatusListEntry`` (or
    ``StatusList2021Entry``, whose list is read the same way).

    ``dereferenced`` says the caller got ``list_credential`` from the entry's own
    ``statusListCredential`` URL: the list is then the one the credential cites whatever its
    ``id`` says (section 3.2 dereferences the URL; it does not compare ids), as other verifiers
    read it. Otherwise its ``id``, when it has one, must be that URL.

    ``list_credential`` is the dereferenced status list credential, or ``None`` when it could not
    be fetched: that is STATUS_RETRIEVAL_ERROR and the outcome is ``unknown``, never "not
    revoked". Checking the list credential's proof is the caller's job (it owns key resolution);
    pass ``list_verified=False`` when that failed and the outcome is ``unknown``
    (STATUS_VERIFICATION_ERROR). ``None`` means the caller vouches for the list another way.

    Every problem that stops us establishing the status (malformed entry or list, purpose
    mismatch, index out of range, list outside its validity period) yields ``unknown`` with a
    ``code`` rather than raising, so a report can show it next to the other checks. A list
    shorter than the herd-privacy minimum is read all the same, with ``short_list`` set. A set
    value yields ``failed`` for revocation and suspension only; refresh and message values are
    information, not invalidity.
    """
    raw_purpose = entry.get("statusPurpose") if isinstance(entry, Mapping) else None
    purpose = raw_purpose if isinstance(raw_purpose, str) else ""
    try:
        parsed = _parse_entry(entry)
        if list_credential is None:
            raise StatusListError(
                "The status list could not be fetched", code="status_retrieval_error"
            )
        if list_verified is False:
            raise StatusListError(
                "The status list credential's proof did not verify",
                code="status_verification_error",
            )
        moment = now if now is not None else datetime.now(UTC)
        encoded, list_purposes = _parse_list_credential(
            list_credential, parsed, moment, dereferenced=dereferenced
        )
        if parsed.purpose not in list_purposes:
            raise StatusListError(
                f"The status list is for {', '.join(list_purposes)}, "
                f"not {parsed.purpose} as the credential says",
                code="status_verification_error",
            )
        # Section 3.2 step 10 refuses a list shorter than the herd-privacy minimum. That rule
        # protects holders from being singled out by their issuer; it says nothing about
        # whether the bit is true, and issuers' lists in wallets today (the DCC's, 100,000
        # entries) are shorter. So the value is read, and the shortness reported beside it.
        bits = (
            StatusList.decode(encoded, status_size=parsed.size, min_entries=1)
            if parsed.kind == "bitstring"
            else decode_2021(encoded, min_entries=1)
        )
        value = bits.get(parsed.index)
    except StatusListError as exc:
        reason = exc.message.rstrip(".")
        subject = _UNKNOWN_SUBJECT.get(purpose, "the credential's status")
        return StatusResult(
            outcome="unknown",
            purpose=purpose,
            value=None,
            message=f"{reason}, so {subject} is unknown.",
            code=exc.code,
        )
    result = _interpret(parsed, value)
    if bits.length < MIN_ENTRIES:
        result = dataclasses.replace(result, short_list=bits.length)
    return result


def _interpret(entry: _Entry, value: int) -> StatusResult:
    if entry.messages is not None:
        status_message: str | None = entry.messages.get(value)
    else:
        status_message = "set" if value else "unset"  # section 2.1 default messages
    outcome: Outcome
    if entry.purpose == "revocation":
        outcome = "failed" if value else "passed"
        message = (
            "The credential has been revoked." if value else "The credential has not been revoked."
        )
    elif entry.purpose == "suspension":
        outcome = "failed" if value else "passed"
        message = "The credential is suspended." if value else "The credential is not suspended."
    elif entry.purpose == "refresh":
        outcome = "passed"
        message = (
            "An updated version of the credential is available from its refresh service."
            if value
            else "No updated version of the credential has been announced."
        )
    else:  # message
        return _interpret_message(entry, value, status_message)
    return StatusResult(
        outcome=outcome,
        purpose=entry.purpose,
        value=value,
        message=message,
        status_message=status_message,
    )


def _interpret_message(entry: _Entry, value: int, status_message: str | None) -> StatusResult:
    """A ``message`` value (section 2.1): information, unless the issuer's ``statusMessage``
    for it says the credential is revoked or suspended (our :data:`STANDING_MESSAGES`), which
    fails the check like a set revocation or suspension bit would."""
    standing = _MESSAGE_MEANINGS.get((status_message or "").strip().casefold())
    outcome: Outcome = "failed" if standing in {"revoked", "suspended"} else "passed"
    if standing == "revoked":
        message = "The credential has been revoked."
    elif standing == "suspended":
        message = "The credential is suspended."
    elif standing == "valid":
        message = "The issuer's status list says the credential is valid."
    else:
        message = f"The issuer's status list gives this credential the status 0x{value:x}."
    return StatusResult(
        outcome=outcome,
        purpose=entry.purpose,
        value=value,
        message=message,
        status_message=status_message,
        standing=standing,
    )
