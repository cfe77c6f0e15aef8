"""A person's own data: all of it as one download, and deleting their account.

Both reach every app that holds something of the person (attempts, assessments, credentials,
held badges, notifications, OAuth grants), so they live here at the top, in ``ops``, not in
``accounts``, which everything else builds on.

Deleting keeps the account row as an anonymous tombstone (no email, no name, no password, not
active): attempts, assessments and issued credentials point at it (``PROTECT``) and must stay,
because credentials already issued remain the issuer's statement and stay verifiable; their
recipient is a salted hash, not the email. Everything that is personal goes: name, email,
language, learner profile and DID, notifications, credentials held from elsewhere, OAuth grants,
drafts (deleted), the text, links and files of every answer, the notes and appeal reasons the
person wrote. The audit log is not touched (it names the account by id only).
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

from microcred.accounts.models import RecoveryCode, TwoFactorDevice, User
from microcred.assessment.models import Appeal, Assessment
from microcred.audit.services import audit_record
from microcred.earning.models import Answer, Attempt
from microcred.earning.services import attempt_withdraw
from microcred.errors import InvalidState, ValidationFailed
from microcred.issuance.models import Credential, LearnerProfile
from microcred.learner.models import HeldCredential
from microcred.notifications.models import Notification
from microcred.orgs.models import Membership

__all__ = ["account_delete", "account_export"]


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def account_export(*, user: User) -> bytes:
    """A zip: ``data.json`` (account, profile, attempts with answers and the feedback received,
    credentials, notifications, held credentials), ``credentials/<id>.json`` exactly as issued
    and ``evidence/...`` with the files the person uploaded."""
    files: dict[str, str] = {}
    attempts = []
    for attempt in Attempt.objects.filter(learner=user).select_related(
            "micro_credential").order_by("created_at", "pk"):
        answers = []
        for answer in Answer.objects.filter(attempt=attempt).select_related("prompt"):
            entry: dict[str, Any] = {"prompt": answer.prompt.prompt, "text": answer.text,
                                     "link": answer.link}
            if answer.file:
                archived = f"evidence/{attempt.public_id}/{answer.pk}-{answer.file_name or 'file'}"
                files[archived] = answer.file.name
                entry["file"] = {"name": answer.file_name, "type": answer.file_type,
                                 "size": answer.file_size, "in_this_archive": archived}
            answers.append(entry)
        feedback = [{"outcome": a.outcome, "summary": a.summary, "at": _iso(a.created_at)}
                    for a in Assessment.objects.filter(attempt=attempt).order_by("pk")]
        appeal = Appeal.objects.filter(attempt=attempt).first()
        attempts.append({
            "id": str(attempt.public_id), "micro_credential": attempt.micro_credential.title,
            "version": attempt.micro_credential.version, "number": attempt.number,
            "status": attempt.status, "started": _iso(attempt.created_at),
            "submitted": _iso(attempt.submitted_at), "decided": _iso(attempt.decided_at),
            "note_to_assessor": attempt.resubmission_note, "return_reason": attempt.return_reason,
            "answers": answers, "assessments": feedback,
            "appeal": {"reason": appeal.reason, "at": _iso(appeal.created_at)} if appeal else None,
        })
    credentials = []
    signed: dict[str, str] = {}
    for credential in Credential.objects.filter(learner=user).order_by("requested_at", "pk"):
        credentials.append({"id": str(credential.public_id), "title": credential.title,
                            "status": credential.status, "issued": _iso(credential.issued_at),
                            "revoked": _iso(credential.revoked_at),
                            "file": f"credentials/{credential.public_id}.json"
                            if credential.signed_json else None})
        if credential.signed_json:
            signed[f"credentials/{credential.public_id}.json"] = credential.signed_json
    profile = LearnerProfile.objects.filter(user=user).first()
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {"email": user.email, "name": user.display_name, "language": user.language,
                    "joined": _iso(user.date_joined), "last_sign_in": _iso(user.last_login)},
        "learner_profile": {"did": profile.did, "did_proven": _iso(profile.did_proven_at),
                            "handle": profile.handle,
                            "public": profile.public} if profile else None,
        "attempts": attempts,
        "credentials": credentials,
        "held_credentials": [{"id": h.credential_id, "title": h.title, "issuer": h.issuer_name,
                              "format": h.format, "text": h.text}
                             for h in HeldCredential.objects.filter(owner=user)],
        "notifications": [{"subject": n.subject, "body": n.body, "at": _iso(n.created_at)}
                          for n in Notification.objects.filter(user=user)],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for name, text in signed.items():
            archive.writestr(name, text)
        for name, stored in files.items():
            try:
                with default_storage.open(stored, "rb") as fh:
                    archive.writestr(name, fh.read())
            except FileNotFoundError:
                continue
    return buffer.getvalue()


class WrongPassword(ValidationFailed):
    code = "wrong_password"


def account_delete(*, user: User, confirm_password: str) -> None:
    """Erase the person's data (see the module docstring); the password confirms it is them.

    Evidence files are removed from storage after the transaction commits, so a failure
    leaves everything as it was.
    """
    if not user.is_active or not user.check_password(confirm_password):
        raise WrongPassword(_("That password is not right."), problems={"password": "wrong"})
    if Membership.objects.filter(user=user).exists():
        raise InvalidState(
            _("You are a member of an issuing organization. Ask one of its administrators to "
              "remove you before deleting your account."), code="member_of_organization")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        S = Attempt.Status
        for attempt_id in Attempt.objects.filter(
                learner=user, status__in=[S.SUBMITTED, S.IN_REVIEW, S.RETURNED]
        ).values_list("pk", flat=True):
            attempt_withdraw(learner=user, attempt_id=attempt_id)
        stored = [name for name in Answer.objects.filter(attempt__learner=user)
                  .exclude(file="").values_list("file", flat=True)]
        Attempt.objects.filter(learner=user, status=S.DRAFT).delete()
        Answer.objects.filter(attempt__learner=user).update(
            text="", link="", file="", file_name="", file_size=0, file_type="")
        Attempt.objects.filter(learner=user).update(resubmission_note="")
        Appeal.objects.filter(attempt__learner=user).update(reason="")
        Credential.objects.filter(learner=user).update(evidence_public=False,
                                                       on_public_profile=False)
        LearnerProfile.objects.filter(user=user).delete()
        Notification.objects.filter(user=user).delete()
        HeldCredential.objects.filter(owner=user).delete()
        _delete_oauth_grants(user)
        TwoFactorDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        user.email = f"deleted-{user.pk}@deleted.invalid"
        user.display_name = ""
        user.language = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.last_login = None
        user.set_unusable_password()  # also ends every session (their hash changes)
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        audit_record(actor=user, action="account.deleted", target=user)

        def remove_files() -> None:
            for name in stored:
                default_storage.delete(name)

        transaction.on_commit(remove_files)


def _delete_oauth_grants(user: User) -> None:
    for model in (get_refresh_token_model(), get_access_token_model(), get_id_token_model(),
                  get_grant_model(), get_application_model()):
        model.objects.filter(user=user).delete()
