"""OpenID Federation 1.0: entity statements and trust chains, as far as an issuer registry needs.

A federation's trust anchor vouches for its members through signed *entity statements*
(section 3): an entity's own *entity configuration* (``iss`` = ``sub``, self-signed, published at
``/.well-known/openid-federation``, section 9) and *subordinate statements* that a superior
(the trust anchor or an intermediate) signs about the entity below it. A *trust chain*
(section 4) runs from the leaf up to the trust anchor's entity configuration; validating it
(section 10.2) means: every statement in date (``iat`` in the past, ``exp`` in the future),
each link's ``iss`` the ``sub`` of the link above, each link signed with a key that the link
above states for its issuer (``jwks``), and the top one signed with the trust anchor's own keys.

The Digital Credentials Consortium runs its issuer registry this way: its trust anchor's
subordinate statements have the issuer's DID as ``sub`` and the issuer's name in
``metadata.federation_entity.organization_name``; a DID has no entity configuration of its own,
so such a chain starts at the subordinate statement. A leaf that does publish an entity
configuration (an entity whose identifier is the issuer's id) starts the chain with it, and its
``authority_hints`` must name the superior that vouches for it.

Only what naming an issuer needs is implemented: the chain, its signatures and dates, ``crit``,
the superior's ``metadata`` overriding the leaf's, and the metadata policy operators ``value``,
``default``, ``one_of`` and ``essential`` (section 6.1); a chain whose ``metadata_policy_crit``
names any other operator is refused, as the specification requires. Trust marks, constraints
and the resolve endpoint are not used.
"""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import JWKRegistry

from ..errors import VCError

__all__ = [
    "ENTITY_STATEMENT_TYPE",
    "FederationError",
    "EntityStatement",
    "parse_statement",
    "verify_chain",
    "resolve_metadata",
]

#: Section 3: every entity statement is explicitly typed.
ENTITY_STATEMENT_TYPE = "entity-statement+jwt"
#: Algorithms a statement may be signed with (``none`` and HMAC never: a statement is public).
ALGORITHMS = ("ES256", "ES384", "ES512", "EdDSA", "Ed25519", "RS256", "PS256")
#: The claims section 3.1 defines; a ``crit`` naming anything else is not understood.
_UNDERSTOOD_CLAIMS = frozenset({
    "iss", "sub", "iat", "exp", "jwks", "metadata", "metadata_policy", "authority_hints",
    "constraints", "crit", "metadata_policy_crit", "trust_marks", "trust_mark_issuers",
    "trust_mark_owners", "source_endpoint", "jti",
})
_POLICY_OPERATORS = frozenset({"value", "default", "one_of", "essential"})
#: Seconds of clock difference tolerated on ``iat``.
CLOCK_SKEW = 60
MAX_STATEMENT_CHARS = 256 * 1024


class FederationError(VCError):
    """An entity statement or trust chain that cannot be trusted; ``code`` says why."""

    code = "federation_error"


