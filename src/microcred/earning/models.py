from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import EvidencePrompt, MicroCredential


class Attempt(models.Model):
    """One try at a micro-credential: a draft, then submitted, then Pass or Not Yet.

    A Not Yet is final for that attempt; resubmitting opens a new attempt (number + 1), so the
    history of feedback stays intact.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting an assessor")
        IN_REVIEW = "in_review", _("In review")
        PASSED = "passed", _("Pass")
        NOT_YET = "not_yet", _("Not Yet")
        RETURNED = "returned", _("Returned incomplete")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # In progress: at most one per learner and micro-credential (a partial unique constraint).
    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.RETURNED)
    # The learner may edit: a draft, or work sent back without scoring.
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
    # Decided: the scores stand (a Not Yet may still be appealed once, which reopens review).
    DECIDED_STATUSES = (Status.PASSED, Status.NOT_YET)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attempts"
    )
    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the assessment is due (the organization's business-day deadline from submission).
    decision_due_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    integrity_confirmed_at = models.DateTimeField(null=True, blank=True)
    resubmission_note = models.TextField(_("note to the assessor"), blank=True)
    return_reason = models.TextField(_("why it was returned"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "micro_credential", "number"], name="attempt_unique_number"
            ),
            # At most one attempt in progress per learner and micro-credential.
            models.UniqueConstraint(
                fields=["learner", "micro_credential"],
                condition=models.Q(status__in=["draft", "submitted", "in_review", "returned"]),
                name="attempt_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=[
                    "draft", "submitted", "in_review", "passed", "not_yet", "returned",
                    "withdrawn"]),
                name="attempt_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "withdrawn"])
                | models.Q(submitted_at__isnull=False),
                name="attempt_submitted_has_date",
            ),
            # Submitting means having confirmed the academic-integrity statement.
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "withdrawn"])
                | models.Q(integrity_confirmed_at__isnull=False),
                name="attempt_submitted_confirmed_integrity",
            ),
            # A decision has a date, and only a decided attempt has one.
            models.CheckConstraint(
                condition=models.Q(status__in=["passed", "not_yet"], decided_at__isnull=False)
                | (~models.Q(status__in=["passed", "not_yet"])
                   & models.Q(decided_at__isnull=True)),
                name="attempt_decided_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(status="withdrawn", withdrawn_at__isnull=False)
                | (~models.Q(status="withdrawn") & models.Q(withdrawn_at__isnull=True)),
                name="attempt_withdrawn_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.micro_credential} #{self.number} ({self.status})"


def evidence_upload_to(instance: Answer, filename: str) -> str:
    # A random directory: the stored path says nothing about the learner.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"evidence/{uuid.uuid4().hex}/evidence{suffix}"


class Answer(models.Model):
    """The learner's response to one evidence prompt within one attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    prompt = models.ForeignKey(EvidencePrompt, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=255)
    file_name = models.CharField(max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(default=0)
    # What the content turned out to be (sniffed from its bytes, never from its name).
    file_type = models.CharField(max_length=128, blank=True)
    link = models.URLField(_("link to the artifact"), blank=True, max_length=1000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["prompt__position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "prompt"], name="answer_unique_prompt"),
        ]

    def __str__(self) -> str:
        return f"answer {self.prompt_id} of attempt {self.attempt_id}"

    @property
    def is_complete(self) -> bool:
        if self.prompt.kind == EvidencePrompt.Kind.FILE:
            return bool(self.file) or bool(self.link)
        return bool(self.text.strip())


class EarningPolicy(models.Model):
    """Earning rules for one micro-credential, kept here so the catalog's frozen record stays
    as published: how many attempts a learner has."""

    micro_credential = models.OneToOneField(
        MicroCredential, on_delete=models.CASCADE, related_name="earning_policy"
    )
    attempt_limit = models.PositiveIntegerField(_("attempts allowed"), default=3)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(attempt_limit__gte=1),
                                   name="earning_policy_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"policy for {self.micro_credential}"
