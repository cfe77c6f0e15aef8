from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.web.forms import Form


class StyleguideForm(Form):
    """A form with one of each field kind, for the style guide."""

    name = forms.CharField(label=_("Your name"), help_text=_("As you want it on credentials."))
    email = forms.EmailField(label=_("Email address"))
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect,
                                choices=[("pass", _("Pass")), ("not_yet", _("Not Yet"))])
    notes = forms.CharField(label=_("Feedback"), widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Required for Not Yet."))
    evidence = forms.FileField(label=_("Evidence file"), required=False)
    agree = forms.BooleanField(label=_("I confirm this is my own work"))