@dataclass(frozen=True)
class EntityStatement:
    """One entity statement, parsed but not yet trusted (its signature is checked by
    :func:`verify_chain`)."""

    token: str
    header: dict[str, Any]
    claims: dict[str, Any] = field(repr=False)

    @property
    def iss(self) -> str:
        return str(self.claims["iss"])

    @property
    def sub(self) -> str:
        return str(self.claims["sub"])

    @property
    def exp(self) -> int:
        return int(self.claims["exp"])

    @property
    def is_configuration(self) -> bool:
        """An entity configuration: about itself, signed by itself."""
        return self.iss == self.sub

    @property
    def authority_hints(self) -> tuple[str, ...]:
        hints = self.claims.get("authority_hints")
        return tuple(h for h in hints if isinstance(h, str)) if isinstance(hints, list) else ()

    @property
    def metadata(self) -> dict[str, Any]:
        metadata = self.claims.get("metadata")
        return metadata if isinstance(metadata, dict) else {}

    def keys(self) -> list[dict[str, Any]]:
        jwks = self.claims.get("jwks")
        keys = jwks.get("keys") if isinstance(jwks, dict) else None
        return [k for k in keys if isinstance(k, dict)] if isinstance(keys, list) else []


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def parse_statement(token: str, *, where: str) -> EntityStatement:
    """Header and claims of an entity statement, checked for shape (section 3): explicitly
    typed, signed with an accepted algorithm, with ``iss``, ``sub``, ``iat`` and ``exp``."""
    token = token.strip()
    parts = token.split(".")
    if len(token) > MAX_STATEMENT_CHARS or len(parts) != 3:
        raise FederationError(
            f"{where}: an entity statement must be one compact JWS", code="malformed_statement"
        )
    try:
        header = json.loads(_unb64(parts[0]))
        claims = json.loads(_unb64(parts[1]))
    except (ValueError, RecursionError):
        raise FederationError(
            f"{where}: the entity statement is not base64url JSON", code="malformed_statement"
        ) from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise FederationError(
            f"{where}: the entity statement's header and claims must be JSON objects",
            code="malformed_statement",
        )
    if header.get("typ") != ENTITY_STATEMENT_TYPE:
        raise FederationError(
            f"{where}: typ is {header.get('typ')!r}, not '{ENTITY_STATEMENT_TYPE}' "
            "(OpenID Federation 1.0 section 3)",
            code="malformed_statement",
        )
    if header.get("alg") not in ALGORITHMS:
        raise FederationError(
            f"{where}: algorithm {header.get('alg')!r} is not accepted "
            f"(accepted: {', '.join(ALGORITHMS)})",
            code="unsupported_algorithm",
        )
    for claim in ("iss", "sub"):
        if not isinstance(claims.get(claim), str) or not claims[claim]:
            raise FederationError(
                f"{where}: the entity statement has no '{claim}'", code="malformed_statement"
            )
    for claim in ("iat", "exp"):
        if not isinstance(claims.get(claim), int | float) or isinstance(claims[claim], bool):
            raise FederationError(
                f"{where}: the entity statement about {claims['sub']} has no numeric '{claim}'",
                code="malformed_statement",
            )
    crit = claims.get("crit")
    if crit is not None:
        unknown = [c for c in crit if c not in _UNDERSTOOD_CLAIMS] if isinstance(crit, list) \
            else ["(not a list)"]
        if unknown:
            raise FederationError(
                f"{where}: the statement about {claims['sub']} marks claims microcred does not "
                f"understand as critical: {', '.join(map(str, unknown))}",
                code="unsupported_critical_claim",
            )
    policy_crit = claims.get("metadata_policy_crit")
    if policy_crit is not None:
        unknown = [op for op in policy_crit if op not in _POLICY_OPERATORS] \
            if isinstance(policy_crit, list) else ["(not a list)"]
        if unknown:
            raise FederationError(
                f"{where}: the statement about {claims['sub']} needs metadata policy operators "
                f"microcred does not apply: {', '.join(map(str, unknown))}",
                code="unsupported_critical_claim",
            )
    return EntityStatement(token, header, claims)


def _registry(alg: str) -> jws.JWSRegistry:
    registry = jws.JWSRegistry(algorithms=[alg], strict_check_header=False)
    registry.max_header_length = 64 * 1024  # a trust_chain header carries whole statements
    registry.max_payload_length = MAX_STATEMENT_CHARS
    return registry


def verify_signature(statement: EntityStatement, keys: Iterable[Mapping[str, Any]]) -> None:
    """The statement is signed by one of ``keys`` (the ``kid`` chooses, when given)."""
    kid = statement.header.get("kid")
    candidates = [k for k in keys if kid is None or k.get("kid") == kid]
    if not candidates:
        raise FederationError(
            f"no key {kid!r} is stated for {statement.iss}, so its statement about "
            f"{statement.sub} cannot be checked",
            code="unknown_statement_key",
        )
    alg = str(statement.header["alg"])
    for jwk in candidates:
        if any(part in jwk for part in ("d", "p", "q", "k")):
            raise FederationError(
                f"the keys stated for {statement.iss} include a private or secret key",
                code="private_key_in_statement",
            )
        try:
            key = JWKRegistry.import_key(dict(jwk))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SecurityWarning)
                jws.deserialize_compact(statement.token, key, registry=_registry(alg))
        except (JoseError, ValueError, TypeError):
            continue
        return
    raise FederationError(
        f"the statement by {statement.iss} about {statement.sub} is not signed with a key "
        "stated for its issuer: it was changed or signed by someone else",
        code="invalid_statement_signature",
    )


