"""The widget in a real browser: Playwright driving Debian's chromium against the real server.

Without chromium these tests skip, except under CI (the CI environment variable), where a missing
browser fails the run. Screenshots land in test-output/screenshots/.
"""
from __future__ import annotations

import re

import pytest

from browser_support import (ROOT, browser, contrast_ratios, expect, new_widget,  # noqa: F401
                             phone, static_site, widget)
from conftest import free_port, running_server

pytestmark = pytest.mark.browser
XSS = "<img src=x onerror=alert(1)>"


# ---------------------------------------------------------------------------- greeting and the page


def test_greets_once_with_example_questions_and_exposes_one_global(widget, server):
    widget.load(server + "/")
    assert widget.page.evaluate("Object.keys(window.CourseAssistant).sort()") == ["close", "open", "send"]
    assert widget("button.launcher").get_attribute("aria-label")
    assert widget("button.launcher").get_attribute("aria-expanded") == "false"
    widget.open()
    assert widget("button.launcher").get_attribute("aria-expanded") == "true"
    assert widget.focused() == "ca-input"
    assert widget.greetings() == 1
    starters = widget(".greeting .chips.starters button.chip")
    assert starters.count() >= 2
    assert widget(".title").inner_text() == "Course Assistant"
    widget.page.wait_for_timeout(800)
    assert widget(".message.bot").count() == 1, "the greeting came twice"


def test_demo_page_has_every_roadmap_section_and_a_strict_csp_the_widget_lives_with(widget, server):
    widget.open(server + "/")
    page = widget.page
    csp = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    for section_id in ("what-ml-engineers-do", "skills-math", "how-long", "faq-degree", "bottom-line"):
        assert page.locator(f"section#{section_id}").count() == 1
    widget.ask("best Python course for beginners")
    assert page.evaluate("window.__cspViolations") == []
    assert not [text for text in page.console if "Content Security Policy" in text]
    assert widget.shadow("root.querySelectorAll('[style]').length") == 0
    assert widget.shadow("root.querySelectorAll('style, script').length") == 0
    assert page.locator("course-assistant").count() == 1   # the one element the widget adds to the page


# ---------------------------------------------------------------------------- replies


def test_recommendation_shows_course_cards(widget, server):
    widget.open(server + "/")
    reply = widget.ask("best Python course for beginners")
    cards = reply.locator(".card")
    expect(cards.first).to_be_visible()
    assert cards.count() >= 1
    for i in range(cards.count()):
        card = cards.nth(i)
        link = card.locator(".card-title a")
        assert re.match(r"https?://", link.get_attribute("href"))
        assert link.get_attribute("rel") == "noopener" and link.get_attribute("target") == "_blank"
        assert card.locator(".card-meta").inner_text().strip()
        assert card.locator(".why").inner_text().startswith("Why: ")
    rating = cards.first.locator(".rating").inner_text()
    assert re.fullmatch(r"★ \d(\.\d+)?/5 · [\d.]+[kM]? reviews?", rating), rating
    # One scale: the card's figure is the one the "why" line says.
    why = cards.first.locator(".why").inner_text()
    assert rating.split()[1] in why and "/10" not in why, (rating, why)
    assert "Beginner" in cards.first.locator(".card-meta").inner_text()
    filters = reply.locator(".filters .filter").all_inner_texts()
    assert "Beginner" in filters and "Python" in filters
    widget.screenshot("desktop-1280x800-cards")
    ratios = contrast_ratios(widget.page)
    assert {selector: ratio for selector, ratio in ratios.items() if ratio is not None and ratio < 4.5} == {}
    assert ratios[".card-title a"] and ratios[".rating"] and ratios[".message.user"]


def test_a_suggestion_chip_sends_its_text_and_gets_an_answer(widget, server):
    widget.open(server + "/")
    reply = widget.ask("best Python course for beginners")
    chip = reply.locator("button.chip", has_text="Only free ones")
    expect(chip).to_be_visible()
    answer = widget.click_and_wait(chip, sends="Only free ones")
    expect(answer.locator(".card").first).to_be_visible()
    assert answer.locator(".badge.free").count() == answer.locator(".card").count()
    assert "Free" in answer.locator(".filters .filter").all_inner_texts()


