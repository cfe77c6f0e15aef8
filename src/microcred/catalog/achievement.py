"""A micro-credential version as an Open Badges 3.0 ``Achievement``.

The same object goes into every credential issued for the version (``issuance.services``) and is
served on its own at ``/catalog/<slug>/achievement.json``, so a registry, a displayer or a
learner can read what the badge certifies before anyone earns it. Its ``id`` names the version
(``#achievement-v2``): a credential keeps pointing at the rubric it was assessed against.

Fields (OB 3.0 Appendix B, ``Achievement``): ``name``, ``description`` (the competency),
``criteria.narrative`` (the key method and what Pass looks like), one ``resultDescription`` per
rubric criterion with its two ``rubricCriterionLevel``s, ``alignment`` (the author's skill
framework links), ``achievementType``, ``version``, ``inLanguage``, ``image``, ``creator``
(the issuing organization's profile), ``tag``, ``fieldOfStudy`` (the topic) and
``creditsAvailable`` (credit hours).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

from microcred.catalog.languages import micro_credential_text
from microcred.catalog.models import MicroCredential
from microcred.orgs.models import Organization
from microcred.vc import openbadges as ob

__all__ = ["achievement_for", "achievement_id", "creator_profile", "creator_profile_asked"]

_EXT = re.compile(r"ext:[A-Za-z0-9._-]+")


def achievement_id(mc: MicroCredential) -> str:
    return f"{settings.PUBLIC_URL}/catalog/{mc.slug}/#achievement-v{mc.version}"


def _known(value: str, vocabulary: tuple[str, ...]) -> bool:
    return value in vocabulary or bool(_EXT.fullmatch(value))


#: Asked with ``organization`` for its issuer ``Profile`` as its credentials name it. The keys
#: that decide it (a did:key of the organization's signing key, or the platform's did:web) are
#: issuance's, a layer above the catalog, and issuance answers (``issuance.receivers``).
creator_profile_asked = Signal()


def creator_profile(mc: MicroCredential) -> dict[str, Any]:
    """The issuer ``Profile`` of ``mc``'s organization, as its credentials name it."""
    for _receiver, profile in creator_profile_asked.send(sender=Organization,
                                                         organization=mc.organization):
        if profile is not None:
            return dict(profile)
    raise ImproperlyConfigured("Nothing answers catalog.achievement.creator_profile_asked: "
                               "microcred.issuance answers it when it is installed.")


def achievement_for(
    mc: MicroCredential,
    *,
    language: str | None = None,
    creator: Mapping[str, Any] | None = None,
    image: str | None = None,
) -> dict[str, Any]:
    """The OB 3.0 Achievement of ``mc``, in ``language`` when the author translated it (else in
    the author's language; ``inLanguage`` says which). ``creator`` defaults to
    :func:`creator_profile`; ``image`` to the version's badge URL.

    The OB 3.0 context defines ``name`` and ``description`` as plain strings (no @language
    container), so other languages cannot ride along as language maps.
    """
    text = micro_credential_text(mc, language or mc.language)
    the_id = achievement_id(mc)
    result_descriptions = []
    for c in text.criteria:
        rd_id = f"{the_id}-criterion-{c.position}"
        pass_id, not_yet_id = f"{rd_id}-pass", f"{rd_id}-not-yet"
        result_descriptions.append(ob.result_description(
            id=rd_id, name=c.name,
            levels=[
                ob.rubric_criterion_level(id=not_yet_id, name="Not Yet",
                                          description=c.not_yet_descriptor),
                ob.rubric_criterion_level(id=pass_id, name="Pass", description=c.pass_descriptor),
            ],
            required_level=pass_id,
        ))
    narrative = f"{text.key_method}\n\n" + "\n".join(
        f"- {c.name}: {c.pass_descriptor}" for c in text.criteria)
    alignments = [
        ob.alignment(
            target_name=a.target_name, target_url=a.target_url,
            target_framework=a.target_framework or None, target_code=a.target_code or None,
            target_description=a.target_description or None,
            # A type outside OB 3.0's vocabulary would make the credential invalid: left out.
            target_type=a.target_type if _known(a.target_type, ob.ALIGNMENT_TARGET_TYPES)
            else None)
        for a in mc.alignments.all()
    ]
    achievement_type = (mc.achievement_type
                        if _known(mc.achievement_type, ob.ACHIEVEMENT_TYPES)
                        else "MicroCredential")
    return ob.achievement(
        id=the_id, name=text.title, description=text.competency,
        criteria_narrative=narrative, result_descriptions=result_descriptions,
        achievement_type=achievement_type, alignments=alignments,
        in_language=text.language, version=str(mc.version),
        image=image or f"{settings.PUBLIC_URL}/badges/{mc.slug}/v{mc.version}.png",
        creator=creator if creator is not None else creator_profile(mc),
        tags=[str(t) for t in mc.tags or []],
        field_of_study=mc.topic or None,
        credits_available=float(mc.credit_hours) if mc.credit_hours is not None else None,
    )
