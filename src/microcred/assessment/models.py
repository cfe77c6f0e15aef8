from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import MicroCredential, RubricCriterion
from microcred.earning.models import Attempt
from microcred.orgs.models import Organization


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    NOT_YET = "not_yet", _("Not Yet")


class ReviewKind(models.TextChoices):
    """Why someone scores an attempt. The primary review is the first decision; a moderation is
    an independent second scoring of a sample; a disagreement goes to a lead assessor
    (adjudication, which stands); an appeal of a Not Yet goes to a different assessor."""

    PRIMARY = "primary", _("Assessment")
    MODERATION = "moderation", _("Moderation")
    ADJUDICATION = "adjudication", _("Adjudication")
    APPEAL = "appeal", _("Appeal review")


class AssessmentPolicy(models.Model):
    """An organization's assessment rules (defaults apply until an admin changes them)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="assessment_policy"
    )
    moderation_rate = models.DecimalField(
        _("share of decisions moderated"), max_digits=4, decimal_places=3,
        default=Decimal("0.100"))
    calibration_threshold = models.DecimalField(
        _("calibration agreement needed"), max_digits=4, decimal_places=3,
        default=Decimal("0.800"))
    decision_business_days = models.PositiveIntegerField(
        _("decision deadline (business days)"), default=14)
    claim_hours = models.PositiveIntegerField(_("hours an assessor holds a claim"), default=72)
    reminder_business_days = models.PositiveIntegerField(
        _("remind this many business days before the deadline"), default=2)

    class Meta:
        verbose_name_plural = "assessment policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(moderation_rate__gte=0, moderation_rate__lte=1),
                name="policy_moderation_rate_share"),
            models.CheckConstraint(
                condition=models.Q(calibration_threshold__gte=0, calibration_threshold__lte=1),
                name="policy_threshold_share"),
            models.CheckConstraint(condition=models.Q(decision_business_days__gte=1),
                                   name="policy_deadline_positive"),
            models.CheckConstraint(condition=models.Q(claim_hours__gte=1),
                                   name="policy_claim_positive"),
        ]

    def __str__(self) -> str:
        return f"assessment policy of {self.organization}"


class PoolMember(models.Model):
    """An assessor in the pool of one micro-credential. Only qualified members score."""

    class Status(models.TextChoices):
        CALIBRATING = "calibrating", _("Calibrating")
        QUALIFIED = "qualified", _("Qualified")
        NOT_QUALIFIED = "not_qualified", _("Not yet qualified")

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="pool_members")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pool_memberships")
    status = models.CharField(max_length=16, choices=Status.choices,
                              default=Status.CALIBRATING)
    is_lead = models.BooleanField(_("lead assessor"), default=False)
    agreement = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)
    # Set when calibration qualifies someone: their first decision is always moderated.
    needs_first_moderation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["micro_credential_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "assessor"],
                                    name="pool_member_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["calibrating", "qualified", "not_qualified"]),
                name="pool_member_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status="qualified") | models.Q(qualified_at__isnull=False),
                name="pool_member_qualified_has_date"),
            models.CheckConstraint(
                condition=models.Q(is_lead=False) | models.Q(status="qualified"),
                name="pool_member_lead_is_qualified"),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} in pool of {self.micro_credential} ({self.status})"


class CalibrationAnchor(models.Model):
    """A sample submission whose outcome per criterion is agreed: assessors score it to show
    they apply the rubric as the organization does."""

    micro_credential = models.ForeignKey(
        MicroCredential, on_delete=models.CASCADE, related_name="calibration_anchors")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    evidence = models.TextField(_("sample evidence"))
    # {"<criterion pk>": "pass" | "not_yet"}
    expected_outcomes = models.JSONField(default=dict)

    class Meta:
        ordering = ["micro_credential_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "position"],
                                    name="anchor_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title


class CalibrationScore(models.Model):
    anchor = models.ForeignKey(CalibrationAnchor, on_delete=models.CASCADE,
                               related_name="scores")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    agrees = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["anchor", "assessor", "criterion"],
                                    name="calibration_score_unique"),
            models.CheckConstraint(condition=models.Q(outcome__in=["pass", "not_yet"]),
                                   name="calibration_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"calibration {self.anchor_id} by {self.assessor_id}: {self.outcome}"


class ReviewRequest(models.Model):
    """A review an attempt is waiting for (primary, moderation, adjudication or appeal). Open
    requests with no active assignment make up the pool queue."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE,
                                related_name="review_requests")
    kind = models.CharField(max_length=16, choices=ReviewKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "kind"],
                                    condition=models.Q(closed_at__isnull=True),
                                    name="review_request_one_open"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["primary", "moderation", "adjudication", "appeal"]),
                name="review_request_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} wanted for attempt {self.attempt_id}"


class Assignment(models.Model):
    """One assessor holding one review of one attempt, until done, expired or released."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Assigned")
        COMPLETED = "completed", _("Completed")
        EXPIRED = "expired", _("Expired")
        RELEASED = "released", _("Released")
        CANCELLED = "cancelled", _("Cancelled")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="assignments")
    kind = models.CharField(max_length=16, choices=ReviewKind.choices,
                            default=ReviewKind.PRIMARY)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    claimed = models.BooleanField(default=False, help_text="claimed from the pool queue")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            # Never two assessors holding the same review at once...
            models.UniqueConstraint(fields=["attempt", "kind"],
                                    condition=models.Q(status="active"),
                                    name="assignment_one_active_per_review"),
            # ...and a review is completed once.
            models.UniqueConstraint(fields=["attempt", "kind"],
                                    condition=models.Q(status="completed"),
                                    name="assignment_one_completed_per_review"),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "completed", "expired", "released",
                                               "cancelled"]),
                name="assignment_status_valid"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["primary", "moderation", "adjudication", "appeal"]),
                name="assignment_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(status="active", ended_at__isnull=True)
                | (~models.Q(status="active") & models.Q(ended_at__isnull=False)),
                name="assignment_ended_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of attempt {self.attempt_id} by {self.assessor_id} ({self.status})"


class Assessment(models.Model):
    """One scoring of an attempt: the database refuses a second of the same kind.

    The decision the learner sees is the appeal review if there is one, else the adjudication,
    else the primary assessment (once any moderation agreed).
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="assessments")
    kind = models.CharField(max_length=16, choices=ReviewKind.choices,
                            default=ReviewKind.PRIMARY)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    summary = models.TextField(_("overall feedback"), blank=True)
    note_to_lead = models.TextField(_("note to the lead assessor"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "kind"], name="assessment_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["pass", "not_yet"]),
                name="assessment_outcome_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["primary", "moderation", "adjudication", "appeal"]),
                name="assessment_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt}: {self.kind} {self.outcome}"


class CriterionScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="score_unique_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=["pass", "not_yet"]), name="score_outcome_valid"
            ),
            # Not Yet without feedback leaves the learner nothing to act on.
            models.CheckConstraint(
                condition=models.Q(outcome="pass") | ~models.Q(feedback=""),
                name="score_not_yet_has_feedback",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.outcome}"


class Appeal(models.Model):
    """A learner's one appeal of a Not Yet on one attempt (the one-to-one makes it once)."""

    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="appeal")
    reason = models.TextField(_("why you are appealing"))
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"appeal of {self.attempt}"