def test_a_comparison_is_a_table(widget, server):
    widget.open(server + "/")
    reply = widget.ask("compare Python for Everybody and Python Data Structures")
    table = reply.locator("table.compare")
    expect(table).to_be_visible()
    headers = table.locator("thead th").all_inner_texts()
    assert headers == ["Python for Everybody", "Python Data Structures"]
    assert table.locator("thead th a").count() == 2
    labels = table.locator("tbody th").all_inner_texts()
    assert "Rating" in labels and len(labels) >= 3
    assert all(row.locator("td").count() == 2 for row in table.locator("tbody tr").all())
    ratings = table.locator("tbody tr", has=widget.page.locator("th", has_text="Rating")).locator("td").all_inner_texts()
    assert all(re.fullmatch(r"\d(\.\d+)?/5 \([\d.]+k reviews\)", r) for r in ratings), ratings   # as the cards say
    # One scale: the table's figures are the ones the reply's text gives.
    text = reply.locator(".text").inner_text()
    said = re.findall(r"\d(?:\.\d+)?/\d+", text)
    assert said and all(figure in [r.split()[0] for r in ratings] for figure in said), (ratings, text)
    assert reply.locator(".card").count() == 0, "a comparison shows as a table, not as cards"
    widget.screenshot("desktop-1280x800-comparison")


def test_a_filter_chip_removes_its_filter_and_keeps_the_rest(widget, server):
    widget.open(server + "/")
    reply = widget.ask("free python courses for beginners")
    assert reply.locator(".filters .filter").all_inner_texts() == ["Python", "Beginner", "Free"]
    remove = reply.get_by_role("button", name="Remove filter: Beginner")
    expect(remove).to_be_visible()
    answer = widget.click_and_wait(remove, sends="Any level")
    expect(answer.locator(".card").first).to_be_visible()
    assert answer.locator(".filters .filter").all_inner_texts() == ["Python", "Free"]
    assert answer.locator(".filters button").count() == 1, "the topic is the request itself, not a removable filter"
    assert "Without the level filter" in answer.locator(".text").inner_text()
    widget.screenshot("desktop-1280x800-filter-removed")


def test_a_programme_asked_for_is_a_chip_that_removes_it(widget, server):
    widget.open(server + "/")
    reply = widget.ask("micromasters courses in data science")
    assert reply.locator(".filters .filter").all_inner_texts() == ["Data science", "MicroMasters"]
    widget.screenshot("desktop-1280x800-program-chip")
    answer = widget.click_and_wait(reply.get_by_role("button", name="Remove filter: MicroMasters"), sends="Any program")
    expect(answer.locator(".card").first).to_be_visible()
    assert answer.locator(".filters .filter").all_inner_texts() == ["Data science"]
    assert "Without the program filter" in answer.locator(".text").inner_text()
    widget.screenshot("desktop-1280x800-program-chip-removed")


def test_sources_link_to_the_roadmap_sections(widget, server):
    widget.open(server + "/")
    reply = widget.ask("do I need a degree?")
    source = reply.locator(".sources a").first
    expect(source).to_be_visible()
    assert source.get_attribute("href") == server + "/#faq-degree"
    source.click()
    widget.page.wait_for_function("location.hash === '#faq-degree'")
    expect(widget.page.locator("section#faq-degree")).to_be_in_viewport()
    expect(widget(".message.user")).to_have_count(1)   # same page: the conversation is still there


# ---------------------------------------------------------------------------- persistence


def test_reload_keeps_the_history_and_the_session_without_a_second_greeting(widget, server):
    widget.open(server + "/")
    widget.ask("sql courses for beginners")
    session = widget.session_id()
    assert session
    widget.page.reload()
    expect(widget(".message.user .user-text")).to_have_text(["sql courses for beginners"])
    expect(widget(".panel")).to_be_visible()   # it was open: it stays open
    widget.expect_online()
    assert widget.greetings() == 1
    assert widget.session_id() == session
    reply = widget.ask("only free ones")   # the server still knows the topic: the session was resumed
    assert "Free" in reply.locator(".filters .filter").all_inner_texts()
    assert widget.greetings() == 1
    assert widget(".message.notice").count() == 0


