"""Open Badges 3.0 and CLR 2.0 credentials: builders, and the public face of their validation.

Builders return plain, JSON-ready dicts so the result can be signed as it is and stored byte for
byte; they never add a proof. Each checks its arguments with the data model's own vocabulary and
lexical forms (an absolute URI, a date-time with a zone, a BCP 47 language code) and raises
``InputError`` naming the argument.

``validate`` (and ``validate_or_raise``, ``validate_presentation``, ``Problem``) checks a
credential against the OB 3.0 / CLR 2.0 data model on top of the VC Data Model; the rules live
in :mod:`microcred.vc._internal.ob_conformance` and are imported from here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping, Sequence
from copy import deepcopy
from datetime import UTC, datetime
from typing import Any

from ._internal.ob_conformance import (
    ACHIEVEMENT_TYPES,
    ALIGNMENT_TARGET_TYPES,
    ASSOCIATION_TYPES,
    CLR_CONTEXT,
    EXT_RE,
    IDENTITY_TYPES,
    LANGUAGE_RE,
    OB_CONTEXT,
    RESULT_STATUSES,
    RESULT_TYPES,
    URI_RE,
    VC_V1_CONTEXT,
    VC_V2_CONTEXT,
    Problem,
    excerpt,
    parse_datetime,
    validate,
    validate_or_raise,
    validate_presentation,
)
from .errors import InputError

__all__ = [
    "OB_CONTEXT",
    "VC_V2_CONTEXT",
    "VC_V1_CONTEXT",
    "CLR_CONTEXT",
    "ACHIEVEMENT_TYPES",
    "RESULT_TYPES",
    "RESULT_STATUSES",
    "IDENTITY_TYPES",
    "ALIGNMENT_TARGET_TYPES",
    "ASSOCIATION_TYPES",
    "Problem",
    "now_iso",
    "profile",
    "identity_object",
    "rubric_criterion_level",
    "result_description",
    "alignment",
    "achievement",
    "result",
    "evidence",
    "achievement_subject",
    "open_badge_credential",
    "clr_credential",
    "association",
    "validate",
    "validate_or_raise",
    "validate_presentation",
    "email_identity_matches",
    "recipient_email",
]


def now_iso() -> str:
    """The current UTC time as an XML Schema ``dateTimeStamp`` with whole seconds and ``Z``.

    Whole seconds because fractional seconds are where implementations disagree most often.
    """
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fields(pairs: Mapping[str, Any]) -> dict[str, Any]:
    """Drop absent values (OB 3.0 Serialization: null values and empty arrays MUST be omitted)."""
    return {k: v for k, v in pairs.items() if v is not None and v != "" and v != [] and v != {}}


def _text(argument: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(
            f"{argument} must be a non-empty string", code="invalid_argument", argument=argument
        )
    return value


def _optional_text(argument: str, value: object) -> str | None:
    return None if value is None else _text(argument, value)


def _uri_arg(argument: str, value: object) -> str:
    text = _text(argument, value)
    if not URI_RE.fullmatch(text):
        raise InputError(
            f"{argument} must be an absolute URI (scheme:...), got {excerpt(text)}",
            code="invalid_argument",
            argument=argument,
        )
    return text


def _choice_arg(argument: str, value: str, choices: Sequence[str], *, extensible: bool) -> str:
    if value in choices or (extensible and EXT_RE.fullmatch(value)):
        return value
    hint = " or a term starting with 'ext:'" if extensible else ""
    raise InputError(
        f"{argument} must be one of {', '.join(choices)}{hint}; got {excerpt(value)}",
        code="invalid_argument",
        argument=argument,
    )


def _datetime_arg(argument: str, value: object) -> str:
    text = _text(argument, value)
    if parse_datetime(text, zone=True) is None:
        raise InputError(
            f"{argument} must be a date-time with a time zone, such as 2025-01-31T12:00:00Z",
            code="invalid_argument",
            argument=argument,
        )
    return text


def _objects(argument: str, values: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Copy caller objects so a later change to the input cannot alter a built credential."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise InputError(f"{argument} must be a sequence of objects", code="invalid_argument")
    out: list[dict[str, Any]] = []
    for item in values:
        if not isinstance(item, Mapping):
            raise InputError(f"{argument} must contain only objects", code="invalid_argument")
        out.append(deepcopy(dict(item)))
    return out


def _image(argument: str, value: str | Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An OB 3.0 ``Image`` object: a URL (or data: URI) becomes ``{"id": ..., "type": "Image"}``."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"id": _uri_arg(argument, value), "type": "Image"}
    if not isinstance(value, Mapping):
        raise InputError(f"{argument} must be a URL or an Image object", code="invalid_argument")
    image = deepcopy(dict(value))
    image.setdefault("type", "Image")
    return image


def profile(
    *,
    id: str,
    name: str,
    url: str | None = None,
    email: str | None = None,
    description: str | None = None,
    image: str | Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An OB 3.0 ``Profile`` (issuer, creator): ``id`` and ``type`` are required, ``name`` is
    optional in the model but every displayer shows it, so it is required here."""
    return _fields(
        {
            "id": _uri_arg("id", id),
            "type": ["Profile"],
            "name": _text("name", name),
            "url": None if url is None else _uri_arg("url", url),
            "email": _optional_text("email", email),
            "description": _optional_text("description", description),
            "image": _image("image", image),
        }
    )


