from __future__ import annotations

import re
from collections.abc import Mapping

from django.conf import settings
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts.models import User
from microcred.actors import Actor
from microcred.audit.services import audit_record
from microcred.catalog.models import EvidencePrompt, MicroCredential
from microcred.earning.evidence_files import UnsupportedFile, sniff
from microcred.earning.evidence_metadata import strip_metadata
from microcred.earning.models import Answer, Attempt, EarningPolicy
from microcred.earning.selectors import policy_get
from microcred.earning.signals import attempt_submitted, attempt_withdrawn
from microcred.earning.workflow import attempt_transition
from microcred.errors import InvalidState, NotAllowed, NotFound, ValidationFailed
from microcred.notifications.services import in_language_of, notify
from microcred.orgs.models import Role
from microcred.orgs.selectors import require_role
from microcred.web.uploads import FileTooLarge

_WORD = re.compile(r"\S+")


def word_count(text: str) -> int:
    """Words as the browser counts them (runs of non-space), so both sides agree."""
    return len(_WORD.findall(text))


def _locked_own_attempt(*, learner: User, attempt_id: int) -> Attempt:
    try:
        attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
    except Attempt.DoesNotExist:
        raise NotFound(_("No such attempt.")) from None
    if attempt.learner_id != learner.pk:
        raise NotAllowed(_("This is not your attempt."))
    return attempt


def policy_for(*, micro_credential: MicroCredential) -> EarningPolicy:
    """The micro-credential's policy row, created with the defaults if it has none: for the
    write path only (reads use ``selectors.policy_get``)."""
    policy, _created = EarningPolicy.objects.get_or_create(micro_credential=micro_credential)
    return policy


def attempt_limit_set(*, actor: Actor, micro_credential: MicroCredential,
                      attempt_limit: int) -> EarningPolicy:
    require_role(actor, micro_credential.organization, Role.ADMIN,
                 message=_("Only administrators can change the attempt limit."))
    if attempt_limit < 1:
        raise ValidationFailed(_("Allow at least one attempt."))
    with transaction.atomic():
        policy = policy_for(micro_credential=micro_credential)
        policy.attempt_limit = attempt_limit
        policy.save()
        audit_record(actor=actor, action="earning_policy.updated", target=policy,
                     data={"attempt_limit": attempt_limit})
    return policy


def prompt_rule_set(*, actor: Actor, prompt: EvidencePrompt, word_limit: int | None = None,
                    max_bytes: int | None = None, allow_link: bool = True) -> EvidencePrompt:
    """Set a prompt's limits while its micro-credential is still a draft (a published version
    is frozen: its limits are part of what learners were promised)."""
    with transaction.atomic():
        locked = EvidencePrompt.objects.select_for_update().select_related(
            "micro_credential").get(pk=prompt.pk)
        if not locked.micro_credential.is_editable:
            raise InvalidState(_("A published micro-credential is frozen: draft a new version "
                                 "to change its limits."), code="frozen")
        locked.word_limit, locked.max_bytes, locked.allow_link = word_limit, max_bytes, allow_link
        locked.save(update_fields=["word_limit", "max_bytes", "allow_link"])
        audit_record(actor=actor, action="prompt_rule.updated", target=locked,
                     data={"word_limit": word_limit, "max_bytes": max_bytes,
                           "allow_link": allow_link})
    return locked


def prompt_max_bytes(prompt: EvidencePrompt) -> int:
    limit: int = settings.UPLOAD_MAX_BYTES
    return min(limit, prompt.max_bytes) if prompt.max_bytes else limit


