"""Accessibility in a real browser: keyboard-only journeys, and every main page at a phone's
and a desktop's width, in the light and the dark theme.

axe-core runs on every page these tests visit (see conftest.py); these tests add what axe
cannot see: that a person using only the keyboard gets through the learner's and the
assessor's journeys (Tab, Shift+Tab, Enter and Space, never the mouse), that focus is always
visible, that nothing scrolls sideways on a 360 px phone, and that the menu works there.
Screenshots go to test-artifacts/screens/.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "test-artifacts" / "screens"
DEMO_PASSWORD = "microcred-demo"
LEARNER = "jordan.ellis@demo.microcred.test"  # the demo learner with a Not Yet to resubmit
HOLDER = "maya.chen@demo.microcred.test"  # the demo learner holding a credential
ASSESSOR = "assessor@demo.microcred.test"
ADMIN = "admin@demo.microcred.test"
AUTHOR = "author@demo.microcred.test"
FORMATIVE = "Formative Assessment: Checking for Understanding"

try:
    from playwright.sync_api import Page, expect
except ImportError:  # pragma: no cover - the server fixture skips, saying why
    pass

# What has focus: enough to find an element by its accessible name, and whether the focus
# indicator is drawn (an outline or a box shadow).
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const labels = el.labels ? Array.from(el.labels).map(l => l.innerText).join(" ") : "";
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), type: (el.getAttribute("type") || "").toLowerCase(),
    name: [el.getAttribute("aria-label") || "", labels,
           el.tagName === "TEXTAREA" || el.tagName === "INPUT" ? "" : el.innerText || "",
           el.tagName === "INPUT" && ["submit", "button"].includes(el.type) ? el.value : ""]
          .join(" ").replace(/\\s+/g, " ").trim(),
    checked: !!el.checked,
    visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
             || style.boxShadow !== "none",
  };
}"""

_ROLES = {
    "link": lambda f: f["tag"] == "a",
    "button": lambda f: f["tag"] in {"button", "summary"} or (
        f["tag"] == "input" and f["type"] in {"submit", "button"}),
    "field": lambda f: f["tag"] in {"textarea", "select"} or (
        f["tag"] == "input" and f["type"] not in {"submit", "button", "radio", "checkbox",
                                                   "hidden"}),
    "radio": lambda f: f["tag"] == "input" and f["type"] == "radio",
    "checkbox": lambda f: f["tag"] == "input" and f["type"] == "checkbox",
}


def tab_to(page: Page, role: str, name: str | re.Pattern[str], *, limit: int = 200,
           backwards: bool = False) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until an element of ``role`` whose accessible name contains
    ``name`` has focus; every element passed on the way must show a visible focus indicator."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None:
            continue
        assert focused["visible"], f"focus is not visible on {focused}"
        matches = (name.search(focused["name"]) if isinstance(name, re.Pattern)
                   else name in focused["name"])
        if _ROLES[role](focused) and matches:
            return focused  # type: ignore[no-any-return]
    raise AssertionError(f"Tab never reached the {role} {name!r} on {page.url}")


def activate(page: Page, role: str, name: str | re.Pattern[str], *,
             navigates: bool = True) -> None:
    """Tab to it and press Enter (waiting for the page it leads to, if it leads to one)."""
    tab_to(page, role, name)
    if navigates:
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
    else:
        page.keyboard.press("Enter")


def type_into(page: Page, name: str, text: str) -> None:
    tab_to(page, "field", name)
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/sign-in/")
    # The email field has focus already (autofocus): type straight away.
    assert "Email address" in (page.evaluate(_FOCUSED) or {}).get("name", "")
    page.keyboard.type(email)
    type_into(page, "Password", DEMO_PASSWORD)
    activate(page, "button", "Sign in")
    expect(page.get_by_role("button", name=re.compile("^Sign out"))).to_be_attached()


