"""Languages: no untranslated text in templates, Spanish complete, catalogs compiled, and the
language chosen from the browser, the cookie or the person's own setting."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.template.base import Lexer, TokenType
from django.test import Client
from django.urls import reverse

from microcred.accounts.models import User
from tests import i18n_catalog
from tests.factories import user

TEMPLATES = sorted(p for p in i18n_catalog.SRC.rglob("templates/**/*.html"))
# Words that are the same in every language: product and standard names.
ALLOWED = {"microcred", "Open Badges", "JSON", "PDF", "PNG", "SVG", "LinkedIn"}
USER_VISIBLE_ATTRS = {"alt", "title", "aria-label", "placeholder", "aria-description"}
LETTER = re.compile(r"[^\W\d_]")
PLACEHOLDER = "\x00"


def _flatten(source: str) -> str:
    """The template as HTML, with every tag and variable replaced by a placeholder and the
    text inside {% blocktranslate %} (already translatable) removed."""
    out: list[str] = []
    in_block = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in {"blocktranslate", "blocktrans"}:
                in_block += 1
            elif name in {"endblocktranslate", "endblocktrans"}:
                in_block -= 1
            out.append(PLACEHOLDER)
        elif token.token_type == TokenType.TEXT:
            out.append(re.sub(r"[^<>\"'=\s]", "", token.contents) if in_block else token.contents)
        elif token.token_type == TokenType.VAR:
            out.append(PLACEHOLDER)
    return "".join(out)


class _LiteralFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._skip = 0  # inside <script> or <style>
        self._tag = ""

    def _check(self, text: str, where: str) -> None:
        text = text.replace(PLACEHOLDER, " ")
        for word in ALLOWED:
            text = text.replace(word, " ")
        if LETTER.search(text):
            self.problems.append(f"{where}: {text.strip()!r}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._skip += 1
        self._tag = tag
        attributes = dict(attrs)
        for name, value in attrs:
            # An <input type=submit>'s value is its visible label (a <button>'s is not).
            visible = name in USER_VISIBLE_ATTRS or (
                name == "value" and tag == "input"
                and attributes.get("type") in {"submit", "button", "reset"})
            if visible and value:
                self._check(value, f"<{tag} {name}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._check(data, f"text in <{self._tag}>")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(i18n_catalog.SRC)))
def test_template_has_no_untranslated_text(path: Path) -> None:
    source = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
    source = re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", source, flags=re.S)
    finder = _LiteralFinder()
    finder.feed(_flatten(source))
    finder.close()
    assert not finder.problems, "text outside {% translate %}:\n" + "\n".join(finder.problems)


def test_the_literal_check_catches_text_and_attributes() -> None:
    finder = _LiteralFinder()
    finder.feed(_flatten('<p>Hello {% translate "ok" %}</p><img alt="A badge" src="x">'
                         '<button value="go">{% translate "Go" %}</button>'
                         '<input type="submit" value="Send">'
                         '<p>{% blocktranslate %}Fine {{ x }}{% endblocktranslate %}</p>'))
    assert len(finder.problems) == 3
    assert "Hello" in finder.problems[0] and "A badge" in finder.problems[1]
    assert "Send" in finder.problems[2]


@pytest.mark.parametrize("language", i18n_catalog.LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    po = polib.pofile(str(i18n_catalog.po_path(language)))
    entries = {(e.msgctxt or "", e.msgid): e for e in po if not e.obsolete}
    missing, fuzzy = [], []
    for key, (_message, where) in i18n_catalog.extract().items():
        entry = entries.get(key)
        if entry is None or not entry.translated():
            missing.append(f"{key[1]!r} ({where[0]})")
        elif entry.fuzzy:
            fuzzy.append(f"{key[1]!r} ({where[0]})")
    assert not missing, (
        f"{len(missing)} messages have no {language} translation (run "
        f"`python -m tests.i18n_catalog update`, translate, then `... compile`):\n"
        + "\n".join(missing[:50]))
    assert not fuzzy, f"fuzzy {language} translations:\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("language", i18n_catalog.LANGUAGES)
def test_compiled_catalog_matches_the_po_file(language: str) -> None:
    po = polib.pofile(str(i18n_catalog.po_path(language)))
    mo_path = i18n_catalog.po_path(language).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `python -m tests.i18n_catalog compile`"
    mo = polib.mofile(str(mo_path))

    def value(e: polib._BaseEntry) -> object:
        return dict(e.msgstr_plural) if e.msgstr_plural else e.msgstr

    compiled = {(e.msgctxt or "", e.msgid): value(e) for e in mo if e.msgid}
    source = {(e.msgctxt or "", e.msgid): value(e) for e in po.translated_entries()
              if e.msgid and not e.obsolete}
    assert compiled == source, (
        f"{mo_path} is out of date: run `python -m tests.i18n_catalog compile`")


@pytest.mark.parametrize("language", i18n_catalog.LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    po = polib.pofile(str(i18n_catalog.po_path(language)))
    pattern = re.compile(r"%\(\w+\)s|\{\{ *\w+ *\}\}|<[^>]+>")
    for e in po.translated_entries():
        if e.msgid_plural:
            # msgstr[0] may leave out the count ("one"); the other forms keep every placeholder.
            both = set(pattern.findall(e.msgid) + pattern.findall(e.msgid_plural))
            for n, text in e.msgstr_plural.items():
                found = pattern.findall(text)
                if n == 0:
                    assert set(found) <= both, e.msgid
                else:
                    assert sorted(pattern.findall(e.msgid_plural)) == sorted(found), e.msgid
        else:
            assert sorted(pattern.findall(e.msgid)) == sorted(pattern.findall(e.msgstr)), e.msgid


@pytest.mark.django_db
def test_the_browser_language_is_used() -> None:
    html = Client(headers={"accept-language": "es"}).get(reverse("pages:home")).content.decode()
    assert '<html lang="es">' in html
    assert "Explorar el catálogo" in html


@pytest.mark.django_db
def test_the_switcher_works_without_javascript_and_remembers_the_person() -> None:
    person = user()
    client = Client(headers={"accept-language": "en"})
    client.force_login(person)
    response = client.post(reverse("accounts:set_language"),
                           {"language": "es", "next": reverse("catalog:list")})
    assert response.status_code == 302 and response["Location"] == reverse("catalog:list")
    person.refresh_from_db()
    assert person.language == "es"
    # The setting follows the person to another browser that prefers English.
    other = Client(headers={"accept-language": "en"})
    other.force_login(person)
    assert '<html lang="es">' in other.get(reverse("catalog:list")).content.decode()


@pytest.mark.django_db
def test_the_switcher_refuses_other_sites_and_unknown_languages() -> None:
    client = Client()
    response = client.post(reverse("accounts:set_language"),
                           {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    assert "django_language" not in response.cookies


@pytest.mark.django_db
def test_sign_up_keeps_the_language_it_happened_in(mailoutbox: list) -> None:
    """Signed up in Spanish, confirmed from the emailed link: the account speaks Spanish."""
    import re

    client = Client(headers={"accept-language": "es"})
    client.post(reverse("accounts:sign_up"), {"display_name": "Lucía", "email": "l@example.test",
                                              "password": "una frase larga de paso"})
    (sent,) = mailoutbox
    link = re.search(r"https?://\S+/accounts/sign-up/\S+/", sent.body)
    assert link, sent.body
    Client().post(link.group(0))
    assert User.objects.get(email="l@example.test").language == "es"


@pytest.mark.django_db
def test_dates_are_localized() -> None:
    from django.template import Context, Template
    from django.utils import timezone, translation

    moment = timezone.datetime(2026, 3, 5, tzinfo=timezone.UTC)
    with translation.override("es"):
        text = Template('{{ d|date:"DATE_FORMAT" }}').render(Context({"d": moment}))
    assert text == "5 de marzo de 2026"
