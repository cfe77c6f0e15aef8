"""The micro-credential editor: one form for the whole draft, over a plain tree.

Each list (parts, the prompts and criteria of each part, method components, citations,
resources, alignments) is a formset named after its path in the spec
("parts-1-prompts-0-prompt" is spec.parts[1].prompts[0].prompt). Structural buttons (add,
remove, move) post the whole form; the view reads what was typed into a plain tree
(:func:`tree_from_post`), applies the change (:func:`tree_apply`), and renders the tree again
(:class:`Editor`), so nothing typed is lost and no JavaScript is needed. Every field is optional
here: ``spec_problems`` is the one judge of completeness, and its problem paths come back as
inline errors on these fields (:meth:`Editor.add_problems`). The forms themselves are in
``catalog.forms``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from microcred.catalog.forms import (
    AlignmentForm,
    CitationForm,
    CriterionEditForm,
    MainForm,
    MethodComponentForm,
    PartForm,
    PromptEditForm,
    ResourceForm,
)
from microcred.catalog.models import EvidencePrompt, Part, Resource
from microcred.catalog.spec import (
    AlignmentSpec,
    CitationSpec,
    CriterionSpec,
    MethodComponentSpec,
    MicroCredentialSpec,
    PartSpec,
    PromptSpec,
    ResourceSpec,
    TranslationSpec,
)
from microcred.web.forms import Form

__all__ = ["Editor", "ListBlock", "ListItem", "Tree", "data_from_tree", "tree_apply",
           "tree_from_post", "tree_from_spec"]

_MB = 1024 * 1024

# Each list in the tree: its form, and the fields that are lists or ticks in posted data.
LISTS: dict[str, type[Form]] = {
    "methods": MethodComponentForm, "citations": CitationForm, "resources": ResourceForm,
    "alignments": AlignmentForm, "parts": PartForm, "prompts": PromptEditForm,
    "criteria": CriterionEditForm,
}
CHILD_LISTS = {"parts": ("prompts", "criteria")}
MAX_ITEMS = 50
_TICKS = {"sponsor_can_cover", "required", "allow_link"}
_MULTI = {"accepted_kinds"}

Tree = dict[str, Any]


def _blank_item(kind: str) -> Tree:
    item: Tree = {name: "" for name in LISTS[kind].base_fields}
    if kind == "prompts":
        item.update(kind=EvidencePrompt.Kind.TEXT, required=True, allow_link=True,
                    accepted_kinds=[])
    elif kind == "parts":
        item.update(kind=Part.Kind.OTHER, prompts=[_blank_item("prompts")],
                    criteria=[_blank_item("criteria")])
    elif kind == "resources":
        item["kind"] = Resource.Kind.ARTICLE
    return item


def _read(data: Any, prefix: str, form: type[Form]) -> Tree:
    item: Tree = {}
    for name in form.base_fields:
        key = f"{prefix}{name}"
        if name in _TICKS:
            item[name] = bool(data.get(key))
        elif name in _MULTI:
            item[name] = list(data.getlist(key))
        else:
            item[name] = data.get(key, "")
    return item


def _read_list(data: Any, prefix: str, kind: str) -> list[Tree]:
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_ITEMS)
    except ValueError:
        total = 0
    items = []
    for i in range(max(total, 0)):
        item = _read(data, f"{prefix}-{i}-", LISTS[kind])
        for child in CHILD_LISTS.get(kind, ()):
            item[child] = _read_list(data, f"{prefix}-{i}-{child}", child)
        items.append(item)
    return items


def tree_from_post(data: Any) -> Tree:
    """What the author typed, as a plain tree (nothing validated yet)."""
    tree = _read(data, "", MainForm)
    for kind in ("methods", "citations", "resources", "alignments", "parts"):
        tree[kind] = _read_list(data, kind, kind)
    return tree


def _plain(value: Any) -> Any:
    return "" if value is None else str(value)


def tree_from_spec(spec: MicroCredentialSpec) -> Tree:
    tree: Tree = {name: _plain(getattr(spec, name)) for name in MainForm.base_fields
                  if name not in _TICKS and name != "tags"}
    tree.update(tags=", ".join(spec.tags), sponsor_can_cover=spec.sponsor_can_cover)
    tree["methods"] = [{"name": m.name, "explanation": m.explanation}
                       for m in spec.method_components]
    tree["citations"] = [{"authors": c.authors, "year": _plain(c.year), "title": c.title,
                          "source": c.source, "url": c.url} for c in spec.citations]
    tree["resources"] = [{"kind": r.kind, "title": r.title, "url": r.url,
                          "description": r.description} for r in spec.resources]
    tree["alignments"] = [{name: getattr(a, name) for name in AlignmentForm.base_fields}
                          for a in spec.alignments]
    tree["parts"] = [{
        "origin": str(i), "kind": part.kind, "title": part.title,
        "instructions": part.instructions,
        "prompts": [{
            "origin": f"{i}.{j}", "kind": p.kind, "prompt": p.prompt,
            "instructions": p.instructions, "required": p.required,
            "word_limit": _plain(p.word_limit),
            "max_bytes": _plain(None if p.max_bytes is None
                                else (Decimal(p.max_bytes) / _MB).quantize(Decimal("0.01"))),
            "accepted_kinds": list(p.accepted_kinds), "allow_link": p.allow_link,
        } for j, p in enumerate(part.prompts)],
        "criteria": [{
            "origin": f"{i}.{j}", "name": c.name, "pass_descriptor": c.pass_descriptor,
            "not_yet_descriptor": c.not_yet_descriptor, "guidance": c.guidance,
        } for j, c in enumerate(part.criteria)],
    } for i, part in enumerate(spec.parts)]
    return tree


def _write(out: MultiValueDict[str, Any], prefix: str, item: Tree) -> None:
    for name, value in item.items():
        if isinstance(value, list) and name in _MULTI:
            out.setlist(f"{prefix}{name}", [str(v) for v in value])
        elif isinstance(value, list):
            _write_list(out, f"{prefix}{name}", value)
        elif isinstance(value, bool):
            if value:
                out[f"{prefix}{name}"] = "on"
        else:
            out[f"{prefix}{name}"] = value


def _write_list(out: MultiValueDict[str, Any], prefix: str, items: list[Tree]) -> None:
    out[f"{prefix}-TOTAL_FORMS"] = str(len(items))
    out[f"{prefix}-INITIAL_FORMS"] = "0"
    out[f"{prefix}-MIN_NUM_FORMS"] = "0"
    out[f"{prefix}-MAX_NUM_FORMS"] = str(MAX_ITEMS)
    for i, item in enumerate(items):
        _write(out, f"{prefix}-{i}-", item)


def data_from_tree(tree: Tree) -> MultiValueDict[str, Any]:
    out: MultiValueDict[str, Any] = MultiValueDict()
    _write(out, "", tree)
    return out


_ACTION = re.compile(r"^(add|remove|up|down):([a-z]+(?:-\d+-[a-z]+)*)(?:-(\d+))?$")


def tree_apply(tree: Tree, action: str) -> str | None:
    """Apply a structural button ("add:parts", "remove:parts-1-prompts-0", "up:methods-2") to
    ``tree``; returns the id of the field to focus afterwards, or None if ``action`` is not one
    (or points at nothing)."""
    match = _ACTION.match(action)
    if not match:
        return None
    verb, path, index = match.group(1), match.group(2), match.group(3)
    tokens = path.split("-")
    node: Any = tree
    try:
        for k in range(0, len(tokens) - 1, 2):
            node = node[tokens[k]][int(tokens[k + 1])]
        kind = tokens[-1]
        items: list[Tree] = node[kind]
    except (KeyError, IndexError, ValueError, TypeError):
        return None
    if kind not in LISTS:
        return None
    if verb == "add":
        if len(items) >= MAX_ITEMS:
            return None
        items.append(_blank_item(kind))
        return f"{path}-{len(items) - 1}"
    if index is None or not 0 <= int(index) < len(items):
        return None
    i = int(index)
    if verb == "remove":
        del items[i]
        return f"{path}-section"
    j = i - 1 if verb == "up" else i + 1
    if not 0 <= j < len(items):
        return f"{path}-{i}"
    items[i], items[j] = items[j], items[i]
    return f"{path}-{j}"


# --- From the forms to a spec, and the spec's problems back to the forms ----------------------


# (heading of the list, name of one item, the add button, what an empty list says)
LABELS: dict[str, tuple[Any, Any, Any, Any]] = {
    "methods": (_("Method components"), _("Component"), _("Add a method component"),
                _("No method components yet.")),
    "citations": (_("Citations"), _("Citation"), _("Add a citation"), _("No citations yet.")),
    "resources": (_("Resources"), _("Resource"), _("Add a resource"), _("No resources yet.")),
    "alignments": (_("Alignments to skills and standards"), _("Alignment"),
                   _("Add an alignment"), _("No alignments yet.")),
    "parts": (_("Parts"), _("Part"), _("Add a part"), _("No parts yet.")),
    "prompts": (_("Evidence prompts"), _("Prompt"), _("Add a prompt"), _("No prompts yet.")),
    "criteria": (_("Rubric criteria"), _("Criterion"), _("Add a criterion"),
                 _("No criteria yet.")),
}


@dataclass
class ListItem:
    index: int
    form: Any
    label: str
    children: list[ListBlock]
    first: bool
    last: bool


@dataclass
class ListBlock:
    """One formset as the template shows it, with the child formsets of each item."""

    kind: str
    prefix: str
    formset: Any
    owner: str = ""
    children: list[dict[str, ListBlock]] = dataclass_field(default_factory=list)
    errors: list[str] = dataclass_field(default_factory=list)

    @property
    def heading(self) -> str:
        heading = str(LABELS[self.kind][0])
        return (_("%(owner)s: %(list)s") % {"owner": self.owner, "list": heading}
                if self.owner else heading)

    @property
    def add_label(self) -> str:
        return str(LABELS[self.kind][2])

    @property
    def empty_label(self) -> str:
        return str(LABELS[self.kind][3])

    def label(self, index: int) -> str:
        label = _("%(item)s %(n)s") % {"item": LABELS[self.kind][1], "n": index + 1}
        return _("%(owner)s, %(item)s") % {"owner": self.owner, "item": label.lower()} \
            if self.owner else label

    @property
    def items(self) -> list[ListItem]:
        forms_ = self.formset.forms
        return [ListItem(index=i, form=form, label=self.label(i),
                         children=list(self.children[i].values()) if self.children else [],
                         first=i == 0, last=i == len(forms_) - 1)
                for i, form in enumerate(forms_)]


def _formset(kind: str, prefix: str, data: Any, owner: str = "") -> ListBlock:
    factory = forms.formset_factory(LISTS[kind], extra=0, max_num=MAX_ITEMS,
                                    absolute_max=MAX_ITEMS)
    formset = factory(data, prefix=prefix)
    block = ListBlock(kind=kind, prefix=prefix, formset=formset, owner=owner)
    if CHILD_LISTS.get(kind):
        block.children = [{child: _formset(child, f"{prefix}-{i}-{child}", data,
                                           owner=block.label(i))
                           for child in CHILD_LISTS[kind]}
                          for i in range(formset.total_form_count())]
    return block


class Editor:
    """Every form of the editor, bound to one tree's data."""

    TOP_LISTS = ("methods", "citations", "resources", "alignments", "parts")

    def __init__(self, tree: Tree) -> None:
        data = data_from_tree(tree)
        self.tree = tree
        self.main = MainForm(data)
        self.lists = {kind: _formset(kind, kind, data) for kind in self.TOP_LISTS}
        self.general: list[str] = []

    def blocks(self) -> list[ListBlock]:
        out: list[ListBlock] = []
        for block in self.lists.values():
            out.append(block)
            for children in block.children:
                out.extend(children.values())
        return out

    def is_valid(self) -> bool:
        valid = self.main.is_valid()
        for block in self.blocks():
            valid = block.formset.is_valid() and valid
        return valid

    def spec(self, *, slug: str, translations: dict[str, TranslationSpec]) -> MicroCredentialSpec:
        """The spec the valid forms describe (call ``is_valid`` first)."""
        m = self.main.cleaned_data

        def rows(block: ListBlock) -> list[dict[str, Any]]:
            return [form.cleaned_data for form in block.formset.forms]

        def pieces(kind: str) -> tuple[Any, ...]:
            return tuple(rows(self.lists[kind]))

        parts = []
        for part, children in zip(rows(self.lists["parts"]), self.lists["parts"].children,
                                  strict=True):
            parts.append(PartSpec(
                title=part["title"], kind=part["kind"] or Part.Kind.OTHER,
                instructions=part["instructions"],
                prompts=tuple(PromptSpec(
                    kind=p["kind"] or EvidencePrompt.Kind.TEXT, prompt=p["prompt"],
                    required=p["required"], instructions=p["instructions"],
                    word_limit=p["word_limit"],
                    max_bytes=None if p["max_bytes"] is None else int(p["max_bytes"] * _MB),
                    accepted_kinds=tuple(p["accepted_kinds"]), allow_link=p["allow_link"])
                    for p in rows(children["prompts"])),
                criteria=tuple(CriterionSpec(
                    name=c["name"], pass_descriptor=c["pass_descriptor"],
                    not_yet_descriptor=c["not_yet_descriptor"], guidance=c["guidance"])
                    for c in rows(children["criteria"]))))
        return MicroCredentialSpec(
            slug=slug, title=m["title"], competency=m["competency"],
            key_method=m["key_method"], language=m["language"], research=m["research"],
            parts=tuple(parts),
            method_components=tuple(MethodComponentSpec(r["name"], r["explanation"])
                                    for r in pieces("methods")),
            citations=tuple(CitationSpec(authors=r["authors"], title=r["title"],
                                         year=r["year"], source=r["source"], url=r["url"])
                            for r in pieces("citations")),
            resources=tuple(ResourceSpec(kind=r["kind"], title=r["title"], url=r["url"],
                                         description=r["description"])
                            for r in pieces("resources")),
            alignments=tuple(AlignmentSpec(**r) for r in pieces("alignments")),
            pass_rule=m["pass_rule"], pass_minimum=m["pass_minimum"], topic=m["topic"],
            tags=tuple(t.strip() for t in m["tags"].split(",") if t.strip()),
            audience=m["audience"], level=m["level"], estimated_hours=m["estimated_hours"],
            credit_hours=m["credit_hours"], ceus=m["ceus"],
            fee=m["fee"] if m["fee"] is not None else Decimal(0),
            fee_currency=m["fee_currency"].strip().upper(),
            sponsor_can_cover=m["sponsor_can_cover"],
            achievement_type=m["achievement_type"].strip() or "MicroCredential",
            badge_colour=m["badge_colour"].strip(), badge_accent=m["badge_accent"].strip(),
            translations=translations,
        )

    def origins(self) -> list[tuple[str, list[str], list[str]]]:
        """For each part as typed: where it, its prompts and its criteria came from in the
        saved version ("" for new ones); translations follow their text through moves."""
        out = []
        for part in self.tree["parts"]:
            out.append((part.get("origin", ""),
                        [p.get("origin", "") for p in part["prompts"]],
                        [c.get("origin", "") for c in part["criteria"]]))
        return out

    _PATH = re.compile(r"([a-z_]+)\[(\d+)\]")

    def add_problems(self, problems: dict[str, str]) -> None:
        """Show ``spec_problems`` paths on the fields they name."""
        aliases = {"method_components": "methods"}
        for path, message in problems.items():
            segments = path.split(".")
            field_name = None
            if not self._PATH.fullmatch(segments[-1]):
                field_name = segments.pop()
            node: Any = None
            try:
                for segment in segments:
                    match = self._PATH.fullmatch(segment)
                    if not match:
                        raise LookupError(segment)
                    kind, index = aliases.get(match[1], match[1]), int(match[2])
                    block = (self.lists[kind] if node is None
                             else node[1][kind])
                    node = (block.formset.forms[index],
                            block.children[index] if block.children else {})
            except (LookupError, ValueError):
                node = "unknown"
            if node is None:
                node = ("main", {})
            if node == "unknown":
                self.general.append(message)
                continue
            form, children = node
            target_list = aliases.get(field_name or "", field_name or "")
            if form == "main":
                if field_name in self.main.fields:
                    self.main.add_error(field_name, message)
                elif target_list in self.lists:
                    self.lists[target_list].errors.append(message)
                elif field_name == "criteria":
                    self.lists["parts"].errors.append(message)
                else:
                    self.general.append(message)
            elif field_name is None:
                form.add_error(None, message)
            elif target_list in children:
                children[target_list].errors.append(message)
            elif field_name in form.fields:
                form.add_error(field_name, message)
            else:
                form.add_error(None, message)

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the summary at the top, in page order."""
        links: list[tuple[str, str]] = []

        def from_form(form: Any, anchor: str, where: str = "") -> None:
            for error in form.non_field_errors():
                links.append((anchor, f"{where}: {error}" if where else str(error)))
            for field in form:
                for error in field.errors:
                    label = f"{where}, {field.label}" if where else str(field.label)
                    links.append((field.id_for_label, f"{label}: {error}"))

        from_form(self.main, "editor-main")
        for block in self.blocks():
            links.extend((f"{block.prefix}-section", f"{block.heading}: {e}")
                         for e in block.errors)
            for i, form in enumerate(block.formset.forms):
                from_form(form, f"{block.prefix}-{i}", block.label(i))
        return links