def test_the_conversation_follows_to_another_page_of_the_site(widget, server):
    widget.open(server + "/")
    widget.ask("machine learning courses on edX")
    session = widget.session_id()
    widget.page.get_by_role("link", name="About", exact=True).first.click()
    widget.page.wait_for_url(server + "/about")
    expect(widget(".message.user .user-text")).to_have_text(["machine learning courses on edX"])
    widget.expect_online()
    assert widget.session_id() == session and widget.greetings() == 1
    widget.ask("only free ones")
    assert widget(".message.bot").count() == 3


# ---------------------------------------------------------------------------- connection trouble


def test_a_dropped_connection_reconnects_resumes_and_delivers_each_message_once(widget, server):
    widget.open(server + "/")
    session = widget.session_id()
    # Dropped before the message could go out: it waits in the queue.
    widget.page.evaluate("window.__sockets.at(-1).close(); CourseAssistant.send('python for beginners')")
    expect(widget(".message.bot")).to_have_count(2, timeout=20000)
    widget.expect_online()
    # Dropped with the message already sent: it is sent again, and answered once.
    widget.page.evaluate("CourseAssistant.send('only free ones'); window.__sockets.at(-1).close()")
    expect(widget(".message.bot")).to_have_count(3, timeout=20000)
    widget.page.wait_for_timeout(1500)
    assert widget(".message.bot").count() == 3
    assert widget.page.evaluate("window.__sockets.length") == 3
    assert widget.session_id() == session
    assert widget(".message.notice").count() == 0   # resumed: nothing was forgotten
    assert widget(".message.user.queued").count() == 0
    expect(widget(".typing")).to_be_hidden()


def test_a_server_restart_shows_the_state_and_delivers_what_was_typed_meanwhile(widget):
    port = free_port()
    with running_server({"port": port}) as url:
        widget.open(url + "/")
    widget.say("python for beginners")   # the server is down now
    expect(widget(".status[data-state='offline']")).to_be_visible()
    expect(widget(".message.user.queued .note")).to_be_visible()
    with running_server({"port": port}):
        expect(widget(".message.bot")).to_have_count(2, timeout=40000)
        widget.expect_online()
    expect(widget(".message.user.queued")).to_have_count(0)
    # The restarted server forgot the session: the widget says so, and keeps the history.
    expect(widget(".message.notice")).to_contain_text("restarted")


def test_error_frames_are_shown_politely_with_a_way_to_send_again(widget, limited_server):
    widget.open(limited_server + "/")
    widget.page.evaluate("CourseAssistant.send('python '.repeat(60))")   # over max_message_chars (200)
    expect(widget(".message.notice")).to_contain_text("too long")
    for text in ("python", "sql", "excel", "java"):   # 3 messages per 2 seconds are allowed
        widget.page.evaluate(f"CourseAssistant.send({text!r})")
    notice = widget(".message.notice").last
    expect(notice).to_contain_text("faster than I can answer")
    widget.page.wait_for_timeout(2200)
    before = widget(".message.bot").count()
    notice.locator("button.chip").click()
    expect(widget(".message.bot")).to_have_count(before + 1)
    expect(widget(".message.user .user-text").last).to_have_text("java")
    assert widget.page.evaluate("window.__sockets.length") == 1   # errors don't cost the connection


# ---------------------------------------------------------------------------- other origins


