"""The authoring format: a whole micro-credential as one JSON or YAML file.

See docs/authoring-format.md.

A file holds everything a :class:`~microcred.catalog.spec.MicroCredentialSpec` holds, plus the
issuing organization's slug and the status wanted (``draft`` or ``published``), under a format
version (``format: microcred-authoring/1``). ``spec_from_data`` reads one strictly: an unknown
key, a wrong type or a missing required field is a problem, every problem is keyed by its path
(``parts[1].prompts[0].word_limit``, the paths ``spec_problems`` uses) and all of them are
reported at once, in a ``ValidationFailed`` whose message names the file. ``data_from_spec``
writes the canonical form: keys in a fixed order, defaults left out, decimals as strings, so
export, import and export again give the same bytes.

YAML is read with PyYAML's ``SafeLoader`` (no Python objects, no code), refusing duplicate keys
as JSON reading does: a key given twice is a mistake whose second value would silently win.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.db import models

from microcred.catalog.models import (
    Alignment,
    Citation,
    EvidencePrompt,
    MethodComponent,
    MicroCredential,
    Part,
    Resource,
    RubricCriterion,
)
from microcred.catalog.spec import (
    AlignmentSpec,
    CitationSpec,
    CriterionSpec,
    CriterionText,
    MethodComponentSpec,
    MicroCredentialSpec,
    PartSpec,
    PartText,
    PromptSpec,
    ResourceSpec,
    TranslationSpec,
    spec_problems,
)
from microcred.errors import ValidationFailed
from microcred.vc.openbadges import ACHIEVEMENT_TYPES, ALIGNMENT_TARGET_TYPES

__all__ = [
    "FORMAT", "STATUSES", "SUFFIXES", "Authored", "data_from_spec", "dump", "load_file",
    "normalized", "parse_text", "spec_from_data",
]

FORMAT = "microcred-authoring/1"
#: The statuses a file may ask for: a draft to keep working on, or a published version.
STATUSES = ("draft", "published")
#: The file names the importer reads and the exporter writes.
SUFFIXES = (".json", ".yaml", ".yml")

_SLUG = re.compile(r"^[-a-z0-9]{1,120}$")
_EXT = re.compile(r"^ext:[A-Za-z0-9._-]+$")
T = TypeVar("T")


@dataclass(frozen=True)
class Authored:
    """One file's content: the micro-credential, whose it is, and the status wanted."""

    organization: str
    status: str
    spec: MicroCredentialSpec


