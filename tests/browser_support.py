"""Helpers for the browser tests: finding chromium (skipping the importing module without it,
failing under CI), the fixtures `browser`, `widget` and `phone`, a page wrapper that talks to the
widget the way a visitor does, a static site on a second origin, a proxy that drops websocket
upgrades, axe-core, and small recorders injected into pages.

    from browser_support import browser, widget, phone, expect   # fixtures, used by name
"""
from __future__ import annotations

import functools
import http.client
import http.server
import os
import urllib.parse
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-output" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
TIMEOUT_MS = 15000

# Injected before any page script: every WebSocket the page opens, and every CSP violation.
RECORDERS = """
(() => {
  const Native = window.WebSocket;
  const sockets = [];
  class RecordedWebSocket extends Native {
    constructor(...args) { super(...args); sockets.push(this); }
  }
  window.WebSocket = RecordedWebSocket;
  window.__sockets = sockets;
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation",
    (event) => window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI));
})();
"""


def find_chromium() -> str | None:
    """Debian's chromium first (the one the project supports), then whatever is on PATH."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = find_chromium()
try:
    from playwright import sync_api
except ImportError:   # pragma: no cover - the test extra installs it
    sync_api = None

if CHROMIUM is None or sync_api is None:
    missing = "chromium (apt-get install chromium)" if CHROMIUM is None else "playwright (pip install playwright)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but {missing} is missing", pytrace=False)
    pytest.skip(f"browser tests need {missing}", allow_module_level=True)

expect = sync_api.expect
expect.set_options(timeout=TIMEOUT_MS)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


def new_widget(browser, viewport=DESKTOP, **options):
    context = browser.new_context(viewport=viewport, **options)
    context.add_init_script(RECORDERS)
    page = context.new_page()
    page.dialogs, page.console = [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: page.console.append(message.text))
    return Widget(page, expect)


@pytest.fixture
def widget(browser):
    w = new_widget(browser)
    yield w
    w.page.context.close()


@pytest.fixture
def phone(browser):
    w = new_widget(browser, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    yield w
    w.page.context.close()


class Widget:
    """The widget on one page, driven as a visitor drives it."""

    def __init__(self, page, expect):
        self.page = page
        self.expect = expect
        self.host = page.locator("#course-assistant")

    def __call__(self, selector: str):
        return self.host.locator(selector)

    def load(self, url: str):
        self.page.goto(url)
        self.page.wait_for_function("window.CourseAssistant !== undefined")
        self.expect(self("button.launcher")).to_be_visible(timeout=TIMEOUT_MS)
        return self

    def open(self, url: str | None = None, greeting: str = "find the perfect online course"):
        if url:
            self.load(url)
        self("button.launcher").click()
        self.expect(self(".panel")).to_be_visible()
        self.expect(self(".message.bot").filter(has_text=greeting).first).to_be_visible(timeout=TIMEOUT_MS)
        self.expect_online()
        return self

    def expect_online(self):
        self.expect(self(".status[data-state='online']")).to_be_visible(timeout=TIMEOUT_MS)

    def say(self, text: str):
        box = self("input.input")
        box.fill(text)
        box.press("Enter")

    def ask(self, text: str, timeout: int = TIMEOUT_MS):
        """Say something and wait for the reply (one more bot message); the reply's locator."""
        before = self(".message.bot").count()
        self.say(text)
        self.expect(self(".message.bot")).to_have_count(before + 1, timeout=timeout)
        return self(".message.bot").last

    def click_and_wait(self, button, sends: str):
        """Click a button that sends `sends` as the learner's message; the reply's locator."""
        before = self(".message.bot").count()
        button.click()
        self.expect(self(".message.user .user-text").last).to_have_text(sends)
        self.expect(self(".message.bot")).to_have_count(before + 1)
        return self(".message.bot").last

    def shadow(self, expression: str):
        """Evaluate `expression` with `root` bound to the widget's shadow root."""
        return self.page.evaluate(f"(() => {{ const root = document.querySelector('#course-assistant').shadowRoot;"
                                  f" return {expression}; }})()")

    def focused(self) -> str:
        return self.shadow("root.activeElement ? (root.activeElement.id || root.activeElement.className) : ''")

    def session_id(self) -> str | None:
        return self.page.evaluate("""(() => { for (let i = 0; i < sessionStorage.length; i++) {
            const key = sessionStorage.key(i);
            if (key.startsWith('course-assistant:')) return JSON.parse(sessionStorage.getItem(key)).sessionId; }
            return null; })()""")

    def greetings(self) -> int:
        return self(".message.bot.greeting").count()

    def screenshot(self, name: str):
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


