from __future__ import annotations

from django.conf import settings
from django.db import models


class HeldCredential(models.Model):
    """A credential from elsewhere that a learner keeps in their microcred account: uploaded
    through the OB 3.0 API (``POST /credentials``) or imported on the site.

    Stored exactly as received (a JSON text or a compact JWS) and verified before it was
    accepted; kept apart from the credentials this platform issued.
    """

    class Format(models.TextChoices):
        JSON = "json", "JSON-LD"
        JWS = "jws", "Compact JWS"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_credentials"
    )
    credential_id = models.CharField(max_length=500)
    format = models.CharField(max_length=8, choices=Format.choices)
    text = models.TextField()
    title = models.CharField(max_length=300, blank=True)
    issuer_name = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "credential_id"],
                                    name="heldcredential_one_per_id"),
            models.CheckConstraint(condition=models.Q(format__in=["json", "jws"]),
                                   name="heldcredential_format_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.credential_id} held by {self.owner_id}"