# -- reading ---------------------------------------------------------------------------------


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _max_length(model: type[models.Model], name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


def _what(value: object) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"  # a YAML date, for instance


class _Reader:
    """Reads one file's data, collecting every problem (keyed by path) instead of stopping."""

    def __init__(self) -> None:
        self.problems: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.problems.setdefault(path or "(file)", message)

    def mapping(self, value: object, path: str, fields: tuple[str, ...],
                required: tuple[str, ...] = ()) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, f"must be a mapping of fields, not {_what(value)}")
            return None
        for key in value:
            if not isinstance(key, str):
                self.add(_at(path, str(key)), "field names must be text")
            elif key not in fields:
                close = difflib.get_close_matches(key, fields, n=1)
                hint = f" (did you mean {close[0]}?)" if close else (
                    f" (expected one of: {', '.join(fields)})")
                self.add(_at(path, key), f"unknown field{hint}")
        for key in required:
            if key not in value:
                self.add(_at(path, key), "is required")
        return value

    def text(self, obj: dict[str, Any], path: str, name: str, *, default: str = "",
             max_length: int | None = None, choices: tuple[str, ...] = ()) -> str:
        if name not in obj:
            return default
        value, at = obj[name], _at(path, name)
        if not isinstance(value, str):
            hint = " (in YAML, quote a value that starts with #)" if value is None else ""
            self.add(at, f"must be text, not {_what(value)}{hint}")
            return default
        if max_length is not None and len(value.strip()) > max_length:
            self.add(at, f"is too long: at most {max_length} characters")
        if choices and value not in choices:
            self.add(at, f"must be one of: {', '.join(choices)}")
        return value

    def integer(self, obj: dict[str, Any], path: str, name: str) -> int | None:
        value = obj.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(_at(path, name), f"must be a whole number, not {_what(value)}")
            return None
        return value

    def boolean(self, obj: dict[str, Any], path: str, name: str, default: bool) -> bool:
        if name not in obj:
            return default
        value = obj[name]
        if not isinstance(value, bool):
            self.add(_at(path, name), f"must be true or false, not {_what(value)}")
            return default
        return value

    def decimal(self, obj: dict[str, Any], path: str, name: str, places: int) -> Decimal | None:
        """A number given as text ("1.5", exact) or as a number (1.5); at most ``places`` digits
        after the point, as the database keeps them (more would be rounded on the way in)."""
        value = obj.get(name)
        if value is None:
            return None
        at = _at(path, name)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.add(at, f"must be a number such as \"1.5\", not {_what(value)}")
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.add(at, f"must be a number such as \"1.5\", not {str(value)[:40]!r}")
            return None
        exponent = number.as_tuple().exponent
        if not number.is_finite() or not isinstance(exponent, int):
            self.add(at, "must be a finite number")
            return None
        if -exponent > places:
            self.add(at, f"has too many decimal places: at most {places}")
            return None
        return number

    def texts(self, obj: dict[str, Any], path: str, name: str) -> tuple[str, ...]:
        if name not in obj:
            return ()
        value, at = obj[name], _at(path, name)
        if not isinstance(value, list):
            self.add(at, f"must be a list, not {_what(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.add(f"{at}[{i}]", f"must be text, not {_what(item)}")
            else:
                out.append(item)
        return tuple(out)

    def items(self, obj: dict[str, Any], path: str, name: str,
              read: Callable[[object, str], T | None]) -> tuple[T, ...]:
        if name not in obj:
            return ()
        value, at = obj[name], _at(path, name)
        if not isinstance(value, list):
            self.add(at, f"must be a list, not {_what(value)}")
            return ()
        out = []
        for i, item in enumerate(value):
            one = read(item, f"{at}[{i}]")
            if one is not None:
                out.append(one)
        return tuple(out)


_PROMPT_FIELDS = ("kind", "prompt", "required", "instructions", "word_limit", "max_bytes",
                  "accepted_kinds", "allow_link")
_CRITERION_FIELDS = ("name", "pass_descriptor", "not_yet_descriptor", "guidance")
_PART_FIELDS = ("title", "kind", "instructions", "prompts", "criteria")
_TOP_FIELDS = (
    "format", "organization", "slug", "status", "language", "title", "competency", "key_method",
    "research", "method_components", "citations", "resources", "alignments", "parts",
    "pass_rule", "pass_minimum", "topic", "tags", "audience", "level", "estimated_hours",
    "credit_hours", "ceus", "fee", "fee_currency", "sponsor_can_cover", "achievement_type",
    "badge_colour", "badge_accent", "translations",
)


def _prompt(r: _Reader, value: object, at: str) -> PromptSpec | None:
    obj = r.mapping(value, at, _PROMPT_FIELDS, ("kind", "prompt"))
    if obj is None:
        return None
    return PromptSpec(
        kind=r.text(obj, at, "kind", choices=tuple(EvidencePrompt.Kind.values)),
        prompt=r.text(obj, at, "prompt"),
        required=r.boolean(obj, at, "required", True),
        instructions=r.text(obj, at, "instructions"),
        word_limit=r.integer(obj, at, "word_limit"),
        max_bytes=r.integer(obj, at, "max_bytes"),
        accepted_kinds=r.texts(obj, at, "accepted_kinds"),
        allow_link=r.boolean(obj, at, "allow_link", True),
    )


def _criterion(r: _Reader, value: object, at: str) -> CriterionSpec | None:
    obj = r.mapping(value, at, _CRITERION_FIELDS, _CRITERION_FIELDS[:3])
    if obj is None:
        return None
    return CriterionSpec(
        name=r.text(obj, at, "name", max_length=_max_length(RubricCriterion, "name")),
        pass_descriptor=r.text(obj, at, "pass_descriptor"),
        not_yet_descriptor=r.text(obj, at, "not_yet_descriptor"),
        guidance=r.text(obj, at, "guidance"),
    )


def _part(r: _Reader, value: object, at: str) -> PartSpec | None:
    obj = r.mapping(value, at, _PART_FIELDS, ("title",))
    if obj is None:
        return None
    return PartSpec(
        title=r.text(obj, at, "title", max_length=_max_length(Part, "title")),
        kind=r.text(obj, at, "kind", default=Part.Kind.OTHER, choices=tuple(Part.Kind.values)),
        instructions=r.text(obj, at, "instructions"),
        prompts=r.items(obj, at, "prompts", lambda v, w: _prompt(r, v, w)),
        criteria=r.items(obj, at, "criteria", lambda v, w: _criterion(r, v, w)),
    )


def _method_component(r: _Reader, value: object, at: str) -> MethodComponentSpec | None:
    obj = r.mapping(value, at, ("name", "explanation"), ("name",))
    if obj is None:
        return None
    return MethodComponentSpec(
        name=r.text(obj, at, "name", max_length=_max_length(MethodComponent, "name")),
        explanation=r.text(obj, at, "explanation"))


def _citation(r: _Reader, value: object, at: str) -> CitationSpec | None:
    obj = r.mapping(value, at, ("authors", "title", "year", "source", "url"),
                    ("authors", "title"))
    if obj is None:
        return None
    return CitationSpec(
        authors=r.text(obj, at, "authors", max_length=_max_length(Citation, "authors")),
        title=r.text(obj, at, "title", max_length=_max_length(Citation, "title")),
        year=r.integer(obj, at, "year"),
        source=r.text(obj, at, "source", max_length=_max_length(Citation, "source")),
        url=r.text(obj, at, "url", max_length=_max_length(Citation, "url")))


def _resource(r: _Reader, value: object, at: str) -> ResourceSpec | None:
    obj = r.mapping(value, at, ("kind", "title", "url", "description"), ("kind", "title"))
    if obj is None:
        return None
    return ResourceSpec(
        kind=r.text(obj, at, "kind", choices=tuple(Resource.Kind.values)),
        title=r.text(obj, at, "title", max_length=_max_length(Resource, "title")),
        url=r.text(obj, at, "url", max_length=_max_length(Resource, "url")),
        description=r.text(obj, at, "description"))


def _alignment(r: _Reader, value: object, at: str) -> AlignmentSpec | None:
    fields = ("target_name", "target_url", "target_framework", "target_code",
              "target_description", "target_type")
    obj = r.mapping(value, at, fields, ("target_name", "target_url"))
    if obj is None:
        return None
    spec = AlignmentSpec(
        target_name=r.text(obj, at, "target_name",
                           max_length=_max_length(Alignment, "target_name")),
        target_url=r.text(obj, at, "target_url", max_length=_max_length(Alignment, "target_url")),
        target_framework=r.text(obj, at, "target_framework",
                                max_length=_max_length(Alignment, "target_framework")),
        target_code=r.text(obj, at, "target_code",
                           max_length=_max_length(Alignment, "target_code")),
        target_description=r.text(obj, at, "target_description"),
        target_type=r.text(obj, at, "target_type",
                           max_length=_max_length(Alignment, "target_type")))
    kind = spec.target_type.strip()
    if kind and kind not in ALIGNMENT_TARGET_TYPES and not _EXT.match(kind):
        r.add(f"{at}.target_type", "must be an OB 3.0 alignment target type ("
              f"{', '.join(ALIGNMENT_TARGET_TYPES)}) or start with ext:")
    return spec


def _criterion_text(r: _Reader, value: object, at: str) -> CriterionText | None:
    obj = r.mapping(value, at, _CRITERION_FIELDS[:3], _CRITERION_FIELDS[:3])
    if obj is None:
        return None
    return CriterionText(name=r.text(obj, at, "name"),
                         pass_descriptor=r.text(obj, at, "pass_descriptor"),
                         not_yet_descriptor=r.text(obj, at, "not_yet_descriptor"))


def _part_text(r: _Reader, value: object, at: str) -> PartText | None:
    obj = r.mapping(value, at, ("title", "instructions", "prompts", "criteria"), ("title",))
    if obj is None:
        return None
    return PartText(title=r.text(obj, at, "title"), instructions=r.text(obj, at, "instructions"),
                    prompts=r.texts(obj, at, "prompts"),
                    criteria=r.items(obj, at, "criteria", lambda v, w: _criterion_text(r, v, w)))


def _translations(r: _Reader, obj: dict[str, Any]) -> dict[str, TranslationSpec]:
    value = obj.get("translations", {})
    if not isinstance(value, dict):
        r.add("translations", f"must be a mapping of language codes, not {_what(value)}")
        return {}
    out: dict[str, TranslationSpec] = {}
    for language, body in value.items():
        at = f"translations.{language}"
        t = r.mapping(body, at, ("title", "competency", "key_method", "parts"),
                      ("title", "competency", "key_method"))
        if t is None or not isinstance(language, str):
            continue
        out[language] = TranslationSpec(
            title=r.text(t, at, "title"), competency=r.text(t, at, "competency"),
            key_method=r.text(t, at, "key_method"),
            parts=r.items(t, at, "parts", lambda v, w: _part_text(r, v, w)))
    return out


def spec_from_data(data: object, *, where: str) -> Authored:
    """Read one file's parsed data (``where`` names the file in messages).

    Raises ``ValidationFailed`` listing every problem by path: the format's own (unknown or
    missing fields, wrong types) and then, when the structure is sound, ``spec_problems``'s.
    """
    r = _Reader()
    obj = r.mapping(data, "", _TOP_FIELDS,
                    ("format", "organization", "slug", "title", "competency", "key_method",
                     "parts"))
    if obj is None:
        raise _failed(where, r.problems)
    if "format" in obj and obj["format"] != FORMAT:
        r.add("format", f"must be {FORMAT!r} (this version of microcred reads only that)")
    organization = r.text(obj, "", "organization")
    slug = r.text(obj, "", "slug")
    if "slug" in obj and isinstance(obj["slug"], str) and not _SLUG.match(slug):
        r.add("slug", "use lowercase letters, digits and hyphens only (at most 120)")
    status = r.text(obj, "", "status", default="draft", choices=STATUSES)
    achievement_type = r.text(obj, "", "achievement_type", default="MicroCredential",
                              max_length=_max_length(MicroCredential, "achievement_type"))
    if achievement_type not in ACHIEVEMENT_TYPES and not _EXT.match(achievement_type):
        r.add("achievement_type", "must be an OB 3.0 achievement type such as MicroCredential, "
              "Badge or Certificate, or start with ext:")
    tags = r.texts(obj, "", "tags")
    spec = MicroCredentialSpec(
        slug=slug,
        language=r.text(obj, "", "language", default="en"),
        title=r.text(obj, "", "title"),
        competency=r.text(obj, "", "competency"),
        key_method=r.text(obj, "", "key_method"),
        research=r.text(obj, "", "research"),
        method_components=r.items(obj, "", "method_components",
                                  lambda v, w: _method_component(r, v, w)),
        citations=r.items(obj, "", "citations", lambda v, w: _citation(r, v, w)),
        resources=r.items(obj, "", "resources", lambda v, w: _resource(r, v, w)),
        alignments=r.items(obj, "", "alignments", lambda v, w: _alignment(r, v, w)),
        parts=r.items(obj, "", "parts", lambda v, w: _part(r, v, w)),
        pass_rule=r.text(obj, "", "pass_rule", default=MicroCredential.PassRule.ALL,
                         choices=tuple(MicroCredential.PassRule.values)),
        pass_minimum=r.integer(obj, "", "pass_minimum"),
        topic=r.text(obj, "", "topic", max_length=_max_length(MicroCredential, "topic")),
        tags=tags,
        audience=r.text(obj, "", "audience"),
        level=r.text(obj, "", "level"),
        estimated_hours=r.decimal(obj, "", "estimated_hours", 1),
        credit_hours=r.decimal(obj, "", "credit_hours", 2),
        ceus=r.decimal(obj, "", "ceus", 2),
        fee=r.decimal(obj, "", "fee", 2) or Decimal(0),
        fee_currency=r.text(obj, "", "fee_currency", default="USD"),
        sponsor_can_cover=r.boolean(obj, "", "sponsor_can_cover", True),
        achievement_type=achievement_type,
        badge_colour=r.text(obj, "", "badge_colour", default="#1d4e89"),
        badge_accent=r.text(obj, "", "badge_accent", default="#f2b705"),
        translations=_translations(r, obj),
    )
    if not r.problems:
        # Content rules, by the same paths; only on sound structure (a part missing its
        # prompts because they had the wrong type would be reported twice otherwise).
        for path, message in spec_problems(spec).items():
            r.add(path, message)
    if r.problems:
        raise _failed(where, r.problems)
    return Authored(organization=organization, status=status, spec=normalized(spec))


def _failed(where: str, problems: dict[str, str]) -> ValidationFailed:
    shown = "; ".join(f"{path}: {message}" for path, message in problems.items())
    noun = "problem" if len(problems) == 1 else "problems"
    return ValidationFailed(f"{where}: {len(problems)} {noun}: {shown}", problems=problems)


def normalized(spec: MicroCredentialSpec) -> MicroCredentialSpec:
    """``spec`` as ``micro_credential_write`` stores it (and ``micro_credential_spec`` reads it
    back): text stripped, tags sorted without duplicates, no minimum under "every criterion".
    Comparing a normalized file with the stored version tells whether anything changed."""

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, tuple):
            return tuple(clean(v) for v in value)
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return dataclasses.replace(value, **{
                f.name: clean(getattr(value, f.name)) for f in dataclasses.fields(value)})
        return value

    spec = clean(spec)
    return dataclasses.replace(
        spec, tags=tuple(sorted(set(spec.tags))),
        pass_minimum=None if spec.pass_rule == MicroCredential.PassRule.ALL
        else spec.pass_minimum)


