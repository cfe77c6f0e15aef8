from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.orgs.models import Organization


class MicroCredential(models.Model):
    """One competency, the evidence asked for and the rubric it is judged by.

    Once published it is frozen: learners and assessors rely on the rubric they saw.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="micro_credentials"
    )
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    competency = models.TextField(_("competency statement"))
    key_method = models.TextField(_("key method"))
    # The language the author wrote it in; other languages are MicroCredentialTranslation rows.
    language = models.CharField(_("language"), max_length=16, default="en")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="microcredential_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="microcredential_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class EvidencePrompt(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Written answer")
        FILE = "file", _("File")

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="prompts"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    prompt = models.TextField(_("prompt"))
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["micro_credential", "position"], name="prompt_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["text", "file"]), name="prompt_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.prompt[:60]}"

    @property
    def label(self) -> str:
        return _("Part %(n)s") % {"n": self.position}


class RubricCriterion(models.Model):
    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveIntegerField()
    name = models.CharField(_("criterion"), max_length=200)
    pass_descriptor = models.TextField(_("Pass looks like"))
    not_yet_descriptor = models.TextField(_("Not Yet looks like"))

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["micro_credential", "position"], name="criterion_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MicroCredentialTranslation(models.Model):
    """The title, competency and key method in one more language (prompts and criteria have
    their own rows). Shown to people reading that language; credentials are issued in it."""

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    competency = models.TextField(_("competency statement"))
    key_method = models.TextField(_("key method"))

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "language"],
                                    name="microcredential_translation_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class EvidencePromptTranslation(models.Model):
    prompt_of = models.ForeignKey(EvidencePrompt, on_delete=models.CASCADE,
                                  related_name="translations")
    language = models.CharField(_("language"), max_length=16)
    prompt = models.TextField(_("prompt"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prompt_of", "language"],
                                    name="prompt_translation_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.prompt[:60]} [{self.language}]"


class RubricCriterionTranslation(models.Model):
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE,
                                  related_name="translations")
    language = models.CharField(_("language"), max_length=16)
    name = models.CharField(_("criterion"), max_length=200)
    pass_descriptor = models.TextField(_("Pass looks like"))
    not_yet_descriptor = models.TextField(_("Not Yet looks like"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "language"],
                                    name="criterion_translation_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.language}]"
