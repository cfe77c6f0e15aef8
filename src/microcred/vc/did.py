"""Resolving issuers' keys: did:key (offline), did:web and https controller documents (network).

did:key (W3C CCG did:key v0.7, section 3.1): the DID document is derived from the key itself, so
anyone verifies offline; so is did:jwk (W3C CCG did:jwk, section 2.2), the base64url of a public
JWK whose one verification method is ``#0``. did:web (W3C CCG did:web, section 3.2):
``did:web:host[:path]`` is the document at ``https://host[/path]/.well-known/did.json``
(``/path/did.json`` when a path is given). Network resolution is off unless the caller allows
it; when on, it is bounded in time and size, https only, cached, and the caller may supply a guard
that refuses addresses.
"""

from __future__ import annotations

import base64
import binascii
import json
import ssl
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import KeyFormatError, ResolutionError
from .fetch import fetch_bytes
from .keys import (
    P256_PUB,
    P384_PUB,
    EcdsaPublicMultikey,
    Ed25519PublicMultikey,
    PublicKey,
    public_key_from_jwk,
    public_key_from_multibase,
)
from .multibase import ED25519_PUB, decode_base58btc

__all__ = [
    "VerificationMethod",
    "Resolver",
    "did_jwk_document",
    "did_key_document",
    "did_web_url",
]

