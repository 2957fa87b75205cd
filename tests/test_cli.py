"""The command line, run as a learner or an editor would run it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.engine import Assistant

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          input=stdin, cwd=ROOT, timeout=180)


def test_ask_prints_a_readable_answer_with_course_cards():
    run = cli("ask", "best Python course for beginners")
    assert run.returncode == 0, run.stderr
    assert "beginner Python courses" in run.stdout
    assert " 1. " in run.stdout and "rated " in run.stdout and "/5" in run.stdout and "/10" not in run.stdout and "why:" in run.stdout
    assert "Try: " in run.stdout


def test_ask_json_prints_the_contract_reply():
    run = cli("ask", "--json", "do I need a degree?")
    reply = json.loads(run.stdout)
    assert set(reply) >= {"intent", "confidence", "text", "courses", "comparison", "suggestions", "sources"}
    assert reply["intent"] == "faq" and reply["sources"][0]["id"] == "degree"


def test_ask_plays_a_conversation():
    run = cli("ask", "python courses for beginners", "only free ones", "compare the first two")
    assert run.returncode == 0
    assert "> only free ones" in run.stdout and "Main skills" in run.stdout


def test_check_json_counts():
    counts = json.loads(cli("check", "--json").stdout)
    assert counts["courses"] > 5000 and counts["faqs"] >= 20 and counts["sections"] >= 20
    assert set(counts["courses_per_provider"]) == {"Coursera", "edX", "Udemy"}


def test_chat_in_the_terminal():
    run = cli("chat", stdin="hi\nsql for beginners\nthanks\nquit\n")
    assert run.returncode == 0
    assert run.stdout.count("you> ") >= 3 and "SQL" in run.stdout


@pytest.fixture(scope="module")
def bot():
    return Assistant.load()


@pytest.mark.parametrize("asked,title", [
    ("Python for Everybody", "Python for Everybody"),
    ("tell me about python data structures", "Python Data Structures"),
    ("Learning How to Learn", "Learning How to Learn: Powerful mental tools to help you master tough subjects"),
    ("is the google data analytics cert any good", "Google Data Analytics"),
    ("Think Again I", "Think Again I: How to Understand Arguments"),
])
def test_courses_are_found_by_exact_and_partial_title(bot, asked, title):
    _, reply = bot.respond(None, asked)
    assert reply["courses"][0]["title"] == title


def test_catalog_import_of_a_bad_file_says_what_is_wrong_and_writes_nothing(tmp_path):
    output = tmp_path / "courses.jsonl"
    unknown = tmp_path / "prices.csv"
    unknown.write_text("sku,price\n1,9.99\n", encoding="utf-8")
    result = cli("catalog", "import", str(unknown), "--output", str(output))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "prices.csv" in result.stderr and "unrecognised listing" in result.stderr
    result = cli("catalog", "import", str(tmp_path / "missing.csv"), "--output", str(output))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "missing.csv" in result.stderr
    assert not output.exists()


def test_ask_names_each_cited_section_once():
    result = cli("ask", "do I need a degree?")
    assert result.returncode == 0, result.stderr
    sources = [line for line in result.stdout.splitlines() if line.startswith("Sources: ")]
    assert len(sources) == 1 and sources[0].count("#faq-degree") == 1, sources


def test_check_can_write_the_start_up_cache_that_the_server_then_loads(tmp_path, monkeypatch):
    result = cli("check", "--json", "--cache", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = Path(json.loads(result.stdout)["cache_file"])
    assert written.parent == tmp_path and written.is_file()
    import assistant.brain_cache as brain_cache

    def must_not_build(*args, **kwargs):
        raise AssertionError("the cache written by check was not used")
    monkeypatch.setattr(brain_cache, "Brain", must_not_build)
    bot = Assistant.load(cache_dir=tmp_path)
    assert bot.respond(None, "best python course for beginners")[1]["courses"]
