"""`course-assistant eval --real`: the assistant on questions real learners posted in public.

The questions live outside the project (../shared/data/real-questions/dev.yaml: id, q, kind,
expect); the project keeps only its own machine-checkable expectations, keyed by id
(tests/data/real_expect.yaml). Each question is asked in a fresh conversation; the report gives,
per kind, how often the reply's intent agrees with the kind and how many replies pass their
expectations, and every reply for a person to read against the written `expect`.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import yaml

from assistant.knowledge import PROJECT_ROOT

DEFAULT_REAL_QUESTIONS = PROJECT_ROOT.parent / "shared" / "data" / "real-questions" / "dev.yaml"
DEFAULT_EXPECTATIONS = PROJECT_ROOT / "tests" / "data" / "real_expect.yaml"
# The reply intents that agree with each kind of question (small talk may answer anything).
AGREEING = {"recommend": {"recommend"}, "compare": {"compare"}, "course_info": {"course_info"},
            "faq": {"faq"}, "out_of_scope": {"out_of_scope"}}


def load_real_questions(path: Path | None = None) -> list[dict] | None:
    """The questions, or None when the file is absent (the caller says why it skips)."""
    path = Path(path or DEFAULT_REAL_QUESTIONS)
    if not path.is_file():
        return None
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [item for item in items if isinstance(item, dict) and "id" in item and "q" in item]


def load_expectations(path: Path | None = None) -> dict[str, dict]:
    return yaml.safe_load(Path(path or DEFAULT_EXPECTATIONS).read_text(encoding="utf-8")) or {}


def _course_text(card: dict) -> str:
    return " ".join([card.get("title") or "", " ".join(card.get("skills") or ()),
                     " ".join(card.get("topics") or ()), card.get("organization") or ""])


def failures(reply: dict, expectation: dict) -> list[str]:
    """What the reply fails of its expectation (empty: a good reply)."""
    if "any_of" in expectation:
        tried = [failures(reply, option) for option in expectation["any_of"]]
        return [] if any(not t for t in tried) else min(tried, key=len)
    problems = []
    intent, text, courses = reply["intent"], reply.get("text", ""), reply.get("courses") or []
    if "intent" in expectation and intent not in expectation["intent"]:
        problems.append(f"intent {intent}, wanted {'/'.join(expectation['intent'])}")
    if expectation.get("no_courses") and courses:
        problems.append(f"{len(courses)} courses shown, wanted none")
    if "courses" in expectation:
        top = courses[:expectation.get("top", 3)]
        if len(courses) < expectation.get("min_courses", 1):
            problems.append(f"{len(courses)} courses shown")
        off = [c["title"] for c in top if not re.search(expectation["courses"], _course_text(c), re.I)]
        if off:
            problems.append(f"off-subject: {'; '.join(off)}")
    if "titles_not" in expectation:
        bad = [c["title"] for c in courses if re.search(expectation["titles_not"], c["title"], re.I)]
        if bad:
            problems.append(f"unwanted: {'; '.join(bad)}")
    levels = set(expectation.get("levels_not") or ())
    if levels and any(c.get("level") in levels for c in courses):
        problems.append(f"level {', '.join(sorted({c['level'] for c in courses if c.get('level') in levels}))}")
    for pattern in expectation.get("text") or ():
        if not re.search(pattern, text, re.I | re.S):
            problems.append(f"text lacks /{pattern}/")
    for pattern in expectation.get("text_not") or ():
        if re.search(pattern, text, re.I | re.S):
            problems.append(f"text has /{pattern}/")
    return problems


def run_real(assistant, questions: list[dict], expectations: dict[str, dict]) -> dict:
    rows, per_kind = [], defaultdict(lambda: {"n": 0, "agree": 0, "good": 0})
    for item in questions:
        _, reply = assistant.respond(None, item["q"])
        expectation = expectations.get(item["id"])
        problems = failures(reply, expectation) if expectation is not None else ["no expectation written"]
        kind = item.get("kind", "?")
        stats = per_kind[kind]
        stats["n"] += 1
        stats["agree"] += reply["intent"] in AGREEING.get(kind, ())
        stats["good"] += not problems
        rows.append({"id": item["id"], "kind": kind, "intent": reply["intent"],
                     "confidence": round(reply.get("confidence", 0.0), 2), "good": not problems,
                     "problems": problems, "text": reply.get("text", ""),
                     "courses": [c["title"] for c in reply.get("courses") or []]})
    total = {"n": len(rows), "agree": sum(s["agree"] for s in per_kind.values()),
             "good": sum(r["good"] for r in rows)}
    return {"per_kind": dict(per_kind), "total": total, "rows": rows}


def format_real(report: dict, verbose: bool = True) -> str:
    lines = ["Real learner questions (../shared/data/real-questions/dev.yaml)", "",
             f"{'kind':<14}{'n':>4}{'intent agrees':>15}{'good':>10}"]
    for kind, s in sorted(report["per_kind"].items()):
        lines.append(f"{kind:<14}{s['n']:>4}{s['agree'] / s['n']:>15.0%}{s['good'] / s['n']:>10.0%}")
    t = report["total"]
    lines.append(f"{'all':<14}{t['n']:>4}{t['agree'] / max(t['n'], 1):>15.0%}{t['good'] / max(t['n'], 1):>10.0%}"
                 f"   ({t['good']} of {t['n']} good)")
    if verbose:
        lines.append("")
        for row in report["rows"]:
            mark = "ok " if row["good"] else "BAD"
            lines.append(f"{mark} {row['id']} [{row['kind']}] -> {row['intent']} {row['confidence']:.2f}: "
                         + " ".join(row["text"].split())[:240])
            for title in row["courses"][:3]:
                lines.append(f"      * {title}")
            for problem in row["problems"]:
                lines.append(f"      ! {problem}")
    return "\n".join(lines)
