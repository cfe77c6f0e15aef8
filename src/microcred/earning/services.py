from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.audit.services import audit_record
from microcred.catalog.models import EvidencePrompt, MicroCredential
from microcred.earning.models import Answer, Attempt
from microcred.errors import InvalidState, NotAllowed, NotFound, ValidationFailed


def _locked_own_attempt(*, learner: Any, attempt_id: int) -> Attempt:
    try:
        attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    except Attempt.DoesNotExist:
        raise NotFound(_("No such attempt.")) from None
    if attempt.learner_id != learner.pk:
        raise NotAllowed(_("This is not your attempt."))
    return attempt


def attempt_start(*, learner: Any, micro_credential: MicroCredential) -> Attempt:
    """Return the learner's attempt in progress, or open a new one.

    After a Not Yet the new attempt starts from the previous answers (text and files), so the
    learner revises rather than starts over.
    """
    if not micro_credential.is_published:
        raise InvalidState(_("This micro-credential is not published."))
    with transaction.atomic():
        previous = list(
            Attempt.objects.select_for_update()
            .filter(learner=learner, micro_credential=micro_credential)
            .order_by("-number")
        )
        for attempt in previous:
            if attempt.status in Attempt.OPEN_STATUSES:
                return attempt
            if attempt.status == Attempt.Status.PASSED:
                raise InvalidState(_("You have already earned this micro-credential."),
                                   code="already_earned")
        number = previous[0].number + 1 if previous else 1
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(
                    learner=learner, micro_credential=micro_credential, number=number
                )
        except IntegrityError:
            # A second tab started the same attempt a moment ago: use that one.
            return Attempt.objects.get(
                learner=learner, micro_credential=micro_credential, number=number
            )
        if previous:
            Answer.objects.bulk_create(
                Answer(attempt=attempt, prompt_id=a.prompt_id, text=a.text, file=a.file.name,
                       file_name=a.file_name, file_size=a.file_size)
                for a in previous[0].answers.all()
            )
        audit_record(actor=learner, action="attempt.started", target=attempt,
                     data={"number": number})
    return attempt


def _prompts_by_id(attempt: Attempt) -> dict[int, EvidencePrompt]:
    return {p.pk: p for p in attempt.micro_credential.prompts.all()}


def attempt_save_draft(
    *,
    learner: Any,
    attempt_id: int,
    texts: Mapping[int, str],
    files: Mapping[int, UploadedFile] | None = None,
) -> Attempt:
    """Save written answers and attach files to a draft.

    The text is saved first and committed on its own, so a refused file (too large) never costs
    the learner what they typed; the refusal is raised afterwards, naming the part.
    """
    files = files or {}
    with transaction.atomic():
        attempt = _locked_own_attempt(learner=learner, attempt_id=attempt_id)
        if attempt.status != Attempt.Status.DRAFT:
            raise InvalidState(_("This attempt has been submitted and can no longer be edited."),
                               code="not_a_draft")
        prompts = _prompts_by_id(attempt)
        for prompt_id, text in texts.items():
            prompt = prompts.get(prompt_id)
            if prompt is None or prompt.kind != EvidencePrompt.Kind.TEXT:
                continue
            Answer.objects.update_or_create(
                attempt=attempt, prompt=prompt, defaults={"text": text}
            )
        attempt.save(update_fields=["updated_at"])

    problems: dict[str, str] = {}
    limit = settings.UPLOAD_MAX_BYTES
    for prompt_id, upload in files.items():
        prompt = prompts.get(prompt_id)
        if prompt is None or prompt.kind != EvidencePrompt.Kind.FILE:
            continue
        if upload.size is None or upload.size > limit:
            problems[f"prompt_{prompt_id}"] = _(
                "%(name)s is %(size)s; files can be at most %(limit)s. Your draft is saved; "
                "attach a smaller file."
            ) % {"name": upload.name, "size": filesizeformat(upload.size or 0),
                 "limit": filesizeformat(limit)}
            continue
        with transaction.atomic():
            attempt = _locked_own_attempt(learner=learner, attempt_id=attempt_id)
            answer, _created = Answer.objects.get_or_create(attempt=attempt, prompt=prompt)
            answer.file.save(upload.name or "evidence", upload, save=False)
            answer.file_name = (upload.name or "evidence")[:255]
            answer.file_size = upload.size
            answer.save()
            audit_record(actor=learner, action="attempt.file_attached", target=attempt,
                         data={"prompt": prompt.pk, "size": upload.size})
    if problems:
        raise ValidationFailed(" ".join(problems.values()), code="file_too_large",
                               problems=problems)
    return attempt


def attempt_submit(*, learner: Any, attempt_id: int) -> Attempt:
    """Submit a draft for assessment; every required part must be answered."""
    with transaction.atomic():
        attempt = _locked_own_attempt(learner=learner, attempt_id=attempt_id)
        if attempt.status != Attempt.Status.DRAFT:
            raise InvalidState(_("This attempt has already been submitted."),
                               code="already_submitted")
        answers = {a.prompt_id: a for a in attempt.answers.select_related("prompt")}
        missing: dict[str, str] = {}
        positions: list[str] = []
        for prompt in attempt.micro_credential.prompts.all():
            answer = answers.get(prompt.pk)
            if prompt.required and (answer is None or not answer.is_complete):
                what = (_("attach a file") if prompt.kind == EvidencePrompt.Kind.FILE
                        else _("write an answer"))
                missing[f"prompt_{prompt.pk}"] = _("Part %(n)s is required: %(what)s.") % {
                    "n": prompt.position, "what": what}
                positions.append(_("Part %(n)s") % {"n": prompt.position})
        if missing:
            raise ValidationFailed(
                _("Your submission is missing required parts: %(parts)s.")
                % {"parts": ", ".join(positions)},
                code="missing_parts",
                problems=missing,
            )
        attempt.status = Attempt.Status.SUBMITTED
        attempt.submitted_at = timezone.now()
        attempt.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(actor=learner, action="attempt.submitted", target=attempt)
    return attempt

