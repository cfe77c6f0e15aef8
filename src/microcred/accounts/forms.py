from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from microcred.accounts import lockout
from microcred.accounts.services import user_password_set
from microcred.web.forms import Form


class SignUpForm(Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("Email address"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"),
        help_text=_("At least 10 characters; not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    username = forms.EmailField(label=_("Email address"),
                                widget=forms.EmailInput(attrs={"autocomplete": "email",
                                                               "autofocus": True}))

    def clean(self) -> dict[str, Any]:
        """Refuse a locked-out address before checking the password, and count failures
        (``microcred.accounts.lockout``)."""
        email = self.cleaned_data.get("username") or ""
        if email:
            try:
                lockout.check(email)
            except lockout.Locked as locked:
                raise ValidationError(locked.message, code="locked_out") from None
        try:
            return super().clean()
        except ValidationError:
            if email and self.cleaned_data.get("password"):
                try:
                    lockout.record_failure(email)
                except lockout.Locked as locked:
                    raise ValidationError(locked.message, code="locked_out") from None
            raise


class LanguageForm(Form):
    language = forms.ChoiceField(label=_("Language"), choices=lambda: settings.LANGUAGES)


class DeleteAccountForm(Form):
    password = forms.CharField(
        label=_("Your password"),
        help_text=_("Enter your password to confirm that you want to delete your account."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TwoFactorCodeForm(Form):
    code = forms.CharField(
        label=_("Code"), max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery "
                    "codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True,
                                      "autocapitalize": "off", "spellcheck": "false"}),
    )


class TwoFactorSetupForm(Form):
    code = forms.CharField(
        label=_("Code from your app"), max_length=16,
        help_text=_("Enter the 6-digit code your authenticator app shows for this account."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordConfirmForm(Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ClaimingPasswordResetForm(PasswordResetForm):
    """Password reset that also reaches active accounts with no password yet: accounts that
    bulk issuance created for their recipients (``issuance.bulk``), which their owners claim by
    setting a password. Django's form skips unusable passwords (meant for accounts that sign in
    elsewhere; here there are none). Deleted accounts stay out: they are inactive."""

    def get_users(self, email: str) -> Any:
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """The link is built from ``settings.PUBLIC_URL``, never from the request's Host header:
        a forged Host would otherwise put the attacker's site, with the reset token, in a real
        email from us."""
        public = urlsplit(settings.PUBLIC_URL)
        kwargs["domain_override"] = public.netloc
        kwargs["use_https"] = public.scheme == "https"
        kwargs["extra_email_context"] = {**(kwargs.get("extra_email_context") or {}),
                                         "public_url": settings.PUBLIC_URL}
        super().save(*args, **kwargs)


class NewPasswordForm(SetPasswordForm):
    """Choosing a new password from a reset link: through ``user_password_set``, which also
    revokes the person's OAuth tokens (whoever made them may be who the reset is about)."""

    def save(self, commit: bool = True) -> Any:
        if commit:
            user_password_set(user=self.user, password=self.cleaned_data["new_password1"],
                              reason="reset")
        else:
            self.user.set_password(self.cleaned_data["new_password1"])
        return self.user


class ChangePasswordForm(PasswordChangeForm):
    """Changing the password while signed in (the old one asked again); revokes OAuth tokens
    like a reset."""

    def save(self, commit: bool = True) -> Any:
        if commit:
            user_password_set(user=self.user, password=self.cleaned_data["new_password1"],
                              reason="change")
        else:
            self.user.set_password(self.cleaned_data["new_password1"])
        return self.user
