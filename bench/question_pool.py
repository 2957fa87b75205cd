"""The questions the understanding benches ask: the real learner questions of
../shared/data/real-questions/dev.yaml (read at run time, never copied into the project; skipped
with a message when absent) and every utterance of the project's eval sets (tests/data/*.yaml).

Each question has a stable id: the dev set's own (d07), else `<set>#<n>` (eval_fresh#12 is the
12th item of tests/data/eval_fresh.yaml).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT.parent / "shared" / "data" / "real-questions" / "dev.yaml"
EVAL_SETS = ("eval", "eval_fresh", "eval_faq_unseen", "eval_faq_after")

# Phrasings of our own for warming up (imports, first-call costs); none is a measured question.
WARM_UP = [
    "hello there", "any good courses about cooking with python?", "I'd like a rust course, beginner level",
    "what does a machine learning engineer do all day", "linear algebra refresher please",
    "comparing coursera and udemy for data work", "free courses on spreadsheets", "what is the capital of Peru",
    "thank you so much", "advanced kubernetes training", "should I learn R or python first",
    "cheap photography classes", "is a masters degree needed for ML jobs", "show me courses by Stanford",
]
FOLLOW_UPS = ["only free ones", "compare the first two", "tell me more about the second one", "show me more"]


@dataclass(frozen=True)
class Question:
    id: str
    source: str          # "dev" or the eval set's name
    text: str


def load_pool(root: Path = ROOT, *, per_eval_set: int | None = None) -> tuple[list[Question], list[str]]:
    """The questions, and notes to print (a skipped set). `per_eval_set` keeps only the first N
    items of each eval set (--quick)."""
    questions, notes = [], []
    if DEV_SET.is_file():
        for item in yaml.safe_load(DEV_SET.read_text(encoding="utf-8")):
            questions.append(Question(str(item["id"]), "dev", item["q"]))
    else:
        notes.append(f"skipped the real questions: {DEV_SET} is absent (it lives in ../shared, outside the project)")
    for name in EVAL_SETS:
        path = root / "tests" / "data" / f"{name}.yaml"
        if not path.is_file():
            notes.append(f"skipped {name}: {path} is absent")
            continue
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for n, item in enumerate(items[:per_eval_set], 1):
            questions.append(Question(f"{name}#{n}", name, item["text"]))
    measured = {q.text for q in questions}
    clash = [t for t in WARM_UP + FOLLOW_UPS if t in measured]
    if clash:
        notes.append(f"warm-up phrasings that are also measured questions (drop them from WARM_UP): {clash}")
    return questions, notes


def warm_up_texts(questions: list[Question]) -> list[str]:
    """WARM_UP without any text that is measured."""
    measured = {q.text for q in questions}
    return [t for t in WARM_UP if t not in measured]