def attempt_start(*, learner: User, micro_credential: MicroCredential) -> Attempt:
    """Return the learner's attempt in progress, or open a new one against the published
    micro-credential (its id carries the exact published version).

    After a Not Yet the new attempt starts from the previous answers (text, files and links),
    so the learner revises rather than starts over. Attempts are limited per micro-credential
    (``EarningPolicy``); withdrawn ones do not count.
    """
    status = MicroCredential.objects.values_list("status", flat=True).get(
        pk=micro_credential.pk)
    if status != MicroCredential.Status.PUBLISHED:
        raise InvalidState(_("This micro-credential is not open for new attempts."),
                           code="not_published")
    with transaction.atomic():
        # Every version counts: an attempt in progress on an earlier version continues there,
        # and attempts on earlier versions count toward the limit.
        previous = list(
            Attempt.objects.select_for_update()
            .filter(learner=learner, micro_credential__lineage=micro_credential.lineage)
            .order_by("-number")
        )
        for attempt in previous:
            if attempt.status in Attempt.OPEN_STATUSES:
                return attempt
            if attempt.status == Attempt.Status.PASSED:
                raise InvalidState(_("You have already earned this micro-credential."),
                                   code="already_earned")
        counted = sum(1 for a in previous if a.status != Attempt.Status.WITHDRAWN)
        limit = policy_get(micro_credential=micro_credential).attempt_limit
        if counted >= limit:
            raise InvalidState(
                _("You have used all %(n)s attempts allowed for this micro-credential.")
                % {"n": limit}, code="attempt_limit")
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
        source = next((a for a in previous if a.status != Attempt.Status.WITHDRAWN), None)
        if source is not None:
            # From an earlier version, answers move to the prompt at the same place and of the
            # same kind; anything else starts empty.
            prompts = {(p.position, p.kind): p.pk for p in micro_credential.prompts.all()}
            Answer.objects.bulk_create(
                Answer(attempt=attempt, prompt_id=prompt_id, text=a.text, file=a.file.name,
                       file_name=a.file_name, file_size=a.file_size, file_type=a.file_type,
                       link=a.link)
                for a in source.answers.select_related("prompt")
                if (prompt_id := prompts.get((a.prompt.position, a.prompt.kind))) is not None
            )
        audit_record(actor=learner, action="attempt.started", target=attempt,
                     data={"number": number, "version": micro_credential.version})
    return attempt


def _prompts_by_id(attempt: Attempt) -> dict[int, EvidencePrompt]:
    return {p.pk: p for p in attempt.micro_credential.prompts.select_related("part")}


def _forget_replaced_file(name: str, *, storage: Storage) -> None:
    """Delete the file an answer no longer names, once the change commits: unless an earlier
    attempt's answer still names it (a resubmission starts from the previous files), nothing
    else will, and an erasure removes only the files rows name."""
    if name and not Answer.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name))


def _require_editable(attempt: Attempt) -> None:
    if attempt.status not in Attempt.EDITABLE_STATUSES:
        raise InvalidState(_("This attempt has been submitted and can no longer be edited."),
                           code="not_a_draft")