@contextmanager
def static_site(folder: Path, port: int, headers: dict | None = None):
    """Serve `folder` on 127.0.0.1:port (and localhost:port): a second origin embedding the widget.
    `headers` maps a file's path ("/strict.html") to extra response headers, such as a real
    Content-Security-Policy header."""
    with_headers = type("SiteHandler", (_QuietHandler,), {"extra_headers": headers or {}})
    handler = functools.partial(with_headers, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extra_headers: dict = {}

    def end_headers(self):
        for name, value in self.extra_headers.get(self.path.split("?")[0], {}).items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):   # keep pytest's output readable
        pass


HOP_BY_HOP = {"connection", "upgrade", "keep-alive", "transfer-encoding", "te", "trailer", "proxy-connection",
              "proxy-authenticate", "proxy-authorization"}


class _NoUpgradeProxy(http.server.BaseHTTPRequestHandler):
    """A reverse proxy such as a misconfigured one in front of the assistant: it forwards HTTP
    requests (Host kept, so the server sees the page's own origin) but drops the hop-by-hop
    Upgrade and Connection headers, so a websocket handshake reaches the server as a plain GET."""
    upstream = ""
    protocol_version = "HTTP/1.1"

    def _forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = urllib.parse.urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        connection.request(self.command, self.path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        connection.close()

    do_GET = do_POST = do_OPTIONS = _forward

    def log_message(self, format, *args):
        pass


@contextmanager
def proxy_without_upgrade(upstream: str, port: int):
    """`upstream` (the server's URL) behind a proxy on 127.0.0.1:port that drops websocket upgrades."""
    handler = type("Proxy", (_NoUpgradeProxy,), {"upstream": upstream})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def axe_script() -> str | None:
    """axe-core's browser script, as the axe-playwright-python package (test extra) ships it."""
    try:
        import axe_playwright_python
    except ImportError:
        return None
    path = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    return path.read_text(encoding="utf-8") if path.exists() else None


def axe_violations(page, script: str, impacts=("minor", "moderate", "serious", "critical")) -> list[dict]:
    """axe-core run on the widget (its shadow root included): the violations of these impacts,
    each as {id, impact, help, targets}."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(script)
    results = page.evaluate("""async () => {
        const results = await axe.run({ include: [["#course-assistant"]] }, { resultTypes: ["violations"] });
        return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                                targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 5) }));
    }""")
    return [violation for violation in results if violation["impact"] in impacts]


# WCAG contrast of each element's text against the first opaque background behind it (inside the
# widget's shadow root): {selector: ratio} for the first element each selector matches.
CONTRAST = """(selectors) => {
  const root = document.querySelector('#course-assistant').shadowRoot;
  const rgb = (css) => css.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (node) => {
    for (; node; node = node.parentElement || (node.getRootNode() && node.getRootNode().host)) {
      const value = rgb(getComputedStyle(node).backgroundColor);
      if (value.length < 4 || value[3] > 0.99) return value.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = {};
  for (const selector of selectors) {
    const node = root.querySelector(selector);
    if (!node) { out[selector] = null; continue; }
    const a = lum(rgb(getComputedStyle(node).color).slice(0, 3)), b = lum(background(node));
    out[selector] = Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100;
  }
  return out;
}"""
TEXT_SELECTORS = [".title", ".status", ".message.bot .text", ".chip", "input.input", ".message.user",
                  ".card-title a", ".card-meta", ".rating", ".why", ".filter", ".badge.free", ".sources a"]


def contrast_ratios(page, selectors=TEXT_SELECTORS) -> dict:
    return page.evaluate(CONTRAST, selectors)
