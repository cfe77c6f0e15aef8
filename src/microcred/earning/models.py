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
        SUBMITTED = "submitted", _("Submitted, awaiting assessment")
        NOT_YET = "not_yet", _("Not Yet")
        PASSED = "passed", _("Pass")

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED)

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

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "micro_credential", "number"], name="attempt_unique_number"
            ),
            # At most one attempt in progress per learner and micro-credential.
            models.UniqueConstraint(
                fields=["learner", "micro_credential"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="attempt_one_open",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "submitted", "not_yet", "passed"]),
                name="attempt_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="attempt_submitted_has_date",
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
            return bool(self.file)
        return bool(self.text.strip())