def test_learner_and_assessor_journeys_with_the_keyboard_only(browser: Any, server: str) -> None:
    learner = browser.new_page(viewport={"width": 1280, "height": 900})
    learner.set_default_timeout(15000)
    sign_in(learner, server, LEARNER)

    # Read the feedback on the Not Yet, then revise and resubmit.
    activate(learner, "link", "My learning")
    expect(learner.get_by_role("heading", level=1)).to_have_text("My learning")
    activate(learner, "link", FORMATIVE)
    expect(learner.locator("main")).to_contain_text("Assessor feedback")
    expect(learner.locator("main")).to_contain_text("Add a check at a decision point")
    activate(learner, "button", "Revise and resubmit")
    expect(learner.locator("#attempt-form")).to_be_visible()
    # The fields are labelled with their prompts: the second overview question and the
    # reflection.
    type_into(learner, "Describe each check for understanding",
              " I added a hinge question in minute 10.")
    type_into(learner, "Reflect: what did the student responses show",
              " After the hinge question I re-taught the main idea to six students while the "
              "others practised.")
    if learner.locator("input[type=checkbox][name=integrity]").count():
        tab_to(learner, "checkbox", "my own work")
        learner.keyboard.press("Space")
        assert learner.evaluate(_FOCUSED)["checked"]
    activate(learner, "button", "Submit for assessment")
    expect(learner.locator(".error-summary")).to_have_count(0)
    expect(learner.locator("main")).to_contain_text("Submitted")

    # The assessor scores it Pass on every criterion.
    assessor = browser.new_page(viewport={"width": 1280, "height": 900})
    assessor.set_default_timeout(15000)
    sign_in(assessor, server, ASSESSOR)
    activate(assessor, "link", "Assessment queue")
    activate(assessor, "link", re.compile(r"(Assess|Claim).*" + re.escape(FORMATIVE)))
    if assessor.get_by_role("button", name="Claim").count():
        activate(assessor, "button", "Claim")
    criteria = assessor.locator("fieldset.criterion").count()
    assert criteria >= 1
    for _ in range(criteria):
        radio = tab_to(assessor, "radio", "Pass")
        assessor.keyboard.press("Space")
        assert assessor.evaluate(_FOCUSED)["checked"], radio
    activate(assessor, "button", "Record the outcome")
    expect(assessor.locator(".messages")).to_contain_text("Pass")

    # A learner holding a credential opens it from My credentials and reaches what shares it.
    holder = browser.new_page(viewport={"width": 1280, "height": 900})
    holder.set_default_timeout(15000)
    sign_in(holder, server, HOLDER)
    activate(holder, "link", "My credentials")
    activate(holder, "link", "Open the credential page")
    expect(holder.locator(".report")).to_contain_text("Verified: every check passed")
    tab_to(holder, "link", re.compile("JSON"))
    # Shift+Tab goes back the way it came: nothing traps the focus.
    tab_to(holder, "link", "Skip to main content", backwards=True)


def test_the_phone_menu_opens_and_closes_with_the_keyboard(browser: Any, server: str) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(server + "/")
    # The first Tab reaches the skip link; Enter moves focus to the main content.
    page.keyboard.press("Tab")
    assert "Skip to main content" in (page.evaluate(_FOCUSED) or {}).get("name", "")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Shift+Tab")
    nav_link = page.get_by_role("link", name="Verify a credential").first
    expect(page.locator("header").get_by_role("link", name="Catalog")).to_be_hidden()
    activate(page, "button", "Menu", navigates=False)
    expect(page.locator("header").get_by_role("link", name="Catalog")).to_be_visible()
    activate(page, "link", "Catalog")
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalog")
    assert nav_link is not None