def _identity_hash(value: str, salt: str) -> str:
    # OB 3.0 IdentityHash: "sha256$" + hex(SHA-256(UTF-8(identifier + salt))).
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def identity_object(
    *, value: str, identity_type: str = "emailAddress", salt: str | None = None
) -> dict[str, Any]:
    """A hashed OB 3.0 ``IdentityObject`` naming a recipient without publishing the identifier.

    The salt is random (``secrets``) unless given: an unsalted hash of an email address is easy to
    reverse with a dictionary, which is what the salt prevents (OB 3.0, IdentityObject).
    """
    _text("value", value)
    _choice_arg("identity_type", identity_type, IDENTITY_TYPES, extensible=True)
    if salt is None:
        salt = secrets.token_hex(16)
    elif not isinstance(salt, str):
        raise InputError("salt must be a string", code="invalid_argument", argument="salt")
    return {
        "type": "IdentityObject",
        "identityHash": _identity_hash(value, salt),
        "identityType": identity_type,
        "hashed": True,
        "salt": salt,
    }


def email_identity_matches(identity: Mapping[str, Any], email: str) -> bool:
    """Whether an OB 3.0 ``IdentityObject`` of type ``emailAddress`` names ``email``:
    ``identityHash`` is the address itself or, with ``hashed: true``, ``sha256$`` (or ``md5$``)
    + hex(hash(address + salt)) (OB 3.0 §B.1.7). The address is tried as given and in lower
    case, since issuers differ in whether they normalize it; digests compare in constant time."""
    value = identity.get("identityHash")
    if not email.strip() or identity.get("identityType") != "emailAddress":
        return False
    if not isinstance(value, str):
        return False
    candidates = {email.strip(), email.strip().lower()}
    if identity.get("hashed") is not True:
        return value.strip().lower() in {c.lower() for c in candidates}
    algorithm, _, digest = value.partition("$")
    if algorithm.lower() not in ("sha256", "md5") or not digest:
        return False
    salt = identity.get("salt") if isinstance(identity.get("salt"), str) else ""
    return any(
        hmac.compare_digest(
            hashlib.new(algorithm.lower(), (c + str(salt)).encode("utf-8")).hexdigest(),
            digest.lower(),
        )
        for c in candidates
    )


def recipient_email(credential: Mapping[str, Any], email: str) -> str:
    """Whether ``credential`` was issued to ``email``, without revealing the address it names:
    ``"match"``, ``"mismatch"`` (it names an email address, another one), or ``"none"`` (it
    names no email address: a DID, or nothing). Reads every ``credentialSubject``'s ``id``
    (``mailto:``) and its ``identifier`` IdentityObjects."""
    subjects = credential.get("credentialSubject")
    listed = subjects if isinstance(subjects, list) else [subjects]
    named_email = False
    for subject in (s for s in listed if isinstance(s, Mapping)):
        subject_id = subject.get("id")
        if isinstance(subject_id, str) and subject_id.lower().startswith("mailto:"):
            named_email = True
            if subject_id[7:].strip().lower() == email.strip().lower():
                return "match"
        identifiers = subject.get("identifier")
        for identity in identifiers if isinstance(identifiers, list) else [identifiers]:
            if isinstance(identity, Mapping) and identity.get("identityType") == "emailAddress":
                named_email = True
                if email_identity_matches(identity, email):
                    return "match"
    return "mismatch" if named_email else "none"