DocumentSource = Callable[[str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class VerificationMethod:
    id: str
    type: str
    controller: str
    #: An :class:`Ed25519PublicMultikey` or :class:`EcdsaPublicMultikey`, or a public JWK dict.
    key: PublicKey | dict[str, Any]
    #: Verification relationships that list this method in its controller's document.
    relationships: frozenset[str]


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document of an Ed25519, P-256 or P-384 did:key; any other key type is refused."""
    fingerprint = did.removeprefix("did:key:").split("#", 1)[0]
    key: PublicKey
    try:
        key = Ed25519PublicMultikey.from_multibase(fingerprint)  # cached: the common case
    except KeyFormatError:
        raw = decode_base58btc(fingerprint, what="did:key")
        if raw[:2] in (P256_PUB, P384_PUB):  # vc-di-ecdsa 2.1.1: did:key of a NIST curve
            key = EcdsaPublicMultikey.from_multibase(fingerprint)
        elif raw[:2] != ED25519_PUB:
            raise KeyFormatError(
                f"did:key {did} is not an Ed25519, P-256 or P-384 key "
                f"(multicodec 0x{raw[:2].hex()})",
                code="unsupported_key_type",
            ) from None
        else:
            raise
    vm_id = f"{key.did}#{fingerprint}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": key.did,
        "verificationMethod": [key.multikey_document(vm_id, key.did)],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }


def did_jwk_document(did: str) -> dict[str, Any]:
    """The DID document of a did:jwk (W3C CCG did:jwk, section 2.2 "Read"): the method-specific
    id is the base64url (no padding) of a public JWK; its one verification method is ``#0``,
    for signing unless the JWK's ``use`` is ``enc`` (then key agreement only)."""
    value = did.removeprefix("did:jwk:").split("#", 1)[0]
    try:
        if not value or "=" in value:
            raise ValueError
        jwk = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        raise ResolutionError(f"{did} does not encode a JWK", code="invalid_did") from None
    if not isinstance(jwk, dict):
        raise ResolutionError(f"{did} does not encode a JWK object", code="invalid_did")
    public_key_from_jwk(jwk)  # refuses private, malformed and unsupported keys
    base = f"did:jwk:{value}"
    vm_id = f"{base}#0"
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": base,
        "verificationMethod": [
            {"type": "JsonWebKey", "id": vm_id, "controller": base, "publicKeyJwk": jwk}
        ],
    }
    if jwk.get("use") != "enc":
        for relationship in (
            "authentication",
            "assertionMethod",
            "capabilityInvocation",
            "capabilityDelegation",
        ):
            document[relationship] = [vm_id]
    if jwk.get("use") != "sig":
        document["keyAgreement"] = [vm_id]
    return document


def did_web_url(did: str) -> str:
    """The https URL of a did:web document (did:web spec, section 3.2.1)."""
    parts = did.removeprefix("did:web:").split("#", 1)[0].split(":")
    if not parts or not parts[0]:
        raise ResolutionError(f"{did} is not a valid did:web", code="invalid_did")
    host = urllib.parse.unquote(parts[0])
    if "/" in host or "@" in host:
        raise ResolutionError(f"{did} has an invalid host", code="invalid_did")
    path = "/".join(urllib.parse.quote(urllib.parse.unquote(p), safe="") for p in parts[1:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


class Resolver:
    """Turns a verification method id into a key, from DID documents and controller documents.

    ``documents`` and ``source`` let a platform answer for its own identifiers without the
    network (``source(id)`` returns a document or ``None``). ``guard(url)`` may raise to refuse a
    URL before it is fetched (private addresses, for example). ``timeout`` is the time each
    fetch may take in all, connection to last byte (:func:`microcred.vc.fetch.fetch_bytes`;
    ``None``: its ``DEFAULT_TIMEOUT``).
    """

    def __init__(
        self,
        *,
        allow_network: bool = False,
        documents: Mapping[str, Mapping[str, Any]] | None = None,
        source: DocumentSource | None = None,
        guard: Callable[[str], None] | None = None,
        timeout: float | None = None,
        max_bytes: int = 256 * 1024,
        cache_seconds: float = 300.0,
        ssl_context: ssl.SSLContext | None = None,
        allow_private_addresses: bool = False,
    ) -> None:
        self.allow_network = allow_network
        self.documents = dict(documents or {})
        self.source = source
        self.guard = guard
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.cache_seconds = cache_seconds
        self.ssl_context = ssl_context
        self.allow_private_addresses = allow_private_addresses
        self._cache: dict[str, tuple[float, Mapping[str, Any]]] = {}

    def document(self, identifier: str) -> Mapping[str, Any]:
        """The DID or controller document for ``identifier`` (a fragment is ignored)."""
        base = identifier.split("#", 1)[0]
        if base in self.documents:
            return self.documents[base]
        if self.source is not None:
            found = self.source(base)
            if found is not None:
                return found
        if base.startswith("did:key:"):
            return did_key_document(base)
        if base.startswith("did:jwk:"):
            return did_jwk_document(base)
        if base.startswith("did:web:"):
            return self._fetch(did_web_url(base), base)
        if base.startswith("https://"):
            return self._fetch(base, base)
        method = base.split(":", 2)[1] if base.startswith("did:") and ":" in base[4:] else None
        raise ResolutionError(
            f"cannot resolve {base}: "
            + (f"the DID method '{method}' is not supported" if method else "unsupported scheme"),
            code="unsupported_did_method",
        )

    def verification_method(self, vm_id: str) -> VerificationMethod:
        if self.source is None and vm_id.startswith(("did:key:", "did:jwk:")):
            if vm_id.split("#", 1)[0] not in self.documents:
                # Nothing overrides it: a pure function of the id, cached.
                return _did_key_method(vm_id)
        return self._verification_method(vm_id)

    def _verification_method(self, vm_id: str) -> VerificationMethod:
        controller_doc = self.document(vm_id)
        methods = controller_doc.get("verificationMethod", [])
        candidates = (
            [m for m in methods if isinstance(m, Mapping)] if isinstance(methods, list) else []
        )
        # DID Core 5.3: a relationship may embed its verification method instead of naming it.
        for name in ("assertionMethod", "authentication"):
            embedded = controller_doc.get(name)
            if isinstance(embedded, list):
                candidates.extend(m for m in embedded if isinstance(m, Mapping))
        # A controller document may also *be* the verification method (https key documents).
        if controller_doc.get("id") == vm_id and "type" in controller_doc:
            candidates.append(controller_doc)
        for method in candidates:
            if _absolute(method.get("id", ""), controller_doc) == vm_id:
                return self._method(vm_id, method, controller_doc)
        raise ResolutionError(
            f"{vm_id} is not a verification method of {controller_doc.get('id', vm_id)}",
            code="verification_method_not_found",
        )

    def _method(
        self, vm_id: str, method: Mapping[str, Any], controller_doc: Mapping[str, Any]
    ) -> VerificationMethod:
        kind = str(method.get("type", ""))
        controller = str(method.get("controller", controller_doc.get("id", "")))
        key: PublicKey | dict[str, Any]
        if "publicKeyMultibase" in method and kind in ("Multikey", "Ed25519VerificationKey2020"):
            key = public_key_from_multibase(str(method["publicKeyMultibase"]))
        elif "publicKeyBase58" in method and kind == "Ed25519VerificationKey2018":
            # Ed25519 Signature 2018 (W3C CCG): the raw 32-byte key in bare base58btc.
            raw = decode_base58btc("z" + str(method["publicKeyBase58"]), what="publicKeyBase58")
            key = Ed25519PublicMultikey.from_bytes(raw)
        elif isinstance(method.get("publicKeyJwk"), Mapping):
            key = dict(method["publicKeyJwk"])
        else:
            raise ResolutionError(
                f"verification method {vm_id} has type '{kind}' with no usable public key",
                code="unsupported_key_type",
            )
        relationships = frozenset(
            name
            for name in ("assertionMethod", "authentication")
            if any(
                (
                    _absolute(ref, controller_doc)
                    if isinstance(ref, str)
                    else _absolute(ref.get("id", ""), controller_doc)
                    if isinstance(ref, Mapping)
                    else ""
                )
                == vm_id
                for ref in controller_doc.get(name, []) or []
            )
        )
        return VerificationMethod(vm_id, kind, controller, key, relationships)

    def _fetch(self, url: str, identifier: str) -> Mapping[str, Any]:
        cached = self._cache.get(url)
        if cached and time.monotonic() - cached[0] < self.cache_seconds:
            return cached[1]
        if not self.allow_network:
            raise ResolutionError(
                f"resolving {identifier} needs the network, which is not allowed here",
                code="network_disallowed",
            )
        body = fetch_bytes(
            url,
            accept="application/did+json, application/json",
            timeout=self.timeout,
            max_bytes=self.max_bytes,
            guard=self.guard,
            ssl_context=self.ssl_context,
            allow_private=self.allow_private_addresses,
        )
        try:
            document = json.loads(body)
        except ValueError:
            raise ResolutionError(f"{url} did not return JSON", code="invalid_document") from None
        if not isinstance(document, dict) or document.get("id") != identifier:
            raise ResolutionError(
                f"the document at {url} is not the document of {identifier}",
                code="invalid_document",
            )
        self._cache[url] = (time.monotonic(), document)
        return document


@lru_cache(maxsize=1024)
def _did_key_method(vm_id: str) -> VerificationMethod:
    """A did:key verification method, resolved as a resolver with no overrides does (its key
    and relationships are immutable; errors are raised each time, not cached)."""
    return Resolver()._verification_method(vm_id)


def _absolute(ref: str, controller_doc: Mapping[str, Any]) -> str:
    """Relative ``#fragment`` references are relative to the controller document's id."""
    if isinstance(ref, str) and ref.startswith("#"):
        return f"{controller_doc.get('id', '')}{ref}"
    return ref if isinstance(ref, str) else ""