def attempt_save_draft(
    *,
    learner: User,
    attempt_id: int,
    texts: Mapping[int, str],
    files: Mapping[int, UploadedFile] | None = None,
    links: Mapping[int, str] | None = None,
    resubmission_note: str | None = None,
) -> Attempt:
    """Save written answers, links and files of a draft (or of work returned incomplete).

    The text is saved first and committed on its own, so a refused file (too large, or not a
    kind we accept, judged by its bytes) never costs the learner what they typed; the refusal
    is raised afterwards, naming the part. Images are re-encoded to strip their metadata.
    """
    files = files or {}
    links = links or {}
    problems: dict[str, str] = {}
    with transaction.atomic():
        attempt = _locked_own_attempt(learner=learner, attempt_id=attempt_id)
        _require_editable(attempt)
        prompts = _prompts_by_id(attempt)
        for prompt_id, text in texts.items():
            prompt = prompts.get(prompt_id)
            if prompt is None or prompt.kind != EvidencePrompt.Kind.TEXT:
                continue
            Answer.objects.update_or_create(
                attempt=attempt, prompt=prompt, defaults={"text": text}
            )
        for prompt_id, link in links.items():
            prompt = prompts.get(prompt_id)
            if prompt is None or prompt.kind != EvidencePrompt.Kind.FILE:
                continue
            link = link.strip()
            if link and not (prompt.allow_link
                             and re.match(r"^https?://[^\s/$.?#].\S*$", link)):
                problems[f"link_{prompt_id}"] = _(
                    "%(where)s: give a full web address starting with https://."
                ) % {"where": prompt.label}
                continue
            Answer.objects.update_or_create(attempt=attempt, prompt=prompt,
                                            defaults={"link": link[:1000]})
        fields = ["updated_at"]
        if resubmission_note is not None:
            attempt.resubmission_note = resubmission_note
            fields.append("resubmission_note")
        attempt.save(update_fields=fields)

    for prompt_id, upload in files.items():
        prompt = prompts.get(prompt_id)
        if prompt is None or prompt.kind != EvidencePrompt.Kind.FILE:
            continue
        limit = prompt_max_bytes(prompt)
        if upload.size is None or upload.size > limit:
            problems[f"prompt_{prompt_id}"] = _(
                "%(name)s is %(size)s; files can be at most %(limit)s. Your draft is saved; "
                "attach a smaller file."
            ) % {"name": upload.name, "size": filesizeformat(upload.size or 0),
                 "limit": filesizeformat(limit)}
            continue
        try:
            sniffed = sniff(upload)
        except UnsupportedFile:
            problems[f"prompt_{prompt_id}"] = _(
                "%(name)s is not a kind of file we accept (images, PDF or office documents, "
                "plain text, video or audio). Your draft is saved."
            ) % {"name": upload.name}
            continue
        if prompt.accepted_kinds and sniffed.kind not in prompt.accepted_kinds:
            problems[f"prompt_{prompt_id}"] = _(
                "%(name)s is %(kind)s; this prompt accepts %(accepted)s. Your draft is saved."
            ) % {"name": upload.name, "kind": EvidencePrompt.FileKind(sniffed.kind).label,
                 "accepted": ", ".join(str(EvidencePrompt.FileKind(k).label).lower()
                                       for k in prompt.accepted_kinds)}
            continue
        try:
            # Assessment is blind: nothing but the content reaches the assessor. Read whole
            # or refused as too large (web.uploads.read_upload), never cleaned from a part.
            content = strip_metadata(upload, sniffed, limit=limit)
        except FileTooLarge as error:
            problems[f"prompt_{prompt_id}"] = _("%(name)s: %(problem)s Your draft is saved.") % {
                "name": upload.name, "problem": error.message}
            continue
        except UnsupportedFile as refused:
            if refused.explanation:  # something the learner can change, e.g. attachments
                problems[f"prompt_{prompt_id}"] = _(
                    "%(name)s was not accepted. %(problem)s Your draft is saved."
                ) % {"name": upload.name, "problem": refused.explanation}
                continue
            problems[f"prompt_{prompt_id}"] = _(
                "%(name)s could not be read, so its hidden details (such as the author) could "
                "not be removed; it may be damaged or password-protected. Your draft is saved."
            ) % {"name": upload.name}
            continue
        extension = "png" if sniffed.mime == "image/gif" else sniffed.extension
        with transaction.atomic():
            attempt = _locked_own_attempt(learner=learner, attempt_id=attempt_id)
            _require_editable(attempt)
            answer, _created = Answer.objects.get_or_create(attempt=attempt, prompt=prompt)
            replaced = answer.file.name or ""
            # The stored name is ours: the learner's file name may identify them.
            answer.file.save(f"evidence.{extension}", content, save=False)
            answer.file_name = (upload.name or "evidence")[:255]
            answer.file_size = answer.file.size
            answer.file_type = "image/png" if sniffed.mime == "image/gif" else sniffed.mime
            answer.save()
            audit_record(actor=learner, action="attempt.file_attached", target=attempt,
                         data={"prompt": prompt.pk, "size": answer.file_size,
                               "type": answer.file_type})
            _forget_replaced_file(replaced, storage=answer.file.storage)
    if problems:
        code = "file_refused" if any(k.startswith("prompt_") for k in problems) else "bad_link"
        if any("at most" in v for v in problems.values()):
            code = "file_too_large"
        raise ValidationFailed(" ".join(problems.values()), code=code, problems=problems)
    return attempt


