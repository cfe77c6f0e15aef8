from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.web.forms import Form


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000,
        help_text=_("Recorded in the audit log and shown to the organization's administrators."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SharingForm(Form):
    evidence_public = forms.BooleanField(
        label=_("Anyone with the link can open my evidence"), required=False)
    on_public_profile = forms.BooleanField(
        label=_("Show this credential on my public profile"), required=False)


class LearnerProfileForm(Form):
    did = forms.CharField(
        label=_("Your DID (optional)"), required=False, max_length=300,
        help_text=_("Credentials issued from now on name this DID as their holder. "
                    "Without one, they carry a salted hash of your email address."),
    )
    handle = forms.SlugField(
        label=_("Address of your public profile"), required=False, max_length=60,
        help_text=_("Letters, digits and hyphens: your profile is at /people/<address>/."),
    )
    public = forms.BooleanField(label=_("Make my profile public"), required=False)
