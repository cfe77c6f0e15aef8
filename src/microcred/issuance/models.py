from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import MicroCredential, Stack
from microcred.earning.models import Attempt
from microcred.orgs.models import Organization
from microcred.vc.status_list import STANDING_STATUS_SIZE


class IssuerKey(models.Model):
    """An organization's Ed25519 signing key.

    ``sealed_secret`` is the secret key encrypted with AES-GCM under the issuer-key purpose's key,
    derived from the deployment's SECRET_KEY (``microcred.sealing``); the plaintext secret never
    touches the database or the logs.
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


class BulkIssuance(models.Model):
    """A bulk issuance job: one micro-credential version awarded to every row of a CSV file
    (``issuance.bulk``; the format is in docs/bulk-issuance.md).

    The file is kept in private storage until the job is done, so a job interrupted midway is
    resumed from its own copy. Each row's credential names the job and the row
    (``Credential.bulk_job`` / ``bulk_row``, unique together): a resumed job skips the rows
    already committed and can never issue a row twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="bulk_issuances")
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT,
                                         related_name="bulk_issuances")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    csv_file = models.FileField(upload_to="bulk-issuance/", max_length=200)
    csv_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    issued_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Bumped with every committed chunk: a running job whose heartbeat is old has lost its
    # process, and the task sweep resumes it.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="bulkissuance_status_valid",
            ),
            models.CheckConstraint(condition=models.Q(issued_count__lte=models.F("total")),
                                   name="bulkissuance_issued_at_most_total"),
        ]

    def __str__(self) -> str:
        return f"bulk issuance {self.public_id} ({self.status})"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.issued_count / self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class Credential(models.Model):
    """An issued (or about to be issued) OpenBadgeCredential: for one passed attempt (a
    micro-credential), for a completed stack (``stack``; no attempt, no micro-credential), or
    for one row of a bulk issuance (``bulk_job`` and ``bulk_row``; a micro-credential awarded
    without an attempt).

    ``signed_json`` holds the credential exactly as it was signed and serialized; it is served
    and exported byte for byte and never rebuilt from the other fields, which exist only to
    list and find credentials.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Being issued")
        ISSUED = "issued", _("Issued")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # One credential per passed attempt (the partial unique constraint below); a renewal is a
    # second credential for the same attempt that names the one it renews.
    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="credentials",
                                null=True, blank=True)
    # A stack credential: earned by completing the stack, one per learner (see
    # ``issuance.stack_credentials``); its attempt and micro-credential are empty.
    stack = models.ForeignKey(Stack, on_delete=models.PROTECT, related_name="credentials",
                              null=True, blank=True)
    renews = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewed_by"
    )
    # Empty only for a credential issued through the VC-API (``via_vc_api``): its subject is
    # whoever the caller named, not an account here.
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credentials",
        null=True, blank=True,
    )
    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.PROTECT, related_name="credentials", null=True,
        blank=True,
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
    # Copied from the signed document (``validUntil``) so lists can say "expired" without
    # parsing JSON; the document remains the truth.
    valid_until = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.TextField(blank=True)
    # Set when a renewal replaces this credential (``credential_renew``): it is revoked at the
    # same moment, so verifiers stop accepting it, and its page points to the renewal.
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The learner's choices: evidence links answer only when shared; the credential appears on
    # their public profile only when they say so. Both private by default.
    evidence_public = models.BooleanField(default=False)
    on_public_profile = models.BooleanField(default=False)
    bulk_job = models.ForeignKey(BulkIssuance, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="credentials")
    bulk_row = models.PositiveIntegerField(null=True, blank=True)
    # Signed through the VC-API (``POST /credentials/issue``, ``issuance.vc_api``): the
    # caller's document as signed, with the platform's status entries, so it can be revoked
    # or suspended (``POST /credentials/status``). No learner, attempt, stack or bulk row.
    via_vc_api = models.BooleanField(default=False)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt"], condition=models.Q(renews__isnull=True),
                name="credential_one_per_attempt",
            ),
            models.UniqueConstraint(
                fields=["stack", "learner"],
                condition=models.Q(renews__isnull=True, stack__isnull=False),
                name="credential_one_per_stack_and_learner",
            ),
            # A bulk job issues each of its rows once (a renewal names the same row).
            models.UniqueConstraint(
                fields=["bulk_job", "bulk_row"], condition=models.Q(renews__isnull=True),
                name="credential_one_per_bulk_row",
            ),
            # A micro-credential's (an attempt, for that micro-credential), a stack's, or a
            # bulk row's (a micro-credential, no attempt).
            models.CheckConstraint(
                condition=(models.Q(attempt__isnull=False, micro_credential__isnull=False,
                                    stack__isnull=True, bulk_job__isnull=True,
                                    bulk_row__isnull=True)
                           | models.Q(attempt__isnull=True, micro_credential__isnull=True,
                                      stack__isnull=False, bulk_job__isnull=True,
                                      bulk_row__isnull=True)
                           | models.Q(attempt__isnull=True, micro_credential__isnull=False,
                                      stack__isnull=True, bulk_job__isnull=False,
                                      bulk_row__isnull=False)
                           | models.Q(attempt__isnull=True, micro_credential__isnull=True,
                                      stack__isnull=True, bulk_job__isnull=True,
                                      bulk_row__isnull=True, via_vc_api=True)),
                name="credential_attempt_or_stack",
            ),
            # A learner's credential, or one issued through the VC-API (no learner, nothing
            # earned here).
            models.CheckConstraint(
                condition=(models.Q(via_vc_api=False, learner__isnull=False)
                           | models.Q(via_vc_api=True, learner__isnull=True,
                                      attempt__isnull=True, micro_credential__isnull=True,
                                      stack__isnull=True, bulk_job__isnull=True)),
                name="credential_learner_unless_vc_api",
            ),
            # The VC-API refuses an id it already signed (the caller chooses ids there).
            models.UniqueConstraint(
                fields=["credential_id"], condition=models.Q(via_vc_api=True),
                name="credential_vc_api_id_once",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | (models.Q(issued_at__isnull=False) & ~models.Q(signed_json="")),
                name="credential_issued_is_signed",
            ),
            # Superseded means revoked: a replaced credential must not stay valid beside its
            # renewal.
            models.CheckConstraint(
                condition=models.Q(superseded_at__isnull=True) | models.Q(revoked_at__isnull=False),
                name="credential_superseded_is_revoked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} for {self.learner_id} ({self.status})"

    @property
    def title(self) -> str:
        """What was earned, in the issuer's words (the signed document is the truth)."""
        if self.via_vc_api:
            return self.credential_id
        return self.stack.title if self.stack_id else self.micro_credential.title

    @property
    def badge_source(self) -> MicroCredential | Stack | None:
        """The micro-credential or stack whose badge stands for this credential."""
        return self.stack if self.stack_id else self.micro_credential

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    @property
    def is_superseded(self) -> bool:
        return self.superseded_at is not None

    @property
    def is_live(self) -> bool:
        """Issued and neither revoked nor suspended: what can be renewed."""
        return self.is_issued and not self.is_revoked and not self.is_suspended

    @property
    def is_expired(self) -> bool:
        return self.valid_until is not None and self.valid_until <= timezone.now()


