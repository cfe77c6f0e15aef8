"""Verifying credentials and presentations (ours and anyone's), and what this platform can say
about who issued them: an organization here (by its key), an issuer a trusted registry lists,
or only a name the credential gives itself."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from microcred.errors import ValidationFailed
from microcred.issuance import identity
from microcred.issuance.models import IssuerKey
from microcred.issuance.verifier_options import verify_options
from microcred.orgs.models import Organization
from microcred.vc import openbadges
from microcred.vc.errors import VCError
from microcred.vc.fetch import fetch_bytes
from microcred.vc.ob2 import Ob2Options, Ob2Report, verify_ob2
from microcred.vc.ob2 import is_ob2 as carries_ob2
from microcred.vc.ob2 import recipient_check as ob2_recipient_check
from microcred.vc.presentation import verify_presentation
from microcred.vc.registries import https_fetcher, registries_from
from microcred.vc.verifier import Check, verify_report
from microcred.verification.summary import credential_summary, ob2_summary

MAX_CREDENTIAL_BYTES = 2 * 1024 * 1024


def credential_verify(*, data: bytes | str) -> Any:
    """Verify any credential (ours or anyone's) and return the verifier's report.

    An Open Badges 2.0 signed assertion (a compact JWS, alone or in an
    ``EnvelopedVerifiableCredential``) comes back as the OB 2.0 verifier's report
    (``Ob2Report``): the core routes it there.

    The platform answers for its own did:web and its own status lists without the network, so
    our pages show revoked, suspended and expired as they are. Other issuers' did:web documents
    and status lists are fetched only when the deployment allows it
    (``VERIFIER_ALLOW_NETWORK``, through the core's guarded fetcher, never to private addresses
    unless ``VERIFIER_ALLOW_PRIVATE_ADDRESSES``); otherwise their checks are reported as
    unknown ("could not be checked"), never as passed (``issuance.verifier_options``).
    """
    return verify_report(data, options=verify_options())


def presentation_verify(
    *, data: dict[str, Any], challenge: str | None = None,
    domain: str | list[str] | None = None,
) -> Any:
    """Verify a verifiable presentation with the same trust as :func:`credential_verify`: its
    proof (``authentication``, carrying ``challenge`` and ``domain`` when they are expected),
    that its holder signed it, and every credential in it."""
    return verify_presentation(data, verify_options(), expected_challenge=challenge,
                               expected_domain=domain)


def recipient_check(*, report: Any, email: str) -> Any:
    """Add to a credential's report whether it was issued to ``email`` (issue 15: "Check it was
    issued to this email"), comparing with the credential's own ``mailto:`` id or hashed
    ``emailAddress`` IdentityObject (its salt, its hash), so that the answer is yes or no and
    never the address it holds. A credential naming no email address gets ``unknown``."""
    credential = report.credential if isinstance(report.credential, dict) else {}
    if isinstance(report, Ob2Report):  # a signed OB 2.0 assertion the credential path read
        report.checks.append(ob2_recipient_check(credential, email))
        return report
    found = openbadges.recipient_email(credential, email)
    if found == "match":
        check = Check.of("recipient", "passed", "recipient.match", email=email)
    elif found == "mismatch":
        check = Check.of("recipient", "failed", "recipient.mismatch", email=email)
    else:
        check = Check.of("recipient", "unknown", "recipient.no_email", email=email)
    report.checks.append(check)
    return report


def ob2_verify(*, data: bytes | str, email: str | None = None) -> Any:
    """Verify an Open Badges 2.0 assertion (JSON, signed JWS, hosted URL or baked image).

    Open Badges 2.0 has no proof inside the badge: the issuer's site is the authority (the
    hosted copy, or the published signing key), so this needs the network; without it the
    proof is reported as unknown. ``email``, when given, must be the badge's recipient."""
    return verify_ob2(data, Ob2Options(
        allow_network=settings.VERIFIER_ALLOW_NETWORK,
        allow_private_addresses=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES,
        timeout=10.0, recipient_email=email,
    ))


def report_summary(report: Any) -> Any:
    """The overview of what a report verified: an Open Badges 2.0 badge's from its badge class
    and issuer profile (the credential verifier hands a signed OB 2.0 assertion to the OB 2.0
    verifier), any other credential's from the credential itself."""
    if isinstance(report, Ob2Report):
        return ob2_summary(report)
    return credential_summary(report.credential)


def is_ob2(data: bytes | str) -> bool:
    return carries_ob2(data)


def is_presentation(document: Any) -> bool:
    kind = document.get("type") if isinstance(document, dict) else None
    return "VerifiablePresentation" in (kind if isinstance(kind, list) else [kind])