def test_the_axe_check_fails_a_page_with_a_serious_problem(browser: Any, server: str) -> None:
    """The checker itself: a page with an unlabelled image and field is caught."""
    page = browser.new_page()
    page.route(server + "/broken-for-the-checker/", lambda route: route.fulfill(
        content_type="text/html",
        body='<!doctype html><html lang="en"><title>x</title><main><h1>x</h1>'
             '<img src="/static/microcred/badge.svg"><input type="text"></main></html>'))
    page.goto(server + "/broken-for-the-checker/")
    # The check the page's load started may still be running (a busy page is not checked
    # twice at once): ask again until a check has finished, on a slow machine too.
    found: set[str] = set()
    deadline = time.monotonic() + 30
    while not {"image-alt", "label"} <= found and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        browser.checker.check(page)
        found = {v["id"] for _url, v in browser.checker.violations}
    assert {"image-alt", "label"} <= found
    browser.checker.violations.clear()  # expected here; any other page still fails its test
    page.goto(server + "/")


PAGES = [
    ("home", None, "/"),
    ("catalog", None, "/catalog/"),
    ("micro-credential", None, "/catalog/formative-assessment-checking-for-understanding/"),
    ("sign-in", None, "/accounts/sign-in/"),
    ("sign-up", None, "/accounts/sign-up/"),
    ("verify", None, "/verify/"),
    ("learner-draft", HOLDER, "draft"),
    ("my-credentials", HOLDER, "/me/credentials/"),
    ("credential", HOLDER, "credential"),
    ("assessor-queue", ASSESSOR, "/assess/"),
    ("scoring", ASSESSOR, "scoring"),
    ("styleguide", ADMIN, "/styleguide/"),
    ("search", None, "/catalog/?q=feedback"),
    ("stacks", None, "/stacks/"),
    ("stack", None, "/stacks/assessment-literate-teacher/"),
    ("pathway", HOLDER, "/pathways/assessment-literate-teacher/"),
    ("my-learning", HOLDER, "/me/learning/"),
    ("account", HOLDER, "/accounts/me/"),
    ("two-factor", HOLDER, "/accounts/me/two-factor/set-up/"),
    ("password-change", HOLDER, "/accounts/me/password/"),
    ("profile-did-proof", HOLDER, "/me/profile/"),
    ("author-home", AUTHOR, "/author/"),
    ("author-stacks", AUTHOR, "/author/stacks/"),
    ("manage-credentials", ADMIN, "/manage/credentials/"),
    ("assessment-admin", ADMIN, "/assess/admin/riverbend-teaching-collaborative/"),
]


def _signed_in(browser: Any, server: str, email: str | None, **options: Any) -> Page:
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15000)
    if email:
        page.goto(server + "/accounts/sign-in/")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name=re.compile("^Sign out"))).to_be_attached()
    return page


def _resolve(page: Page, server: str, where: str) -> str:
    """The address of the pages that depend on the demo's data."""
    if where == "draft":
        page.goto(server + "/catalog/academic-discourse-structured-student-talk/")
        cont = page.get_by_role("link", name="Continue your draft")
        if cont.count():
            return server + str(cont.get_attribute("href"))
        page.get_by_role("button", name=re.compile("^Start")).click()
        expect(page.locator("#attempt-form")).to_be_visible()
        return page.url
    if where == "credential":
        page.goto(server + "/me/credentials/")
        return server + str(page.get_by_role("link", name="Open the credential page").first
                            .get_attribute("href"))
    if where == "scoring":
        page.goto(server + "/assess/")
        link = page.locator("main table a").first
        expect(link).to_be_visible()
        link.click()
        claim = page.get_by_role("button", name="Claim")
        if claim.count():
            claim.click()
        expect(page.locator("fieldset.criterion").first).to_be_visible()
        return page.url
    return server + where


