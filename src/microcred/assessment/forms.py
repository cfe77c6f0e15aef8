from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.assessment.models import Outcome
from microcred.assessment.services import ScoreInput
from microcred.catalog.models import RubricCriterion
from microcred.web.forms import Form


class AssessmentForm(Form):
    """Per criterion: Pass or Not Yet, and feedback (required for Not Yet, by the service)."""

    summary = forms.CharField(label=_("Overall feedback (optional)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    note_to_lead = forms.CharField(
        label=_("Note to the lead assessor (optional, never shown to the learner)"),
        required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, criteria: list[RubricCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"criterion_{c.pk}_outcome"] = forms.ChoiceField(
                label=_("Outcome for “%(name)s”") % {"name": c.name},
                choices=Outcome.choices, widget=forms.RadioSelect, required=False,
            )
            self.fields[f"criterion_{c.pk}_feedback"] = forms.CharField(
                label=_("Feedback for “%(name)s”") % {"name": c.name}, required=False,
                help_text=_("Required for Not Yet: say what is missing and how to get there."),
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self) -> list[tuple[RubricCriterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"criterion_{c.pk}_outcome"], self[f"criterion_{c.pk}_feedback"])
                for c in self.criteria]

    def scores(self) -> dict[int, ScoreInput]:
        data = self.cleaned_data
        return {c.pk: ScoreInput(outcome=data.get(f"criterion_{c.pk}_outcome") or "",
                                 feedback=data.get(f"criterion_{c.pk}_feedback") or "")
                for c in self.criteria}


class CalibrationForm(Form):
    """Pass or Not Yet per criterion for one calibration sample."""

    def __init__(self, *args: Any, criteria: list[RubricCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"criterion_{c.pk}_outcome"] = forms.ChoiceField(
                label=_("Outcome for “%(name)s”") % {"name": c.name},
                choices=Outcome.choices, widget=forms.RadioSelect, required=False)

    def outcomes(self) -> dict[int, str]:
        return {c.pk: self.data.get(f"criterion_{c.pk}_outcome", "") for c in self.criteria}


class PolicyForm(Form):
    """The organization's assessment rules."""

    moderation_rate = forms.DecimalField(
        label=_("Share of decisions moderated (0 to 1)"), min_value=0, max_value=1,
        decimal_places=3)
    calibration_threshold = forms.DecimalField(
        label=_("Calibration agreement needed (0 to 1)"), min_value=0, max_value=1,
        decimal_places=3)
    decision_business_days = forms.IntegerField(
        label=_("Decision deadline in business days"), min_value=1, max_value=90)
    reminder_business_days = forms.IntegerField(
        label=_("Remind assessors this many business days before"), min_value=0, max_value=30)
    claim_hours = forms.IntegerField(label=_("Hours an assessor holds a claim"), min_value=1,
                                     max_value=24 * 30)