def credential_fetch(*, url: str) -> bytes:
    """Fetch a credential (JSON, JWS or baked image) to verify it, through the credential
    core's guarded fetcher: HTTPS only, bounded in time and size, and never to loopback, private
    or link-local addresses (checked at connect time, redirects included) unless the deployment
    allows them (``VERIFIER_ALLOW_PRIVATE_ADDRESSES``)."""
    try:
        return fetch_bytes(
            url,
            accept="application/vc+ld+json, application/ld+json, application/json, "
                   "application/jwt, image/png, image/svg+xml",
            timeout=10.0, max_bytes=MAX_CREDENTIAL_BYTES,
            allow_private=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES,
        )
    except VCError as error:
        raise ValidationFailed(
            _("Could not fetch the credential: %(why)s") % {"why": error.message},
            code="fetch_refused", problems={"credential_url": error.message},
        ) from None


# -- who the issuer is, as far as this platform knows ---------------------------------------


@dataclass(frozen=True)
class IssuerStanding:
    """Whether a credential was signed with the key of an organization on this platform, and
    otherwise whether an issuer registry this installation trusts lists its issuer.

    A credential's ``issuer.name`` is whatever its signer wrote: anyone can sign a credential
    calling themselves "Riverbend Teaching Collaborative" with a key of their own. The platform
    knows its organizations' keys (every ``IssuerKey``, current and rotated), so it can say
    which organization a signing key belongs to; any other name is the credential's claim,
    unless a trusted registry (``ISSUER_REGISTRIES``: the DCC's registries, OpenID Federation
    trust anchors) lists the issuer's id, in which case the registry's name for it is shown,
    as the registry's.

    ``organization`` is the name of the organization whose key signed (empty when the key is
    not known here); ``claimed_name`` what the credential calls its issuer; ``name_clash`` the
    name of an organization here that the credential claims without its key; ``registry`` and
    ``registry_issuer_name`` the registry that lists the issuer and its name there;
    ``registries_unchecked`` the registries that could not be asked."""

    issuer_id: str
    claimed_name: str
    organization: str = ""
    name_clash: str = ""
    #: Why this platform does not confirm it: "unsigned" (the checks do not show the issuer
    #: signed it), "unknown_key" (signed with a key not known here: a registry may still list
    #: it), "elsewhere" (an Open Badges 2.0 badge: such badges are never issued here).
    unconfirmed_because: str = ""
    registry: str = ""
    registry_issuer_name: str = ""
    registry_issuer_url: str = ""
    registry_issuer_location: str = ""
    #: The registry's whole listing (``RegistryListing.as_dict()``), for the VC-API.
    registry_listing: dict[str, Any] | None = field(default=None, compare=False)
    registries_unchecked: tuple[str, ...] = ()
    registry_problems: tuple[dict[str, str], ...] = field(default=(), compare=False)

    @property
    def confirmed(self) -> bool:
        return bool(self.organization)

    @property
    def listed(self) -> bool:
        """Not an organization here, but a trusted registry lists the issuer."""
        return not self.confirmed and bool(self.registry)

    @property
    def renamed(self) -> bool:
        """Signed by a known organization (or a listed issuer) that the credential calls by
        another name."""
        known = self.organization or (self.registry_issuer_name if self.listed else "")
        return (bool(known) and bool(self.claimed_name)
                and _same_name(self.claimed_name, known) is False)

    def as_json(self) -> dict[str, Any]:
        """The extra ``issuerKnown`` member of POST /credentials/verify: ``listedBy`` is the
        trusted registry's listing of the issuer (or ``null``), ``registriesUnchecked`` the
        registries that could not answer."""
        return {"confirmed": self.confirmed, "organization": self.organization or None,
                "claimedName": self.claimed_name or None, "issuer": self.issuer_id or None,
                "nameMatchesOrganization": self.name_clash or None,
                "unconfirmedBecause": self.unconfirmed_because or None,
                "listedBy": self.registry_listing if self.listed else None,
                "registriesUnchecked": list(self.registry_problems)}


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _signing_keys(report: Any, issuer_id: str) -> set[str]:
    """The public keys (multibase) with which ``issuer_id`` signed the credential, when the
    report shows the issuer signed it and the key can be read from what was verified.

    A ``did:key`` is its key. Our own ``did:web`` names the key in the verification method's
    fragment, and the verifier resolved that fragment through the platform's own DID document
    (``platform_documents``), so the fragment is the key that verified. Another ``did:web``'s
    fragment says nothing about the key behind it, so it is never read as one of ours."""
    issuer = report.check("issuer")
    if issuer is None or issuer.outcome != "passed" or not issuer_id:
        return set()
    if issuer_id.startswith("did:key:"):
        return {issuer_id.removeprefix("did:key:")}
    if not (identity.uses_did_web() and issuer_id == identity.web_did()):
        return set()
    credential = report.credential if isinstance(report.credential, dict) else {}
    proofs = credential.get("proof")
    keys: set[str] = set()
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if isinstance(method, str) and method.startswith(issuer_id + "#"):
            keys.add(method.partition("#")[2])
    return keys


