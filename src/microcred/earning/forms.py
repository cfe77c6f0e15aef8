from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from microcred.catalog.languages import translated
from microcred.catalog.models import EvidencePrompt
from microcred.earning.selectors import PromptWithAnswer
from microcred.earning.services import prompt_allows_link, prompt_max_bytes
from microcred.web.forms import Form


class AttemptForm(Form):
    """One field per evidence prompt, named ``prompt_<id>``. All optional here: the submit
    service decides what is required, so a half-written draft can always be saved."""

    def __init__(
        self, *args: Any, items: list[PromptWithAnswer], autosave_url: str = "",
        resubmission: bool = False, note: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        self.error_summary = ""  # the service's sentence naming what is missing, if any
        file_names = [i.field_name for i in items if i.prompt.kind == EvidencePrompt.Kind.FILE]
        # htmx posts the form's written answers (never its files) a moment after typing stops.
        autosave_attrs = {
            "hx-post": autosave_url,
            "hx-trigger": "input changed delay:800ms, change",
            "hx-target": "#autosave-status",
            "hx-swap": "innerHTML",
            "hx-params": ("not " + ",".join(file_names)) if file_names else "*",
            "hx-encoding": "application/x-www-form-urlencoded",
        } if autosave_url else {}
        for item in items:
            p = item.prompt
            required_note = _("required") if p.required else _("optional")
            label = _("Part %(n)s (%(req)s): %(prompt)s") % {
                "n": p.position, "req": required_note, "prompt": translated(p, "prompt")}
            if p.kind == EvidencePrompt.Kind.TEXT:
                limit = item.word_limit
                attrs: dict[str, Any] = {"rows": 8, **autosave_attrs}
                if limit:
                    attrs["data-word-limit"] = str(limit)
                    attrs["data-words-label"] = _("words")
                    attrs["aria-describedby"] = f"id_{item.field_name}_helptext"
                self.fields[item.field_name] = forms.CharField(
                    label=label, required=False,
                    initial=item.answer.text if item.answer else "",
                    help_text=(_("At most %(n)s words.") % {"n": limit}) if limit else "",
                    widget=forms.Textarea(attrs=attrs),
                )
            else:
                current = (_("Attached: %(name)s (%(size)s). Choose a file to replace it.")
                           % {"name": item.answer.file_name,
                              "size": filesizeformat(item.answer.file_size)}
                           if item.answer and item.answer.file else _("No file attached yet."))
                self.fields[item.field_name] = forms.FileField(
                    label=label, required=False,
                    help_text=current + " " + _("Largest file: %(limit)s. Images, PDF or office "
                                                "documents, text, video or audio.") % {
                        "limit": filesizeformat(prompt_max_bytes(p))},
                )
                if prompt_allows_link(p):
                    self.fields[item.link_field_name] = forms.CharField(
                        label=_("Part %(n)s: or a link to the artifact") % {"n": p.position},
                        required=False, initial=item.answer.link if item.answer else "",
                        widget=forms.URLInput(attrs={"inputmode": "url",
                                                     "placeholder": "https://"}),
                    )
        if resubmission:
            self.fields["resubmission_note"] = forms.CharField(
                label=_("Note to the assessor: what you changed since the last attempt"),
                required=False, initial=note, widget=forms.Textarea(attrs={"rows": 3}))
        self.fields["integrity"] = forms.BooleanField(
            label=_("I confirm this evidence is my own work from my own practice, and that I "
                    "have permission to share anything I attached."), required=False)

    def texts(self) -> dict[int, str]:
        return {item.prompt.pk: self.data.get(item.field_name, "")
                for item in self.items if item.prompt.kind == EvidencePrompt.Kind.TEXT
                and item.field_name in self.data}

    def uploads(self) -> dict[int, Any]:
        return {item.prompt.pk: self.files[item.field_name]
                for item in self.items if item.prompt.kind == EvidencePrompt.Kind.FILE
                and item.field_name in self.files}

    def links(self) -> dict[int, str]:
        return {item.prompt.pk: self.data.get(item.link_field_name, "")
                for item in self.items if item.prompt.kind == EvidencePrompt.Kind.FILE
                and item.link_field_name in self.data}

    @property
    def file_field_names(self) -> str:
        return ",".join(i.field_name for i in self.items
                        if i.prompt.kind == EvidencePrompt.Kind.FILE)
