from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from microcred.catalog.languages import translated
from microcred.catalog.models import EvidencePrompt
from microcred.earning.selectors import PromptWithAnswer
from microcred.earning.services import prompt_max_bytes
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
            label = _("%(prompt)s (%(req)s)") % {"req": required_note,
                                                 "prompt": translated(p, "prompt")}
            instructions = (p.instructions + " ") if p.instructions else ""
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
                    help_text=instructions
                    + ((_("At most %(n)s words.") % {"n": limit}) if limit else ""),
                    widget=forms.Textarea(attrs=attrs),
                )
            else:
                current = (_("Attached: %(name)s (%(size)s). Choose a file to replace it.")
                           % {"name": item.answer.file_name,
                              "size": filesizeformat(item.answer.file_size)}
                           if item.answer and item.answer.file else _("No file attached yet."))
                kinds = (", ".join(str(EvidencePrompt.FileKind(k).label).lower()
                                   for k in p.accepted_kinds) if p.accepted_kinds else
                         _("images, PDF or office documents, text, video or audio"))
                self.fields[item.field_name] = forms.FileField(
                    label=label, required=False,
                    help_text=instructions + current + " " + _(
                        "Largest file: %(limit)s. Accepted: %(kinds)s.") % {
                        "limit": filesizeformat(prompt_max_bytes(p)), "kinds": kinds},
                )
                if p.allow_link:
                    self.fields[item.link_field_name] = forms.CharField(
                        label=_("Or a link to it instead of a file"),
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

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The prompts' fields grouped by the part they belong to, in order (a part is None
        for prompts written before parts existed)."""
        groups: list[tuple[Any, list[forms.BoundField]]] = []
        for item in self.items:
            part = item.prompt.part
            if not groups or groups[-1][0] != part:
                groups.append((part, []))
            names = [item.field_name]
            if item.prompt.kind == EvidencePrompt.Kind.FILE and item.link_field_name in self.fields:
                names.append(item.link_field_name)
            groups[-1][1].extend(self[name] for name in names)
        return groups

    def other_fields(self) -> list[forms.BoundField]:
        """The fields after the parts: the resubmission note and the integrity statement."""
        return [self[name] for name in ("resubmission_note", "integrity") if name in self.fields]

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
