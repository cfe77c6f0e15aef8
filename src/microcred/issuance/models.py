from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import MicroCredential
from microcred.earning.models import Attempt
from microcred.orgs.models import Organization


class IssuerKey(models.Model):
    """An organization's Ed25519 signing key.

    ``sealed_secret`` is the secret key encrypted with AES-GCM under a key derived from the
    deployment's SECRET_KEY (see ``key_sealing``); the plaintext secret never touches the
    database or the logs.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="issuer_keys"
    )
    public_multibase = models.CharField(max_length=128, unique=True)
    sealed_secret = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=models.Q(active=True),
                name="issuerkey_one_active_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.public_multibase[:16]}…"


class Credential(models.Model):
    """An issued (or about to be issued) OpenBadgeCredential for one passed attempt.

    ``signed_json`` holds the credential exactly as it was signed and serialized; it is served
    and exported byte for byte and never rebuilt from the other fields, which exist only to
    list and find credentials.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being issued")
        ISSUED = "issued", _("Issued")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="credential")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials"
    )
    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.PROTECT, related_name="credentials"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="credentials"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    credential_id = models.CharField(max_length=200, blank=True)
    signed_json = models.TextField(blank=True)
    issuer_key = models.ForeignKey(
        IssuerKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | (models.Q(issued_at__isnull=False) & ~models.Q(signed_json="")),
                name="credential_issued_is_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.micro_credential} for {self.learner_id} ({self.status})"

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED
