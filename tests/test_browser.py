"""The widget in a real headless browser (Playwright driving Debian's chromium)."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from conftest import ROOT, free_port, running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "test-output" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

if not CHROMIUM:
    if os.environ.get("CI"):
        pytest.fail("CI must run the browser tests, but no chromium was found (apt-get install chromium)",
                    pytrace=False)
    pytest.skip("no chromium on this machine: apt-get install chromium", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def widget(page):
    return page.locator("#course-assistant")


def open_widget(page, url):
    page.goto(url)
    page.wait_for_function("window.CourseAssistant !== undefined")
    widget(page).locator("button.launcher").click()
    expect_text(page, ".message.bot", "find the perfect online course")


def expect_text(page, selector, text, timeout=15000):
    sync_api.expect(widget(page).locator(selector).filter(has_text=text).first).to_be_visible(timeout=timeout)


def say(page, text):
    box = widget(page).locator("input.input")
    box.fill(text)
    box.press("Enter")


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_ask_see_cards_click_a_suggestion_see_a_comparison(page, server):
    open_widget(page, server + "/")
    say(page, "best Python course for beginners")
    cards = widget(page).locator(".card")
    sync_api.expect(cards).to_have_count(3, timeout=15000)
    first = cards.first
    assert first.locator("a").get_attribute("href").startswith("https://")
    assert "/10" in first.locator(".rating").inner_text()
    assert "beginner level" in first.locator(".why").inner_text()
    shoot(page, "desktop-1280x800-cards")
    widget(page).locator("button.chip", has_text="Compare the first two").last.click()
    table = widget(page).locator("table.compare")
    sync_api.expect(table).to_be_visible(timeout=15000)
    assert table.locator("tbody tr").count() >= 8
    assert table.locator("thead th").count() == 3
    shoot(page, "desktop-1280x800-comparison")


def test_history_survives_reload_and_navigation_without_a_second_greeting(page, server):
    open_widget(page, server + "/")
    say(page, "sql courses for beginners")
    sync_api.expect(widget(page).locator(".card")).to_have_count(3, timeout=15000)
    page.reload()
    page.wait_for_function("window.CourseAssistant !== undefined")
    expect_text(page, ".message.user", "sql courses for beginners")
    assert widget(page).locator(".message.bot", has_text="find the perfect online course").count() == 1
    page.goto(server + "/about")
    expect_text(page, ".message.user", "sql courses for beginners")
    say(page, "only free ones")
    expect_text(page, ".message.bot", "free", timeout=15000)
    sync_api.expect(widget(page).locator(".filter", has_text="Free").last).to_be_visible()


def test_xss_payload_stays_text(page, server):
    open_widget(page, server + "/")
    payload = "<img src=x onerror=alert(1)>"
    say(page, payload)
    expect_text(page, ".message.user", payload)
    page.wait_for_timeout(1000)
    assert page.dialogs == []
    assert page.evaluate("document.querySelector('#course-assistant').shadowRoot.querySelectorAll('img').length") == 0


def test_keyboard_enter_sends_escape_closes(page, server):
    open_widget(page, server + "/")
    assert page.evaluate("document.querySelector('#course-assistant').shadowRoot.activeElement.id") == "ca-input"
    say(page, "thanks")
    sync_api.expect(widget(page).locator(".message.bot")).to_have_count(2, timeout=15000)
    page.keyboard.press("Escape")
    sync_api.expect(widget(page).locator(".panel")).to_be_hidden()
    assert page.evaluate("document.querySelector('#course-assistant').shadowRoot.activeElement.className") == "launcher"
    assert widget(page).locator("button.launcher").get_attribute("aria-label")


def test_phone_panel_is_full_screen_and_comparison_readable(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_widget(page, server + "/")
        box = widget(page).locator(".panel").bounding_box()
        assert box["x"] == 0 and box["y"] == 0 and box["width"] == 390 and box["height"] == 844
        say(page, "best Python course for beginners")
        sync_api.expect(widget(page).locator(".card")).to_have_count(3, timeout=15000)
        shoot(page, "phone-390x844-cards")
        say(page, "compare the first two")
        table = widget(page).locator("table.compare")
        sync_api.expect(table).to_be_visible(timeout=15000)
        wrap = widget(page).locator(".compare-wrap").bounding_box()
        assert wrap["width"] <= 390
        shoot(page, "phone-390x844-comparison")
    finally:
        context.close()


def test_loaded_twice_is_harmless(page, server):
    open_widget(page, server + "/")
    page.add_script_tag(url=server + "/widget.js")
    page.wait_for_timeout(500)
    assert page.locator("#course-assistant").count() == 1


def test_reconnects_and_sends_what_was_queued(browser):
    port = free_port()
    context = browser.new_context()
    page = context.new_page()
    try:
        with running_server({"port": port}) as url:
            open_widget(page, url + "/")
        # The server is down: the message waits in the queue and the widget says it is retrying.
        say(page, "python for beginners")
        sync_api.expect(widget(page).locator(".status[data-state='offline']")).to_be_visible(timeout=15000)
        with running_server({"port": port}):
            sync_api.expect(widget(page).locator(".card")).to_have_count(3, timeout=40000)
            sync_api.expect(widget(page).locator(".status[data-state='online']")).to_be_visible()
    finally:
        context.close()


def _static_server(folder: Path, port: int):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_embedding_from_another_origin_needs_the_allowlist(browser, tmp_path):
    site_port = free_port()
    with running_server({"allowed_origins": [f"http://127.0.0.1:{site_port}"]}) as url:
        page_html = (ROOT / "web" / "embed-example.html").read_text().replace("http://127.0.0.1:8000", url)
        (tmp_path / "index.html").write_text(page_html)
        site = _static_server(tmp_path, site_port)
        context = browser.new_context()
        page = context.new_page()
        try:
            open_widget(page, f"http://127.0.0.1:{site_port}/index.html")
            say(page, "do I need a degree?")
            expect_text(page, ".message.bot", "portfolio")
            shoot(page, "cross-origin-embed")
            # The same page on an origin the server does not allow: refused, and the widget says so.
            page.goto(f"http://localhost:{site_port}/index.html")
            page.wait_for_function("window.CourseAssistant !== undefined")
            page.evaluate("CourseAssistant.open()")
            sync_api.expect(widget(page).locator(".status[data-state='offline']")).to_be_visible(timeout=15000)
        finally:
            context.close()
            site.shutdown()
