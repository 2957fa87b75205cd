"""Feedback and the /admin inbox in headless Chromium against the real server: the visitor's
thumbs and course-card clicks reach the log; an editor signs in, reads the inbox, downloads CSV;
without a token /admin is 401 (or 404 when no admin_token is set), never a stack trace."""
from __future__ import annotations

import csv
import io
import json
import time

import pytest

# Importing browser_support skips (or, under CI, fails) this module when chromium or playwright is missing.
from browser_support import CHROMIUM, LAUNCH_ARGS, RECORDERS, SHOTS, TIMEOUT_MS, Widget, expect, sync_api
from conftest import get, running_server
from log_support import read_rows, wait_for_messages, wait_for_rows

from assistant.inbox import TABLES

pytestmark = pytest.mark.browser
expect.set_options(timeout=TIMEOUT_MS)
TOKEN = "editor-token-for-the-tests-0123"
PHONE = {"width": 390, "height": 844}
REFUSED = "where can I adopt a kitten"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def logged_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("log")
    with running_server({"data_dir": str(folder), "admin_token": TOKEN}) as url:
        yield url, str(folder / "conversations.sqlite3")


def new_page(browser, viewport=None, **options):
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 800}, **options)
    context.add_init_script(RECORDERS)
    return context.new_page()


def test_thumbs_and_course_clicks_in_the_widget_reach_the_log(browser, logged_server):
    url, location = logged_server
    page = new_page(browser)
    widget = Widget(page, expect).open(url + "/")
    try:
        assert widget(".message.bot.greeting .feedback").count() == 0        # the greeting gets no thumbs
        reply = widget.ask("best python course for beginners")
        up, down = reply.locator("button.vote.up"), reply.locator("button.vote.down")
        expect(up).to_have_attribute("aria-label", "Helpful")
        expect(down).to_have_attribute("aria-label", "Not helpful")
        expect(reply.locator(".feedback")).to_have_attribute("role", "group")
        up.click()
        expect(up).to_have_attribute("aria-pressed", "true")
        expect(down).to_have_attribute("aria-pressed", "false")
        down.focus()
        page.keyboard.press("Enter")                                         # keyboard works, the vote changes
        expect(down).to_have_attribute("aria-pressed", "true")
        expect(up).to_have_attribute("aria-pressed", "false")
        expect(reply.locator("[role=status]")).to_have_text("Thanks for your feedback.")
        with page.context.expect_page() as opened:                           # the course opens in a new tab
            reply.locator(".card-title a").first.click()
        opened.value.close()
        # the vote was written as "up", then changed: wait for the change, not the first write
        votes = wait_for_rows(location, "feedback", 1, until=lambda rows: rows[-1]["vote"] == "down")
        clicks = wait_for_rows(location, "course_clicks", 1)
        page.reload()                                                        # the vote is remembered
        expect(widget(".panel")).to_be_visible()
        expect(widget(".message.bot button.vote.down[aria-pressed=true]")).to_have_count(1)
        widget(".message.bot .feedback").last.scroll_into_view_if_needed()
        widget.screenshot("feedback-thumbs")
    finally:
        page.context.close()
    turns = wait_for_rows(location, "turns", 1)
    voted = [t for t in turns if t["turn_id"] == votes[-1]["turn_id"]]
    assert voted and voted[0]["message"] == "best python course for beginners"
    assert votes[-1]["vote"] == "down" and len(votes) == 1
    assert clicks[0]["turn_id"] == voted[0]["turn_id"] and clicks[0]["course_id"] in json.loads(voted[0]["courses"])


def test_admin_without_a_token_is_refused_and_with_it_shows_the_inbox_and_csv(browser, logged_server):
    url, location = logged_server
    page = new_page(browser, PHONE)
    try:
        widget = Widget(page, expect).open(url + "/")
        refused = widget.ask(REFUSED)
        refused.locator("button.vote.down").click()
        widget.ask("course")                                              # asked back
        turns = wait_for_messages(location, [REFUSED, "course"])
        refused_turn = next(t["turn_id"] for t in turns if t["message"] == REFUSED)
        deadline = time.monotonic() + 15                                    # and the vote on it
        while refused_turn not in {v["turn_id"] for v in read_rows(location, "feedback")}:
            assert time.monotonic() < deadline, "the thumbs-down was not logged"
            time.sleep(0.1)

        response = page.goto(url + "/admin")
        assert response.status == 401 and response.headers["cache-control"] == "no-store"
        assert "Traceback" not in page.content()
        expect(page.get_by_label("Admin token")).to_be_visible()
        page.get_by_label("Admin token").fill("not-the-token-at-all")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text("That token is not right.")
        page.get_by_label("Admin token").fill(TOKEN)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Course Assistant inbox")).to_be_visible()
        cookie = next(c for c in page.context.cookies() if c["name"] == "ca_admin")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and TOKEN not in cookie["value"]
        unanswered = page.locator("section[aria-labelledby=h-unanswered]")
        expect(unanswered).to_contain_text(REFUSED)
        expect(unanswered).to_contain_text("Asked back")
        expect(page.locator("section[aria-labelledby=h-down]")).to_contain_text(REFUSED)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the inbox is {width}px wide on a {PHONE['width']}px phone"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "admin-inbox-phone.png"), full_page=True)

        with page.expect_download() as download:
            unanswered.get_by_role("link", name="CSV").click()
        rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
        assert tuple(rows[0]) == TABLES["unanswered"]
        assert any(row[3] == REFUSED and row[0] == "refused" for row in rows[1:]), rows

        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_label("Admin token")).to_be_visible()
    finally:
        page.context.close()

    status, body, headers = get(url + "/admin/export/thumbs_down.csv?since=1d")
    assert status == 401 and headers["Cache-Control"] == "no-store" and b"Traceback" not in body
    status, body, headers = get(url + "/admin/export/thumbs_down.csv?since=1d",
                                {"Authorization": "Bearer " + TOKEN})
    assert status == 200 and headers["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert any(row["message"] == REFUSED for row in rows)
    status, body, _ = get(url + "/admin?since=forever", {"Authorization": "Bearer " + TOKEN})
    assert status == 400 and b"Traceback" not in body
    status, _, _ = get(url + "/admin", {"Authorization": "Bearer " + TOKEN[:-1] + "x"})
    assert status == 401


def test_admin_is_not_there_without_an_admin_token(browser, tmp_path):
    with running_server({"data_dir": str(tmp_path)}) as url:
        page = new_page(browser)
        try:
            response = page.goto(url + "/admin")
            assert response.status == 404 and response.headers["cache-control"] == "no-store"
            assert "Traceback" not in page.content() and "not_found" in page.content()
        finally:
            page.context.close()
        status, _, _ = get(url + "/admin/export/days.csv", {"Authorization": "Bearer anything-at-all-here"})
        assert status == 404