class StatusPurpose(models.TextChoices):
    """What a list says. New credentials use one ``message`` list (2 bits per entry: valid,
    revoked, suspended; see ``issuance.status_lists``); ``revocation`` and ``suspension``
    lists hold the entries of credentials issued before, and of callers that ask for them."""

    REVOCATION = "revocation", _("Revocation")
    SUSPENSION = "suspension", _("Suspension")
    MESSAGE = "message", _("Revocation and suspension")


class StatusList(models.Model):
    """One Bitstring Status List (W3C Bitstring Status List 1.0) of one issuer key and purpose.

    ``allocated`` marks indexes handed out (never reused, section 2.1). The bits themselves are
    derived from the credentials (``revoked_at`` / ``suspended_at``), so the published list can
    never disagree with the database. Every change bumps ``version``; the signed list credential
    in ``signed_json`` is current when ``signed_version == version``. A list belongs to the key
    that signs it, so a list stays signed by its credentials' issuer after a key rotation
    (did:key issuers change with the key; section 6.2 wants the list from the issuer).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer_key = models.ForeignKey(IssuerKey, on_delete=models.PROTECT, related_name="status_lists")
    purpose = models.CharField(max_length=16, choices=StatusPurpose.choices)
    length = models.PositiveIntegerField(default=131_072)
    allocated = models.BinaryField()
    full = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    signed_version = models.PositiveIntegerField(default=0)
    signed_json = models.TextField(blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_key", "purpose"], condition=models.Q(full=False),
                name="statuslist_one_open_per_key_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=["revocation", "suspension", "message"]),
                name="statuslist_purpose_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(length__gte=131_072), name="statuslist_herd_privacy_minimum"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} list {self.public_id}"

    @property
    def status_size(self) -> int:
        """Bits per entry: 2 for a ``message`` list, else 1."""
        return STANDING_STATUS_SIZE if self.purpose == StatusPurpose.MESSAGE else 1


class StatusEntry(models.Model):
    """A credential's place in one status list: one per credential and purpose."""

    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, related_name="status_entries"
    )
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="entries")
    purpose = models.CharField(max_length=16, choices=StatusPurpose.choices)
    index = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["status_list", "index"], name="statusentry_index_once"),
            models.UniqueConstraint(fields=["credential", "purpose"],
                                    name="statusentry_one_per_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.index} of {self.status_list_id}"


class ValidityPeriod(models.Model):
    """How long a micro-credential's credentials stay valid (``validUntil``); none = forever.

    Lives here rather than on ``catalog.MicroCredential`` because only issuance reads it.
    """

    micro_credential = models.OneToOneField(
        MicroCredential, on_delete=models.CASCADE, related_name="validity"
    )
    valid_for_days = models.PositiveIntegerField(_("valid for (days)"))

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_for_days__gte=1),
                                   name="validity_at_least_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.micro_credential}: {self.valid_for_days} days"


