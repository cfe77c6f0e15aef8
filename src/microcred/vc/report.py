"""A verification's report: its checks, their outcomes, the three answers and the verdict, and
the English sentence behind each message code (``MESSAGES``; marked with ``N_`` so the
platform's catalog extracts them for translation).

Its own module so that every verifier (``verifier`` for VCs, ``ob2`` for Open Badges 2.0)
builds one without importing the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Any, Final, Literal

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




def N_(text: str) -> str:
    """Marks a sentence for translation and returns it unchanged (the ``gettext_noop``
    convention): an application's message extraction looks for the keyword ``N_`` (``xgettext
    -k N_``; microcred's own is ``tests/i18n_catalog.py``) and translates the English when it
    shows it. The library itself stays English and imports no translation machinery."""
    return text


#: Every sentence of a report, by stable code: the English template, with ``%(name)s``
#: placeholders for the check's ``params``, each marked ``N_`` for translation where it is
#: written. Codes are never reused for a different meaning; a new sentence gets a new code.
MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # format
        "format.unreadable": N_("The input could not be read: %(reason)s."),
        "format.open_badges_2": N_(
            "This image carries an Open Badges 2.0 assertion, not a verifiable credential; "
            "Open Badges 2.0 badges are checked by their hosted URL."
        ),
        "format.not_an_object": N_("A credential must be a JSON object."),
        "format.json": N_("Read a JSON-LD credential."),
        "format.json_png": N_("Read a JSON-LD credential baked in a PNG image."),
        "format.json_svg": N_("Read a JSON-LD credential baked in an SVG image."),
        "format.jwt": N_("Read a JWT-secured credential."),
        "format.jwt_png": N_("Read a JWT-secured credential baked in a PNG image."),
        "format.jwt_svg": N_("Read a JWT-secured credential baked in an SVG image."),
        "format.presentation": N_("Read a verifiable presentation."),
        "format.presentation_unsigned": N_(
            "Read a verifiable presentation without a proof: nothing shows who presented it."
        ),
        "format.not_a_presentation": N_(
            "A presentation's type must include VerifiablePresentation."
        ),
        # schema
        "schema.valid": N_("The credential has every required field."),
        "schema.problem": N_("The credential's structure has 1 problem: %(problems)s."),
        "schema.problems": N_("The credential's structure has %(count)s problems: %(problems)s."),
        "schema.problems_more": N_(
            "The credential's structure has %(count)s problems: %(problems)s (and %(more)s more)."
        ),
        "schema.presentation_valid": N_("The presentation has every required field."),
        "schema.presentation_problems": N_(
            "The presentation does not follow the VC Data Model (problems: %(count)s): "
            "%(problems)s."
        ),
        # proof
        "proof.valid": N_("The signature is valid."),
        "proof.valid_set": N_("All %(count)s signatures (a proof set) are valid."),
        "proof.valid_jwt": N_("The %(alg)s signature of the token is valid."),
        "proof.missing": N_("The credential has no proof: it is not signed."),
        "proof.signature_mismatch": N_(
            "The signature does not match the document: it was changed after signing, or signed "
            "with another key."
        ),
        "proof.invalid": N_("The signature is not valid: %(reason)s."),
        "proof.unsupported": N_(
            "The credential is signed with a kind of proof microcred does not verify: %(reason)s."
        ),
        "proof.unsafe_terms": N_(
            "The signature cannot vouch for %(names)s: JSON-LD would drop them or leave them "
            "relative (safe mode)."
        ),
        "proof.invalid_in_set": N_("Proof %(number)s of %(total)s is not valid: %(reason)s."),
        "proof.key_unreachable": N_(
            "The signing key could not be retrieved, so the signature could not be checked "
            "(%(reason)s)."
        ),
        "proof.presentation_missing": N_("The presentation has no proof: it is not signed."),
        "proof.challenge_missing": N_(
            "The presentation's proof has no challenge, but the challenge %(challenge)s was "
            "expected."
        ),
        "proof.challenge_mismatch": N_(
            "The presentation's proof was made for another challenge, not %(challenge)s: it may "
            "be a replay."
        ),
        "proof.domain_missing": N_(
            "The presentation's proof has no domain, but the domain %(domain)s was expected."
        ),
        "proof.domain_mismatch": N_(
            "The presentation's proof was made for another domain, not %(domain)s."
        ),
        # holder (presentations)
        "holder.valid": N_("It was presented and signed by its holder, %(holder)s."),
        "holder.unnamed": N_("It names no holder; it was signed by %(signers)s."),
        "holder.mismatch": N_(
            "It was signed with a key of %(signers)s, which is not the holder %(holder)s."
        ),
        "holder.unconfirmed": N_(
            "The holder is %(holder)s, but without a valid signature it cannot be confirmed."
        ),
        "holder.unnamed_unconfirmed": N_(
            "It names no holder, and without a valid signature nobody is shown to present it."
        ),
        # credentials (presentations)
        "credentials.none": N_("It holds no credentials."),
        "credentials.valid_one": N_("The credential in it verified."),
        "credentials.valid": N_("All %(count)s credentials in it verified."),
        "credentials.failed": N_("%(count)s of the %(total)s credentials in it did not verify."),
        "credentials.unknown": N_(
            "%(count)s of the %(total)s credentials in it could not be fully verified."
        ),
        # issuer
        "issuer.missing": N_("The credential names no issuer."),
        "issuer.unconfirmed": N_(
            "The issuer is %(issuer)s, but without a valid signature it cannot be confirmed."
        ),
        "issuer.unbound": N_(
            "The signing key is not bound to an identifier, so it cannot be tied to the issuer "
            "%(issuer)s."
        ),
        "issuer.mismatch": N_(
            "It was signed with a key of %(signers)s, which is not the issuer %(issuer)s."
        ),
        "issuer.valid": N_("It was signed by its issuer, %(issuer)s."),
        "issuer.key_only": N_(
            "It was signed with a key of %(signers)s; nothing ties that key to the issuer it "
            "names, %(issuer)s, so the issuer is not confirmed."
        ),
        # validity
        "validity.invalid_date": N_("%(field)s '%(value)s' is not a valid date and time."),
        "validity.not_yet_valid": N_("It is not valid until %(valid_from)s."),
        "validity.expired": N_("It expired on %(valid_until)s."),
        "validity.valid_until": N_("It is valid until %(valid_until)s."),
        "validity.valid": N_("It is valid and does not expire."),
        # status (Bitstring Status List 1.0)
        "status.none": N_("The issuer publishes no status for it: it cannot be revoked."),
        "status.unsupported": N_("Status of type '%(type)s' is not supported here."),
        "status.revoked": N_("The credential has been revoked."),
        "status.not_revoked": N_("The credential has not been revoked."),
        "status.suspended": N_("The credential is suspended."),
        "status.not_suspended": N_("The credential is not suspended."),
        "status.refresh_available": N_(
            "An updated version of the credential is available from its refresh service."
        ),
        "status.refresh_none": N_("No updated version of the credential has been announced."),
        "status.message": N_(
            "The issuer's status list gives this credential the status %(value)s."
        ),
        "status.standing_valid": N_(
            "The issuer's status list says the credential is valid: it has not been revoked or "
            "suspended."
        ),
        "status.revocation_offline": N_(
            "The status list %(url)s was not supplied and the network is off, so revocation is "
            "unknown."
        ),
        "status.suspension_offline": N_(
            "The status list %(url)s was not supplied and the network is off, so suspension is "
            "unknown."
        ),
        "status.other_offline": N_(
            "The status list %(url)s was not supplied and the network is off, so the credential's "
            "status is unknown."
        ),
        "status.revocation_unreachable": N_(
            "The status list %(url)s could not be fetched (%(reason)s), so revocation is unknown."
        ),
        "status.suspension_unreachable": N_(
            "The status list %(url)s could not be fetched (%(reason)s), so suspension is unknown."
        ),
        "status.other_unreachable": N_(
            "The status list %(url)s could not be fetched (%(reason)s), so the credential's status "
            "is unknown."
        ),
        "status.revocation_unverified": N_(
            "The status list is not signed by the credential's issuer, so revocation is unknown."
        ),
        "status.suspension_unverified": N_(
            "The status list is not signed by the credential's issuer, so suspension is unknown."
        ),
        "status.other_unverified": N_(
            "The status list is not signed by the credential's issuer, so the credential's status "
            "is unknown."
        ),
        "status.revocation_error": N_("%(reason)s, so revocation is unknown."),
        "status.suspension_error": N_("%(reason)s, so suspension is unknown."),
        "status.other_error": N_("%(reason)s, so the credential's status is unknown."),
        # Open Badges 2.0 (microcred.vc.ob2)
        "format.ob2_json": N_("Read an Open Badges 2.0 assertion."),
        "format.ob2_signed": N_("Read a signed Open Badges 2.0 assertion (a compact JWS)."),
        "format.ob2_url": N_("Fetched the Open Badges 2.0 assertion at %(url)s."),
        "format.ob2_png": N_("Read an Open Badges 2.0 assertion baked in a PNG image."),
        "format.ob2_svg": N_("Read an Open Badges 2.0 assertion baked in an SVG image."),
        "format.ob2_not_an_assertion": N_("This is not an Open Badges 2.0 assertion."),
        "schema.ob2_valid": N_(
            "The assertion, its badge class and its issuer have every required field."
        ),
        "schema.ob2_problems": N_("The Open Badges 2.0 structure has problems: %(problems)s."),
        "proof.ob2_hosted": N_("Its issuer hosts this assertion at %(url)s, unchanged."),
        "proof.ob2_hosted_gone": N_(
            "Its issuer answers for %(url)s that the assertion is gone (revoked)."
        ),
        "proof.ob2_hosted_changed": N_(
            "The assertion differs from the one its issuer hosts at %(url)s: it was changed."
        ),
        "proof.ob2_hosted_not_url": N_("A hosted assertion's id must be its URL, not '%(id)s'."),
        "proof.ob2_hosted_unreachable": N_(
            "The hosted assertion %(url)s could not be fetched (%(reason)s), so it could not be "
            "checked."
        ),
        "proof.ob2_offline": N_(
            "Checking an Open Badges 2.0 badge needs its issuer's site (%(url)s), and the network "
            "is off."
        ),
        "proof.ob2_signed": N_("The RS256 signature is valid for the key %(key)s."),
        "proof.ob2_signature_mismatch": N_(
            "The signature does not match the key %(key)s: the assertion was changed after "
            "signing, or signed with another key."
        ),
        "proof.ob2_signature_invalid": N_("The signature cannot be checked: %(reason)s."),
        "proof.ob2_key_unreachable": N_(
            "The signing key %(key)s could not be fetched (%(reason)s), so the signature could not"
            " be checked."
        ),
        "proof.ob2_signed_without_signature": N_(
            "It says it is a signed badge, but it came without its signature (the JWS)."
        ),
        "proof.ob2_unsupported": N_("Verification of type '%(type)s' is not supported."),
        "issuer.ob2_hosted": N_("It is hosted on an address its issuer, %(issuer)s, vouches for."),
        "issuer.ob2_signed": N_("It was signed with a key of its issuer, %(issuer)s."),
        "issuer.ob2_origin_mismatch": N_(
            "It is hosted at %(url)s, which its issuer %(issuer)s does not vouch for."
        ),
        "issuer.ob2_key_not_issuers": N_(
            "The signing key %(key)s does not belong to the issuer %(issuer)s."
        ),
        "issuer.ob2_unreachable": N_(
            "The badge class or issuer profile %(url)s could not be fetched (%(reason)s), so the "
            "issuer could not be confirmed."
        ),
        "issuer.ob2_offline": N_(
            "The badge class or issuer profile %(url)s is on the issuer's site, and the network is"
            " off."
        ),
        "issuer.ob2_unconfirmed": N_(
            "The issuer is %(issuer)s, but without a valid proof it cannot be confirmed."
        ),
        "issuer.ob2_missing": N_("The badge class names no issuer."),
        "status.ob2_revoked": N_("The issuer has revoked this badge."),
        "status.ob2_revoked_reason": N_("The issuer has revoked this badge: %(reason)s."),
        "status.ob2_not_revoked": N_("The issuer has not revoked this badge."),
        "status.ob2_list_unreachable": N_(
            "The issuer's revocation list %(url)s could not be fetched (%(reason)s), so revocation"
            " is unknown."
        ),
        "status.ob2_list_offline": N_(
            "The issuer's revocation list %(url)s was not supplied and the network is off, so "
            "revocation is unknown."
        ),
        "status.ob2_unknown": N_("Without the issuer's hosted copy, revocation is unknown."),
        "recipient.match": N_("It was awarded to %(email)s."),
        "recipient.mismatch": N_("It was awarded to someone else, not to %(email)s."),
        "recipient.no_email": N_(
            "It names no email address, so whether it was issued to %(email)s cannot be checked."
        ),
        "recipient.unsupported": N_(
            "It was awarded to a recipient of type '%(type)s', not to an email address such as "
            "%(email)s."
        ),
        # written by the platform when a learner keeps a credential (microcred.learner.services)
        "recipient.not_account": N_(
            "It names %(recipient)s as its recipient, not this account (%(account)s)."
        ),
        # the report's summary
        "summary.verified": N_("Verified: every check passed."),
        "summary.verified_nonconformant": N_(
            "Verified: authentic and valid now. Its structure does not fully conform to its "
            "specification (problems found: %(count)s); that does not change the verdict."
        ),
        "summary.failed_one": N_("Not verified: the %(checks)s check failed."),
        "summary.failed_many": N_("Not verified: the %(checks)s checks failed."),
        "summary.incomplete": N_("Not fully verified: could not check %(checks)s."),
        "summary.malformed": N_(
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
