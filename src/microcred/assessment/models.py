from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import RubricCriterion
from microcred.earning.models import Attempt


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    NOT_YET = "not_yet", _("Not Yet")


class Assessment(models.Model):
    """An assessor's judgement of one attempt. One per attempt: the database refuses a second."""

    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="assessment")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    summary = models.TextField(_("overall feedback"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=["pass", "not_yet"]),
                name="assessment_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt}: {self.outcome}"


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
