from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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


class LanguageForm(Form):
    language = forms.ChoiceField(label=_("Language"), choices=lambda: settings.LANGUAGES)
