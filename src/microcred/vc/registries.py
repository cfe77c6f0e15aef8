"""Issuer registries: who vouches for the owner of a signing key.

A proof says which key signed a credential; it does not say who holds the key. A verifier that
trusts an issuer registry can say more: "the DCC Member Registry lists this DID as Example
University". Two kinds of registry are read, the two the Digital Credentials Consortium
(DCC) publishes and its verifier (``@digitalcredentials/issuer-registry-client``) consults:

- **DCC issuer registry** (``kind = "dcc"``): one JSON document,
  ``{"meta": {"created": ..., "updated": ...}, "registry": {"<DID>": {"name": ...,
  "url": ..., "location": ...}}}`` (the DCC Sandbox, Community and Member registries). It is
  not signed: trusting it means trusting where it comes from (a file the installation keeps,
  or an HTTPS URL).
- **OpenID Federation 1.0 trust anchor** (``kind = "openid-federation"``): the anchor's entity
  configuration (a JWT typed ``entity-statement+jwt``, served at
  ``/.well-known/openid-federation``) and signed statements below it. An issuer is listed when a
  valid trust chain runs from a statement about its id up to the anchor
  (:mod:`microcred.vc._internal.openid_federation`); the listing is the issuer's
  ``federation_entity`` metadata (``organization_name``, ``homepage_uri``) and the registry is
  named by the anchor's ``organization_name``. Offline, the file holds the anchor's entity
  configuration and the statements (a JSON array of JWTs, or arrays of them: trust chains);
  online, statements the file lacks are asked of the anchor's ``federation_fetch_endpoint``
  (``?sub=<DID>``, section 8.1), as the DCC's registry answers them.

A registry is configured by file (read again when it changes) or by HTTPS URL (fetched through
:func:`microcred.vc.fetch.fetch_bytes`, bounded in time and size, and kept for ``ttl`` seconds;
an OpenID Federation listing no longer than its statements' ``exp``). A registry that is
malformed, cannot be fetched, or whose statements do not verify raises :class:`RegistryError`
with a code; :class:`TrustRegistries` reports such a registry as unchecked instead of
pretending it lists no one.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from . import fetch as _fetch
from ._internal import openid_federation as oidf
from .errors import ResolutionError, VCError

__all__ = [
    "RegistryError",
    "RegistryListing",
    "RegistryProblem",
    "RegistrySearch",
    "TrustRegistry",
    "DccRegistry",
    "FederationRegistry",
    "TrustRegistries",
    "https_fetcher",
    "registry_from",
    "registries_from",
    "split_registry_setting",
    "parse_registry_entry",
    "DEFAULT_TTL",
]

_log = logging.getLogger(__name__)

#: Seconds a registry fetched by URL (and an answer from a federation's fetch endpoint) is kept.
DEFAULT_TTL = 3600.0
#: Seconds a failed fetch is remembered, so a registry that is down does not hold up every
#: verification for the length of the fetch deadline.
FAILURE_TTL = 60.0
#: A registry document's size limit (the DCC's largest is some tens of kilobytes).
MAX_REGISTRY_BYTES = 4 * 1024 * 1024
#: How many intermediates a trust chain may pass through.
MAX_CHAIN_DEPTH = 8
_MAX_CACHED_ANSWERS = 4096

Fetch = Callable[[str], bytes]
Clock = Callable[[], float]


class RegistryError(VCError):
    """A registry that cannot be used: malformed (``malformed_registry``), unreadable or
    unreachable (``registry_unavailable``), or an OpenID Federation statement that does not
    verify (the federation's own codes: ``statement_expired``,
    ``invalid_statement_signature``, ``broken_chain``, ...)."""

    code = "registry_error"


@dataclass(frozen=True)
class RegistryListing:
    """What a trusted registry says about an issuer id."""

    registry: str
    #: Where the registry was read from: a file path or a URL.
    source: str
    #: ``dcc`` or ``openid-federation``.
    kind: str
    issuer_id: str
    #: The issuer's name as the registry gives it (may be empty when the registry gives none).
    name: str
    url: str = ""
    location: str = ""
    legal_name: str = ""
    #: Other facts the registry gives, by name (for example ``rorUrl``, ``policyUri``).
    other: Mapping[str, str] = field(default_factory=dict)
    #: OpenID Federation: the entity ids from the issuer up to the trust anchor.
    trust_chain: tuple[str, ...] = ()
    #: OpenID Federation: when the first statement of the chain expires.
    expires: datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "registry": self.registry, "source": self.source, "kind": self.kind,
            "issuer": self.issuer_id, "name": self.name or None, "url": self.url or None,
            "location": self.location or None, "legalName": self.legal_name or None,
        }
        if self.other:
            body["other"] = dict(self.other)
        if self.trust_chain:
            body["trustChain"] = list(self.trust_chain)
        if self.expires is not None:
            body["expires"] = self.expires.isoformat().replace("+00:00", "Z")
        return body


@dataclass(frozen=True)
class RegistryProblem:
    """A registry that could not answer (so it neither lists nor fails to list the issuer)."""

    registry: str
    source: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"registry": self.registry, "source": self.source, "code": self.code,
                "message": self.message}


@dataclass(frozen=True)
class RegistrySearch:
    """The answer of every configured registry: the first listing (registries are asked in
    the order given, most authoritative first), and the registries that could not answer."""

    listing: RegistryListing | None
    unchecked: tuple[RegistryProblem, ...] = ()


# -- sources -------------------------------------------------------------------------------------


def https_fetcher(*, timeout: float = 10.0, max_bytes: int = MAX_REGISTRY_BYTES,
                  allow_private: bool = False) -> Fetch:
    """A fetch function over the guarded fetcher: HTTPS only, bounded, no private addresses
    unless allowed."""

    def fetch(url: str) -> bytes:
        return _fetch.fetch_bytes(
            url, accept="application/entity-statement+jwt, application/json",
            timeout=timeout, max_bytes=max_bytes, allow_private=allow_private,
        )

    return fetch


def _is_url(location: str) -> bool:
    return "://" in location


class _Source:
    """The bytes of a registry: a file, re-read when it changes, or a URL, kept for ``ttl``."""

    def __init__(self, location: str, *, fetch: Fetch | None, ttl: float, clock: Clock) -> None:
        self.location = location
        self._fetch = fetch
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._data: bytes | None = None
        self._stamp: Any = None
        self._until = 0.0
        self._failure: RegistryError | None = None

    def read(self) -> bytes:
        with self._lock:
            return self._read_file() if not _is_url(self.location) else self._read_url()

    def _read_file(self) -> bytes:
        try:
            stat = os.stat(self.location)
            stamp = (stat.st_mtime_ns, stat.st_size)
            if self._data is not None and stamp == self._stamp:
                return self._data
            if stat.st_size > MAX_REGISTRY_BYTES:
                raise RegistryError(
                    f"registry {self.location} is {stat.st_size:,} bytes; the limit is "
                    f"{MAX_REGISTRY_BYTES:,}", code="malformed_registry",
                )
            with open(self.location, "rb") as handle:
                data = handle.read(MAX_REGISTRY_BYTES + 1)
        except OSError as exc:
            raise RegistryError(
                f"cannot read registry {self.location}: {exc.strerror or exc}",
                code="registry_unavailable",
            ) from None
        self._data, self._stamp = data, stamp
        return data

    def _read_url(self) -> bytes:
        now = self._clock()
        if now < self._until:
            if self._failure is not None:
                raise self._failure
            assert self._data is not None
            return self._data
        if not self.location.startswith("https://"):
            raise RegistryError(f"registry {self.location} is not an https URL",
                                code="insecure_url")
        if self._fetch is None:
            raise RegistryError(
                f"registry {self.location} is a URL and fetching is off here",
                code="registry_unavailable",
            )
        try:
            data = self._fetch(self.location)
        except VCError as exc:
            self._failure = RegistryError(
                f"cannot fetch registry {self.location}: {exc.message}",
                code="registry_unavailable",
            )
            self._until = now + FAILURE_TTL
            raise self._failure from None
        self._data, self._failure, self._until = data, None, now + self._ttl
        return data


def _default_name(location: str) -> str:
    if _is_url(location):
        parts = urlsplit(location)
        return (parts.netloc + parts.path).rstrip("/")
    return os.path.basename(location) or location


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


# -- registries ----------------------------------------------------------------------------------


class TrustRegistry:
    """A registry of issuers; :meth:`lookup` answers for one issuer id."""

    kind = ""

    def __init__(self, source: _Source, *, name: str | None) -> None:
        self._source = source
        self._name = name
        self._loaded_from: bytes | None = None
        self._lock = threading.Lock()

    @property
    def source(self) -> str:
        return self._source.location

    @property
    def name(self) -> str:
        return self._name or self._own_name() or _default_name(self.source)

    def _own_name(self) -> str:
        return ""

    def load(self) -> None:
        """Read (or re-read, when it changed) and check the registry; raise
        :class:`RegistryError` when it is malformed or unavailable."""
        data = self._source.read()
        with self._lock:
            if data is not self._loaded_from:
                self._parse(data)
                self._loaded_from = data

    def _parse(self, data: bytes) -> None:
        raise NotImplementedError

    def lookup(self, issuer_id: str) -> RegistryListing | None:
        raise NotImplementedError


def _json(data: bytes, where: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise RegistryError(f"registry {where} is not JSON: {exc}",
                            code="malformed_registry") from None


class DccRegistry(TrustRegistry):
    """The DCC's issuer registry format: ``registry`` maps each DID to ``name``, ``url`` and
    ``location`` (``legalName`` too, when given)."""

    kind = "dcc"

    def __init__(self, source: _Source, *, name: str | None = None) -> None:
        super().__init__(source, name=name)
        self._entries: dict[str, dict[str, str]] = {}
        self._meta_name = ""

    def _own_name(self) -> str:
        return self._meta_name

    def _parse(self, data: bytes) -> None:
        self._load_document(_json(data, self.source))

    def _load_document(self, document: Any) -> None:
        where = f"registry {self.source}"
        if not isinstance(document, dict) or not isinstance(document.get("registry"), dict):
            raise RegistryError(f"{where} has no 'registry' object mapping DIDs to issuers",
                                code="malformed_registry")
        entries: dict[str, dict[str, str]] = {}
        for did, entry in document["registry"].items():
            if not did.strip():
                raise RegistryError(f"{where} lists an empty issuer id",
                                    code="malformed_registry")
            if not isinstance(entry, dict) or not _text(entry.get("name")):
                raise RegistryError(f"{where}: the entry for {did} has no 'name'",
                                    code="malformed_registry")
            for member in ("url", "location", "legalName"):
                if member in entry and not isinstance(entry[member], str):
                    raise RegistryError(f"{where}: the entry for {did} has a '{member}' that "
                                        "is not a string", code="malformed_registry")
            entries[did] = {k: _text(v) for k, v in entry.items() if isinstance(v, str)}
        meta = document.get("meta")
        self._meta_name = _text(meta.get("name")) if isinstance(meta, dict) else ""
        self._entries = entries

    def lookup(self, issuer_id: str) -> RegistryListing | None:
        self.load()
        entry = self._entries.get(issuer_id)
        if entry is None:
            return None
        known = {"name", "url", "location", "legalName"}
        return RegistryListing(
            registry=self.name, source=self.source, kind=self.kind, issuer_id=issuer_id,
            name=entry["name"], url=entry.get("url", ""), location=entry.get("location", ""),
            legal_name=entry.get("legalName", ""),
            other={k: v for k, v in entry.items() if k not in known and v},
        )


class FederationRegistry(TrustRegistry):
    """An OpenID Federation trust anchor: its entity configuration (trusted as configured:
    the file the installation keeps, or what its HTTPS URL serves), statements held with it,
    and, when ``fetch`` is given, its ``federation_fetch_endpoint``."""

    kind = "openid-federation"

    def __init__(self, source: _Source, *, name: str | None = None, fetch: Fetch | None = None,
                 ttl: float = DEFAULT_TTL, clock: Clock = time.time) -> None:
        super().__init__(source, name=name)
        self._fetch = fetch
        self._ttl = ttl
        self._clock = clock
        self._anchor: oidf.EntityStatement | None = None
        self._about: dict[str, list[oidf.EntityStatement]] = {}
        self._configurations: dict[str, oidf.EntityStatement] = {}
        self._answers: dict[str, tuple[float, RegistryListing | None]] = {}
        self._fetched: dict[str, tuple[float, oidf.EntityStatement | None]] = {}

    @property
    def anchor_id(self) -> str:
        self.load()
        assert self._anchor is not None
        return self._anchor.sub

    def _own_name(self) -> str:
        if self._anchor is None:
            return ""
        entity = self._anchor.metadata.get("federation_entity")
        return _text(entity.get("organization_name")) if isinstance(entity, dict) else ""

    def _parse(self, data: bytes) -> None:
        where = f"registry {self.source}"
        text = data.decode("utf-8-sig", errors="replace").strip()
        tokens: list[str]
        if text.startswith("["):
            document = _json(data, self.source)
            tokens = []
            for item in document:
                for token in item if isinstance(item, list) else [item]:
                    if not isinstance(token, str):
                        raise RegistryError(f"{where}: an OpenID Federation registry file is "
                                            "a JSON array of entity statements (JWTs)",
                                            code="malformed_registry")
                    tokens.append(token)
        else:
            tokens = [text]
        try:
            statements = [oidf.parse_statement(t, where=where) for t in dict.fromkeys(tokens)]
        except oidf.FederationError as exc:
            raise RegistryError(exc.message, code="malformed_registry") from None
        anchors = [s for s in statements if s.is_configuration and not s.authority_hints]
        if len(anchors) != 1:
            raise RegistryError(
                f"{where} must hold exactly one trust anchor entity configuration (a statement "
                f"about itself with no authority_hints); it holds {len(anchors)}",
                code="malformed_registry",
            )
        anchor = anchors[0]
        if not anchor.keys():
            raise RegistryError(f"{where}: the trust anchor {anchor.sub} states no keys (jwks)",
                                code="malformed_registry")
        try:
            oidf.verify_chain([anchor], anchor_keys=anchor.keys(), now=self._clock())
        except oidf.FederationError as exc:
            raise RegistryError(f"{where}: {exc.message}", code=exc.code) from None
        about: dict[str, list[oidf.EntityStatement]] = {}
        configurations: dict[str, oidf.EntityStatement] = {}
        for statement in statements:
            if statement.is_configuration:
                configurations[statement.sub] = statement
            else:
                about.setdefault(statement.sub, []).append(statement)
        self._anchor, self._about, self._configurations = anchor, about, configurations
        self._answers.clear()

    # -- building chains --

    def _fetch_endpoint(self) -> str:
        assert self._anchor is not None
        entity = self._anchor.metadata.get("federation_entity")
        endpoint = entity.get("federation_fetch_endpoint") if isinstance(entity, dict) else None
        return endpoint if isinstance(endpoint, str) and endpoint.startswith("https://") else ""

    def _fetched_about(self, subject: str) -> list[oidf.EntityStatement]:
        """The anchor's own statement about ``subject`` from its fetch endpoint (section 8.1),
        when the file holds none; ``[]`` when the anchor answers 404 (it lists no such
        entity)."""
        endpoint = self._fetch_endpoint()
        if self._fetch is None or not endpoint:
            return []
        now = self._clock()
        cached = self._fetched.get(subject)
        if cached is not None and cached[0] > now:
            return [cached[1]] if cached[1] is not None else []
        url = f"{endpoint}{'&' if '?' in endpoint else '?'}sub={quote(subject, safe='')}"
        statement: oidf.EntityStatement | None
        try:
            data = self._fetch(url)
        except ResolutionError as exc:
            if exc.details.get("status") == 404:
                statement = None
            else:
                raise RegistryError(
                    f"{self.name} could not be asked about {subject}: {exc.message}",
                    code="registry_unavailable",
                ) from None
        else:
            try:
                statement = oidf.parse_statement(data.decode("utf-8", errors="replace"),
                                                 where=url)
            except oidf.FederationError as exc:
                raise RegistryError(exc.message, code="malformed_registry") from None
            assert self._anchor is not None
            if statement.iss != self._anchor.sub or statement.sub != subject:
                raise RegistryError(
                    f"{url} answered with a statement by {statement.iss} about "
                    f"{statement.sub}, not by {self._anchor.sub} about {subject}",
                    code="broken_chain",
                )
        if len(self._fetched) >= _MAX_CACHED_ANSWERS:
            self._fetched.clear()
        until = now + self._ttl if statement is None else min(now + self._ttl, statement.exp)
        self._fetched[subject] = (until, statement)
        return [statement] if statement is not None else []

    def _chains_up(
        self, subject: str, depth: int, seen: frozenset[str]
    ) -> Iterable[list[oidf.EntityStatement] | oidf.FederationError]:
        """Every chain of statements from one about ``subject`` up to the anchor (or why a
        path up fails before any signature is checked)."""
        assert self._anchor is not None
        if depth > MAX_CHAIN_DEPTH or subject in seen:
            return
        for statement in self._about.get(subject) or self._fetched_about(subject):
            if statement.iss == self._anchor.sub:
                yield [statement, self._anchor]
                continue
            # An intermediate's own entity configuration, when held, must name the superior
            # that vouches for it (section 3.1.2, authority_hints).
            configuration = self._configurations.get(statement.iss)
            for rest in self._chains_up(statement.iss, depth + 1, seen | {subject}):
                if isinstance(rest, oidf.FederationError):
                    yield rest
                elif configuration is not None and \
                        rest[0].iss not in configuration.authority_hints:
                    yield oidf.FederationError(
                        f"{statement.iss} does not name {rest[0].iss} among its "
                        "authority_hints", code="authority_not_hinted",
                    )
                else:
                    yield [statement, *rest]

    def _chains_for(
        self, issuer_id: str
    ) -> Iterable[list[oidf.EntityStatement] | oidf.FederationError]:
        leaf = self._configurations.get(issuer_id)
        for chain in self._chains_up(issuer_id, 0, frozenset()):
            if isinstance(chain, list) and leaf is not None and leaf is not self._anchor:
                yield [leaf, *chain]
            else:
                yield chain

    def lookup(self, issuer_id: str) -> RegistryListing | None:
        """The listing when a valid trust chain runs from ``issuer_id`` to the anchor;
        ``None`` when no statement is about it; :class:`RegistryError` (with the federation's
        code) when statements about it exist but none makes a valid chain."""
        self.load()
        now = self._clock()
        cached = self._answers.get(issuer_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        assert self._anchor is not None
        failure: oidf.FederationError | None = None
        listing: RegistryListing | None = None
        for chain in self._chains_for(issuer_id):
            try:
                if isinstance(chain, oidf.FederationError):
                    raise chain
                oidf.verify_chain(chain, anchor_keys=self._anchor.keys(), now=now)
                listing = self._listing(issuer_id, chain)
            except oidf.FederationError as exc:
                failure = failure or exc
                continue
            break
        if listing is None and failure is not None:
            raise RegistryError(f"{self.name}: {failure.message}", code=failure.code)
        if len(self._answers) >= _MAX_CACHED_ANSWERS:
            self._answers.clear()
        expires = listing.expires.timestamp() if listing and listing.expires else now + self._ttl
        self._answers[issuer_id] = (min(now + self._ttl, expires), listing)
        return listing

    def _listing(self, issuer_id: str, chain: list[oidf.EntityStatement]) -> RegistryListing:
        metadata = oidf.resolve_metadata(chain)
        entity = metadata.get("federation_entity", {})
        extra = metadata.get("institution_additional_information", {})
        other: dict[str, str] = {}
        for kind, member, label in (("ror_entity", "url", "rorUrl"),
                                    ("credential_registry_entity", "url", "credentialEngineUrl"),
                                    ("federation_entity", "policy_uri", "policyUri")):
            value = metadata.get(kind, {}).get(member)
            if _text(value):
                other[label] = _text(value)
        ids = [chain[0].sub] + [s.iss for s in chain if not s.is_configuration]
        return RegistryListing(
            registry=self.name, source=self.source, kind=self.kind, issuer_id=issuer_id,
            name=_text(entity.get("organization_name")), url=_text(entity.get("homepage_uri")),
            location=_text(entity.get("location")),
            legal_name=_text(extra.get("legal_name")) if isinstance(extra, dict) else "",
            other=other, trust_chain=tuple(dict.fromkeys(ids)),
            expires=datetime.fromtimestamp(min(s.exp for s in chain), UTC),
        )


# -- configuration -------------------------------------------------------------------------------


def _kind_of(data: bytes) -> str:
    text = data.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("{"):
        return "dcc"
    if text.startswith("[") or text.startswith("ey"):
        return "openid-federation"
    return ""


class _Detected(TrustRegistry):
    """A registry whose kind is read from its content on first use (a DCC registry is a JSON
    object; an OpenID Federation one a JWT or a JSON array of them)."""

    def __init__(self, source: _Source, *, name: str | None, fetch: Fetch | None, ttl: float,
                 clock: Clock) -> None:
        super().__init__(source, name=name)
        self._options = {"fetch": fetch, "ttl": ttl, "clock": clock}
        self._inner: TrustRegistry | None = None

    @property
    def kind(self) -> str:  # type: ignore[override]
        return self._inner.kind if self._inner is not None else ""

    @property
    def name(self) -> str:
        return self._inner.name if self._inner is not None else super().name

    def load(self) -> None:
        if self._inner is None:
            data = self._source.read()
            kind = _kind_of(data)
            if kind == "dcc":
                self._inner = DccRegistry(self._source, name=self._name)
            elif kind == "openid-federation":
                self._inner = FederationRegistry(self._source, name=self._name,
                                                 **self._options)  # type: ignore[arg-type]
            else:
                raise RegistryError(
                    f"registry {self.source} is neither a DCC issuer registry (a JSON object "
                    "with 'registry') nor OpenID Federation entity statements (a JWT, or a "
                    "JSON array of them); for a trust anchor, give its "
                    "/.well-known/openid-federation URL",
                    code="malformed_registry",
                )
        self._inner.load()

    def lookup(self, issuer_id: str) -> RegistryListing | None:
        self.load()
        assert self._inner is not None
        return self._inner.lookup(issuer_id)


def registry_from(location: str, *, name: str | None = None, fetch: Fetch | None = None,
                  ttl: float = DEFAULT_TTL, clock: Clock = time.time) -> TrustRegistry:
    """A registry read from ``location`` (a file path or an HTTPS URL, fetched with ``fetch``;
    without it a URL is unavailable), its kind read from its content on first use."""
    location = location.strip()
    if not location:
        raise RegistryError("a registry needs a file or URL", code="malformed_registry")
    source = _Source(location, fetch=fetch, ttl=ttl, clock=clock)
    return _Detected(source, name=name, fetch=fetch, ttl=ttl, clock=clock)


def split_registry_setting(text: str) -> list[tuple[str | None, str]]:
    """``[NAME=]FILE_OR_URL`` entries separated by commas or new lines, as
    ``(name or None, location)``. A name may hold spaces ("DCC Member Registry=https://...");
    an ``=`` after ``://`` belongs to the URL."""
    return [parse_registry_entry(raw) for raw in text.replace("\n", ",").split(",")
            if raw.strip()]