class LearnerProfile(models.Model):
    """What a learner chooses about their credentials: their DID as the credential subject
    (else a salted hashed email), and whether they have a public profile page.

    A DID typed here is only a claim; ``did_proven_at`` says when the account proved it
    controls it (``did_auth``). Only a proven DID ties a credential from elsewhere to the
    account, and one DID is proven by one account at most."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    did = models.CharField(_("your DID"), max_length=300, blank=True)
    did_proven_at = models.DateTimeField(_("DID proven at"), null=True, blank=True)
    handle = models.SlugField(_("profile address"), max_length=60, unique=True, null=True,
                              blank=True)
    public = models.BooleanField(_("public profile"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["did"], condition=models.Q(did_proven_at__isnull=False),
                                    name="learnerprofile_proven_did_once"),
            models.CheckConstraint(
                condition=models.Q(did_proven_at__isnull=True) | ~models.Q(did=""),
                name="learnerprofile_proof_needs_did"),
        ]

    def __str__(self) -> str:
        return f"profile of {self.user_id}"

    @property
    def recipient_did(self) -> str:
        """The DID credentials are issued to: only one the account has proven it controls
        (an unproven one would let anyone name another person's DID)."""
        return self.did if self.did and self.did_proven_at is not None else ""


class DidChallenge(models.Model):
    """A nonce the learner's wallet signs to prove control of ``did`` (DID Authentication).

    Kept server-side so it is used at most once and only while fresh; tied to the profile (and
    deleted with it) and to the DID it was given for, so it cannot prove a DID typed later."""

    profile = models.ForeignKey(LearnerProfile, on_delete=models.CASCADE,
                                related_name="did_challenges")
    did = models.CharField(max_length=300)
    nonce = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~models.Q(did=""), name="didchallenge_names_a_did"),
        ]

    def __str__(self) -> str:
        return f"DID challenge {self.pk} of profile {self.profile_id}"