def rubric_criterion_level(
    *,
    id: str,
    name: str,
    description: str | None = None,
    level: str | None = None,
    points: str | None = None,
) -> dict[str, Any]:
    """An OB 3.0 ``RubricCriterionLevel``; ``points`` is a string in the model, not a number."""
    return _fields(
        {
            "id": _uri_arg("id", id),
            "type": ["RubricCriterionLevel"],
            "name": _text("name", name),
            "description": _optional_text("description", description),
            "level": _optional_text("level", level),
            "points": _optional_text("points", points),
        }
    )


def result_description(
    *,
    id: str,
    name: str,
    result_type: str = "RubricCriterionLevel",
    levels: Sequence[Mapping[str, Any]] = (),
    required_level: str | None = None,
) -> dict[str, Any]:
    """An OB 3.0 ``ResultDescription``: a possible result, with its rubric levels in order from
    low to high, and the level needed to pass (the id of one of ``levels``)."""
    _choice_arg("result_type", result_type, RESULT_TYPES, extensible=True)
    level_list = _objects("levels", levels)
    if required_level is not None:
        _uri_arg("required_level", required_level)
        if required_level not in {level.get("id") for level in level_list}:
            raise InputError(
                "required_level must be the id of one of levels",
                code="invalid_argument",
                argument="required_level",
            )
    return _fields(
        {
            "id": _uri_arg("id", id),
            "type": ["ResultDescription"],
            "name": _text("name", name),
            "resultType": result_type,
            "rubricCriterionLevel": level_list,
            "requiredLevel": required_level,
        }
    )


def alignment(
    *,
    target_name: str,
    target_url: str,
    target_framework: str | None = None,
    target_code: str | None = None,
    target_description: str | None = None,
    target_type: str | None = None,
) -> dict[str, Any]:
    """An OB 3.0 ``Alignment`` to a node of a framework (a competency, a CASE item, ...)."""
    if target_type is not None:
        _choice_arg("target_type", target_type, ALIGNMENT_TARGET_TYPES, extensible=True)
    return _fields(
        {
            "type": ["Alignment"],
            "targetName": _text("target_name", target_name),
            "targetUrl": _uri_arg("target_url", target_url),
            "targetFramework": _optional_text("target_framework", target_framework),
            "targetCode": _optional_text("target_code", target_code),
            "targetDescription": _optional_text("target_description", target_description),
            "targetType": target_type,
        }
    )


