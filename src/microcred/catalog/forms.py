from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from microcred.catalog.models import EvidencePrompt, MicroCredential, Part, Resource
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

    def __init__(self, *args: Any, mc: MicroCredential, parts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mc = mc
        for part in parts:
            n = {"n": part.position}
            self.fields[f"part_{part.position}_title"] = forms.CharField(
                label=_("Part %(n)s: title") % n, help_text=part.title, max_length=200,
                required=False)
            self.fields[f"part_{part.position}_instructions"] = forms.CharField(
                label=_("Part %(n)s: instructions") % n, help_text=part.instructions,
                required=False, widget=forms.Textarea(attrs={"rows": 2}))
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


# --- The editor's forms: one per list item kind (the editor that binds them: catalog.editor) ---


def _text(label: Any, rows: int | None = None, help_text: Any = "", **kw: Any) -> forms.Field:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(label=label, required=False, help_text=help_text, strip=False,
                           widget=widget, **kw)


def _choice(label: Any, choices: Any, blank: Any = None) -> forms.ChoiceField:
    options = ([("", blank)] if blank else []) + list(choices)
    return forms.ChoiceField(label=label, choices=options, required=False)


class MainForm(Form):
    title = _text(_("Title"), max_length=200)
    competency = _text(_("Competency statement"), 3,
                       _("One competency, stated as what the earner can do."))
    key_method = _text(_("Key method"), 4,
                       _("The method or practice the earner demonstrates, and how."))
    language = forms.ChoiceField(label=_("Written in"), choices=lambda: settings.LANGUAGES)
    research = _text(_("Supporting research and rationale"), 6)
    pass_rule = forms.ChoiceField(label=_("Overall Pass"), widget=forms.RadioSelect,
                                  choices=MicroCredential.PassRule.choices,
                                  initial=MicroCredential.PassRule.ALL)
    pass_minimum = forms.IntegerField(
        label=_("Criteria that must be Pass"), required=False, min_value=1,
        help_text=_("Only used with \u201cat least a set number\u201d."))
    topic = _text(_("Topic"), max_length=100)
    tags = _text(_("Tags"), help_text=_("Separate tags with commas."))
    audience = _choice(_("Audience"), MicroCredential.Audience.choices, _("Not set"))
    level = _choice(_("Level"), MicroCredential.Level.choices, _("Not set"))
    estimated_hours = forms.DecimalField(label=_("Estimated hours"), required=False,
                                         max_digits=5, decimal_places=1)
    credit_hours = forms.DecimalField(label=_("Credit hours"), required=False, max_digits=5,
                                      decimal_places=2)
    ceus = forms.DecimalField(label=_("Continuing education units (CEUs)"), required=False,
                              max_digits=5, decimal_places=2)
    fee = forms.DecimalField(label=_("Assessment fee"), required=False, max_digits=8,
                             decimal_places=2, help_text=_("0 for free."))
    fee_currency = _text(_("Currency"), help_text=_("A three-letter code such as USD."),
                         max_length=3)
    sponsor_can_cover = forms.BooleanField(label=_("A sponsor can pay the fee"),
                                           required=False)
    achievement_type = _text(_("Kind of achievement"),
                             help_text=_("An Open Badges achievement type, such as "
                                         "MicroCredential or Badge."), max_length=64)
    badge_colour = _text(_("Badge colour"), help_text=_("# followed by six hexadecimal "
                                                        "digits, such as #1d4e89."),
                         max_length=7)
    badge_accent = _text(_("Badge accent colour"), max_length=7)


class MethodComponentForm(Form):
    name = _text(_("Component"), max_length=200)
    explanation = _text(_("Explanation"), 2)


class CitationForm(Form):
    authors = _text(_("Authors"), max_length=500)
    year = forms.IntegerField(label=_("Year"), required=False)
    title = _text(_("Title"), max_length=500)
    source = _text(_("Published in"), max_length=300)
    url = _text(_("Link"), max_length=1000)


class ResourceForm(Form):
    kind = _choice(_("Kind of resource"), Resource.Kind.choices)
    title = _text(_("Title"), max_length=300)
    url = _text(_("Link"), max_length=1000)
    description = _text(_("Description"), 2)


class AlignmentForm(Form):
    target_name = _text(_("Skill or standard"), max_length=300)
    target_url = _text(_("Link"), max_length=1000)
    target_framework = _text(_("Framework"), max_length=300)
    target_code = _text(_("Code"), max_length=100)
    target_description = _text(_("Description"), 2)
    target_type = _text(_("Type of target"), help_text=_("Such as ceasn:Competency or CFItem; "
                                                         "leave empty if unsure."),
                        max_length=64)


class PartForm(Form):
    origin = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = _choice(_("Kind of part"), Part.Kind.choices)
    title = _text(_("Title"), max_length=200)
    instructions = _text(_("Instructions"), 3)


class PromptEditForm(Form):
    origin = forms.CharField(required=False, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidencePrompt.Kind.choices,
                             required=False)
    prompt = _text(_("Prompt"), 3, _("The question, or what to submit."))
    instructions = _text(_("Instructions"), 2)
    required = forms.BooleanField(label=_("Required"), required=False)
    word_limit = forms.IntegerField(label=_("Word limit"), required=False,
                                    help_text=_("For written answers; leave empty for none."))
    max_bytes = forms.DecimalField(label=_("Largest file, in megabytes"), required=False,
                                   min_value=0, decimal_places=2, max_digits=8,
                                   help_text=_("For files; leave empty for the site's limit."))
    accepted_kinds = forms.MultipleChoiceField(
        label=_("Accepted kinds of file"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=EvidencePrompt.FileKind.choices,
        help_text=_("None ticked means every kind the site accepts."))
    allow_link = forms.BooleanField(label=_("A link may replace the file"), required=False)


class CriterionEditForm(Form):
    origin = forms.CharField(required=False, widget=forms.HiddenInput)
    name = _text(_("Criterion"), max_length=200)
    pass_descriptor = _text(_("Pass looks like"), 2)
    not_yet_descriptor = _text(_("Not Yet looks like"), 2)
    guidance = _text(_("Guidance for assessors"), 2,
                     _("Only assessors see this; it is never shown to learners."))


class BadgeForm(Form):
    badge_image = forms.FileField(
        label=_("Badge image"), required=False,
        help_text=_("A PNG or an SVG, up to 2 MB and 2000 by 2000 pixels; square works best."),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.svg,image/png,image/svg+xml"}))
