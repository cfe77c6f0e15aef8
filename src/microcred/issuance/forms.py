from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import MicroCredential
from microcred.issuance.did_auth import MAX_PRESENTATION_BYTES
from microcred.web.forms import Form
from microcred.web.uploads import FileTooLarge, read_upload


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


class DidProofForm(Form):
    """A verifiable presentation proving the profile's DID, pasted or as a file."""

    upload_bytes: bytes | None = None  # the uploaded file, read whole by ``clean``

    presentation = forms.CharField(
        label=_("Paste the signed presentation"), required=False,
        help_text=_("The JSON of a verifiable presentation your wallet signed with your DID, "
                    "for the challenge and domain above."),
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    presentation_file = forms.FileField(label=_("Or upload it as a file"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("presentation_file")
        self.upload_bytes = None
        if upload is not None:
            try:
                self.upload_bytes = read_upload(upload, limit=MAX_PRESENTATION_BYTES)
            except FileTooLarge as error:
                self.add_error("presentation_file", error.message)
        elif not data.get("presentation", "").strip():
            self.add_error("presentation", _("Paste the presentation or choose its file."))
        return data

    def payload(self) -> bytes | str:
        if self.upload_bytes is not None:
            return self.upload_bytes
        return str(self.cleaned_data["presentation"])


class BulkIssuanceForm(Form):
    """Start a bulk issuance: which micro-credential, and the CSV of recipients."""

    micro_credential = forms.ModelChoiceField(
        label=_("Micro-credential to award"), queryset=None, empty_label=None,
        help_text=_("Its published version is issued."))
    csv_file = forms.FileField(
        label=_("Recipients (CSV file)"),
        help_text=_("Columns: email (required), name, awarded_date (YYYY-MM-DD), evidence_url, "
                    "note. The whole file is checked first; nothing is issued if a line has a "
                    "problem."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))

    def __init__(self, *args: Any, micro_credentials: QuerySet[MicroCredential],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["micro_credential"]
        field.queryset = micro_credentials  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda mc: f"{mc.title} ({mc.organization.name}, v{mc.version})")
