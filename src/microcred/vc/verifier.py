"""The verifier: one report for any credential, whatever form it arrives in.

A report lists one :class:`Check` per question a relying party asks, each ``passed``, ``failed``
or ``unknown`` with a sentence a person understands:

- ``format``: could the input be read (JSON-LD, compact JWS, baked PNG or SVG)?
- ``schema``: does it have the structure Open Badges 3.0 / VC 2.0 require?
- ``proof``: is every signature valid over exactly this content?
- ``issuer``: was it signed by a key the issuer controls (Data Integrity 1.0, section 4.4 step 5)?
- ``validity``: is it within its validity period?
- ``status``: has the issuer revoked or suspended it (Bitstring Status List, section 3.2)?

The checks answer three questions separately (``Report.answers``; issue 24): is it
**authentic** (format, proof, issuer), is it **valid now** (validity, status), and is it
**conformant** (schema). The verdict follows the first two; a conformance problem is shown as
such, never as "not verified". Something that could not be checked (a status list or key out of
reach) is ``unknown``, never ``passed``: the verdict is ``passed`` only when every check that
decides it passed.

Every sentence has a stable ``code`` and the ``params`` interpolated into it; :data:`MESSAGES`
holds the English template for each code, so an application can show the same sentence in
another language (its own template per code, with the same placeholders) while the English
``message`` stays what the CLI prints. Params named ``reason`` or ``problems`` are English text
from deeper in the library (an error's message); the others are identifiers, dates and numbers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final, Literal

from . import baking, jose, openbadges
from . import fetch as _fetch
from .data_integrity import verify_proofs
from .did import Resolver
from .documentloader import DocumentLoader
from .errors import (
    InputError,
    ResolutionError,
    UnknownContextError,
    VCError,
    VerificationFailed,
)
from .fetch import fetch_bytes
from .jsoninput import MAX_BYTES, parse_json
from .status_list import ENTRY_TYPES, StatusResult, check_status

__all__ = [
    "MESSAGES",
    "STATUS_LIST_CACHE",
    "Check",
    "Report",
    "StatusListCache",
    "VerifyOptions",
    "message_text",
    "verify",
    "verify_report",
]

Outcome = Literal["passed", "failed", "unknown"]
CHECKS = ("format", "schema", "proof", "issuer", "validity", "status")
_PASSED: Outcome = "passed"
_FAILED: Outcome = "failed"
_UNKNOWN: Outcome = "unknown"
#: The checks behind each of the three answers (see ``Report.answers``). A check in none of
#: them (an Open Badges 2.0 ``recipient`` asked by the caller) still decides the verdict.
ANSWERS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        "authentic": frozenset({"format", "proof", "issuer", "holder", "credentials"}),
        "valid_now": frozenset({"validity", "status"}),
        "conformant": frozenset({"schema"}),
    }
)
_CONFORMANCE: Final = ANSWERS["conformant"]


def _worst(outcomes: Iterable[Outcome]) -> Outcome:
    """``failed`` over ``unknown`` over ``passed``; nothing at all is ``unknown``."""
    seen = set(outcomes)
    if _FAILED in seen:
        return _FAILED
    if _UNKNOWN in seen or not seen:
        return _UNKNOWN
    return _PASSED


#: Key resolution failures that say nothing about the credential itself: the key was out of
#: reach, not wrong. Anything else (no such method, a malformed DID) is a failed proof.
_UNREACHABLE = frozenset(
    {"network_disallowed", "fetch_failed", "too_large", "unsupported_did_method", "address_refused"}
)

#: The status purposes with a sentence of their own when their status is unknown; any other
#: purpose is "the credential's status".
_SUBJECTS = ("revocation", "suspension")

#: Every sentence of a report, by stable code: the English template, with ``%(name)s``
#: placeholders for the check's ``params``. Codes are never reused for a different meaning; a
#: new sentence gets a new code.
MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # format
        "format.unreadable": "The input could not be read: %(reason)s.",
        "format.open_badges_2": (
            "This image carries an Open Badges 2.0 assertion, not a verifiable credential; "
            "Open Badges 2.0 badges are checked by their hosted URL."
        ),
        "format.not_an_object": "A credential must be a JSON object.",
        "format.json": "Read a JSON-LD credential.",
        "format.json_png": "Read a JSON-LD credential baked in a PNG image.",
        "format.json_svg": "Read a JSON-LD credential baked in an SVG image.",
        "format.jwt": "Read a JWT-secured credential.",
        "format.jwt_png": "Read a JWT-secured credential baked in a PNG image.",
        "format.jwt_svg": "Read a JWT-secured credential baked in an SVG image.",
        "format.presentation": "Read a verifiable presentation.",
        "format.presentation_unsigned": (
            "Read a verifiable presentation without a proof: nothing shows who presented it."
        ),
        "format.not_a_presentation": (
            "A presentation's type must include VerifiablePresentation."
        ),
        # schema
        "schema.valid": "The credential has every required field.",
        "schema.problem": "The credential's structure has 1 problem: %(problems)s.",
        "schema.problems": "The credential's structure has %(count)s problems: %(problems)s.",
        "schema.problems_more": (
            "The credential's structure has %(count)s problems: %(problems)s (and %(more)s more)."
        ),
        "schema.presentation_valid": "The presentation has every required field.",
        "schema.presentation_problems": (
            "The presentation does not follow the VC Data Model (problems: %(count)s): "
            "%(problems)s."
        ),
        # proof
        "proof.valid": "The signature is valid.",
        "proof.valid_set": "All %(count)s signatures (a proof set) are valid.",
        "proof.valid_jwt": "The %(alg)s signature of the token is valid.",
        "proof.missing": "The credential has no proof: it is not signed.",
        "proof.signature_mismatch": (
            "The signature does not match the document: it was changed after signing, or signed "
            "with another key."
        ),
        "proof.invalid": "The signature is not valid: %(reason)s.",
        "proof.unsupported": (
            "The credential is signed with a kind of proof microcred does not verify: %(reason)s."
        ),
        "proof.unsafe_terms": (
            "The signature cannot vouch for %(names)s: JSON-LD would drop them or leave them "
            "relative (safe mode)."
        ),
        "proof.invalid_in_set": "Proof %(number)s of %(total)s is not valid: %(reason)s.",
        "proof.key_unreachable": (
            "The signing key could not be retrieved, so the signature could not be checked "
            "(%(reason)s)."
        ),
        "proof.presentation_missing": "The presentation has no proof: it is not signed.",
        "proof.challenge_missing": (
            "The presentation's proof has no challenge, but the challenge %(challenge)s was "
            "expected."
        ),
        "proof.challenge_mismatch": (
            "The presentation's proof was made for another challenge, not %(challenge)s: it may "
            "be a replay."
        ),
        "proof.domain_missing": (
            "The presentation's proof has no domain, but the domain %(domain)s was expected."
        ),
        "proof.domain_mismatch": (
            "The presentation's proof was made for another domain, not %(domain)s."
        ),
        # holder (presentations)
        "holder.valid": "It was presented and signed by its holder, %(holder)s.",
        "holder.unnamed": "It names no holder; it was signed by %(signers)s.",
        "holder.mismatch": (
            "It was signed with a key of %(signers)s, which is not the holder %(holder)s."
        ),
        "holder.unconfirmed": (
            "The holder is %(holder)s, but without a valid signature it cannot be confirmed."
        ),
        "holder.unnamed_unconfirmed": (
            "It names no holder, and without a valid signature nobody is shown to present it."
        ),
        # credentials (presentations)
        "credentials.none": "It holds no credentials.",
        "credentials.valid_one": "The credential in it verified.",
        "credentials.valid": "All %(count)s credentials in it verified.",
        "credentials.failed": "%(count)s of the %(total)s credentials in it did not verify.",
        "credentials.unknown": (
            "%(count)s of the %(total)s credentials in it could not be fully verified."
        ),
        # issuer
        "issuer.missing": "The credential names no issuer.",
        "issuer.unconfirmed": (
            "The issuer is %(issuer)s, but without a valid signature it cannot be confirmed."
        ),
        "issuer.unbound": (
            "The signing key is not bound to an identifier, so it cannot be tied to the issuer "
            "%(issuer)s."
        ),
        "issuer.mismatch": (
            "It was signed with a key of %(signers)s, which is not the issuer %(issuer)s."
        ),
        "issuer.valid": "It was signed by its issuer, %(issuer)s.",
        "issuer.key_only": (
            "It was signed with a key of %(signers)s; nothing ties that key to the issuer it "
            "names, %(issuer)s, so the issuer is not confirmed."
        ),
        # validity
        "validity.invalid_date": "%(field)s '%(value)s' is not a valid date and time.",
        "validity.not_yet_valid": "It is not valid until %(valid_from)s.",
        "validity.expired": "It expired on %(valid_until)s.",
        "validity.valid_until": "It is valid until %(valid_until)s.",
        "validity.valid": "It is valid and does not expire.",
        # status (Bitstring Status List 1.0)
        "status.none": "The issuer publishes no status for it: it cannot be revoked.",
        "status.unsupported": "Status of type '%(type)s' is not supported here.",
        "status.revoked": "The credential has been revoked.",
        "status.not_revoked": "The credential has not been revoked.",
        "status.suspended": "The credential is suspended.",
        "status.not_suspended": "The credential is not suspended.",
        "status.refresh_available": (
            "An updated version of the credential is available from its refresh service."
        ),
        "status.refresh_none": "No updated version of the credential has been announced.",
        "status.message": "The issuer's status list gives this credential the status %(value)s.",
        "status.standing_valid": (
            "The issuer's status list says the credential is valid: it has not been revoked or "
            "suspended."
        ),
        "status.revocation_offline": (
            "The status list %(url)s was not supplied and the network is off, so revocation is "
            "unknown."
        ),
        "status.suspension_offline": (
            "The status list %(url)s was not supplied and the network is off, so suspension is "
            "unknown."
        ),
        "status.other_offline": (
            "The status list %(url)s was not supplied and the network is off, so the credential's "
            "status is unknown."
        ),
        "status.revocation_unreachable": (
            "The status list %(url)s could not be fetched (%(reason)s), so revocation is unknown."
        ),
        "status.suspension_unreachable": (
            "The status list %(url)s could not be fetched (%(reason)s), so suspension is unknown."
        ),
        "status.other_unreachable": (
            "The status list %(url)s could not be fetched (%(reason)s), so the credential's status "
            "is unknown."
        ),
        "status.revocation_unverified": (
            "The status list is not signed by the credential's issuer, so revocation is unknown."
        ),
        "status.suspension_unverified": (
            "The status list is not signed by the credential's issuer, so suspension is unknown."
        ),
        "status.other_unverified": (
            "The status list is not signed by the credential's issuer, so the credential's status "
            "is unknown."
        ),
        "status.revocation_error": "%(reason)s, so revocation is unknown.",
        "status.suspension_error": "%(reason)s, so suspension is unknown.",
        "status.other_error": "%(reason)s, so the credential's status is unknown.",
        # Open Badges 2.0 (microcred.vc.ob2)
        "format.ob2_json": "Read an Open Badges 2.0 assertion.",
        "format.ob2_signed": "Read a signed Open Badges 2.0 assertion (a compact JWS).",
        "format.ob2_url": "Fetched the Open Badges 2.0 assertion at %(url)s.",
        "format.ob2_png": "Read an Open Badges 2.0 assertion baked in a PNG image.",
        "format.ob2_svg": "Read an Open Badges 2.0 assertion baked in an SVG image.",
        "format.ob2_not_an_assertion": "This is not an Open Badges 2.0 assertion.",
        "schema.ob2_valid": (
            "The assertion, its badge class and its issuer have every required field."
        ),
        "schema.ob2_problems": "The Open Badges 2.0 structure has problems: %(problems)s.",
        "proof.ob2_hosted": "Its issuer hosts this assertion at %(url)s, unchanged.",
        "proof.ob2_hosted_gone": (
            "Its issuer answers for %(url)s that the assertion is gone (revoked)."
        ),
        "proof.ob2_hosted_changed": (
            "The assertion differs from the one its issuer hosts at %(url)s: it was changed."
        ),
        "proof.ob2_hosted_not_url": "A hosted assertion's id must be its URL, not '%(id)s'.",
        "proof.ob2_hosted_unreachable": (
            "The hosted assertion %(url)s could not be fetched (%(reason)s), so it could not be "
            "checked."
        ),
        "proof.ob2_offline": (
            "Checking an Open Badges 2.0 badge needs its issuer's site (%(url)s), and the network "
            "is off."
        ),
        "proof.ob2_signed": "The RS256 signature is valid for the key %(key)s.",
        "proof.ob2_signature_mismatch": (
            "The signature does not match the key %(key)s: the assertion was changed after "
            "signing, or signed with another key."
        ),
        "proof.ob2_signature_invalid": "The signature cannot be checked: %(reason)s.",
        "proof.ob2_key_unreachable": (
            "The signing key %(key)s could not be fetched (%(reason)s), so the signature could not"
            " be checked."
        ),
        "proof.ob2_signed_without_signature": (
            "It says it is a signed badge, but it came without its signature (the JWS)."
        ),
        "proof.ob2_unsupported": "Verification of type '%(type)s' is not supported.",
        "issuer.ob2_hosted": "It is hosted on an address its issuer, %(issuer)s, vouches for.",
        "issuer.ob2_signed": "It was signed with a key of its issuer, %(issuer)s.",
        "issuer.ob2_origin_mismatch": (
            "It is hosted at %(url)s, which its issuer %(issuer)s does not vouch for."
        ),
        "issuer.ob2_key_not_issuers": (
            "The signing key %(key)s does not belong to the issuer %(issuer)s."
        ),
        "issuer.ob2_unreachable": (
            "The badge class or issuer profile %(url)s could not be fetched (%(reason)s), so the "
            "issuer could not be confirmed."
        ),
        "issuer.ob2_offline": (
            "The badge class or issuer profile %(url)s is on the issuer's site, and the network is"
            " off."
        ),
        "issuer.ob2_unconfirmed": (
            "The issuer is %(issuer)s, but without a valid proof it cannot be confirmed."
        ),
        "issuer.ob2_missing": "The badge class names no issuer.",
        "status.ob2_revoked": "The issuer has revoked this badge.",
        "status.ob2_revoked_reason": "The issuer has revoked this badge: %(reason)s.",
        "status.ob2_not_revoked": "The issuer has not revoked this badge.",
        "status.ob2_list_unreachable": (
            "The issuer's revocation list %(url)s could not be fetched (%(reason)s), so revocation"
            " is unknown."
        ),
        "status.ob2_list_offline": (
            "The issuer's revocation list %(url)s was not supplied and the network is off, so "
            "revocation is unknown."
        ),
        "status.ob2_unknown": "Without the issuer's hosted copy, revocation is unknown.",
        "recipient.match": "It was awarded to %(email)s.",
        "recipient.mismatch": "It was awarded to someone else, not to %(email)s.",
        "recipient.no_email": (
            "It names no email address, so whether it was issued to %(email)s cannot be checked."
        ),
        "recipient.unsupported": (
            "It was awarded to a recipient of type '%(type)s', not to an email address such as "
            "%(email)s."
        ),
        # written by the platform when a learner keeps a credential (microcred.learner.services)
        "recipient.not_account": (
            "It names %(recipient)s as its recipient, not this account (%(account)s)."
        ),
        # the report's summary
        "summary.verified": "Verified: every check passed.",
        "summary.verified_nonconformant": (
            "Verified: authentic and valid now. Its structure does not fully conform to its "
            "specification (problems found: %(count)s); that does not change the verdict."
        ),
        "summary.failed_one": "Not verified: the %(checks)s check failed.",
        "summary.failed_many": "Not verified: the %(checks)s checks failed.",
        "summary.incomplete": "Not fully verified: could not check %(checks)s.",
        "summary.malformed": (
            "Not verified: it is not a well-formed verifiable credential (problems with the VC "
            "Data Model: %(count)s)."
        ),
    }
)
#: The code of a check made of several findings (one per status entry): see ``Check.parts``.
SEVERAL: Final = "status.several"

Params = Mapping[str, str | int]


def message_text(code: str, params: Params) -> str:
    """The English sentence for ``code``; ``KeyError`` for a code that does not exist."""
    return MESSAGES[code] % dict(params)


@dataclass(frozen=True)
class Check:
    """One check's outcome and the sentence that explains it.

    ``message`` is ``MESSAGES[code] % params``. A check made of several findings (a credential
    with a revocation and a suspension entry) has the code :data:`SEVERAL`, one ``Check`` per
    finding in ``parts``, and their messages joined as its own. A check built by hand without a
    code (``code == ""``) has only its ``message``.
    """

    name: str
    outcome: Outcome
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)
    code: str = ""
    params: Params = field(default_factory=dict)
    parts: tuple[Check, ...] = ()

    @classmethod
    def of(
        cls,
        name: str,
        outcome: Outcome,
        code: str,
        details: Mapping[str, Any] | None = None,
        **params: str | int,
    ) -> Check:
        """A check whose message is the English template of ``code`` filled with ``params``."""
        return cls(name, outcome, message_text(code, params), dict(details or {}), code, params)


@dataclass
class Report:
    checks: list[Check]
    credential: dict[str, Any] | None = None
    #: How the credential was carried: "json", "jwt", "png", "svg".
    carrier: str | None = None
    source: str | None = None

    @property
    def verdict(self) -> Outcome:
        """Follows whether it is authentic and valid now (and any other question a caller
        added, such as ``recipient``). Conformance to Open Badges 3.0 or CLR 2.0 never decides
        it (issue 24, item 3); a document that breaks the VC Data Model itself is not a
        verifiable credential, and that does (:attr:`malformed`)."""
        return _worst(c.outcome for c in self.checks if self.decides(c))

    @property
    def malformed(self) -> bool:
        """Whether the document breaks a rule of the Verifiable Credentials Data Model itself
        (not only of the OB 3.0 / CLR 2.0 profile): VC Data Model 2.0 §7.1 has a verifier raise
        an error (MALFORMED_VALUE_ERROR) for a document that is not a conforming document."""
        schema = self.check("schema")
        return schema is not None and bool(schema.details.get("malformed"))

    def decides(self, check: Check) -> bool:
        """Whether ``check`` counts toward the verdict (see :attr:`verdict`)."""
        return check.name not in _CONFORMANCE or self.malformed

    @property
    def answers(self) -> dict[str, Outcome]:
        """The three questions a verifier answers separately: ``authentic`` (every proof
        valid, made with a key of the issuer), ``valid_now`` (dates and status) and
        ``conformant`` (the OB 3.0 / CLR 2.0 / VC data-model structure). A question none of
        whose checks was made is ``unknown``."""
        return {
            answer: _worst(c.outcome for c in self.checks if c.name in names)
            for answer, names in ANSWERS.items()
        }

    def asked(self, answer: str) -> bool:
        """Whether any check behind ``answer`` was made (a partial report, such as a DID
        proof's or ``--proof-only``'s, answers only what it asked)."""
        names = ANSWERS.get(answer, frozenset())
        return any(c.name in names for c in self.checks)

    @property
    def conformance_problems(self) -> list[Mapping[str, Any]]:
        """The structural problems the conformance check found (``path``, ``message``,
        ``rule`` and, where the rule has one, ``section``: a link to the spec section;
        ``malformed``: whether it breaks the VC Data Model itself, see :attr:`malformed`)."""
        schema = self.check("schema")
        return list(schema.details.get("problems", ())) if schema is not None else []

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def summary_code(self) -> str:
        if self.malformed and self.verdict == _FAILED and self.names(_FAILED) == ["schema"]:
            return "summary.malformed"
        if self.verdict == _PASSED:
            schema = self.check("schema")
            if schema is not None and schema.outcome == _FAILED:
                return "summary.verified_nonconformant"
            return "summary.verified"
        failed = self.names(_FAILED)
        if failed:
            return "summary.failed_one" if len(failed) == 1 else "summary.failed_many"
        return "summary.incomplete"

    @property
    def summary_params(self) -> dict[str, str | int]:
        """``checks``: the names of the failed checks, or else of the unknown ones; ``count``:
        how many conformance problems a verified credential has."""
        if self.summary_code == "summary.verified_nonconformant":
            return {"count": len(self.conformance_problems)}
        if self.summary_code == "summary.malformed":
            return {"count": sum(1 for p in self.conformance_problems if p.get("malformed"))}
        if self.verdict == _PASSED:
            return {}
        return {"checks": ", ".join(self.names(_FAILED) or self.names(_UNKNOWN))}

    @property
    def summary(self) -> str:
        return message_text(self.summary_code, self.summary_params)

    def names(self, outcome: Outcome) -> list[str]:
        """The names of the checks with ``outcome`` that decide the verdict, in report order."""
        return [c.name for c in self.checks if c.outcome == outcome and self.decides(c)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "verdict": self.verdict,
            "summary": self.summary,
            "summary_code": self.summary_code,
            "summary_params": self.summary_params,
            "answers": self.answers,
            "carrier": self.carrier,
            "checks": [asdict(c) for c in self.checks],
            "credential": self.credential,
        }


DocumentSource = Callable[[str], Mapping[str, Any] | None]


@dataclass
class VerifyOptions:
    """What the verifier may use beyond the input itself.

    ``status_lists`` maps status list credential URLs to list credentials the caller already
    has; ``resolver`` is a :class:`Resolver` or a callable answering for identifiers the caller
    knows (a platform's own did:web); nothing goes to the network unless ``allow_network``.
    """

    now: datetime | None = None
    allow_network: bool = False
    status_lists: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    loader: DocumentLoader | None = None
    resolver: Resolver | DocumentSource | None = None
    #: Answers for status list credentials the caller holds (its own lists), by URL: consulted
    #: after ``status_lists`` and before the network. ``None`` means "not mine".
    status_list_source: DocumentSource | None = None
    #: Called with every URL before it is fetched; raise to refuse it.
    url_guard: Callable[[str], None] | None = None
    #: Loopback, private and link-local addresses are refused unless this is set (tests, or a
    #: deployment whose issuers live on its own network).
    allow_private_addresses: bool = False
    max_bytes: int = MAX_BYTES
    #: Seconds that all the status-list fetches of one verification may take together (each
    #: fetch also has its own deadline, ``fetch.DEFAULT_TIMEOUT``): a credential citing many
    #: lists on slow servers cannot hold the caller for longer.
    network_budget: float = 15.0
    #: Where status lists fetched over the network are kept between verifications (``None``:
    #: nowhere, every verification fetches). Lists the caller supplies are never cached.
    status_list_cache: StatusListCache | None = field(default_factory=lambda: STATUS_LIST_CACHE)
    #: Open Badges 2.0 documents the caller already has (signing keys, badge classes, issuer
    #: profiles, revocation lists), by URL: a signed OB 2.0 assertion is checked against them
    #: before the network (:class:`microcred.vc.ob2.Ob2Options` ``documents``).
    ob2_documents: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def make_resolver(self) -> Resolver:
        if isinstance(self.resolver, Resolver):
            return self.resolver
        return Resolver(
            allow_network=self.allow_network,
            source=self.resolver,
            guard=self.url_guard,
            allow_private_addresses=self.allow_private_addresses,
        )


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _read(
    data: bytes | str | Mapping[str, Any], options: VerifyOptions, what: str
) -> tuple[Any, str]:
    """(credential or compact JWS, carrier) from any accepted input."""
    if isinstance(data, Mapping):
        token = _enveloped_jws(data)
        return (token, "jwt") if token is not None else (dict(data), "json")
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > options.max_bytes:
        raise InputError(
            f"the input is {len(raw):,} bytes; the limit is {options.max_bytes:,} bytes",
            code="too_large",
        )
    carrier = "json"
    if (
        raw.startswith(b"\x89PNG")
        or raw.lstrip()[:5] in (b"<?xml", b"<svg ")
        or raw.lstrip()[:4] == b"<svg"
    ):
        baked = baking.unbake(raw)
        carrier = "png" if raw.startswith(b"\x89PNG") else "svg"
        if baked.kind == "ob2":
            raise InputError(
                "this image carries an Open Badges 2.0 assertion, not a verifiable credential; "
                "Open Badges 2.0 badges are checked by their hosted URL",
                code="open_badges_2",
            )
        raw = baked.text.encode("utf-8")
    text = raw.decode("utf-8", errors="replace").strip()
    if jose.is_compact_jws(text):
        return text, "jwt" if carrier == "json" else carrier
    document = parse_json(raw, what=what)
    token = _enveloped_jws(document) if isinstance(document, Mapping) else None
    if token is not None and carrier == "json":
        return token, "jwt"
    return document, carrier


#: The data URLs of an ``EnvelopedVerifiableCredential`` that carry a compact JWS (VC 2.0,
#: section 4.13; VC-JOSE-COSE's ``application/vc+jwt``; plain ``application/jwt`` for an Open
#: Badges 2.0 signed assertion, which has no media type of its own).
_ENVELOPED_JWS = ("data:application/vc+jwt,", "data:application/jwt,")


def _enveloped_jws(document: Mapping[str, Any]) -> str | None:
    """The compact JWS in an ``EnvelopedVerifiableCredential``, so that a JSON-only interface
    (VC-API's ``verifiableCredential``) can carry a JWT-secured credential."""
    kind = document.get("type")
    if "EnvelopedVerifiableCredential" not in (kind if isinstance(kind, list) else [kind]):
        return None
    ident = document.get("id")
    for prefix in _ENVELOPED_JWS:
        if isinstance(ident, str) and ident.startswith(prefix):
            token = ident[len(prefix) :]
            return token if jose.is_compact_jws(token) else None
    return None


def _is_ob2_assertion(token: str) -> bool:
    """Whether a compact JWS is an Open Badges 2.0 signed assertion (its payload an
    ``Assertion``, OB 2.0 section "Signed Badges") rather than a VC-JOSE credential."""
    from . import ob2

    try:
        payload = jose.decode(token)[1]
    except VCError:
        return False
    return "vc" not in payload and ob2.looks_like_assertion(payload)


def _verify_ob2(token: str, options: VerifyOptions, source: str | None) -> Report:
    """An Open Badges 2.0 signed assertion, checked by :mod:`microcred.vc.ob2` with what the
    options allow: its key is the ``CryptographicKey`` at ``verification.creator``."""
    from . import ob2

    return ob2.verify_ob2(
        token,
        ob2.Ob2Options(
            now=options.now,
            allow_network=options.allow_network,
            allow_private_addresses=options.allow_private_addresses,
            documents=options.ob2_documents,
            url_guard=options.url_guard,
            timeout=min(_fetch.DEFAULT_TIMEOUT, options.network_budget),
        ),
        source=source,
    )


def verify_report(
    data: bytes | str | Mapping[str, Any],
    options: VerifyOptions | None = None,
    *,
    source: str | None = None,
) -> Report:
    """Verify ``data`` and return the full report. Never raises for bad input: it is reported."""
    options = options or VerifyOptions()
    report = Report(checks=[], source=source)
    try:
        parsed, carrier = _read(data, options, source or "the input")
    except VCError as exc:
        report.checks.append(_unreadable(exc))
        return report
    if isinstance(parsed, str) and carrier == "jwt" and _is_ob2_assertion(parsed):
        return _verify_ob2(parsed, options, source)
    report.carrier = carrier
    resolver = options.make_resolver()
    signers: set[str] = set()
    proof_check: Check
    if isinstance(parsed, str):
        try:
            # A header key is read (1EdTech's OB 3.0 samples carry one) but binds no issuer:
            # the issuer check then says the key is not tied to an identifier.
            verified = jose.verify_jwt(parsed, resolver=resolver, allow_embedded_key=True)
        except VCError as exc:
            try:
                credential = jose.credential_of(jose.decode(parsed)[1])
            except VCError as inner:
                report.checks.append(_unreadable(inner))
                return report
            # A key out of reach, or a header that names none, says nothing about the token:
            # its signature could not be checked (unknown), not found wrong.
            unreachable = exc.code == "no_key" or (
                isinstance(exc, ResolutionError) and exc.code in _UNREACHABLE
            )
            proof_check = _proof_failure(exc, _UNKNOWN if unreachable else _FAILED)
        else:
            credential = verified.credential
            signers = {verified.controller} if verified.controller else set()
            proof_check = Check.of(
                "proof", _PASSED, "proof.valid_jwt", alg=str(verified.header.get("alg"))
            )
        kind = "format.jwt"
    else:
        if not isinstance(parsed, dict):
            report.checks.append(Check.of("format", _FAILED, "format.not_an_object"))
            return report
        credential = parsed
        proof_check, signers = _check_proofs(credential, resolver, options)
        kind = "format.json"
    report.credential = credential
    carried = {"png": "_png", "svg": "_svg"}.get(carrier, "")
    report.checks.append(Check.of("format", _PASSED, kind + carried))
    report.checks.append(_check_schema(credential, options))
    report.checks.append(proof_check)
    report.checks.append(_check_issuer(credential, proof_check, signers))
    report.checks.append(_check_validity(credential, options.now))
    report.checks.append(_check_status(credential, options, resolver))
    return report


def _unreadable(error: VCError) -> Check:
    details = {"code": error.code}
    if error.code == "open_badges_2":
        return Check.of("format", _FAILED, "format.open_badges_2", details)
    reason = error.message.rstrip(".")
    return Check.of("format", _FAILED, "format.unreadable", details, reason=reason)


def _proof_failure(
    error: VCError | None, outcome: Outcome, number: int = 1, total: int = 1
) -> Check:
    """The proof check for a proof that did not verify; ``number`` of ``total`` in a set."""
    details = {"code": error.code if error else "invalid_proof"}
    reason = (error.message if error else "invalid proof").rstrip(".")
    if outcome == _UNKNOWN:
        return Check.of("proof", outcome, "proof.key_unreachable", details, reason=reason)
    if total > 1:
        return Check.of(
            "proof",
            outcome,
            "proof.invalid_in_set",
            details,
            number=number,
            total=total,
            reason=reason,
        )
    if error is not None and error.code == "invalid_signature":
        return Check.of("proof", outcome, "proof.signature_mismatch", details)
    if error is not None and error.code == "missing_proof":
        return Check.of("proof", outcome, "proof.missing", details)
    if error is not None and error.code in ("unsupported_proof_type", "unsupported_cryptosuite"):
        return Check.of("proof", outcome, "proof.unsupported", details, reason=reason)
    if error is not None and error.code == "undefined_terms":  # JSON-LD safe mode refused it
        return Check.of("proof", outcome, "proof.unsafe_terms", details, names=_unsafe_names(error))
    return Check.of("proof", outcome, "proof.invalid", details, reason=reason)


def _unsafe_names(error: VCError) -> str:
    """What JSON-LD safe mode refused, for a sentence: the first ten names (the error's
    ``details`` has them all)."""
    names = [
        str(name)
        for kind in ("terms", "relative_iris", "dropped")
        for name in error.details.get(kind, ())
    ]
    return ", ".join(names[:10]) + (", …" if len(names) > 10 else "")


def _check_proofs(
    credential: Mapping[str, Any], resolver: Resolver, options: VerifyOptions
) -> tuple[Check, set[str]]:
    try:
        results = verify_proofs(credential, resolver=resolver, loader=options.loader)
    except VCError as exc:
        return _proof_failure(exc, _FAILED), set()
    failed = [r for r in results if not r.verified]
    signers = {r.verification_method.controller for r in results if r.verification_method}
    if not failed:
        count = len(results)
        details = {"signers": sorted(signers)}
        if count == 1:
            return Check.of("proof", _PASSED, "proof.valid", details), signers
        return Check.of("proof", _PASSED, "proof.valid_set", details, count=count), signers
    first = failed[0]
    error = first.error
    unreachable = isinstance(error, ResolutionError) and error.code in _UNREACHABLE
    outcome = _UNKNOWN if unreachable else _FAILED
    return _proof_failure(error, outcome, results.index(first) + 1, len(results)), signers


#: The rules whose breach makes a document no verifiable credential (``Report.malformed``).
_DATA_MODEL: Final = "VC Data Model"


#: Cryptosuites that sign the JSON as it is, so verifying them never reads it as JSON-LD.
_JCS_SUITES: Final = frozenset({"eddsa-jcs-2022", "ecdsa-jcs-2019"})


def _jsonld_problem(
    credential: Mapping[str, Any], options: VerifyOptions
) -> openbadges.Problem | None:
    """For a credential whose proofs are all JCS: whether it can be read as JSON-LD at all. An
    RDFC proof would already have refused a document that redefines a protected term or uses
    terms no context defines (safe mode); a JCS proof signs the bytes, so the data model's own
    rule is checked here (VC Data Model 2.0 §Contexts: a conforming document is JSON-LD whose
    terms its contexts define). A context that cannot be loaded says nothing of the document."""
    from .jsonld import to_quads

    proofs = credential.get("proof")
    listed = proofs if isinstance(proofs, list) else [proofs]
    if not listed or not all(
        isinstance(p, Mapping) and p.get("cryptosuite") in _JCS_SUITES for p in listed
    ):
        return None
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    try:
        to_quads(unsecured, loader=options.loader)
    except (ResolutionError, UnknownContextError):
        return None
    except VCError as exc:
        return openbadges.Problem.at(
            "$", f"cannot be read as JSON-LD: {exc.message.rstrip('.')} ({_VC2_CONTEXTS})"
        )
    return None


_VC2_CONTEXTS: Final = "VC Data Model 2.0 §Contexts"


def _check_schema(credential: Mapping[str, Any], options: VerifyOptions) -> Check:
    problems = openbadges.validate(credential)
    unreadable = _jsonld_problem(credential, options)
    if unreadable is not None:
        problems.append(unreadable)
    if not problems:
        return Check.of("schema", _PASSED, "schema.valid")
    listed = "; ".join(f"{p.path}: {p.message}" for p in problems[:5])
    # A rule of the VC Data Model itself makes the document malformed; an Open Badges 3.0 /
    # CLR 2.0 rule (or a problem that cites none) is conformance to that profile only.
    listed_problems = [
        {**p.as_dict(), "malformed": p.rule.startswith(_DATA_MODEL)} for p in problems
    ]
    details = {
        "problems": listed_problems,
        "malformed": any(p["malformed"] for p in listed_problems),
    }
    if len(problems) == 1:
        return Check.of("schema", _FAILED, "schema.problem", details, problems=listed)
    if len(problems) <= 5:
        return Check.of(
            "schema", _FAILED, "schema.problems", details, count=len(problems), problems=listed
        )
    return Check.of(
        "schema",
        _FAILED,
        "schema.problems_more",
        details,
        count=len(problems),
        problems=listed,
        more=len(problems) - 5,
    )


def _check_issuer(credential: Mapping[str, Any], proof: Check, signers: set[str]) -> Check:
    """The issuer must control a key that signed (Data Integrity 1.0 §2.6, "Relationship to
    Verifiable Credentials"; VC Data Model 2.0, Appendix A "Validation", Issuer; VC-JOSE
    ``iss``).

    An issuer named by a DID that is not among the signers is a mismatch: its DID document says
    which keys are its own. An issuer named by a URL (``https://university.example``) has no
    document that lists its keys, so a key of another identifier neither confirms nor refutes
    it: ``unknown``, with a sentence saying only the key is known (the W3C vc-di-ecdsa vectors
    are signed so). A registry of issuers can say more (the platform's issuer standing). Any
    other issuer that is not among the signers (another DID, or a value that is no URL at all)
    is a mismatch."""
    issuer = _issuer_id(credential)
    if issuer is None:
        return Check.of("issuer", _FAILED, "issuer.missing")
    if proof.outcome != _PASSED:
        return Check.of("issuer", _UNKNOWN, "issuer.unconfirmed", issuer=issuer)
    if not signers:
        return Check.of("issuer", _UNKNOWN, "issuer.unbound", issuer=issuer)
    if issuer not in signers:
        by_url = issuer.startswith(("https://", "http://"))
        return Check.of(
            "issuer",
            _UNKNOWN if by_url else _FAILED,
            "issuer.key_only" if by_url else "issuer.mismatch",
            {"issuer": issuer, "signers": sorted(signers)},
            signers=", ".join(sorted(signers)),
            issuer=issuer,
        )
    return Check.of("issuer", _PASSED, "issuer.valid", {"issuer": issuer}, issuer=issuer)


def _check_validity(credential: Mapping[str, Any], now: datetime | None) -> Check:
    now = now or datetime.now(UTC)
    start_key = "validFrom" if "validFrom" in credential else "issuanceDate"
    end_key = "validUntil" if "validUntil" in credential else "expirationDate"
    start, end = credential.get(start_key), credential.get(end_key)
    start_at, end_at = _parse_time(start), _parse_time(end)
    if start is not None and start_at is None:
        return Check.of(
            "validity", _FAILED, "validity.invalid_date", field=start_key, value=str(start)
        )
    if end is not None and end_at is None:
        return Check.of("validity", _FAILED, "validity.invalid_date", field=end_key, value=str(end))
    if start_at and now < start_at:
        return Check.of("validity", _FAILED, "validity.not_yet_valid", valid_from=str(start))
    if end_at and now >= end_at:
        return Check.of("validity", _FAILED, "validity.expired", valid_until=str(end))
    if end_at:
        return Check.of("validity", _PASSED, "validity.valid_until", valid_until=str(end))
    return Check.of("validity", _PASSED, "validity.valid")


def _status_entries(credential: Mapping[str, Any]) -> list[Any]:
    status = credential.get("credentialStatus")
    if status is None:
        return []
    return list(status) if isinstance(status, list) else [status]


def _check_status(
    credential: Mapping[str, Any], options: VerifyOptions, resolver: Resolver
) -> Check:
    entries = _status_entries(credential)
    if not entries:
        return Check.of("status", _PASSED, "status.none")
    results: list[Check] = []
    deadline = time.monotonic() + options.network_budget
    lists: dict[str, tuple[dict[str, Any] | None, bool | None, _Why]] = {}
    for entry in entries:
        kinds = entry.get("type") if isinstance(entry, Mapping) else None
        if not any(k in ENTRY_TYPES for k in (kinds if isinstance(kinds, list) else [kinds])):
            kind = entry.get("type") if isinstance(entry, Mapping) else type(entry).__name__
            results.append(Check.of("status", _UNKNOWN, "status.unsupported", type=str(kind)))
            continue
        url = entry.get("statusListCredential")
        key = url if isinstance(url, str) else ""
        if key not in lists:  # one fetch per list, however many entries cite it
            lists[key] = _status_list(
                url, options, resolver, _issuer_id(credential), deadline - time.monotonic()
            )
        list_credential, verified, why = lists[key]
        result = check_status(
            dict(entry), list_credential, list_verified=verified, now=options.now, dereferenced=True
        )
        results.append(_status_check(result, url, why))
    for outcome in (_FAILED, _UNKNOWN):
        bad = [c for c in results if c.outcome == outcome]
        if bad:
            return _combined(outcome, bad)
    return _combined(_PASSED, results)


def _combined(outcome: Outcome, checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    return Check(
        "status", outcome, " ".join(c.message for c in checks), code=SEVERAL, parts=tuple(checks)
    )


_STATUS_CODES: Final = {
    ("revocation", True): "status.revoked",
    ("revocation", False): "status.not_revoked",
    ("suspension", True): "status.suspended",
    ("suspension", False): "status.not_suspended",
    ("refresh", True): "status.refresh_available",
    ("refresh", False): "status.refresh_none",
}

#: A ``message`` entry whose ``statusMessage`` names the credential's standing (one entry for
#: revocation and suspension, as Open Badges 3.0's single ``credentialStatus`` needs).
_STANDING_CODES: Final = {
    "revoked": "status.revoked",
    "suspended": "status.suspended",
    "valid": "status.standing_valid",
}


def _status_check(result: StatusResult, url: Any, why: _Why) -> Check:
    """The report's sentence for one status entry (Bitstring Status List 1.0, section 3.2).
    ``details`` say how many entries a list shorter than the herd-privacy minimum has
    (``list_entries``: it was read all the same, see ``status_list.check_status``)."""
    details: dict[str, Any] = {"purpose": result.purpose}
    if result.short_list is not None:
        details["list_entries"] = result.short_list
    if result.outcome != _UNKNOWN and result.value is not None:
        if result.standing is not None:
            return Check.of("status", result.outcome, _STANDING_CODES[result.standing], details)
        code = _STATUS_CODES.get((result.purpose, bool(result.value)))
        if code is None:  # a "message" purpose: the value is information (section 2.1)
            return Check.of(
                "status", result.outcome, "status.message", details, value=f"0x{result.value:x}"
            )
        return Check.of("status", result.outcome, code, details)
    subject = result.purpose if result.purpose in _SUBJECTS else "other"
    kind, reason = why
    if result.code == "status_retrieval_error" and kind in {"offline", "unreachable"}:
        params: dict[str, str | int] = {"url": str(url)}
        if kind == "unreachable":
            params["reason"] = reason
        return Check.of("status", _UNKNOWN, f"status.{subject}_{kind}", details, **params)
    if result.code == "status_verification_error" and kind == "unverified":
        return Check.of("status", _UNKNOWN, f"status.{subject}_unverified", details)
    # status_list's own sentence is "<reason>, so <subject> is unknown."
    said = result.message.rsplit(", so ", 1)[0].rstrip(".")
    if kind == "other" and reason and result.code == "status_retrieval_error":
        said = reason
    return Check.of("status", _UNKNOWN, f"status.{subject}_error", details, reason=said)


#: Why a status list cannot be used: ``("offline" | "unreachable" | "unverified" | "other" |
#: "", English detail)``.
_Why = tuple[str, str]


def _supplied_list(url: str, options: VerifyOptions) -> Any:
    """The list the caller supplied for ``url``: ``status_lists`` by the URL the credential
    cites, or a list there whose own ``id`` is that URL, or what ``status_list_source`` says."""
    document: Any = options.status_lists.get(url)
    if document is None:
        document = next(
            (
                listed
                for listed in options.status_lists.values()
                if isinstance(listed, Mapping) and listed.get("id") == url
            ),
            None,
        )
    if document is None and options.status_list_source is not None:
        document = options.status_list_source(url)
    return document


def _fetched_list(
    url: str, options: VerifyOptions, resolver: Resolver, seconds: float
) -> tuple[Any, str | None, _Why]:
    """(the list at ``url``, the controller of its JWS key when it came as a JWT, why not).

    A list fetched once is reused from ``options.status_list_cache`` until it expires."""
    cache = options.status_list_cache
    body = cache.get(url) if cache is not None else None
    fetched = body is None
    if body is None:
        if seconds <= 0:
            return None, None, (
                "unreachable",
                f"not fetched: the {options.network_budget:g} seconds this verification may "
                "spend on the network were used up",
            )
        try:
            body = fetch_bytes(
                url,
                accept="application/vc+ld+json, application/ld+json, application/json, "
                "application/jwt",
                timeout=min(_fetch.DEFAULT_TIMEOUT, seconds),
                max_bytes=4 * 1024 * 1024,
                guard=options.url_guard,
                allow_private=options.allow_private_addresses,
            )
        except VCError as exc:
            return None, None, ("unreachable", exc.message.rstrip("."))
    text = body.decode("utf-8", errors="replace").strip()
    controller: str | None = None
    try:
        if jose.is_compact_jws(text):
            verified = jose.verify_jwt(text, resolver=resolver)
            document: Any = verified.credential
            controller = verified.controller or ""
        else:
            document = parse_json(body, what="the status list")
    except VCError as exc:
        return None, None, ("unreachable", exc.message.rstrip("."))
    if fetched and cache is not None and isinstance(document, dict):
        cache.put(url, body, document)
    return document, controller, ("", "")


def _status_list(
    url: Any, options: VerifyOptions, resolver: Resolver, issuer: str | None, seconds: float
) -> tuple[dict[str, Any] | None, bool | None, _Why]:
    """The list credential, whether it is signed by the credential's own issuer, and why not.

    The list is the one at the URL the entry cites (Bitstring Status List 1.0, section 3.2
    dereferences ``statusListCredential``): the caller's, else the network's. A list signed by
    anyone else cannot speak for the issuer (section 6.2 "Status List Credential Forgery"): its
    answer is treated as unverified."""
    if not isinstance(url, str):
        return None, None, ("other", "the entry names no status list")
    document = _supplied_list(url, options)
    jws_controller: str | None = None
    if document is None:
        if not options.allow_network:
            return None, None, ("offline", "")
        document, jws_controller, why = _fetched_list(url, options, resolver, seconds)
        if document is None:
            return None, None, why
    if not isinstance(document, dict):
        return None, None, ("other", "the status list is not a JSON object")
    list_issuer = _issuer_id(document)
    if jws_controller is not None:  # a JWT-secured list: its signature was checked on reading
        signed = bool(jws_controller) and jws_controller == list_issuer == issuer
        return document, signed, ("", "") if signed else ("unverified", "")
    if "proof" not in document:
        return document, False, ("unverified", "")
    try:
        proofs = verify_proofs(document, resolver=resolver, loader=options.loader)
    except VCError:
        return document, False, ("unverified", "")
    if list_issuer != issuer:
        return document, False, ("unverified", "")
    signed_by_issuer = all(
        r.verified and r.verification_method and r.verification_method.controller == list_issuer
        for r in proofs
    )
    return document, signed_by_issuer, ("unverified", "") if not signed_by_issuer else ("", "")


#: How long a fetched status list is reused when it does not say (no ``ttl``): Bitstring Status
#: List 1.0, section 2.2, gives ``ttl`` in milliseconds and no default; five minutes keeps a
#: revocation visible soon while a page of badges costs one fetch per list.
DEFAULT_STATUS_LIST_TTL: Final = 300.0
#: The longest a list is reused, whatever its ``ttl`` says.
MAX_STATUS_LIST_TTL: Final = 24 * 3600.0


class StatusListCache:
    """Status list credentials fetched over the network, kept in this process until their
    ``ttl`` (``credentialSubject.ttl``, milliseconds, Bitstring Status List 1.0 section 2.2) or
    their ``validUntil`` / ``expirationDate``, whichever comes first; five minutes when they
    say neither. At most ``max_entries`` lists and ``max_bytes`` in all: the least recently
    used go first. Entries are the fetched bytes; every use still checks the list's proof.

    ``clock`` is wall-clock seconds (``validUntil`` is a date); tests pass their own."""

    def __init__(
        self,
        *,
        max_entries: int = 128,
        max_bytes: int = 32 * 1024 * 1024,
        default_ttl: float = DEFAULT_STATUS_LIST_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_entries, self.max_bytes, self.default_ttl = max_entries, max_bytes, default_ttl
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, url: str) -> bytes | None:
        """The bytes fetched from ``url``, unless they have expired."""
        with self._lock:
            found = self._entries.get(url)
            if found is None:
                return None
            if self.clock() >= found[0]:
                self._drop(url)
                return None
            self._entries.move_to_end(url)
            return found[1]

    def put(self, url: str, body: bytes, document: Mapping[str, Any]) -> None:
        """Keep ``body`` (what ``url`` answered; ``document`` is it read) until it expires."""
        seconds = self.lifetime(document)
        if seconds <= 0 or len(body) > self.max_bytes:
            return
        with self._lock:
            if url in self._entries:
                self._drop(url)
            self._entries[url] = (self.clock() + seconds, body)
            self._size += len(body)
            while len(self._entries) > self.max_entries or self._size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def lifetime(self, document: Mapping[str, Any]) -> float:
        """Seconds ``document`` may be reused from now: its ``ttl`` (or the default), capped
        at :data:`MAX_STATUS_LIST_TTL` and cut short by its ``validUntil``."""
        seconds = self.default_ttl
        subject = document.get("credentialSubject")
        if isinstance(subject, list) and len(subject) == 1:
            subject = subject[0]
        ttl = subject.get("ttl") if isinstance(subject, Mapping) else None
        if isinstance(ttl, int | float) and not isinstance(ttl, bool) and ttl >= 0:
            seconds = ttl / 1000
        seconds = min(seconds, MAX_STATUS_LIST_TTL)
        for name in ("validUntil", "expirationDate"):
            until = _parse_time(document.get(name))
            if until is not None:
                seconds = min(seconds, until.timestamp() - self.clock())
        return seconds

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def _drop(self, url: str) -> None:
        _expires, body = self._entries.pop(url)
        self._size -= len(body)


#: The process's cache of fetched status lists, the default of ``VerifyOptions``.
STATUS_LIST_CACHE: Final[StatusListCache] = StatusListCache()


def verify(
    data: bytes | str | Mapping[str, Any],
    options: VerifyOptions | None = None,
    *,
    source: str | None = None,
) -> Report:
    """Verify and return the report, or raise :class:`VerificationFailed` carrying it."""
    report = verify_report(data, options, source=source)
    if report.verdict != _PASSED:
        raise VerificationFailed(
            report.summary,
            report=report,
            code="verification_failed" if report.verdict == _FAILED else "verification_incomplete",
        )
    return report
