"""A scripted day of visitors: about 500 varied messages over the websocket, with thumbs and course
clicks, then a screenshot of the /admin inbox and the review command's output.

Run from the project root:  python bench/scripted_day.py [--messages 500] [--shots DIR] [--seed 7]

Starts `python run.py` with a fresh SQLite log in a temporary data_dir and an admin token; each
visitor is one websocket conversation of 1 to 8 messages: course requests with follow-ups,
career questions, vague openers the assistant asks back about, off-topic questions it refuses,
typos, and a few messages with an e-mail address or phone number (masked in the log). Visitors
vote on some replies (more thumbs down on refusals) and click some course cards. Then headless
chromium saves the inbox (desktop and phone widths) to --shots, and `course-assistant review
--since 1d` runs against the same settings.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from load_env import ONE_ADDRESS_IS_MANY  # noqa: E402
from ws_throughput import free_port, stop, wait_ready  # noqa: E402

TOKEN = "scripted-day-admin-token-2026"
SUBJECTS = ["python", "sql", "data science", "machine learning", "deep learning", "statistics", "linear algebra",
            "pandas", "tensorflow", "pytorch", "computer vision", "nlp", "data visualization", "cloud computing",
            "docker", "excel", "r programming", "javascript", "big data", "reinforcement learning"]
REQUESTS = ["best {s} course for beginners", "I want to learn {s}", "any free {s} course?", "{s} course with a certificate",
            "top rated {s} class", "advanced {s} course", "short {s} course, a few weeks at most", "recommend a {s} course",
            "where do I start with {s}", "{s} for someone who knows nothing"]
FOLLOW_UPS = ["only free ones", "something more advanced", "compare the first two", "tell me about the first one",
              "cheaper options?", "show me more", "is the second one good for beginners?", "how long is the first one"]
CAREER = ["do I need a degree to become an ML engineer", "how long does it take to become a machine learning engineer",
          "what math do I need for machine learning", "is a portfolio more important than certificates",
          "what does an ml engineer do all day", "how do I prepare for ML interviews", "should I learn python or r first",
          "can I switch careers into machine learning at 40"]
VAGUE = ["course", "help", "hmm", "something interesting", "what can you do", "I'm not sure", "recommend something"]
OFF_TOPIC = ["photoshop course", "any good photoshop tutorials", "photoshop for beginners please", "learn adobe illustrator",
             "how do I bake sourdough bread", "bread recipes for beginners", "what's the weather tomorrow",
             "will it rain in London today", "how do I fix my car's brakes", "guitar lessons for adults",
             "learn to play the guitar", "spanish language course", "learn french quickly", "how to lose weight fast",
             "best pizza near me", "can you book me a flight", "who won the football match", "tell me a joke",
             "piano course for kids", "watercolor painting class", "how much does a plumber cost", "yoga for beginners"]
PERSONAL = ["my email is sam.lee@mail.example, send me python courses", "call me at 415-555-0199 about data science",
            "I'm jo@uni.example and want a statistics course"]
TYPOS = ["best pyhton corse", "machin lerning for begginers", "data sciense course", "deep lerning with pytorh",
         "statistcs for data analisys"]
CLOSERS = ["thanks", "thank you, bye", "great, thanks!", "ok cool"]


def visitor_script(rng: random.Random) -> list[str]:
    """One conversation: what a visitor of some kind types, in order."""
    kind = rng.choices(["learner", "career", "lost", "off", "typo", "personal"], [45, 15, 10, 20, 7, 3])[0]
    messages = []
    if kind == "learner":
        messages.append(rng.choice(REQUESTS).format(s=rng.choice(SUBJECTS)))
        messages += rng.sample(FOLLOW_UPS, rng.randint(0, 4))
    elif kind == "career":
        messages += rng.sample(CAREER, rng.randint(1, 3))
    elif kind == "lost":
        messages += [rng.choice(VAGUE), rng.choice(REQUESTS).format(s=rng.choice(SUBJECTS))]
    elif kind == "off":
        messages += rng.sample(OFF_TOPIC, rng.randint(1, 2))
        if rng.random() < 0.4:
            messages.append(rng.choice(REQUESTS).format(s=rng.choice(SUBJECTS)))
    elif kind == "typo":
        messages += [rng.choice(TYPOS), rng.choice(FOLLOW_UPS)]
    else:
        messages.append(rng.choice(PERSONAL))
    if rng.random() < 0.35:
        messages.append(rng.choice(CLOSERS))
    return messages


def play(port: int, total: int, rng: random.Random) -> dict:
    import websocket
    counts = {"messages": 0, "conversations": 0, "votes": 0, "clicks": 0}
    while counts["messages"] < total:
        ws = websocket.create_connection(f"ws://127.0.0.1:{port}/ws", timeout=60)
        json.loads(ws.recv())
        counts["conversations"] += 1
        for n, text in enumerate(visitor_script(rng)[:total - counts["messages"]]):
            ws.send(json.dumps({"type": "message", "id": n, "text": text}))
            frame = json.loads(ws.recv())
            counts["messages"] += 1
            turn_id, reply = frame.get("turn_id"), frame.get("reply", {})
            if not turn_id:
                continue
            unanswered = reply.get("intent") in ("out_of_scope", "clarify")
            if rng.random() < (0.35 if unanswered else 0.12):
                vote = "down" if unanswered or rng.random() < 0.3 else "up"
                ws.send(json.dumps({"type": "feedback", "turn_id": turn_id, "vote": vote}))
                json.loads(ws.recv())
                counts["votes"] += 1
            if reply.get("courses") and rng.random() < 0.3:
                course = rng.choice(reply["courses"][:3])["id"]
                ws.send(json.dumps({"type": "course_click", "turn_id": turn_id, "course_id": course}))
                json.loads(ws.recv())
                counts["clicks"] += 1
        ws.close()
    return counts


def screenshots(port: int, folder: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright
    folder.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, viewport in (("inbox-desktop", {"width": 1280, "height": 900}),
                               ("inbox-phone", {"width": 390, "height": 844})):
            context = browser.new_context(viewport=viewport,
                                          extra_http_headers={"Authorization": "Bearer " + TOKEN})
            page = context.new_page()
            response = page.goto(f"http://127.0.0.1:{port}/admin?since=1d")
            assert response.status == 200, response.status
            path = folder / f"{name}.png"
            page.screenshot(path=str(path), full_page=True)
            shots.append(path)
            path = folder / f"{name}-first-screen.png"       # what an editor sees on opening it
            page.screenshot(path=str(path))
            shots.append(path)
            context.close()
        browser.close()
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shots", default=str(ROOT / "test-output" / "screenshots"))
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="course-assistant-day-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_ASSISTANT_")}
    env.update(ONE_ADDRESS_IS_MANY)
    env.update(COURSE_ASSISTANT_DATA_DIR=data_dir, COURSE_ASSISTANT_ADMIN_TOKEN=TOKEN,
               COURSE_ASSISTANT_RATE_LIMIT_MESSAGES="1000")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "run.py", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(proc, port, "server", timeout=180)
        started = time.perf_counter()
        counts = play(port, args.messages, random.Random(args.seed))
        print(f"played {counts['messages']} messages in {counts['conversations']} conversations "
              f"({counts['votes']} votes, {counts['clicks']} course clicks) in {time.perf_counter() - started:.1f} s")
        time.sleep(2.5)                         # the log's writer writes a batch every second
        for path in screenshots(port, Path(args.shots)):
            print(f"screenshot: {path}")
    finally:
        stop(proc)
    review = subprocess.run([sys.executable, "-m", "assistant", "review", "--since", "1d", "--limit", "15"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    print("\n$ course-assistant review --since 1d --limit 15")
    print(review.stdout + review.stderr, end="")
    return review.returncode


if __name__ == "__main__":
    raise SystemExit(main())
