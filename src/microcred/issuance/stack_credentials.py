"""The stack credential: issued once when a learner's member credentials complete a stack.

When a micro-credential credential is signed (``issuance.services.credential_sign``), the
published stacks holding that micro-credential are checked for the learner; a stack whose rule
is now met gets its credential requested (a pending row, keyed on (stack, learner) by a partial
unique constraint) and signed by the same task as every other credential. When the stack
credential itself is signed, the learner is told.

How the Achievement lists its parts. OB 3.0 has no "parts" property, and ``Achievement.related``
(B.1.15 ``Related``: ``id``, ``inLanguage``, ``version``) identifies the same achievement in
another language or version, not a component. So the stack's Achievement says it in the places
OB 3.0 defines for it:
- ``criteria.narrative`` states the rule and lists the members in order, each with its
  achievement id, and ``criteria.id`` is the public stack page;
- one ``alignment`` per member (``targetType: ceterms:Credential``, ``targetUrl`` the member
  achievement's id, ``targetCode`` its position), machine-readable;
- ``evidence`` names the learner's member credentials that met the rule (their public pages).
A CLR 2.0 transcript would add ``Association`` ``isParentOf`` entries from this achievement to
each member achievement (``microcred.vc.openbadges.association``); :func:`stack_associations`
builds them for that.

The Achievement is the same for every learner (members as the stack defines them, by the
version it was built with); only the evidence differs.

Revoking a member credential later does not touch an issued stack credential: it stays valid,
and the member stops counting (``issuance.stack_completion``). An administrator who wants the
stack credential withdrawn too revokes it like any other credential.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.actors import SYSTEM
from microcred.audit.services import audit_record
from microcred.catalog.achievement import achievement_id
from microcred.catalog.models import Stack
from microcred.catalog.stacks import rule_sentence
from microcred.issuance.documents import (
    CredentialStatus,
    CredentialTemplate,
    credential_document,
    issuer_profile,
    learner_recipient,
)
from microcred.issuance.models import Credential, IssuerKey
from microcred.issuance.stack_completion import stack_completion
from microcred.issuance.tasks import credential_issue
from microcred.notifications.services import in_language_of, notify
from microcred.orgs.models import Organization
from microcred.vc import openbadges as ob

__all__ = ["stack_achievement_id", "stack_associations", "stack_credential_document",
           "stack_credential_request", "stack_credential_template",
           "stack_credentials_after_issue"]


def stack_page_url(stack: Stack) -> str:
    return settings.PUBLIC_URL + reverse("catalog:stack_detail", args=[stack.slug])


def stack_achievement_id(stack: Stack) -> str:
    # A published stack never changes (catalog.stacks.stack_update refuses), so no version.
    return f"{stack_page_url(stack)}#achievement"


def stack_badge_url(stack: Stack) -> str:
    return settings.PUBLIC_URL + reverse("catalog:stack_badge", args=[stack.slug])


def _achievement(stack: Stack, issuer: dict[str, Any]) -> dict[str, Any]:
    members = list(stack.members.select_related("micro_credential").order_by("position"))
    with translation.override(stack.language or settings.LANGUAGE_CODE):
        lines = [rule_sentence(stack, len(members))]
        lines += [f"{m.position}. {m.micro_credential.title} "
                  f"({achievement_id(m.micro_credential)})" for m in members]
        lines.append(_("Any version of each micro-credential counts. Each was assessed "
                       "against its own rubric by a trained assessor."))
    hours = [m.micro_credential.credit_hours for m in members
             if m.micro_credential.credit_hours is not None]
    return ob.achievement(
        id=stack_achievement_id(stack), name=stack.title, description=stack.description,
        achievement_type=stack.achievement_type,
        criteria_id=stack_page_url(stack), criteria_narrative="\n".join(lines),
        image=stack_badge_url(stack), in_language=stack.language or None,
        alignments=[ob.alignment(
            target_name=m.micro_credential.title,
            target_url=achievement_id(m.micro_credential),
            target_description=m.micro_credential.competency,
            target_code=str(m.position), target_type="ceterms:Credential",
        ) for m in members],
        credits_available=float(sum(hours)) if hours else None,
        creator=issuer,
    )


def stack_associations(stack: Stack) -> list[dict[str, Any]]:
    """CLR 2.0 ``Association`` entries: the stack's achievement ``isParentOf`` each member's."""
    return [ob.association(association_type="isParentOf", source_id=stack_achievement_id(stack),
                           target_id=achievement_id(m.micro_credential))
            for m in stack.members.select_related("micro_credential").order_by("position")]


def _evidence(credential: Credential) -> list[dict[str, Any]]:
    """The member credentials that met the rule, by their public pages (each verifies on its
    own; the pages say so)."""
    progress = stack_completion(learner=credential.learner, stack=credential.stack)
    with translation.override(credential.stack.language or settings.LANGUAGE_CODE):
        return [ob.evidence(
            id=settings.PUBLIC_URL + reverse("issuance:credential", args=[member.public_id]),
            name=member.micro_credential.title,
            description=_("The verifiable credential for this micro-credential, issued "
                          "%(date)s.") % {"date": member.issued_at.date().isoformat()},
            genre="Credential",
        ) for member in progress.completing_credentials]


def stack_credential_template(
    *, stack: Stack, organization: Organization, issuer_key: IssuerKey,
) -> CredentialTemplate:
    """What every learner's credential for ``stack`` shares (the Achievement has no results: the
    members' credentials carry theirs)."""
    issuer = issuer_profile(organization=organization, issuer_key=issuer_key)
    return CredentialTemplate(title=stack.title, issuer=issuer,
                              achievement=_achievement(stack, issuer), results=[])


