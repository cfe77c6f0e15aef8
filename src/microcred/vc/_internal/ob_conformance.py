"""Open Badges 3.0 and CLR 2.0 conformance: the data model's vocabulary and its rules.

``validate`` checks a credential against the data model of Open Badges 3.0 (1EdTech, Appendix B
"Data Models", generated from ``common_credentials.lines`` and published as
``ob_v3p0_achievementcredential_schema.json``) and of CLR 2.0 (``ClrCredential``, ``ClrSubject``,
``Association``), on top of the Verifiable Credentials Data Model 2.0 (or 1.1 for older
credentials). It reports every problem with a JSONPath, so an issuer form or a verifier report
can point at the field, and it never raises on odd input: structure is what it checks.

Two rules of the OB 3.0 Serialization section shape what is accepted:

* ``type`` of most classes (and ``credentialSchema``, ``proof``, ``termsOfUse``) may be a single
  string or an array ("Compacted document form"); classes whose type "MUST be the IRI X"
  (``Image``, ``IdentityObject``, ``IdentifierEntry``, ``GeoCoordinates``, CLR ``Association``)
  take exactly that string.
* every other multi-valued property MUST be a JSON array, and complex types MUST be JSON objects
  ("JSON" subsection): an ``evidence`` object or an ``image`` URL string is a problem.

Proofs are not looked at here (see the proof modules); nor is the JSON-LD meaning (``jsonld``).
The vocabulary (contexts, enumerations, lexical forms) is shared with the builders in
:mod:`microcred.vc.openbadges`, which is where callers import all of it from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from ..errors import SchemaError

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
    "EXT_RE",
    "URI_RE",
    "LANGUAGE_RE",
    "Problem",
    "excerpt",
    "parse_datetime",
    "validate",
    "validate_or_raise",
    "validate_presentation",
]

OB_CONTEXT: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"
CLR_CONTEXT: Final = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"

# Enumerations from the OB 3.0 data model (B.3 "Enumerated Vocabularies") and CLR 2.0. The
# extensible ones (EnumExt) also accept a term starting with "ext:".
#: OB 3.0 AchievementType (extensible).
ACHIEVEMENT_TYPES: Final = (
    "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree",
    "Award", "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification",
    "CommunityService", "Competency", "Course", "CoCurricular", "Degree", "Diploma",
    "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment", "JourneymanCertificate",
    "LearningProgram", "License", "Membership", "ProfessionalDoctorate",
    "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential",
    "ResearchDoctorate", "SecondarySchoolDiploma",
)  # fmt: skip
#: OB 3.0 ResultType (extensible).
RESULT_TYPES: Final = (
    "GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore",
    "RawScore", "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore",
    "ScaledScore", "Status",
)  # fmt: skip
#: OB 3.0 ResultStatusType (closed).
RESULT_STATUSES: Final = (
    "Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew",
)  # fmt: skip
#: 1EdTech IdentifierTypeEnum, used by IdentityObject.identityType (extensible).
IDENTITY_TYPES: Final = (
    "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
    "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId",
    "sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId",
    "identifier",
)  # fmt: skip
#: OB 3.0 AlignmentTargetType (extensible).
ALIGNMENT_TARGET_TYPES: Final = (
    "ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "CFRubricCriterion",
    "CFRubricCriterionLevel", "CTDL",
)  # fmt: skip
#: CLR 2.0 AssociationType (closed).
ASSOCIATION_TYPES: Final = (
    "exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf", "isRelatedTo",
    "precedes", "replacedBy",
)  # fmt: skip

_OB_CONTEXT_RE: Final = re.compile(
    r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.[0-9]\.[0-9])*\.json"
)
_CLR_CONTEXT_RE: Final = re.compile(
    r"https://purl\.imsglobal\.org/spec/clr/v2p0/context(-2\.[0-9]\.[0-9])*\.json"
)
EXT_RE: Final = re.compile(r"ext:[A-Za-z0-9._-]+")
# RFC 3986 absolute URI, loosely: a scheme, a colon, and no whitespace. Covers https:, urn:, did:
# and data: URIs, and rejects relative references, which the data model's URI type excludes.
URI_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
# XML Schema dateTime (the VC dateTimeStamp and OB DateTimeZ types): RFC 3339 profile with an
# upper-case T and, for the "Z" types, a mandatory zone.
_DATETIME_RE: Final = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?"
)
_DATE_RE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LANGUAGE_RE: Final = re.compile(r"[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")
_JWS_RE: Final = re.compile(r"[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+")
_IDENTITY_HASH_RE: Final = re.compile(r"sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32}")
_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: How deep credentials and profiles may nest (endorsements of endorsers' profiles, parentOrg
#: chains, credentials inside a CLR) before validation stops descending.
_MAX_DEPTH: Final = 16


@dataclass(frozen=True)
class Problem:
    """One structural problem: where (a JSONPath such as ``$.credentialSubject.achievement``)
    and what, in a sentence that names the rule."""

    path: str
    message: str
    #: The rule the message cites ("OB 3.0 AchievementSubject", "VC Data Model 2.0 §Contexts")
    #: and the address of its section in the published specification ("" when none is cited).
    rule: str = ""
    section: str = ""

    @classmethod
    def at(cls, path: str, message: str) -> Problem:
        """A problem whose ``rule`` and ``section`` are read from the rule its message cites."""
        rule, section = _cited_rule(message)
        return cls(path, message, rule, section)

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message, "rule": self.rule,
                "section": self.section}


#: Where each specification's sections live: an OB 3.0 or CLR 2.0 class has an anchor of its
#: lower-cased name in the data model appendix (the order of ``@context``, its JSON-LD
#: section); a VC Data Model section, of its title lower-cased with hyphens.
_SPEC_ROOTS: Final = {
    "OB 3.0": "https://www.imsglobal.org/spec/ob/v3p0/#",
    "CLR 2.0": "https://www.imsglobal.org/spec/clr/v2p0/#",
    "VC Data Model 2.0": "https://www.w3.org/TR/vc-data-model-2.0/#",
    "VC Data Model 1.1": "https://www.w3.org/TR/vc-data-model-1.1/#",
}
_CITED_RE: Final = re.compile(
    r"\((?:[^()]*?; )?(?P<spec>OB 3\.0|CLR 2\.0|VC Data Model [12]\.[01]) "
    r"(?:§(?P<section>[A-Za-z ]+?)|(?P<cls>[A-Z][A-Za-z]+)(?P<ctx> @context)?|(?P<ld>@context))\)"
    r"|\((?P<bare>VC Data Model [12]\.[01])\)"
)


def _cited_rule(message: str) -> tuple[str, str]:
    match = next(reversed(list(_CITED_RE.finditer(message))), None)
    if match is None:
        return "", ""
    if match["bare"]:  # a plain credential's rule: the data model as a whole
        return match["bare"], _SPEC_ROOTS[match["bare"]].rstrip("#")
    spec, section, cls = match["spec"], match["section"], match["cls"]
    if match["ld"] or match["ctx"]:  # the order of @context: the JSON-LD section
        return f"{spec} @context", _SPEC_ROOTS[spec] + (
            "contexts" if spec.startswith("VC") else "json-ld"
        )
    name = f"§{section}" if section else cls
    anchor = section.lower().replace(" ", "-") if section else cls.lower()
    return f"{spec} {name}", _SPEC_ROOTS[spec] + anchor


def excerpt(value: object) -> str:
    """A short, safe rendering of a scalar for messages (never repr() a container: it may be
    huge, cyclic or deeper than the recursion limit)."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**18:
        return "a large number"  # str() of a huge int raises ValueError past 4300 digits
    if value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    kind = _json_type(value)
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def _key(path: str, name: object) -> str:
    """JSONPath of a member: dot notation for plain names, quoted brackets otherwise."""
    if not isinstance(name, str):
        return f"{path}[{excerpt(name)}]"
    text = name
    if _NAME_RE.fullmatch(text):
        return f"{path}.{text}"
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{escaped}']"