# -- files -----------------------------------------------------------------------------------


# libyaml's parser when PyYAML was built with it (ten times faster); the same safe constructor.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictSafeLoader(_SafeLoader):  # type: ignore[misc]
    """PyYAML's SafeLoader (plain data only), refusing a key given twice in one mapping."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode,
                       deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if isinstance(key, str) and key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} is given twice", key_node.start_mark)
        seen.add(key if isinstance(key, str) else id(key_node))
    return dict(loader.construct_mapping(node, deep=deep))


_StrictSafeLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                                  _construct_mapping)


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} is given twice")
        out[key] = value
    return out


def parse_text(text: str, *, suffix: str, where: str) -> object:
    """The data in a file's text (JSON for ``.json``, else YAML); a syntax error is a
    ``ValidationFailed`` naming the file and the line."""
    try:
        if suffix == ".json":
            return json.loads(text, object_pairs_hook=_json_pairs)
        return yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        message = f"not valid YAML: {exc.problem or exc.context}{line}"
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        message = f"not valid {'JSON' if suffix == '.json' else 'YAML'}: {exc}"
    raise ValidationFailed(f"{where}: {message}", problems={"(file)": message})


def load_file(path: Path, *, where: str | None = None) -> Authored:
    """Read and validate one file (``where``: how messages name it; default its path)."""
    where = where or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed(f"{where}: not UTF-8 text",
                               problems={"(file)": "not UTF-8 text"}) from None
    except OSError as exc:
        message = f"cannot be read: {exc.strerror}"
        raise ValidationFailed(f"{where}: {message}", problems={"(file)": message}) from None
    return spec_from_data(parse_text(text, suffix=path.suffix.lower(), where=where), where=where)


# -- writing ---------------------------------------------------------------------------------


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _canonical(value: Any) -> Any:
    """Plain data for a spec value: a dataclass's fields in declaration order without those at
    their default, tuples as lists, decimals as strings, mappings sorted by key."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)
                if getattr(value, f.name) != _default(f)}
    if isinstance(value, tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items())}
    if isinstance(value, Decimal):
        return str(value)
    return value


def data_from_spec(spec: MicroCredentialSpec, *, organization: str,
                   status: str = "draft") -> dict[str, Any]:
    """The canonical file content for ``spec``: every field in the order the documentation
    lists them, defaults left out, decimals as strings (exact: "2.50" stays "2.50")."""
    fields = _canonical(normalized(spec))
    data: dict[str, Any] = {"format": FORMAT, "organization": organization, "slug": spec.slug,
                            "status": status}
    data.update((name, fields[name]) for name in _TOP_FIELDS[4:] if name in fields)
    return data


class _Dumper(yaml.SafeDumper):
    """Block style throughout; text with line breaks as literal blocks, readable as written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key (the usual style of hand-written YAML).
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(data: Mapping[str, Any], *, suffix: str) -> str:
    """The text of a file in the canonical form: JSON (two-space indents) or YAML."""
    if suffix == ".json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return str(yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                         default_flow_style=False, width=88))
