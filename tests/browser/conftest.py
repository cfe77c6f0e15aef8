"""Browser test fixtures: the real server (demo loaded, gunicorn + task worker), Chromium, and
an accessibility check that runs on every page every browser test visits, and a watch for
Content-Security-Policy violations (any one fails the test that caused it).

The check is axe-core (the npm package, pinned below, fetched once with ``npm pack`` into a
cache folder). It is added to every document of every context the ``browser`` fixture opens
(``BrowserContext.add_init_script``) and run from Python on each page's ``load`` event, after
every htmx swap, and once more on whatever each page shows when the test ends; any ``serious``
or ``critical`` violation fails the test that visited the page. Tests never need to call it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MICROCRED_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEMO_PASSWORD = "microcred-demo"
AXE_VERSION = "4.10.3"
AXE_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "microcred"
FAILING_IMPACTS = {"serious", "critical"}

try:
    from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None  # type: ignore[assignment]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _microcred(data_dir: Path, *args: str, **kwargs: Any) -> Any:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("MICROCRED_", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"))}
    env.update({"MICROCRED_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT / "src"),
                **kwargs.pop("env", {})})
    return (subprocess.Popen if kwargs.pop("background", False) else subprocess.run)(
        [sys.executable, "-m", "microcred.cli", *args], env=env, cwd=str(data_dir), **kwargs)


def _require_browser() -> None:
    if sync_playwright is None:
        pytest.skip("playwright is not installed (pip install playwright)")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (set MICROCRED_CHROMIUM)")


# Each running server's data folder, by URL: its console email goes to serve.log there.
_DATA_DIRS: dict[str, Path] = {}


def emailed_link(server: str, email: str, path: str = "/accounts/sign-up/") -> str:
    """The newest link to ``server + path`` in an email to ``email``, as printed by the
    server's console email backend (``microcred serve`` without an SMTP host)."""
    import email as email_parser
    import re

    log = _DATA_DIRS[server] / "serve.log"
    pattern = re.compile(re.escape(server + path) + r"[^\s<>\"]+")
    for _ in range(100):
        found = None
        for chunk in log.read_text(encoding="utf-8", errors="replace").split("-" * 79):
            start = chunk.find("Content-Type:")
            if start < 0:
                continue
            message = email_parser.message_from_string(chunk[start:].lstrip("\n"))
            if email not in str(message.get("To", "")):
                continue
            payload = message.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else chunk
            match = pattern.search(text)
            found = match.group(0) if match else found
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no email to {email} with a link to {path} in {log}")


def sign_up_confirmed(page: Page, server: str, email: str) -> None:
    """After the sign-up form: open the emailed link and create the account."""
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(emailed_link(server, email))
    page.get_by_role("button", name="Create account").click()