def parse_datetime(text: str, *, zone: bool = True) -> datetime | None:
    """Parse an XML Schema dateTime; ``zone`` demands the offset (dateTimeStamp, DateTimeZ)."""
    match = _DATETIME_RE.fullmatch(text)
    if match is None or (zone and match.group("zone") is None):
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _type_values(value: object) -> list[str] | None:
    """``type`` as a list of strings, accepting the compacted single-string form."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return list(value)
    return None


class _Checker:
    """Collects problems; each method checks one property of one object and records what is
    wrong with it, returning the value when it is usable for further checks."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem.at(path, message))

    def obj(self, value: object, path: str, what: str) -> Mapping[Any, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.add(path, f"must be a JSON object ({what}), not {excerpt(value)}")
        return None

    def present(self, obj: Mapping[Any, Any], path: str, name: str, rule: str) -> bool:
        if name in obj:
            return True
        self.add(_key(path, name), f"is required ({rule})")
        return False

    def string(
        self, obj: Mapping[Any, Any], path: str, name: str, rule: str, *, required: bool = False
    ) -> str | None:
        if name not in obj:
            if required:
                self.add(_key(path, name), f"is required ({rule})")
            return None
        value = obj[name]
        if not isinstance(value, str):
            self.add(_key(path, name), f"must be a string ({rule}), not {excerpt(value)}")
            return None
        if required and not value.strip():
            self.add(_key(path, name), f"must not be empty ({rule})")
            return None
        return value

    def uri(
        self, obj: Mapping[Any, Any], path: str, name: str, rule: str, *, required: bool = False
    ) -> str | None:
        value = self.string(obj, path, name, rule, required=required)
        if value is not None and not URI_RE.fullmatch(value):
            self.add(
                _key(path, name),
                f"must be an absolute URI such as https://... or urn:uuid:... ({rule}), "
                f"not {excerpt(value)}",
            )
            return None
        return value

    def date_time(
        self,
        obj: Mapping[Any, Any],
        path: str,
        name: str,
        rule: str,
        *,
        required: bool = False,
        zone: bool = True,
    ) -> datetime | None:
        value = self.string(obj, path, name, rule, required=required)
        if value is None:
            return None
        parsed = parse_datetime(value, zone=zone)
        if parsed is None:
            wanted = "a date-time with a time zone" if zone else "a date-time"
            self.add(
                _key(path, name),
                f"must be {wanted} such as 2025-01-31T12:00:00Z (XML Schema dateTime; {rule}), "
                f"not {excerpt(value)}",
            )
        return parsed

    def calendar_date(self, obj: Mapping[Any, Any], path: str, name: str, rule: str) -> None:
        value = self.string(obj, path, name, rule)
        if value is None:
            return
        try:
            ok = bool(_DATE_RE.fullmatch(value)) and bool(datetime.strptime(value, "%Y-%m-%d"))  # noqa: DTZ007
        except ValueError:
            ok = False
        if not ok:
            self.add(_key(path, name), f"must be a date such as 2001-12-31 ({rule})")

    def number(self, obj: Mapping[Any, Any], path: str, name: str, rule: str) -> None:
        if name in obj:
            value = obj[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.add(_key(path, name), f"must be a number ({rule}), not {excerpt(value)}")

    def boolean(
        self, obj: Mapping[Any, Any], path: str, name: str, rule: str, *, required: bool = False
    ) -> bool | None:
        if name not in obj:
            if required:
                self.add(_key(path, name), f"is required ({rule})")
            return None
        value = obj[name]
        if not isinstance(value, bool):
            self.add(_key(path, name), f"must be true or false ({rule}), not {excerpt(value)}")
            return None
        return value

    def choice(
        self,
        obj: Mapping[Any, Any],
        path: str,
        name: str,
        rule: str,
        choices: Sequence[str],
        *,
        extensible: bool,
        required: bool = False,
    ) -> str | None:
        value = self.string(obj, path, name, rule, required=required)
        if value is None:
            return None
        if value in choices or (extensible and EXT_RE.fullmatch(value)):
            return value
        hint = ", or an extension term starting with 'ext:'" if extensible else ""
        self.add(
            _key(path, name),
            f"must be one of {', '.join(choices)}{hint} ({rule}), not {excerpt(value)}",
        )
        return None

    def type_contains(self, obj: Mapping[Any, Any], path: str, wanted: str, rule: str) -> None:
        """An array-compacted ``type``: a string or array of strings that includes ``wanted``."""
        if not self.present(obj, path, "type", rule):
            return
        values = _type_values(obj["type"])
        if values is None:
            self.add(
                _key(path, "type"),
                f"must be a string or a non-empty array of strings ({rule})",
            )
        elif wanted not in values:
            self.add(_key(path, "type"), f"must include '{wanted}' ({rule})")

    def type_equals(self, obj: Mapping[Any, Any], path: str, wanted: str, rule: str) -> None:
        """A single-IRI ``type`` ("MUST be the IRI 'X'")."""
        if not self.present(obj, path, "type", rule):
            return
        if obj["type"] != wanted:
            self.add(
                _key(path, "type"), f"must be '{wanted}' ({rule}), not {excerpt(obj['type'])}"
            )

    def each(
        self,
        obj: Mapping[Any, Any],
        path: str,
        name: str,
        rule: str,
        check: Callable[[object, str], None],
        *,
        compactable: bool = False,
        single_ok: bool = False,
        non_empty: bool = False,
    ) -> None:
        """Run ``check`` on each item of an array property.

        ``compactable``/``single_ok`` accept one object in place of a one-item array (OB 3.0
        Serialization, compacted document form; VC 2.0 for ``credentialStatus``).
        """
        if name not in obj:
            return
        value = obj[name]
        where = _key(path, name)
        if isinstance(value, Mapping) and (compactable or single_ok):
            check(value, where)
            return
        if not isinstance(value, list):
            self.add(where, f"must be an array ({rule}), not {excerpt(value)}")
            return
        if non_empty and not value:
            self.add(where, f"must not be empty ({rule})")
        for index, item in enumerate(value):
            check(item, f"{where}[{index}]")


# Rule names used in messages: the class of the data model that the rule comes from.
_OB = "OB 3.0"
_VC2 = "VC Data Model 2.0"
_VC1 = "VC Data Model 1.1"
_CLR = "CLR 2.0"


def _kind_of(document: Mapping[Any, Any]) -> str:
    types = _type_values(document.get("type")) or []
    if "ClrCredential" in types:
        return "clr"
    if "OpenBadgeCredential" in types or "AchievementCredential" in types:
        return "ob"
    if "EndorsementCredential" in types:
        return "endorsement"
    return "vc"


def _check_contexts(ck: _Checker, doc: Mapping[Any, Any], path: str, kind: str) -> str:
    """``@context`` order is normative (VC 2.0 §Contexts; OB 3.0 and CLR 2.0 name the second and
    third entries). Returns the VC version the first entry selects: "v2" or "v1"."""
    where = _key(path, "@context")
    if "@context" not in doc:
        ck.add(where, f"is required ({_VC2} §Contexts)")
        return "v2"
    raw = doc["@context"]
    contexts: list[object]
    if isinstance(raw, str):
        contexts = [raw]
    elif isinstance(raw, list) and raw:
        contexts = list(raw)
    else:
        ck.add(where, f"must be a non-empty array of context URLs ({_VC2} §Contexts)")
        return "v2"
    for index, entry in enumerate(contexts):
        if not isinstance(entry, (str, Mapping)):
            ck.add(
                f"{where}[{index}]", f"must be a context URL or a context object ({_VC2} §Contexts)"
            )
        elif isinstance(entry, str) and not URI_RE.fullmatch(entry):
            ck.add(f"{where}[{index}]", f"must be a URL, not {excerpt(entry)} ({_VC2} §Contexts)")
    version = "v2"
    if contexts[0] == VC_V1_CONTEXT:
        version = "v1"
    elif contexts[0] != VC_V2_CONTEXT:
        ck.add(
            f"{where}[0]",
            f"must be {VC_V2_CONTEXT} (or {VC_V1_CONTEXT} for a VC 1.1 credential) "
            f"({_VC2} §Contexts)",
        )

    def expect(index: int, pattern: re.Pattern[str], what: str, rule: str) -> None:
        entry = contexts[index] if index < len(contexts) else None
        if isinstance(entry, str) and pattern.fullmatch(entry):
            return
        target = f"{where}[{index}]" if index < len(contexts) else where
        ck.add(target, f"must have the {what} as entry {index} ({rule} @context)")

    if kind in ("ob", "endorsement"):
        expect(1, _OB_CONTEXT_RE, f"Open Badges 3.0 context ({OB_CONTEXT})", _OB)
    elif kind == "clr":
        expect(1, _CLR_CONTEXT_RE, f"CLR 2.0 context ({CLR_CONTEXT})", _CLR)
        expect(2, _OB_CONTEXT_RE, f"Open Badges 3.0 context ({OB_CONTEXT})", _CLR)
    return version


def _check_credential(
    ck: _Checker, value: object, path: str, depth: int, expect: str | None = None
) -> None:
    """A credential of the kind its ``type`` names (or ``expect`` for embedded ones)."""
    doc = ck.obj(value, path, "a verifiable credential")
    if doc is None:
        return
    if depth > _MAX_DEPTH:
        ck.add(path, "credentials are nested too deeply to validate")
        return
    kind = expect or _kind_of(doc)
    version = _check_contexts(ck, doc, path, kind)
    vc = _VC1 if version == "v1" else _VC2
    rule = {
        "ob": f"{_OB} AchievementCredential",
        "clr": f"{_CLR} ClrCredential",
        "endorsement": f"{_OB} EndorsementCredential",
        "vc": vc,
    }[kind]

    # type (VC 2.0 §Types; each spec names its own credential type)
    if ck.present(doc, path, "type", rule):
        types = _type_values(doc["type"])
        where = _key(path, "type")
        if types is None:
            ck.add(where, f"must be a string or a non-empty array of strings ({vc} §Types)")
        else:
            if "VerifiableCredential" not in types:
                ck.add(where, f"must include 'VerifiableCredential' ({vc} §Types)")
            if kind == "ob" and not {"OpenBadgeCredential", "AchievementCredential"} & set(types):
                ck.add(
                    where, f"must include 'OpenBadgeCredential' or 'AchievementCredential' ({rule})"
                )
            if kind == "clr" and "ClrCredential" not in types:
                ck.add(where, f"must include 'ClrCredential' ({rule})")
            if kind == "endorsement" and "EndorsementCredential" not in types:
                ck.add(where, f"must include 'EndorsementCredential' ({rule})")

    # id is optional in VC 2.0 but required by OB 3.0 and CLR 2.0
    ck.uri(doc, path, "id", rule, required=kind != "vc")
    # name is required for endorsements, CLRs and OB credentials of the VC 1.1 era
    name_required = kind in ("clr", "endorsement") or (kind == "ob" and version == "v1")
    if kind == "vc":
        _check_language_text(ck, doc, path, "name", f"{vc} §Names and Descriptions")
        _check_language_text(ck, doc, path, "description", f"{vc} §Names and Descriptions")
    else:
        ck.string(doc, path, "name", rule, required=name_required)
        ck.string(doc, path, "description", rule)

    _check_issuer(ck, doc, path, kind, depth, vc)
    _check_validity(ck, doc, path, version, required=kind != "vc")

    if kind != "vc":
        if "image" in doc:
            _check_image(ck, doc["image"], _key(path, "image"))
        ck.date_time(doc, path, "awardedDate", rule)
        ck.each(
            doc,
            path,
            "endorsement",
            rule,
            lambda item, where: _check_credential(ck, item, where, depth + 1, "endorsement"),
        )
        _check_jws_list(ck, doc, path, rule)

    # credentialSubject
    if ck.present(doc, path, "credentialSubject", rule):
        subject = doc["credentialSubject"]
        where = _key(path, "credentialSubject")
        if kind == "ob":
            _check_achievement_subject(ck, subject, where, depth)
        elif kind == "clr":
            _check_clr_subject(ck, subject, where, depth)
        elif kind == "endorsement":
            _check_endorsement_subject(ck, subject, where)
        else:
            _check_generic_subject(ck, subject, where)

    if kind == "ob":
        ck.each(
            doc,
            path,
            "evidence",
            f"{_OB} AchievementCredential",
            lambda v, w: _check_evidence(ck, v, w),
        )
    else:
        ck.each(
            doc,
            path,
            "evidence",
            f"{vc} §Evidence",
            lambda v, w: _check_typed_entry(ck, v, w, f"{vc} §Evidence", id_required=False),
            compactable=True,
        )
    if kind == "clr":
        ck.boolean(doc, path, "partial", rule)

    _check_status(ck, doc, path, vc)
    _check_related_resources(ck, doc, path)
    ck.each(
        doc,
        path,
        "credentialSchema",
        f"{vc} §Data Schemas",
        lambda v, w: _check_typed_entry(ck, v, w, f"{vc} §Data Schemas", id_required=True),
        compactable=True,
    )
    ck.each(
        doc,
        path,
        "termsOfUse",
        f"{vc} §Terms of Use",
        lambda v, w: _check_typed_entry(ck, v, w, f"{vc} §Terms of Use", id_required=False),
        compactable=True,
    )
    ck.each(
        doc,
        path,
        "refreshService",
        f"{vc} §Refreshing",
        lambda v, w: _check_typed_entry(ck, v, w, f"{vc} §Refreshing", id_required=False),
        single_ok=True,
    )
    # proof: verified by the proof modules, not here.


def _check_issuer(
    ck: _Checker, doc: Mapping[Any, Any], path: str, kind: str, depth: int, vc: str
) -> None:
    """VC §Issuer: a URL or an object with an ``id``; OB/CLR make the object a ``Profile``."""
    if not ck.present(doc, path, "issuer", f"{vc} §Issuer"):
        return
    issuer = doc["issuer"]
    where = _key(path, "issuer")
    if isinstance(issuer, str):
        if not URI_RE.fullmatch(issuer):
            ck.add(where, f"must be an absolute URI or an object ({vc} §Issuer)")
        return
    if kind == "vc":
        obj = ck.obj(issuer, where, f"a URL or an object with an id, {vc} §Issuer")
        if obj is not None:
            ck.uri(obj, where, "id", f"{vc} §Issuer", required=True)
            for name in ("name", "description"):
                _check_language_text(ck, obj, where, name, f"{vc} §Names and Descriptions")
        return
    _check_profile(ck, issuer, where, depth)


def _check_validity(
    ck: _Checker, doc: Mapping[Any, Any], path: str, version: str, *, required: bool
) -> None:
    """VC 2.0 §Validity Period, which replaced ``issuanceDate``/``expirationDate`` with
    ``validFrom``/``validUntil`` (``validFrom`` is optional in VC 2.0 but ``required`` by OB 3.0
    and CLR 2.0); or VC 1.1 §Issuance Date (always required) and §Expiration for credentials
    whose first context is the 1.1 one."""
    if version == "v1":
        start = ck.date_time(doc, path, "issuanceDate", f"{_VC1} §Issuance Date", required=True)
        end = ck.date_time(doc, path, "expirationDate", f"{_VC1} §Expiration")
        if start is not None and end is not None and end < start:
            ck.add(_key(path, "expirationDate"), f"must not be earlier than issuanceDate ({_VC1})")
        return
    start = ck.date_time(doc, path, "validFrom", f"{_VC2} §Validity Period", required=required)
    end = ck.date_time(doc, path, "validUntil", f"{_VC2} §Validity Period")
    if start is not None and end is not None and end < start:
        ck.add(
            _key(path, "validUntil"),
            f"must not be earlier than validFrom ({_VC2} §Validity Period)",
        )
    for legacy, replacement in (("issuanceDate", "validFrom"), ("expirationDate", "validUntil")):
        if legacy in doc:
            ck.add(
                _key(path, legacy),
                f"is a VC 1.1 property; a credential in the VC 2.0 context uses {replacement}",
            )


def _check_status(ck: _Checker, doc: Mapping[Any, Any], path: str, vc: str) -> None:
    """VC §Status: one entry or several, each with a ``type`` and, if present, a URL ``id``."""
    rule = f"{vc} §Status"
    ck.each(
        doc,
        path,
        "credentialStatus",
        rule,
        lambda v, w: _check_typed_entry(ck, v, w, rule, id_required=False),
        single_ok=True,
    )


def _check_language_text(
    ck: _Checker, doc: Mapping[Any, Any], path: str, name: str, rule: str
) -> None:
    """VC 2.0 §Names and Descriptions: a string, a language value object (``@value`` with an
    optional ``@language`` and ``@direction``) or an array of language value objects."""
    if name not in doc or isinstance(doc[name], str):
        return
    value, where = doc[name], _key(path, name)
    items = value if isinstance(value, list) and value else [value]
    for index, item in enumerate(items):
        at = f"{where}[{index}]" if isinstance(value, list) else where
        ok = (
            isinstance(item, Mapping)
            and isinstance(item.get("@value"), str)
            and set(item) <= {"@value", "@language", "@direction"}
            and all(isinstance(item.get(k, ""), str) for k in ("@language", "@direction"))
        )
        if not ok:
            ck.add(at, f"must be a string or a language value object with '@value' ({rule})")


# VC 2.0 §Integrity of Related Resources: digestSRI is a W3C Subresource Integrity metadata
# string (an algorithm, a dash, a base64 digest).
_SRI_RE: Final = re.compile(r"(sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}")


def _check_related_resources(ck: _Checker, doc: Mapping[Any, Any], path: str) -> None:
    """VC 2.0 §Integrity of Related Resources: each ``relatedResource`` has a URL ``id``, at
    least one of ``digestSRI`` and ``digestMultibase``, and no two share an ``id``."""
    rule = f"{_VC2} §Integrity of Related Resources"
    seen: set[str] = set()

    def one(value: object, where: str) -> None:
        item = ck.obj(value, where, rule)
        if item is None:
            return
        resource_id = ck.uri(item, where, "id", rule, required=True)
        if resource_id is not None:
            if resource_id in seen:
                ck.add(_key(where, "id"), f"must not repeat another related resource's id ({rule})")
            seen.add(resource_id)
        if "digestSRI" not in item and "digestMultibase" not in item:
            ck.add(where, f"must have digestSRI or digestMultibase ({rule})")
        sri = ck.string(item, where, "digestSRI", rule)
        if sri is not None and not _SRI_RE.fullmatch(sri):
            ck.add(_key(where, "digestSRI"),
                   f"must be a Subresource Integrity value such as sha384-... ({rule})")
        ck.string(item, where, "digestMultibase", rule)
        ck.string(item, where, "mediaType", rule)

    ck.each(doc, path, "relatedResource", rule, one, single_ok=True)


def _check_typed_entry(
    ck: _Checker, value: object, path: str, rule: str, *, id_required: bool
) -> None:
    entry = ck.obj(value, path, rule)
    if entry is None:
        return
    ck.uri(entry, path, "id", rule, required=id_required)
    if ck.present(entry, path, "type", rule) and _type_values(entry["type"]) is None:
        ck.add(_key(path, "type"), f"must be a string or a non-empty array of strings ({rule})")


def _check_jws_list(ck: _Checker, doc: Mapping[Any, Any], path: str, rule: str) -> None:
    def one(value: object, where: str) -> None:
        if not isinstance(value, str) or not _JWS_RE.fullmatch(value):
            ck.add(where, f"must be a compact JWS string ({rule} endorsementJwt)")

    ck.each(doc, path, "endorsementJwt", rule, one)


def _check_generic_subject(ck: _Checker, value: object, path: str) -> None:
    """VC 2.0 §Credential Subject: an object or a non-empty array of objects."""
    rule = f"{_VC2} §Credential Subject"
    subjects = value if isinstance(value, list) else [value]
    if isinstance(value, list) and not value:
        ck.add(path, f"must not be empty ({rule})")
    for index, subject in enumerate(subjects):
        where = f"{path}[{index}]" if isinstance(value, list) else path
        obj = ck.obj(subject, where, rule)
        if obj is not None and not obj:
            ck.add(where, f"must make at least one claim about the subject ({rule})")
        elif obj is not None:
            ck.uri(obj, where, "id", rule)


def _check_image(ck: _Checker, value: object, path: str) -> None:
    """OB 3.0 Image: an object with ``id`` (URL or data: URI), ``type: "Image"``, ``caption``.

    A bare URL string is not accepted: "Complex types ... MUST be represented as an JSON Object,
    NOT as a URI" (OB 3.0 Serialization), and the OB JSON Schema rejects it.
    """
    rule = f"{_OB} Image"
    image = ck.obj(value, path, rule)
    if image is None:
        return
    ck.uri(image, path, "id", rule, required=True)
    ck.type_equals(image, path, "Image", rule)
    ck.string(image, path, "caption", rule)
    for name in image:
        if name not in ("id", "type", "caption"):
            ck.add(_key(path, name), f"is not a property of Image ({rule} allows no others)")


def _check_profile(ck: _Checker, value: object, path: str, depth: int) -> None:
    """OB 3.0 Profile (issuer, creator, source, parentOrg). ``name`` is recommended, not
    required, so its absence is not a problem."""
    rule = f"{_OB} Profile"
    prof = ck.obj(value, path, f"a Profile, {rule}")
    if prof is None:
        return
    if depth > _MAX_DEPTH:
        ck.add(path, "profiles are nested too deeply to validate")
        return
    ck.uri(prof, path, "id", rule, required=True)
    ck.type_contains(prof, path, "Profile", rule)
    for name in (
        "name", "phone", "description", "official", "familyName", "givenName", "additionalName",
        "patronymicName", "honorificPrefix", "honorificSuffix", "familyNamePrefix",
    ):  # fmt: skip
        ck.string(prof, path, name, rule)
    ck.uri(prof, path, "url", rule)
    email = ck.string(prof, path, "email", rule)
    if email is not None and "@" not in email:
        ck.add(_key(path, "email"), f"must be an email address ({rule})")
    ck.calendar_date(prof, path, "dateOfBirth", rule)
    if "image" in prof:
        _check_image(ck, prof["image"], _key(path, "image"))
    if "address" in prof:
        _check_address(ck, prof["address"], _key(path, "address"))
    ck.each(prof, path, "otherIdentifier", rule, lambda v, w: _check_identifier_entry(ck, v, w))
    if "parentOrg" in prof:
        _check_profile(ck, prof["parentOrg"], _key(path, "parentOrg"), depth + 1)
    ck.each(
        prof,
        path,
        "endorsement",
        rule,
        lambda item, where: _check_credential(ck, item, where, depth + 1, "endorsement"),
    )
    _check_jws_list(ck, prof, path, rule)


def _check_address(ck: _Checker, value: object, path: str) -> None:
    rule = f"{_OB} Address"
    address = ck.obj(value, path, rule)
    if address is None:
        return
    ck.type_contains(address, path, "Address", rule)
    for name in (
        "addressCountry", "addressCountryCode", "addressRegion", "addressLocality",
        "streetAddress", "postOfficeBoxNumber", "postalCode",
    ):  # fmt: skip
        ck.string(address, path, name, rule)
    if "geo" in address:
        geo_path = _key(path, "geo")
        geo = ck.obj(address["geo"], geo_path, f"{_OB} GeoCoordinates")
        if geo is not None:
            ck.type_equals(geo, geo_path, "GeoCoordinates", f"{_OB} GeoCoordinates")
            for name in ("latitude", "longitude"):
                if ck.present(geo, geo_path, name, f"{_OB} GeoCoordinates"):
                    ck.number(geo, geo_path, name, f"{_OB} GeoCoordinates")


def _check_identifier_entry(ck: _Checker, value: object, path: str) -> None:
    rule = f"{_OB} IdentifierEntry"
    entry = ck.obj(value, path, rule)
    if entry is None:
        return
    ck.type_equals(entry, path, "IdentifierEntry", rule)
    ck.string(entry, path, "identifier", rule, required=True)
    ck.choice(entry, path, "identifierType", rule, IDENTITY_TYPES, extensible=True, required=True)


def _check_identity_object(ck: _Checker, value: object, path: str) -> None:
    """OB 3.0 IdentityObject. A hashed ``identityHash`` is an IdentityHash: ``sha256$`` or
    ``md5$`` and the hex digest of identifier + salt (OB 3.0 IdentityHash derived type)."""
    rule = f"{_OB} IdentityObject"
    identity = ck.obj(value, path, rule)
    if identity is None:
        return
    ck.type_equals(identity, path, "IdentityObject", rule)
    hashed = ck.boolean(identity, path, "hashed", rule, required=True)
    identity_hash = ck.string(identity, path, "identityHash", rule, required=True)
    ck.choice(identity, path, "identityType", rule, IDENTITY_TYPES, extensible=True, required=True)
    ck.string(identity, path, "salt", rule)
    if hashed and identity_hash is not None and not _IDENTITY_HASH_RE.fullmatch(identity_hash):
        ck.add(
            _key(path, "identityHash"),
            f"must be 'sha256$' + 64 hex digits (or 'md5$' + 32) when hashed is true ({rule})",
        )
    for name in identity:
        if name not in ("type", "hashed", "identityHash", "identityType", "salt"):
            ck.add(
                _key(path, name), f"is not a property of IdentityObject ({rule} allows no others)"
            )


def _check_alignment(ck: _Checker, value: object, path: str) -> None:
    rule = f"{_OB} Alignment"
    item = ck.obj(value, path, rule)
    if item is None:
        return
    ck.type_contains(item, path, "Alignment", rule)
    ck.string(item, path, "targetName", rule, required=True)
    ck.uri(item, path, "targetUrl", rule, required=True)
    for name in ("targetCode", "targetDescription", "targetFramework"):
        ck.string(item, path, name, rule)
    ck.choice(item, path, "targetType", rule, ALIGNMENT_TARGET_TYPES, extensible=True)


def _check_evidence(ck: _Checker, value: object, path: str) -> None:
    rule = f"{_OB} Evidence"
    item = ck.obj(value, path, rule)
    if item is None:
        return
    ck.type_contains(item, path, "Evidence", rule)
    ck.uri(item, path, "id", rule)
    for name in ("narrative", "name", "description", "genre", "audience"):
        ck.string(item, path, name, rule)


def _check_criteria(ck: _Checker, value: object, path: str) -> None:
    """OB 3.0 Criteria: implementations SHOULD give ``id`` or ``narrative``; a criteria object
    with neither tells a reader nothing, so it is reported."""
    rule = f"{_OB} Criteria"
    criteria = ck.obj(value, path, rule)
    if criteria is None:
        return
    ck.uri(criteria, path, "id", rule)
    ck.string(criteria, path, "narrative", rule)
    if "id" not in criteria and "narrative" not in criteria:
        ck.add(path, f"needs an 'id' (criteria page URL) or a 'narrative' ({rule})")


def _check_rubric_level(ck: _Checker, value: object, path: str) -> str | None:
    rule = f"{_OB} RubricCriterionLevel"
    level = ck.obj(value, path, rule)
    if level is None:
        return None
    level_id = ck.uri(level, path, "id", rule, required=True)
    ck.type_contains(level, path, "RubricCriterionLevel", rule)
    ck.string(level, path, "name", rule, required=True)
    for name in ("description", "level", "points"):
        ck.string(level, path, name, rule)
    ck.each(level, path, "alignment", rule, lambda v, w: _check_alignment(ck, v, w))
    return level_id


@dataclass
class _Links:
    """What an achievement's results may point at: result description id -> resultType, and
    rubric level ids. ``None`` when a malformed entry makes the set unknowable: that entry is
    reported already, and blaming every result that points at it would only repeat it."""

    descriptions: dict[str, str | None] | None = field(default_factory=dict)
    levels: set[str] | None = field(default_factory=set)


def _check_result_description(ck: _Checker, value: object, path: str, links: _Links) -> None:
    """OB 3.0 ResultDescription; records its id, resultType and levels in ``links``."""
    rule = f"{_OB} ResultDescription"
    item = ck.obj(value, path, rule)
    if item is None:
        links.descriptions = links.levels = None
        return
    rd_id = ck.uri(item, path, "id", rule, required=True)
    ck.type_contains(item, path, "ResultDescription", rule)
    ck.string(item, path, "name", rule, required=True)
    result_type = ck.choice(
        item, path, "resultType", rule, RESULT_TYPES, extensible=True, required=True
    )
    for name in ("requiredValue", "valueMax", "valueMin"):
        ck.string(item, path, name, rule)

    def allowed(value: object, where: str) -> None:
        if not isinstance(value, str):
            ck.add(where, f"must be a string ({rule} allowedValue)")

    ck.each(item, path, "allowedValue", rule, allowed)
    ck.each(item, path, "alignment", rule, lambda v, w: _check_alignment(ck, v, w))
    level_ids: set[str] | None = set()

    def level(value: object, where: str) -> None:
        nonlocal level_ids
        level_id = _check_rubric_level(ck, value, where)
        if level_id is None:
            level_ids = None
        elif level_ids is not None:
            level_ids.add(level_id)

    levels = item.get("rubricCriterionLevel", [])
    if not isinstance(levels, (list, Mapping)):
        level_ids = None
    ck.each(item, path, "rubricCriterionLevel", rule, level)
    required_level = ck.uri(item, path, "requiredLevel", rule)
    if required_level is not None and level_ids is not None and required_level not in level_ids:
        ck.add(
            _key(path, "requiredLevel"),
            f"must be the id of one of this result description's rubricCriterionLevel ({rule})",
        )
    if rd_id is None or links.descriptions is None:
        links.descriptions = None
    else:
        links.descriptions[rd_id] = result_type
    if level_ids is None or links.levels is None:
        links.levels = None
    else:
        links.levels |= level_ids


def _check_achievement(ck: _Checker, value: object, path: str, depth: int) -> _Links | None:
    """OB 3.0 Achievement; returns what its subject's results may link to (None: unknown)."""
    rule = f"{_OB} Achievement"
    item = ck.obj(value, path, rule)
    if item is None:
        return None
    ck.uri(item, path, "id", rule, required=True)
    ck.type_contains(item, path, "Achievement", rule)
    ck.string(item, path, "name", rule, required=True)
    ck.string(item, path, "description", rule, required=True)
    if ck.present(item, path, "criteria", rule):
        _check_criteria(ck, item["criteria"], _key(path, "criteria"))
    ck.choice(item, path, "achievementType", rule, ACHIEVEMENT_TYPES, extensible=True)
    for name in ("fieldOfStudy", "humanCode", "specialization", "version"):
        ck.string(item, path, name, rule)
    ck.number(item, path, "creditsAvailable", rule)
    language = ck.string(item, path, "inLanguage", rule)
    if language is not None and not LANGUAGE_RE.fullmatch(language):
        ck.add(_key(path, "inLanguage"), f"must be a BCP 47 language code such as 'en' ({rule})")
    if "image" in item:
        _check_image(ck, item["image"], _key(path, "image"))
    if "creator" in item:
        _check_profile(ck, item["creator"], _key(path, "creator"), depth + 1)

    def tag(value: object, where: str) -> None:
        if not isinstance(value, str):
            ck.add(where, f"must be a string ({rule} tag)")

    ck.each(item, path, "tag", rule, tag)
    ck.each(item, path, "alignment", rule, lambda v, w: _check_alignment(ck, v, w))
    ck.each(item, path, "otherIdentifier", rule, lambda v, w: _check_identifier_entry(ck, v, w))
    ck.each(item, path, "related", rule, lambda v, w: _check_related(ck, v, w))
    ck.each(
        item,
        path,
        "endorsement",
        rule,
        lambda v, w: _check_credential(ck, v, w, depth + 1, "endorsement"),
    )
    _check_jws_list(ck, item, path, rule)
    links = _Links()
    if not isinstance(item.get("resultDescription", []), list):
        links = _Links(None, None)
    ck.each(
        item,
        path,
        "resultDescription",
        rule,
        lambda v, w: _check_result_description(ck, v, w, links),
    )
    return links


def _check_related(ck: _Checker, value: object, path: str) -> None:
    rule = f"{_OB} Related"
    item = ck.obj(value, path, rule)
    if item is None:
        return
    ck.uri(item, path, "id", rule, required=True)
    ck.type_contains(item, path, "Related", rule)
    ck.string(item, path, "version", rule)
    language = ck.string(item, path, "inLanguage", rule)
    if language is not None and not LANGUAGE_RE.fullmatch(language):
        ck.add(_key(path, "inLanguage"), f"must be a BCP 47 language code such as 'en' ({rule})")


def _check_result(
    ck: _Checker,
    value: object,
    path: str,
    links: _Links | None,
) -> None:
    """OB 3.0 Result. ``resultDescription`` is 0..1 in the model; when given, "the linked result
    description must be in the achievement", and a result linked to a ``Status`` description
    needs ``status``. ``achievedLevel`` must name a rubric level of the achievement; it is not
    tied to the linked description, since the spec's own complete example does not do that."""
    rule = f"{_OB} Result"
    item = ck.obj(value, path, rule)
    if item is None:
        return
    ck.type_contains(item, path, "Result", rule)
    rd_id = ck.uri(item, path, "resultDescription", rule)
    achieved = ck.uri(item, path, "achievedLevel", rule)
    ck.choice(item, path, "status", rule, RESULT_STATUSES, extensible=False)
    ck.string(item, path, "value", rule)
    ck.each(item, path, "alignment", rule, lambda v, w: _check_alignment(ck, v, w))
    if links is None:
        return
    if achieved is not None and links.levels is not None and achieved not in links.levels:
        ck.add(
            _key(path, "achievedLevel"),
            f"must be the id of a rubricCriterionLevel of the achievement ({rule})",
        )
    if rd_id is None or links.descriptions is None:
        return
    if rd_id not in links.descriptions:
        ck.add(
            _key(path, "resultDescription"),
            f"must be the id of a resultDescription of the achievement ({rule})",
        )
    elif links.descriptions[rd_id] == "Status" and "status" not in item:
        ck.add(
            _key(path, "status"),
            f"is required when the linked result description's resultType is Status ({rule})",
        )


def _check_achievement_subject(ck: _Checker, value: object, path: str, depth: int) -> None:
    rule = f"{_OB} AchievementSubject"
    subject = ck.obj(value, path, f"one AchievementSubject, {rule}")
    if subject is None:
        return
    ck.type_contains(subject, path, "AchievementSubject", rule)
    _check_subject_identity(ck, subject, path, rule)
    links = None
    if ck.present(subject, path, "achievement", rule):
        links = _check_achievement(ck, subject["achievement"], _key(path, "achievement"), depth)
    ck.each(subject, path, "result", rule, lambda v, w: _check_result(ck, v, w, links))
    ck.date_time(subject, path, "activityStartDate", rule, zone=False)
    ck.date_time(subject, path, "activityEndDate", rule, zone=False)
    ck.number(subject, path, "creditsEarned", rule)
    for name in ("licenseNumber", "narrative", "role", "term"):
        ck.string(subject, path, name, rule)
    if "image" in subject:
        _check_image(ck, subject["image"], _key(path, "image"))
    if "source" in subject:
        _check_profile(ck, subject["source"], _key(path, "source"), depth + 1)


def _check_subject_identity(ck: _Checker, subject: Mapping[Any, Any], path: str, rule: str) -> None:
    """AchievementSubject (and ClrSubject): "Either ``id`` or at least one ``identifier`` MUST
    be supplied"."""
    ck.uri(subject, path, "id", rule)
    ck.each(subject, path, "identifier", rule, lambda v, w: _check_identity_object(ck, v, w))
    identifiers = subject.get("identifier")
    if "id" not in subject and not (isinstance(identifiers, list) and identifiers):
        ck.add(path, f"needs an 'id' or at least one 'identifier' ({rule})")


def _check_clr_subject(ck: _Checker, value: object, path: str, depth: int) -> None:
    """CLR 2.0 ClrSubject: ``verifiableCredential`` (1..*, each an AchievementCredential that
    keeps its own proof), ``achievement`` and ``association`` arrays."""
    rule = f"{_CLR} ClrSubject"
    subject = ck.obj(value, path, f"one ClrSubject, {rule}")
    if subject is None:
        return
    ck.type_contains(subject, path, "ClrSubject", rule)
    _check_subject_identity(ck, subject, path, rule)
    if ck.present(subject, path, "verifiableCredential", rule):
        ck.each(
            subject,
            path,
            "verifiableCredential",
            rule,
            lambda v, w: _check_credential(ck, v, w, depth + 1, "ob"),
            non_empty=True,
        )

    def one_achievement(value: object, where: str) -> None:
        _check_achievement(ck, value, where, depth)

    ck.each(subject, path, "achievement", rule, one_achievement)
    ck.each(subject, path, "association", rule, lambda v, w: _check_association(ck, v, w))


def _check_association(ck: _Checker, value: object, path: str) -> None:
    rule = f"{_CLR} Association"
    item = ck.obj(value, path, rule)
    if item is None:
        return
    ck.type_equals(item, path, "Association", rule)
    ck.choice(
        item, path, "associationType", rule, ASSOCIATION_TYPES, extensible=False, required=True
    )
    ck.uri(item, path, "sourceId", rule, required=True)
    ck.uri(item, path, "targetId", rule, required=True)


def _check_endorsement_subject(ck: _Checker, value: object, path: str) -> None:
    rule = f"{_OB} EndorsementSubject"
    subject = ck.obj(value, path, f"one EndorsementSubject, {rule}")
    if subject is None:
        return
    ck.uri(subject, path, "id", rule, required=True)
    ck.type_contains(subject, path, "EndorsementSubject", rule)
    ck.string(subject, path, "endorsementComment", rule)


def validate(document: Mapping[str, Any]) -> list[Problem]:
    """Every structural problem of a credential, in document order; an empty list means valid.

    The kind comes from ``type``: ``ClrCredential`` (CLR 2.0), ``OpenBadgeCredential`` or
    ``AchievementCredential`` (OB 3.0), ``EndorsementCredential`` (OB 3.0, basic checks), else a
    plain verifiable credential. Any input at all is accepted: wrong JSON types anywhere become
    problems, never exceptions.
    """
    ck = _Checker()
    _check_credential(ck, document, "$", 0)
    return ck.problems


def validate_presentation(document: Mapping[str, Any]) -> list[Problem]:
    """Every structural problem of a verifiable presentation itself (VC Data Model 2.0 §4.13,
    "Verifiable Presentations"): its ``@context`` (§Contexts), an ``id`` that is a URL, a
    ``holder`` that is a URL or an object whose ``id`` is one, and each ``verifiableCredential``
    an object (a credential, or an ``EnvelopedVerifiableCredential``). The credentials inside are
    the credential verifier's to check, each on its own."""
    ck = _Checker()
    version = _check_contexts(ck, document, "$", "vp")
    rule = f"{_VC1 if version == 'v1' else _VC2} §Verifiable Presentations"
    ck.uri(document, "$", "id", rule)
    holder = document.get("holder")
    if isinstance(holder, Mapping):
        ck.uri(holder, _key("$", "holder"), "id", rule, required=True)
    elif holder is not None:
        ck.uri(document, "$", "holder", rule)

    def credential(value: object, where: str) -> None:
        if version == "v1" and isinstance(value, str):
            return  # VC 1.1 JWT presentations carry credentials as compact JWS strings
        ck.obj(value, where, f"a verifiable credential; {rule}")

    ck.each(document, "$", "verifiableCredential", rule, credential, single_ok=True)
    return ck.problems


def validate_or_raise(document: Mapping[str, Any]) -> None:
    """``validate``, raising ``SchemaError`` (``details['problems']``: ``[{path, message}]``)."""
    problems = validate(document)
    if not problems:
        return
    shown = "; ".join(f"{p.path}: {p.message}" for p in problems[:3])
    more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
    noun = "problem" if len(problems) == 1 else "problems"
    raise SchemaError(
        f"the credential has {len(problems)} structural {noun}: {shown}{more}",
        problems=[p.as_dict() for p in problems],
    )
