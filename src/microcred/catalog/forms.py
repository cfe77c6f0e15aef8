from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import EvidencePrompt, MicroCredential
from microcred.orgs.models import Organization
from microcred.web.forms import Form


class MicroCredentialForm(Form):
    organization = forms.ModelChoiceField(
        label=_("Issuing organization"), queryset=Organization.objects.none(), empty_label=None
    )
    language = forms.ChoiceField(label=_("Written in"), choices=lambda: settings.LANGUAGES,
                                 required=False,
                                 help_text=_("You can add other languages before publishing."))
    title = forms.CharField(label=_("Title"), max_length=200)
    competency = forms.CharField(
        label=_("Competency statement"),
        help_text=_("One competency, stated as what the earner can do."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    key_method = forms.CharField(
        label=_("Key method"),
        help_text=_("The method or practice the earner demonstrates, and how."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


class PromptForm(Form):
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidencePrompt.Kind.choices,
                             initial=EvidencePrompt.Kind.TEXT)
    prompt = forms.CharField(label=_("What to submit"), widget=forms.Textarea(attrs={"rows": 3}))
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)


class CriterionForm(Form):
    name = forms.CharField(label=_("Criterion"), max_length=200)
    pass_descriptor = forms.CharField(label=_("Pass looks like"),
                                      widget=forms.Textarea(attrs={"rows": 2}))
    not_yet_descriptor = forms.CharField(label=_("Not Yet looks like"),
                                         widget=forms.Textarea(attrs={"rows": 2}))


PromptFormSet = forms.formset_factory(PromptForm, extra=3, max_num=10, min_num=1,
                                      validate_min=True)
CriterionFormSet = forms.formset_factory(CriterionForm, extra=4, max_num=12, min_num=1,
                                         validate_min=True)


class TranslationForm(Form):
    """The whole micro-credential in one more language: one field per piece of text."""

    title = forms.CharField(label=_("Title"), max_length=200)
    competency = forms.CharField(label=_("Competency statement"),
                                 widget=forms.Textarea(attrs={"rows": 3}))
    key_method = forms.CharField(label=_("Key method"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, mc: MicroCredential, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mc = mc
        for p in mc.prompts.all():
            self.fields[f"prompt_{p.position}"] = forms.CharField(
                label=_("Evidence prompt %(n)s") % {"n": p.position},
                help_text=p.prompt, widget=forms.Textarea(attrs={"rows": 2}))
        for c in mc.criteria.all():
            n = {"n": c.position}
            self.fields[f"criterion_{c.position}_name"] = forms.CharField(
                label=_("Criterion %(n)s") % n, help_text=c.name, max_length=200)
            self.fields[f"criterion_{c.position}_pass"] = forms.CharField(
                label=_("Criterion %(n)s: Pass looks like") % n, help_text=c.pass_descriptor,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"criterion_{c.position}_not_yet"] = forms.CharField(
                label=_("Criterion %(n)s: Not Yet looks like") % n,
                help_text=c.not_yet_descriptor, widget=forms.Textarea(attrs={"rows": 2}))