def achievement(
    *,
    id: str,
    name: str,
    description: str,
    criteria_narrative: str | None = None,
    criteria_id: str | None = None,
    achievement_type: str = "MicroCredential",
    image: str | Mapping[str, Any] | None = None,
    alignments: Sequence[Mapping[str, Any]] = (),
    result_descriptions: Sequence[Mapping[str, Any]] = (),
    version: str | None = None,
    creator: Mapping[str, Any] | None = None,
    tags: Sequence[str] = (),
    in_language: str | None = None,
    human_code: str | None = None,
    field_of_study: str | None = None,
    credits_available: float | None = None,
    related: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """An OB 3.0 ``Achievement``. ``criteria`` needs a narrative or the URL of a criteria page
    (OB 3.0 Criteria: implementations SHOULD give at least one; we always do)."""
    _choice_arg("achievement_type", achievement_type, ACHIEVEMENT_TYPES, extensible=True)
    if criteria_narrative is None and criteria_id is None:
        raise InputError(
            "an achievement needs criteria_narrative or criteria_id", code="invalid_argument"
        )
    if in_language is not None and not LANGUAGE_RE.fullmatch(str(in_language)):
        raise InputError(
            "in_language must be a BCP 47 language code such as 'en' or 'pt-BR'",
            code="invalid_argument",
            argument="in_language",
        )
    if credits_available is not None and (
        isinstance(credits_available, bool) or not isinstance(credits_available, (int, float))
    ):
        raise InputError("credits_available must be a number", code="invalid_argument")
    if isinstance(tags, str):
        raise InputError("tags must be a sequence of strings", code="invalid_argument")
    tag_list = [_text("tags", tag) for tag in tags]
    criteria = _fields(
        {
            "id": None if criteria_id is None else _uri_arg("criteria_id", criteria_id),
            "narrative": _optional_text("criteria_narrative", criteria_narrative),
        }
    )
    return _fields(
        {
            "id": _uri_arg("id", id),
            "type": ["Achievement"],
            "achievementType": achievement_type,
            "name": _text("name", name),
            "description": _text("description", description),
            "criteria": criteria,
            "image": _image("image", image),
            "alignment": _objects("alignments", alignments),
            "resultDescription": _objects("result_descriptions", result_descriptions),
            "creator": None if creator is None else _objects("creator", [creator])[0],
            "version": _optional_text("version", version),
            "tag": tag_list,
            "inLanguage": in_language,
            "humanCode": _optional_text("human_code", human_code),
            "fieldOfStudy": _optional_text("field_of_study", field_of_study),
            "creditsAvailable": credits_available,
            "related": _objects("related", related),
        }
    )


def result(
    *,
    result_description: str,
    achieved_level: str | None = None,
    status: str | None = None,
    value: str | None = None,
) -> dict[str, Any]:
    """An OB 3.0 ``Result``, linked by id to a ``ResultDescription`` of the achievement."""
    if status is not None:
        _choice_arg("status", status, RESULT_STATUSES, extensible=False)
    return _fields(
        {
            "type": ["Result"],
            "resultDescription": _uri_arg("result_description", result_description),
            "achievedLevel": None
            if achieved_level is None
            else _uri_arg("achieved_level", achieved_level),
            "status": status,
            "value": _optional_text("value", value),
        }
    )


def evidence(
    *,
    id: str | None = None,
    name: str | None = None,
    narrative: str | None = None,
    description: str | None = None,
    genre: str | None = None,
    audience: str | None = None,
) -> dict[str, Any]:
    """An OB 3.0 ``Evidence`` entry; ``id`` is the URL of the work (or a data: URI)."""
    return _fields(
        {
            "id": None if id is None else _uri_arg("id", id),
            "type": ["Evidence"],
            "name": _optional_text("name", name),
            "narrative": _optional_text("narrative", narrative),
            "description": _optional_text("description", description),
            "genre": _optional_text("genre", genre),
            "audience": _optional_text("audience", audience),
        }
    )


def achievement_subject(
    *,
    achievement: Mapping[str, Any],
    id: str | None = None,
    identifier: Sequence[Mapping[str, Any]] = (),
    results: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """An OB 3.0 ``AchievementSubject``: "Either ``id`` or at least one ``identifier`` MUST be
    supplied" (a DID or URL for the learner, or hashed IdentityObjects)."""
    identifiers = _objects("identifier", identifier)
    if id is None and not identifiers:
        raise InputError(
            "an achievement subject needs an id or at least one identifier",
            code="invalid_argument",
        )
    return _fields(
        {
            "id": None if id is None else _uri_arg("id", id),
            "type": ["AchievementSubject"],
            "identifier": identifiers,
            "achievement": _objects("achievement", [achievement])[0],
            "result": _objects("results", results),
        }
    )


def _contexts(base: Sequence[str], extra: Sequence[str]) -> list[str]:
    if isinstance(extra, str):
        raise InputError("contexts must be a sequence of URLs", code="invalid_argument")
    out = list(base)
    for url in extra:
        if url not in out:
            out.append(_uri_arg("contexts", url))
    return out


def _status(
    credential_status: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
) -> dict[str, Any] | list[dict[str, Any]] | None:
    """One status entry is written as an object (OB 3.0 has ``credentialStatus`` 0..1, and its
    JSON Schema wants an object); several, as VC 2.0 allows, as an array."""
    if credential_status is None:
        return None
    if isinstance(credential_status, Mapping):
        return _objects("credential_status", [credential_status])[0]
    entries = _objects("credential_status", credential_status)
    if not entries:
        return None
    return entries[0] if len(entries) == 1 else entries


def open_badge_credential(
    *,
    issuer: Mapping[str, Any],
    achievement: Mapping[str, Any],
    subject: Mapping[str, Any],
    valid_from: str,
    id: str | None = None,
    name: str | None = None,
    description: str | None = None,
    image: str | Mapping[str, Any] | None = None,
    valid_until: str | None = None,
    awarded_date: str | None = None,
    evidence: Sequence[Mapping[str, Any]] = (),
    credential_status: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
    credential_schema: Sequence[Mapping[str, Any]] = (),
    contexts: Sequence[str] = (),
) -> dict[str, Any]:
    """An unsigned ``OpenBadgeCredential`` (OB 3.0 AchievementCredential) over VC 2.0.

    ``subject`` is an AchievementSubject; its ``achievement`` is set to ``achievement`` so the
    two cannot disagree. ``id`` defaults to a ``urn:uuid:`` (the model requires one, and widely
    used wallets refuse a credential without it); ``name`` defaults to the achievement's name,
    since wallets list credentials by it.
    """
    subject_copy = _objects("subject", [subject])[0]
    subject_copy["achievement"] = _objects("achievement", [achievement])[0]
    valid_from = _datetime_arg("valid_from", valid_from)
    if valid_until is not None:
        valid_until = _datetime_arg("valid_until", valid_until)
        start, end = parse_datetime(valid_from), parse_datetime(valid_until)
        if start is not None and end is not None and end < start:
            raise InputError(
                "valid_until must not be earlier than valid_from", code="invalid_argument"
            )
    if name is None:
        achievement_name = achievement.get("name")
        name = achievement_name if isinstance(achievement_name, str) else None
    return _fields(
        {
            "@context": _contexts([VC_V2_CONTEXT, OB_CONTEXT], contexts),
            "id": f"urn:uuid:{uuid.uuid4()}" if id is None else _uri_arg("id", id),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": _optional_text("name", name),
            "description": _optional_text("description", description),
            "image": _image("image", image),
            "issuer": _objects("issuer", [issuer])[0],
            "validFrom": valid_from,
            "validUntil": valid_until,
            "awardedDate": None
            if awarded_date is None
            else _datetime_arg("awarded_date", awarded_date),
            "credentialSubject": subject_copy,
            "evidence": _objects("evidence", evidence),
            "credentialSchema": _objects("credential_schema", credential_schema),
            "credentialStatus": _status(credential_status),
        }
    )


def association(*, association_type: str, source_id: str, target_id: str) -> dict[str, Any]:
    """A CLR 2.0 ``Association`` between two achievements, e.g. ``isParentOf`` from a stacked
    credential to each of its parts."""
    _choice_arg("association_type", association_type, ASSOCIATION_TYPES, extensible=False)
    return {
        "type": "Association",
        "associationType": association_type,
        "sourceId": _uri_arg("source_id", source_id),
        "targetId": _uri_arg("target_id", target_id),
    }


def clr_credential(
    *,
    issuer: Mapping[str, Any],
    subject_id: str | None,
    credentials: Sequence[Mapping[str, Any]],
    valid_from: str,
    name: str,
    id: str | None = None,
    identifier: Sequence[Mapping[str, Any]] = (),
    achievements: Sequence[Mapping[str, Any]] = (),
    associations: Sequence[Mapping[str, Any]] = (),
    description: str | None = None,
    valid_until: str | None = None,
) -> dict[str, Any]:
    """An unsigned CLR 2.0 ``ClrCredential`` carrying already signed credentials.

    Each of ``credentials`` keeps its own proof, so it is embedded unchanged (a deep copy, same
    keys in the same order): re-serializing or "normalizing" it would break its signature. The
    ``@context`` order is the one CLR 2.0 prescribes: VC 2.0, CLR 2.0.1, OB 3.0.3.
    """
    embedded = _objects("credentials", credentials)
    if not embedded:
        raise InputError(
            "a CLR needs at least one credential (ClrSubject.verifiableCredential is 1..*)",
            code="invalid_argument",
        )
    identifiers = _objects("identifier", identifier)
    if subject_id is None and not identifiers:
        raise InputError(
            "a CLR subject needs a subject_id or at least one identifier", code="invalid_argument"
        )
    valid_from = _datetime_arg("valid_from", valid_from)
    if valid_until is not None:
        valid_until = _datetime_arg("valid_until", valid_until)
    subject = _fields(
        {
            "id": None if subject_id is None else _uri_arg("subject_id", subject_id),
            "type": ["ClrSubject"],
            "identifier": identifiers,
            "verifiableCredential": embedded,
            "achievement": _objects("achievements", achievements),
            "association": _objects("associations", associations),
        }
    )
    return _fields(
        {
            "@context": [VC_V2_CONTEXT, CLR_CONTEXT, OB_CONTEXT],
            "id": f"urn:uuid:{uuid.uuid4()}" if id is None else _uri_arg("id", id),
            "type": ["VerifiableCredential", "ClrCredential"],
            "name": _text("name", name),
            "description": _optional_text("description", description),
            "issuer": _objects("issuer", [issuer])[0],
            "validFrom": valid_from,
            "validUntil": valid_until,
            "credentialSubject": subject,
        }
    )