def issuer_standing(report: Any, *, claimed_name: str = "", issuer_id: str = "") -> IssuerStanding:
    """What this platform can say about the issuer of a verified credential (any report:
    Open Badges 2.0 badges are never issued here, so theirs are never confirmed)."""
    claimed_name = " ".join(claimed_name.split())
    keys = set() if isinstance(report, Ob2Report) else _signing_keys(report, issuer_id)
    signer = (IssuerKey.objects.filter(public_multibase__in=keys)
              .select_related("organization").first() if keys else None)
    organization = signer.organization.name if signer is not None else ""
    clash = ""
    if claimed_name:
        for other in Organization.objects.filter(name__iexact=claimed_name).only("name"):
            if signer is None or other.pk != signer.organization_id:
                clash = other.name
                break
    issuer = report.check("issuer")
    because = ("" if signer is not None else "elsewhere" if isinstance(report, Ob2Report)
               else "unknown_key" if issuer is not None and issuer.outcome == "passed"
               else "unsigned")
    standing = IssuerStanding(issuer_id=issuer_id, claimed_name=claimed_name,
                              organization=organization, name_clash=clash,
                              unconfirmed_because=because)
    if because == "unknown_key" and issuer_id:
        # The issuer check passed (the issuer's own key signed), so what a registry says about
        # the issuer id is about the signer.
        standing = _with_registries(standing)
    return standing


def _with_registries(standing: IssuerStanding) -> IssuerStanding:
    registries = trusted_registries()
    if not registries:
        return standing
    search = registries.search(standing.issuer_id)
    problems = tuple({"registry": p.registry, "code": p.code, "message": p.message}
                     for p in search.unchecked)
    unchecked = tuple(p.registry for p in search.unchecked)
    listing = search.listing
    if listing is None:
        return replace(standing, registries_unchecked=unchecked, registry_problems=problems)
    return replace(standing, registry=listing.registry, registry_issuer_name=listing.name,
                   registry_issuer_url=listing.url, registry_issuer_location=listing.location,
                   registry_listing=listing.as_dict(), registries_unchecked=unchecked,
                   registry_problems=problems)


_REGISTRIES: dict[tuple[str, tuple[str, ...], bool, bool], Any] = {}


def trusted_registries() -> Any:
    """The issuer registries this installation trusts (``ISSUER_REGISTRIES``, then the files in
    ``ISSUER_REGISTRY_DIR``), built once per
    configuration so their caches (files re-read when they change, URLs kept for an hour, an
    OpenID Federation listing no longer than its statements' ``exp``) last across requests.
    URLs are fetched through the core's guarded fetcher, only with ``VERIFIER_ALLOW_NETWORK``
    on; otherwise such a registry is reported as unchecked."""
    folder = Path(settings.ISSUER_REGISTRY_DIR)
    files = tuple(sorted(str(path) for pattern in ("*.json", "*.jwt")
                         for path in folder.glob(pattern) if path.is_file()))
    key = (settings.ISSUER_REGISTRIES, files, settings.VERIFIER_ALLOW_NETWORK,
           settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES)
    registries = _REGISTRIES.get(key)
    if registries is None:
        fetch = (https_fetcher(allow_private=settings.VERIFIER_ALLOW_PRIVATE_ADDRESSES)
                 if settings.VERIFIER_ALLOW_NETWORK else None)
        registries = registries_from([settings.ISSUER_REGISTRIES, *((None, f) for f in files)],
                                     fetch=fetch)
        _REGISTRIES.clear()
        _REGISTRIES[key] = registries
    return registries


def issuer_known(report: Any) -> dict[str, Any] | None:
    """``issuerKnown`` for a VC-API verification response: :class:`IssuerStanding` of the
    credential's issuer, or ``None`` when the report is not of a credential naming one."""
    if hasattr(report, "credentials"):  # a presentation: each credential speaks for itself
        return None
    summary = report_summary(report)
    if summary is None or not summary.issuer_id:
        return None
    return issuer_standing(report, claimed_name=summary.issuer_name,
                           issuer_id=summary.issuer_id).as_json()