def _check_dates(statement: EntityStatement, now: float) -> None:
    if statement.claims["iat"] > now + CLOCK_SKEW:
        raise FederationError(
            f"the statement by {statement.iss} about {statement.sub} is issued in the future",
            code="statement_not_yet_valid",
        )
    if statement.exp <= now:
        raise FederationError(
            f"the statement by {statement.iss} about {statement.sub} expired "
            f"(exp {statement.exp})",
            code="statement_expired",
        )


def verify_chain(chain: list[EntityStatement], *, anchor_keys: list[dict[str, Any]],
                 now: float) -> None:
    """Validate a trust chain as section 10.2 describes; ``chain[-1]`` is the trust anchor's
    entity configuration, signed with ``anchor_keys`` (the keys configured for the anchor).

    Raises :class:`FederationError` naming the first link that fails."""
    if not chain or not chain[-1].is_configuration:
        raise FederationError("a trust chain ends with the trust anchor's entity configuration",
                              code="broken_chain")
    for statement in chain:
        _check_dates(statement, now)
    for lower, upper in zip(chain, chain[1:], strict=False):
        if lower.iss != upper.sub:
            raise FederationError(
                f"the trust chain is broken: {lower.iss} signed a statement, but the link above "
                f"it is about {upper.sub}",
                code="broken_chain",
            )
        verify_signature(lower, upper.keys())
    verify_signature(chain[-1], anchor_keys)
    if chain[0].is_configuration and len(chain) > 1 and chain[1].iss not in \
            chain[0].authority_hints:
        raise FederationError(
            f"{chain[0].sub} does not name {chain[1].iss} among its authority_hints",
            code="authority_not_hinted",
        )


def resolve_metadata(chain: list[EntityStatement]) -> dict[str, Any]:
    """The leaf's metadata as the chain states it: its own entity configuration's (when the
    chain starts with one), overridden claim by claim by its immediate superior's ``metadata``
    (section 6), then each superior's ``metadata_policy`` from the trust anchor down."""
    leaf = chain[0]
    own = leaf.metadata if leaf.is_configuration else {}
    resolved: dict[str, Any] = {k: dict(v) for k, v in own.items() if isinstance(v, dict)}
    superior = chain[1] if leaf.is_configuration and len(chain) > 1 else leaf
    if not superior.is_configuration:  # a subordinate statement about the leaf
        for kind, claims in superior.metadata.items():
            if isinstance(claims, dict):
                resolved.setdefault(kind, {}).update(claims)
    subordinates = [s for s in chain[:-1] if not s.is_configuration]
    for statement in reversed(subordinates):
        policy = statement.claims.get("metadata_policy")
        if isinstance(policy, dict):
            _apply_policy(resolved, policy, statement)
    return resolved


def _apply_policy(metadata: dict[str, Any], policy: Mapping[str, Any],
                  statement: EntityStatement) -> None:
    for kind, claims in policy.items():
        if not isinstance(claims, dict):
            continue
        target = metadata.setdefault(kind, {})
        for claim, operators in claims.items():
            if not isinstance(operators, dict):
                continue
            if "value" in operators:
                if operators["value"] is None:
                    target.pop(claim, None)
                else:
                    target[claim] = operators["value"]
            if "default" in operators and claim not in target:
                target[claim] = operators["default"]
            if "one_of" in operators and claim in target and isinstance(
                operators["one_of"], list
            ) and target[claim] not in operators["one_of"]:
                raise FederationError(
                    f"{statement.iss}'s metadata policy does not allow {kind}.{claim} = "
                    f"{target[claim]!r}",
                    code="metadata_policy_violation",
                )
            if operators.get("essential") is True and claim not in target:
                raise FederationError(
                    f"{statement.iss}'s metadata policy requires {kind}.{claim}",
                    code="metadata_policy_violation",
                )