@dataclass(frozen=True)
class DemoTemplate:
    """A data folder with the demo migrated and loaded, made once per test process, and the
    port its public URL names (the demo signs credentials for that URL)."""

    data_dir: Path
    port: int


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplate:
    """Migrate and load the demo once per test process (each pytest-xdist worker, or the one
    process); every browser module's server starts from a copy of it."""
    _require_browser()
    data_dir = tmp_path_factory.mktemp("demo-template")
    port = _free_port()
    env = {"MICROCRED_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    migrate = _microcred(data_dir, "migrate", "--noinput", env=env, capture_output=True,
                         text=True, timeout=300)
    assert migrate.returncode == 0, migrate.stderr
    demo = _microcred(data_dir, "demo", env=env, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    return DemoTemplate(data_dir, port)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: DemoTemplate) -> Iterator[str]:
    """A server with the demo loaded, fresh for each test module (their journeys change it):
    a copy of the process's demo template, served on the port the demo was loaded for (one
    module's server has stopped before the next module's starts: pytest-xdist keeps a module
    on one worker and runs a worker's modules one after another)."""
    data_dir = tmp_path_factory.mktemp("journey")
    shutil.copytree(demo_template.data_dir, data_dir, dirs_exist_ok=True)
    port = demo_template.port
    url = f"http://127.0.0.1:{port}"
    env = {"MICROCRED_PUBLIC_URL": url}
    log = open(data_dir / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = _microcred(data_dir, "serve", "--host", "127.0.0.1", "--port", str(port),
                      "--workers", "2", env=env, background=True, stdout=log,
                      stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/", timeout=1)  # noqa: S310 - local server
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail((data_dir / "serve.log").read_text())
                time.sleep(0.2)
        _DATA_DIRS[url] = data_dir
        yield url
    finally:
        _DATA_DIRS.pop(url, None)
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe.min.js from the npm registry (``npm pack axe-core@AXE_VERSION``), cached."""
    cached = AXE_CACHE / f"axe-core-{AXE_VERSION}.min.js"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: the browser tests need it to fetch axe-core "
                    f"{AXE_VERSION} for the accessibility checks (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        packed = subprocess.run(
            [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", tmp, "--silent"],
            capture_output=True, text=True, timeout=300, cwd=tmp)
        assert packed.returncode == 0, f"npm pack axe-core failed: {packed.stderr}"
        tarball = next(Path(tmp).glob("axe-core-*.tgz"))
        with tarfile.open(tarball) as tar:
            member = tar.extractfile("package/axe.min.js")
            assert member is not None
            source = member.read().decode("utf-8")
    AXE_CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.partial")  # one per process (xdist)
    partial.write_text(source, encoding="utf-8")
    partial.replace(cached)
    return source


# Runs axe on the document as it is now; WCAG 2.0-2.2 A and AA rules plus best practices.
_RUN_AXE = """async () => {
  if (!window.axe) { return null; }
  // Pages only: a JSON or plain-text response (an API the test opened) is no document to audit.
  if (document.contentType !== "text/html") { return null; }
  if (window.__axeRunning) { await window.__axeRunning; }
  window.__axeRunning = window.axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                    "best-practice"]},
    resultTypes: ["violations"],
  });
  // Never wait forever: a page that stops answering must not hang the test run.
  const timeout = new Promise(resolve => setTimeout(() => resolve(null), 30000));
  try {
    const r = await Promise.race([window.__axeRunning, timeout]);
    if (r === null) { return null; }
    return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
  } finally { window.__axeRunning = null; }
}"""

# After each htmx swap the page asks Python (an exposed binding) to check it again.
_HTMX_HOOK = """document.addEventListener("htmx:afterSettle", () => {
  if (window.__axeSwap) { window.__axeSwap(); }
});"""


@dataclass
class AxeChecker:
    source: str
    checked: list[str] = field(default_factory=list)
    violations: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    busy: set[Any] = field(default_factory=set)

    def attach(self, context: BrowserContext) -> None:
        context.add_init_script(script=self.source)
        context.add_init_script(script=_HTMX_HOOK)
        context.expose_binding("__axeSwap", lambda source: self.check(source["page"]))
        context.on("page", self.watch)
        for page in context.pages:
            self.watch(page)

    def watch(self, page: Page) -> None:
        page.on("load", self.check)

    def check(self, page: Page) -> None:
        if page.is_closed() or page.url.startswith(("about:", "data:")) or page in self.busy:
            return
        self.busy.add(page)  # event handlers can nest; one check per page at a time
        try:
            found = page.evaluate(_RUN_AXE)
        except PlaywrightError:
            # The page moved on while axe ran; its next document is checked on its own load.
            return
        finally:
            self.busy.discard(page)
        if found is None:
            return
        self.checked.append(page.url)
        self.violations.extend((page.url, v) for v in found if v["impact"] in FAILING_IMPACTS)

    def finish(self, contexts: list[BrowserContext]) -> None:
        for context in contexts:
            for page in context.pages:
                self.check(page)

    def report(self) -> str:
        lines = []
        for url, v in self.violations:
            lines.append(f"{url}: [{v['impact']}] {v['id']}: {v['help']}")
            lines.extend(f"    {n}" for n in v["nodes"])
        return "\n".join(lines)


# Every Content-Security-Policy violation (a blocked inline script or style, eval, a resource
# from elsewhere) is reported to Python; the console's "Refused to ..." lines are the backstop.
_CSP_HOOK = """document.addEventListener("securitypolicyviolation", (e) => {
  if (window.__cspViolation) {
    window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}` +
                          ` at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
  }
});"""


@dataclass
class CspWatcher:
    violations: list[tuple[str, str]] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.add_init_script(script=_CSP_HOOK)
        context.expose_binding("__cspViolation", lambda source, text: self.violations.append(
            (source["page"].url, text)))
        context.on("console", self.console)

    def console(self, message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.violations.append((message.page.url if message.page else "?", text))

    def report(self) -> str:
        return "\n".join(f"{url}: {text}" for url, text in self.violations)


class CheckedBrowser:
    """The Playwright browser, with the axe check and the CSP watch attached to every context
    it opens."""

    def __init__(self, browser: Browser, checker: AxeChecker) -> None:
        self._browser = browser
        self.checker = checker
        self.csp = CspWatcher()
        self.contexts: list[BrowserContext] = []

    def new_context(self, **kwargs: Any) -> BrowserContext:
        context = self._browser.new_context(**kwargs)
        self.checker.attach(context)
        self.csp.attach(context)
        self.contexts.append(context)
        return context

    def new_page(self, **kwargs: Any) -> Page:
        return self.new_context(**kwargs).new_page()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """One Chromium per test module. Playwright's sync API keeps an event loop in this thread
    while it runs, and Django refuses to open a database connection from a thread with a running
    loop: so Playwright stops with its module, and the next module's database tests (on the
    same pytest-xdist worker) open their connection as usual."""
    _require_browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser(chromium: Browser, axe_source: str) -> Iterator[CheckedBrowser]:
    """Chromium for one test; fails the test on any serious or critical axe violation and on
    any Content-Security-Policy violation."""
    checked = CheckedBrowser(chromium, AxeChecker(axe_source))
    yield checked
    checker = checked.checker
    checker.finish(checked.contexts)
    for context in checked.contexts:
        context.close()
    assert checker.checked, "axe-core never ran: no page was checked"
    assert not checker.violations, (
        f"axe-core found serious or critical accessibility problems:\n{checker.report()}")
    assert not checked.csp.violations, (
        f"The Content-Security-Policy blocked something on a page:\n{checked.csp.report()}")

