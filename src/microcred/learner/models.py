from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class HeldCredential(models.Model):
    """A credential from elsewhere that a learner keeps in their microcred account: uploaded
    through the OB 3.0 API (``POST /credentials``) or imported on the site
    (:func:`microcred.learner.services.held_credential_upsert`).

    Stored exactly as received (a JSON text or a compact JWS) and verified before it was
    accepted; kept apart from the credentials this platform issued.

    ``standard`` tells an Open Badges 3.0 / VC credential from an Open Badges 2.0 assertion
    (imported on the site only: the OB 3.0 API never serves one). For display, an OB 2.0 badge
    keeps what its badge class and issuer said when it was verified (they live on the issuer's
    site) and its image as a ``data:`` URL, since the site shows no images from elsewhere.
    """

    class Format(models.TextChoices):
        JSON = "json", "JSON-LD"
        JWS = "jws", "Compact JWS"

    class Standard(models.TextChoices):
        OB3 = "ob3", "Open Badges 3.0 / Verifiable Credential"
        OB2 = "ob2", "Open Badges 2.0"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_credentials"
    )
    credential_id = models.CharField(max_length=500)
    format = models.CharField(max_length=8, choices=Format.choices)
    text = models.TextField()
    title = models.CharField(max_length=300, blank=True)
    issuer_name = models.CharField(max_length=300, blank=True)
    # Whether the signing key is one of an organization's on this platform (then
    # ``issuer_name`` is that organization's name); otherwise the name is the credential's
    # claim, and ``issuer_name_clash`` says it borrows the name of an organization here.
    issuer_confirmed = models.BooleanField(default=False)
    issuer_name_clash = models.BooleanField(default=False)
    # The trusted issuer registry that listed the issuer when it was kept (then
    # ``issuer_name`` is the registry's name for it), or empty.
    issuer_listed_by = models.CharField(max_length=300, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    standard = models.CharField(max_length=8, choices=Standard.choices, default=Standard.OB3)
    description = models.TextField(blank=True)
    image = models.TextField(blank=True, help_text="The badge image as a data: URL, or empty.")
    issued_on = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    # What its verification found about its structure (OB 3.0 / VC 2.0): a list of {"path",
    # "message", and "section" (a link to the spec's rule) where there is one}. A credential
    # that is authentic and valid now is kept despite them (issue 24); they are shown with it.
    conformance_problems = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        # The table the ``api`` app made: the model moved here (issue 22), its rows did not.
        db_table = "api_heldcredential"
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "credential_id"],
                                    name="heldcredential_one_per_id"),
            models.CheckConstraint(condition=models.Q(format__in=["json", "jws"]),
                                   name="heldcredential_format_valid"),
            models.CheckConstraint(condition=models.Q(standard__in=["ob3", "ob2"]),
                                   name="heldcredential_standard_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title or self.credential_id} held by {self.owner_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