def parse_registry_entry(entry: str) -> tuple[str | None, str]:
    """One ``[NAME=]FILE_OR_URL`` as ``(name or None, location)``."""
    entry = entry.strip()
    name, sep, location = entry.partition("=")
    if sep and "://" not in name and "/" not in name and name.strip() and location.strip():
        return name.strip(), location.strip()
    return None, entry


class TrustRegistries:
    """The registries an installation trusts, in order (most authoritative first, as the DCC's
    registry client orders them). An empty set lists no one."""

    def __init__(self, registries: Sequence[TrustRegistry] = ()) -> None:
        self.registries = tuple(registries)

    def __bool__(self) -> bool:
        return bool(self.registries)

    def load(self) -> None:
        """Check every registry now (the CLI does, so a malformed one stops it)."""
        for registry in self.registries:
            registry.load()

    def search(self, issuer_id: str) -> RegistrySearch:
        unchecked: list[RegistryProblem] = []
        for registry in self.registries:
            try:
                listing = registry.lookup(issuer_id)
            except VCError as exc:
                _log.warning("issuer registry %s could not answer for %s: %s [%s]",
                             registry.source, issuer_id, exc.message, exc.code)
                unchecked.append(RegistryProblem(registry.name, registry.source, exc.code,
                                                 exc.message))
                continue
            if listing is not None:
                return RegistrySearch(listing, tuple(unchecked))
        return RegistrySearch(None, tuple(unchecked))

    def lookup(self, issuer_id: str) -> RegistryListing | None:
        return self.search(issuer_id).listing


def registries_from(entries: Iterable[str | tuple[str | None, str]], *,
                    fetch: Fetch | None = None, ttl: float = DEFAULT_TTL,
                    clock: Clock = time.time) -> TrustRegistries:
    """:class:`TrustRegistries` from ``[NAME=]FILE_OR_URL`` strings or ``(name, location)``
    pairs."""
    registries: list[TrustRegistry] = []
    for entry in entries:
        if isinstance(entry, str):
            pairs = split_registry_setting(entry)
        else:
            pairs = [entry]
        for name, location in pairs:
            registries.append(registry_from(location, name=name, fetch=fetch, ttl=ttl,
                                            clock=clock))
    return TrustRegistries(registries)