def stack_credential_document(
    credential: Credential, *, issuer_key: IssuerKey, status: CredentialStatus,
    issued: datetime, valid_until: datetime | None,
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential of a stack credential (``credential_sign`` signs it),
    built like every credential (``documents.credential_document``)."""
    template = stack_credential_template(stack=credential.stack,
                                         organization=credential.organization,
                                         issuer_key=issuer_key)
    return credential_document(template=template, public_id=credential.public_id,
                               recipient=learner_recipient(credential.learner), status=status,
                               issued=issued, valid_until=valid_until,
                               evidence=_evidence(credential))


def stack_credential_request(*, stack: Stack, learner: User) -> Credential:
    """The learner's credential for ``stack``, requested (and its signing enqueued) if new.

    Keyed on (stack, learner) by the ``credential_one_per_stack_and_learner`` constraint, so
    two processes completing the stack at once end with one credential."""
    try:
        with transaction.atomic():
            credential, created = Credential.objects.get_or_create(
                stack=stack, learner=learner, renews=None,
                defaults={"organization_id": stack.organization_id},
            )
    except IntegrityError:
        return Credential.objects.get(stack=stack, learner=learner, renews=None)
    if created:
        audit_record(actor=SYSTEM, action="credential.requested", target=credential,
                     data={"stack": stack.pk})
        credential_issue.enqueue(credential.pk)
    return credential


def _notify_issued(credential: Credential) -> None:
    with in_language_of(credential.learner):
        notify(user=credential.learner, kind="stack.completed",
               subject=_("You completed %(stack)s") % {"stack": credential.stack.title},
               body=_("Your %(type)s credential for the stack is issued. It is verifiable on "
                      "its own, like your micro-credentials.")
               % {"type": credential.stack.achievement_type},
               url=reverse("issuance:credential", args=[credential.public_id]))


def stack_credentials_after_issue(*, credential: Credential) -> list[Credential]:
    """Call inside ``credential_sign``'s transaction once ``credential`` is issued.

    A stack credential: tell the learner. A micro-credential credential: request the stack
    credential of every published stack it completes. The learner's row is locked first, so
    two member credentials signed at the same moment are checked one after the other and the
    second sees the first (otherwise each could see only itself and neither complete the
    stack)."""
    if credential.stack_id is not None:
        if credential.renews_id is None:
            _notify_issued(credential)
        return []
    mc = credential.micro_credential
    stacks = list(Stack.objects.filter(status=Stack.Status.PUBLISHED,
                                       members__lineage=mc.lineage).distinct())
    if not stacks:
        return []
    learner = User.objects.select_for_update(no_key=True).get(pk=credential.learner_id)
    requested = []
    for stack in stacks:
        if Credential.objects.filter(stack=stack, learner=learner, renews=None).exists():
            continue
        if stack_completion(learner=learner, stack=stack).complete:
            requested.append(stack_credential_request(stack=stack, learner=learner))
    return requested