def _scoring_needs_a_submission(browser: Any, server: str) -> None:
    """The demo's queue may be empty: a learner submits, so the scoring page has one."""
    page = _signed_in(browser, server, HOLDER)
    page.goto(server + "/catalog/feedback-that-moves-learning-forward/")
    start = page.get_by_role("button", name="Start", exact=True)
    if page.get_by_role("link", name="Continue your draft").count():
        page.get_by_role("link", name="Continue your draft").click()
    elif start.count():
        start.click()
    else:
        return  # already submitted (the light theme's run did it)
    for field in page.locator("#attempt-form textarea").all():
        field.fill("Three samples with one next step each, tied to the success criteria.")
    for upload in page.locator("#attempt-form input[type=file]").all():
        upload.set_input_files(files=[{"name": "samples.txt", "mimeType": "text/plain",
                                       "buffer": b"Sample 1: next step is ..."}])
    for box in page.locator("#attempt-form input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.locator("main")).to_contain_text("Submitted")
    page.context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_main_pages_on_a_phone_and_a_desktop(browser: Any, server: str, theme: str) -> None:
    if theme == "light":
        shutil.rmtree(SCREENS, ignore_errors=True)
    SCREENS.mkdir(parents=True, exist_ok=True)
    _scoring_needs_a_submission(browser, server)
    pages: dict[str | None, Page] = {}
    for name, who, where in PAGES:
        if who not in pages:
            pages[who] = _signed_in(browser, server, who, color_scheme=theme,
                                    reduced_motion="reduce",
                                    viewport={"width": 1280, "height": 900})
        page = pages[who]
        url = _resolve(page, server, where)
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(url)
            assert response is not None and response.ok, f"{name}: {url} answered {response}"
            suffix = "" if theme == "light" else "-dark"
            page.screenshot(path=str(SCREENS / f"{name}-{width}{suffix}.png"), full_page=True)
            overflow = page.evaluate(
                "document.scrollingElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            # Every image says how big it is, so nothing jumps while the page loads.
            unsized = page.evaluate("""Array.from(document.images)
                .filter(i => !i.getAttribute('width') || !i.getAttribute('height'))
                .map(i => i.src)""")
            assert not unsized, f"{name}: images without width and height: {unsized}"
    # Nothing is loaded from anywhere else (no CDN, no third-party fonts or scripts).
    for page in pages.values():
        foreign = page.evaluate("""(base) => performance.getEntriesByType('resource')
            .map(e => e.name).filter(n => !n.startsWith(base))""", server)
        assert not foreign, f"third-party resources: {foreign}"


def test_pages_in_spanish_from_the_browser_language(browser: Any, server: str) -> None:
    """A Spanish browser gets Spanish pages, and the demo's translated micro-credential in
    Spanish; axe checks them too (language of the page and of its parts)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(locale="es-ES", viewport={"width": 360, "height": 800})
    for name, path in [("home", "/"), ("catalog", "/catalog/"),
                       ("micro-credential",
                        "/catalog/formative-assessment-checking-for-understanding/"),
                       ("sign-up", "/accounts/sign-up/"), ("verify", "/verify/")]:
        page.goto(server + path)
        assert page.evaluate("document.documentElement.lang") == "es"
        page.screenshot(path=str(SCREENS / f"{name}-360-es.png"), full_page=True)
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verificar una credencial")
    page.goto(server + "/catalog/formative-assessment-checking-for-understanding/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Evaluación formativa: comprobar la comprensión")
    expect(page.locator("main")).to_contain_text("Evidencia de todo el alumnado")
    # Signing up in Spanish: the "check your email" page speaks Spanish too.
    page.goto(server + "/accounts/sign-up/")
    page.get_by_label("Tu nombre").fill("Lucía Pérez")
    page.get_by_label("Correo electrónico").fill("lucia.perez@example.test")
    page.get_by_label("Contraseña").fill("una frase de paso bastante larga")
    page.get_by_role("button", name="Crear la cuenta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revisa tu correo")
    page.screenshot(path=str(SCREENS / "sign-up-sent-360-es.png"), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    page.goto(server + "/catalog/formative-assessment-checking-for-understanding/")
    # The switcher (a plain form) changes the language back, without JavaScript needed.
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar idioma").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FORMATIVE)
