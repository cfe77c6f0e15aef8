from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from microcred.verification.services import MAX_CREDENTIAL_BYTES, credential_fetch
from microcred.web.forms import Form
from microcred.web.uploads import FileTooLarge, read_upload


class VerifyForm(Form):
    upload_bytes: bytes | None = None  # the uploaded file, read whole by ``clean``

    credential_text = forms.CharField(
        label=_("Paste a credential"), required=False,
        help_text=_("The JSON of an Open Badges 3.0 or Verifiable Credential, of a verifiable "
                    "presentation or of an Open Badges 2.0 assertion, or a compact JWS."),
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
    )
    credential_file = forms.FileField(
        label=_("Or upload a credential file"), required=False,
        help_text=_("JSON, or a baked PNG or SVG badge."),
    )

    credential_url = forms.URLField(
        label=_("Or give the address of a credential"), required=False, assume_scheme="https",
        help_text=_("An https link to a credential's JSON or a baked badge image."),
    )

    recipient_email = forms.EmailField(
        label=_("Check it was issued to this email address (optional)"), required=False,
        help_text=_("Compared with the credential's own record of its recipient, hashed the way "
                    "its issuer hashed it: the page says yes or no, never which address the "
                    "credential holds. The address is not kept."),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        upload = data.get("credential_file")
        self.upload_bytes = None
        if upload is not None:
            try:  # read here, whole or not at all: a file cut short is never checked
                self.upload_bytes = read_upload(upload, limit=MAX_CREDENTIAL_BYTES)
            except FileTooLarge as error:
                self.add_error("credential_file", error.message)
        elif (not data.get("credential_text", "").strip() and upload is None
              and not data.get("credential_url")):
            self.add_error("credential_text",
                           _("Paste a credential, choose a file or give its address."))
        return data

    def payload(self) -> bytes | str:
        """The credential to check; fetching a URL may raise ``ValidationFailed``."""
        if self.upload_bytes is not None:
            return self.upload_bytes
        if self.cleaned_data.get("credential_text", "").strip():
            return str(self.cleaned_data["credential_text"])
        return credential_fetch(url=str(self.cleaned_data["credential_url"]))