def test_embedding_from_another_origin_works_when_allowed_and_says_why_when_not(browser, tmp_path):
    site_port = free_port()
    with running_server({"allowed_origins": [f"http://127.0.0.1:{site_port}"]}) as url:
        page_html = (ROOT / "web" / "embed-example.html").read_text().replace("http://127.0.0.1:8000", url)
        (tmp_path / "index.html").write_text(page_html)
        with static_site(tmp_path, site_port) as site:
            widget = new_widget(browser)
            try:
                widget.open(site + "/index.html", greeting="Hello from our partner's assistant")
                reply = widget.ask("do I need a degree?")
                expect(reply).to_contain_text("portfolio")
                # The host page's CSS (hot pink buttons, content-box, dashed borders) stays outside.
                assert widget.shadow("getComputedStyle(root.querySelector('.send')).backgroundColor") == "rgb(124, 58, 237)"
                assert widget.shadow("getComputedStyle(root.querySelector('.panel')).boxSizing") == "border-box"
                assert widget.page.evaluate("getComputedStyle(document.querySelector('body > p > button'))"
                                            ".backgroundColor") == "rgb(255, 105, 180)"   # and ours stays inside
                widget.screenshot("cross-origin-embed")
                # A pale accent from a site still gives readable text: ink on the accent, ink links.
                (tmp_path / "pale.html").write_text(page_html.replace("#7c3aed", "#fde68a"))
                pale = new_widget(browser)
                try:
                    pale.open(site + "/pale.html", greeting="Hello from our partner's assistant")
                    pale.ask("do I need a degree?")
                    pale.ask("best python course")
                    ratios = contrast_ratios(pale.page)
                    assert all(ratio >= 4.5 for ratio in ratios.values() if ratio is not None), ratios
                    assert ratios[".message.user"] and ratios[".sources a"] and ratios[".chip"]
                finally:
                    pale.page.context.close()
                # The same page on an origin the server does not allow: refused, and the widget says so.
                widget.page.goto(f"http://localhost:{site_port}/index.html")
                widget.page.wait_for_function("window.CourseAssistant !== undefined")
                widget.page.evaluate("CourseAssistant.open()")
                expect(widget(".status[data-state='refused']")).to_be_visible()
                expect(widget(".message.notice")).to_contain_text("can't connect from this website")
                assert any(text.startswith("[Course Assistant]") and "allowed_origins" in text
                           for text in widget.page.console)
            finally:
                widget.page.context.close()


# ---------------------------------------------------------------------------- safety, keyboard, phones


def test_an_xss_payload_stays_text(widget, server):
    widget.open(server + "/")
    widget.ask(XSS)
    expect(widget(".message.user .user-text").last).to_have_text(XSS)
    widget.page.wait_for_timeout(800)
    assert widget.page.dialogs == []
    assert widget.shadow("root.querySelectorAll('img').length") == 0
    assert widget.page.evaluate("document.querySelectorAll('img').length") == 0


def test_keyboard_enter_sends_and_escape_closes_back_to_the_launcher(widget, server):
    widget.load(server + "/")
    widget("button.launcher").focus()
    widget.page.keyboard.press("Enter")
    expect(widget(".panel")).to_be_visible()
    assert widget.focused() == "ca-input"
    widget.page.keyboard.type("thanks")
    widget.page.keyboard.press("Enter")
    expect(widget(".message.user .user-text")).to_have_text(["thanks"])
    expect(widget("input.input")).to_have_value("")
    for selector in ("button.close", "button.send"):
        assert widget(selector).get_attribute("aria-label")
    widget.page.keyboard.press("Escape")
    expect(widget(".panel")).to_be_hidden()
    assert widget.focused() == "launcher"
    assert widget("button.launcher").get_attribute("aria-expanded") == "false"


def test_on_a_phone_the_panel_is_full_screen_and_the_comparison_stays_readable(phone, server):
    phone.open(server + "/")
    panel = phone(".panel").bounding_box()
    assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, 390, 844)
    composer = phone(".composer").bounding_box()
    assert composer["y"] + composer["height"] <= 844
    phone.ask("best Python course for beginners")
    expect(phone(".card").first).to_be_in_viewport()
    phone.screenshot("phone-390x844-cards")
    reply = phone.ask("compare Python for Everybody and Python Data Structures")
    wrap = reply.locator(".compare-wrap")
    expect(wrap).to_be_visible()
    assert wrap.bounding_box()["width"] <= reply.bounding_box()["width"]
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390   # nothing sticks out of the page
    assert phone.shadow("getComputedStyle(root.querySelector('.compare tbody th')).position") == "sticky"
    expect(reply.locator("thead th").first).to_be_in_viewport()
    phone.screenshot("phone-390x844-comparison")


def test_loaded_twice_is_harmless(widget, server):
    widget.open(server + "/")
    widget.page.evaluate("window.__first = window.CourseAssistant")
    widget.page.add_script_tag(url=server + "/widget.js")
    widget.page.wait_for_timeout(300)
    assert widget.page.locator("course-assistant").count() == 1
    assert widget.page.evaluate("window.__first === window.CourseAssistant")
    assert any(text.startswith("[Course Assistant]") and "already loaded" in text for text in widget.page.console)
    assert widget.page.evaluate("window.__sockets.length") == 1
