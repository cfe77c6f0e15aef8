"""The message catalogs, kept without GNU gettext: extract, update, compile, check.

Every translatable string is found the way Django finds it at run time: ``gettext`` calls
(``_``, ``gettext_lazy``, ``pgettext``, ``ngettext``, ...) in the platform's Python, and
``{% translate %}``/``{% blocktranslate %}`` nodes and ``_("...")`` literals in its templates
(compiled by Django's own template parser, so the message ids are exactly those looked up).
``polib`` writes the ``.po`` and compiles the ``.mo`` that ship in the package.

    python -m tests.i18n_catalog update   # add new messages to every .po, mark gone ones obsolete
    python -m tests.i18n_catalog compile  # write the .mo files from the .po files

``microcred.vc`` is a plain library (no Django) whose messages are for developers, except the
sentences a platform shows (the verifier's ``MESSAGES``): it marks those with its own no-op
``N_`` (the ``gettext_noop`` convention), and from the core only ``N_("...")`` is extracted.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "microcred"
LOCALE = SRC / "locale"
LANGUAGES = ["es"]
PLURAL_FORMS = {"es": "nplurals=2; plural=(n != 1);"}
_SKIP_DIRS = {"migrations", "__pycache__", "locale", "static"}
#: The credential core, read for its own marker only.
CORE = SRC / "vc"
_CORE_SINGULAR = {"N_"}

_SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy"}
_CONTEXT = {"pgettext", "pgettext_lazy"}
_PLURAL = {"ngettext", "ngettext_lazy"}
_CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}
_TEMPLATE_UNDERSCORE = re.compile(r"""_\(\s*(?:"([^"]*)"|'([^']*)')\s*\)""")


@dataclass(frozen=True)
class Message:
    msgid: str
    context: str = ""
    plural: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)


def _files(suffix: str) -> Iterator[Path]:
    for root, dirs, files in os.walk(SRC):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(suffix):
                yield Path(root) / name


def _string(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_messages(path: Path) -> Iterator[tuple[Message, int]]:
    core = CORE in path.parents
    singular = _CORE_SINGULAR if core else _SINGULAR
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        args = [_string(a) for a in node.args]
        if name in singular and args and args[0] is not None:
            yield Message(args[0]), node.lineno
        elif core:
            continue
        elif name in _CONTEXT and len(args) >= 2 and None not in args[:2]:
            yield Message(args[1], context=args[0]), node.lineno  # type: ignore[arg-type]
        elif name in _PLURAL and len(args) >= 2 and None not in args[:2]:
            yield Message(args[0], plural=args[1]), node.lineno  # type: ignore[arg-type]
        elif name in _CONTEXT_PLURAL and len(args) >= 3 and None not in args[:3]:
            yield (Message(args[1], context=args[0], plural=args[2]),  # type: ignore[arg-type]
                   node.lineno)


def template_messages(path: Path) -> Iterator[tuple[Message, int]]:
    from django.template import engines
    from django.templatetags.i18n import BlockTranslateNode, TranslateNode

    source = path.read_text(encoding="utf-8")
    template = engines["django"].engine.from_string(source)  # type: ignore[attr-defined]
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        var = node.filter_expression.var
        literal = getattr(var, "literal", var)
        if isinstance(literal, str):
            ctx = node.message_context.resolve({}) if node.message_context else ""
            yield Message(literal, context=ctx or ""), node.token.lineno if node.token else 0
    for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
        singular, _vars = node.render_token_list(node.singular)
        plural = node.render_token_list(node.plural)[0] if node.plural else ""
        ctx = node.message_context.resolve({}) if node.message_context else ""
        yield (Message(singular, context=ctx or "", plural=plural),
               node.token.lineno if node.token else 0)
    for lineno, line in enumerate(source.splitlines(), start=1):
        for match in _TEMPLATE_UNDERSCORE.finditer(line):
            yield Message(match.group(1) if match.group(1) is not None else match.group(2)), lineno


def extract() -> dict[tuple[str, str], tuple[Message, list[str]]]:
    """Every message id in the platform, with where it occurs."""
    found: dict[tuple[str, str], tuple[Message, list[str]]] = {}
    sources = [(p, python_messages) for p in _files(".py")]
    sources += [(p, template_messages) for p in _files(".html")]
    sources += [(p, template_messages) for p in _files(".txt") if "templates" in p.parts]
    for path, reader in sources:
        for message, lineno in reader(path):  # type: ignore[operator]
            if not message.msgid:
                continue
            where = f"{path.relative_to(SRC.parent)}:{lineno}"
            if message.key in found:
                found[message.key][1].append(where)
            else:
                found[message.key] = (message, [where])
    return found


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def update(language: str) -> tuple[int, int]:
    """Add new messages (empty msgstr) and mark vanished ones obsolete. Returns (new, gone)."""
    import polib

    path = po_path(language)
    if path.exists():
        po = polib.pofile(str(path), wrapwidth=0)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": "microcred",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS[language],
    }
    messages = extract()
    existing = {(e.msgctxt or "", e.msgid): e for e in po}
    new = gone = 0
    for key, (message, where) in sorted(messages.items(), key=lambda kv: kv[1][1][0]):
        entry = existing.get(key)
        if entry is None:
            entry = polib.POEntry(msgid=message.msgid, msgctxt=message.context or None)
            if message.plural:
                entry.msgid_plural = message.plural
                entry.msgstr_plural = {0: "", 1: ""}
            po.append(entry)
            new += 1
        entry.obsolete = False
        entry.occurrences = [tuple(w.rsplit(":", 1)) for w in where]
        if "%(" in message.msgid and "python-format" not in entry.flags:
            entry.flags.append("python-format")
    for key, entry in existing.items():
        if key not in messages and not entry.obsolete:
            entry.obsolete = True
            gone += 1
    po.save(str(path))
    return new, gone


def compile_mo(language: str) -> Path:
    import polib

    po = polib.pofile(str(po_path(language)))
    mo = po_path(language).with_suffix(".mo")
    po.save_as_mofile(str(mo))
    return mo


def main(argv: list[str]) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()
    command = argv[1] if len(argv) > 1 else ""
    for language in LANGUAGES:
        if command == "update":
            new, gone = update(language)
            print(f"{po_path(language)}: {new} new, {gone} obsolete")
        elif command == "compile":
            print(compile_mo(language))
        else:
            print(__doc__)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