def attempt_submit(*, learner: User, attempt_id: int, integrity_confirmed: bool = True) -> Attempt:
    """Submit a draft (or returned work) for assessment.

    Every required part must be answered, written answers must be within their word limits,
    and the learner must confirm the academic-integrity statement; each problem is named.
    The ``attempt_submitted`` signal lets the assessment side set the decision deadline and
    assign an assessor in the same transaction, and the learner is notified.
    """
    with transaction.atomic():
        attempt = _locked_own_attempt(learner=learner, attempt_id=attempt_id)
        if attempt.status not in Attempt.EDITABLE_STATUSES:
            raise InvalidState(_("This attempt has already been submitted."),
                               code="already_submitted")
        answers = {a.prompt_id: a for a in attempt.answers.select_related("prompt")}
        missing: dict[str, str] = {}
        positions: list[str] = []
        for prompt in attempt.micro_credential.prompts.select_related("part").prefetch_related(
                "part__prompts"):
            answer = answers.get(prompt.pk)
            key = f"prompt_{prompt.pk}"
            if prompt.required and (answer is None or not answer.is_complete):
                what = (_("attach a file or give a link") if prompt.kind ==
                        EvidencePrompt.Kind.FILE else _("write an answer"))
                missing[key] = _("%(where)s is required: %(what)s.") % {
                    "where": prompt.label, "what": what}
                positions.append(prompt.label)
            limit = prompt.word_limit
            if limit and answer is not None and word_count(answer.text) > limit:
                missing[key] = _("%(where)s has %(count)s words; the limit is %(limit)s.") % {
                    "where": prompt.label, "count": word_count(answer.text), "limit": limit}
                positions.append(_("%(where)s (too long)") % {"where": prompt.label})
        if not integrity_confirmed:
            missing["integrity"] = _("Confirm the academic-integrity statement.")
            positions.append(_("the academic-integrity statement"))
        if missing:
            raise ValidationFailed(
                _("Your submission is missing required parts: %(parts)s.")
                % {"parts": ", ".join(positions)},
                code="missing_parts",
                problems=missing,
            )
        resubmitted = attempt.status == Attempt.Status.RETURNED
        attempt.integrity_confirmed_at = timezone.now()
        attempt.save(update_fields=["integrity_confirmed_at"])
        attempt_transition(attempt=attempt, to=Attempt.Status.SUBMITTED, actor=learner)
        audit_record(actor=learner, action="attempt.submitted", target=attempt,
                     data={"after_return": resubmitted})
        attempt_submitted.send(sender=Attempt, attempt=attempt, actor=learner)
        with in_language_of(learner):
            notify(user=learner, kind="attempt.submitted",
                   subject=_("Received: %(mc)s") % {"mc": attempt.micro_credential.title},
                   body=_("Expect a decision by %(due)s.") % {
                       "due": timezone.localtime(attempt.decision_due_at).strftime("%Y-%m-%d")}
                   if attempt.decision_due_at else "",
                   url=reverse("learner:attempt", kwargs={"public_id": attempt.public_id}))
    return attempt


def attempt_withdraw(*, learner: User, attempt_id: int) -> Attempt:
    """Withdraw an attempt that is not decided; nobody may score it afterwards (the
    ``attempt_withdrawn`` signal cancels its reviews in the same transaction)."""
    with transaction.atomic():
        attempt = _locked_own_attempt(learner=learner, attempt_id=attempt_id)
        attempt_transition(attempt=attempt, to=Attempt.Status.WITHDRAWN, actor=learner)
        attempt_withdrawn.send(sender=Attempt, attempt=attempt, actor=learner)
    return attempt
