"""The editors' inbox as plain data: what the log says about a period, table by table.

`build_inbox(store, since)` reads the turns, votes and clicks of the period and returns each
table as a list of rows (dicts with the columns of `TABLES`): the /admin page renders them, the
CSV export writes them, `course-assistant review` prints the unanswered groups.

Unanswered questions (refused, asked back, "the roadmap doesn't cover that", low confidence) are
grouped by similarity: TF-IDF over the character n-grams of their content words (so typos,
word order and "any good ... course" matter little); questions whose cosine similarity reaches
`SIMILAR` are one group (linked through each other), led by its most frequent question.

>>> groups = group_questions([{"message": m, "kind": "refused", "reply_text": "Sorry.", "at": 1.0}
...     for m in ["photoshop course?", "Photoshop courses", "a photoshop course please", "how to bake bread"]])
>>> [(g["count"], g["example"]) for g in groups]
[(3, 'a photoshop course please'), (1, 'how to bake bread')]
"""
from __future__ import annotations

import re
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone

from assistant.turn_record import UNANSWERED_KINDS

SIMILAR = 0.35                  # cosine similarity at which two questions are one group
GENERIC_WORDS = frozenset("""course courses class classes tutorial tutorials lesson lessons learn learning study
beginner beginners best good great top want need looking find recommend recommendation suggest please online help
tell know like way start thing things hi hello hey thanks thank does did do can could would should""".split())
_WORD = re.compile(r"[a-z0-9+#]+")
MAX_DISTINCT = 3000             # distinct questions grouped per kind at most (the most frequent)
KIND_LABELS = {"refused": "Refused", "asked_back": "Asked back", "not_covered": "Not covered by the roadmap",
               "low_confidence": "Low confidence"}
TABLES = {
    "days": ("day", "conversations", "messages", "unanswered", "thumbs_up", "thumbs_down", "course_clicks"),
    "unanswered": ("kind", "count", "variants", "example", "other_examples", "example_reply", "last_asked"),
    "thumbs_down": ("when", "message", "reply", "intent", "kind", "conversation"),
    "subjects": ("subject", "name", "asked"),
    "clicks": ("course_id", "title", "clicks", "shown"),
}
_PERIOD = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400}


def parse_period(text: str) -> float:
    """'7d', '24h', '2w' as seconds; ValueError for anything else.

    >>> parse_period("7d"), parse_period("12h")
    (604800.0, 43200.0)
    """
    match = _PERIOD.match(str(text))
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"a period is a number and h, d or w (24h, 7d, 2w); got {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def content_words(text: str) -> str:
    """The words that say what a question is about: without English stop words and the words
    every question here has ("course", "learn", "best"); the text itself when nothing is left.

    >>> content_words("Any good Photoshop classes for beginners?")
    'photoshop'
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    words = [w for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS and w not in GENERIC_WORDS]
    return " ".join(words) or text.lower()


def _normal(text: str) -> str:
    return " ".join(str(text).lower().split())


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d %H:%M")


def group_questions(turns: list[dict], threshold: float = SIMILAR) -> list[dict]:
    """Unanswered turns of one kind as groups of similar questions, largest first."""
    if not turns:
        return []
    by_text: dict[str, list[dict]] = defaultdict(list)
    for turn in turns:
        by_text[_normal(turn["message"])].append(turn)
    texts = sorted(by_text, key=lambda t: (-len(by_text[t]), t))[:MAX_DISTINCT]
    leader_of = list(range(len(texts)))
    if len(texts) > 1:
        import numpy
        from scipy.sparse.csgraph import connected_components
        from sklearn.feature_extraction.text import TfidfVectorizer
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True,
                                  dtype=numpy.float32).fit_transform([content_words(t) for t in texts])
        similar = (vectors @ vectors.T).tocsr()
        similar.data = (similar.data >= threshold).astype(numpy.int8)
        similar.eliminate_zeros()
        _, component = connected_components(similar, directed=False)
        first_of: dict[int, int] = {}
        for index, label in enumerate(component):   # texts are most frequent first: the first leads
            leader_of[index] = first_of.setdefault(int(label), index)
    members: dict[int, list[str]] = defaultdict(list)
    for index, leader in enumerate(leader_of):
        members[leader].append(texts[index])
    groups = []
    for leader, group_texts in members.items():
        group_turns = [turn for text in group_texts for turn in by_text[text]]
        first = by_text[texts[leader]]
        groups.append({
            "kind": first[0]["kind"],
            "count": len(group_turns),
            "variants": len(group_texts),
            "example": first[-1]["message"],
            "other_examples": [by_text[t][-1]["message"] for t in group_texts[1:4]],
            "example_reply": first[-1]["reply_text"],
            "last_asked": _when(max(turn["at"] for turn in group_turns)),
        })
    groups.sort(key=lambda g: (-g["count"], g["example"].lower()))
    return groups


def build_inbox(store, since: float, knowledge=None, now: float | None = None) -> dict:
    """Every table of the inbox for the period from `since` seconds ago until now."""
    now = time.time() if now is None else now
    start = now - since
    turns = store.turns_since(start)
    clicks = store.clicks_since(start)
    by_turn = {turn["turn_id"]: turn for turn in turns}
    # Only a vote from the turn's own conversation counts (turn ids are not secret).
    votes = [vote for vote in store.votes_since(start) if vote["turn_id"] in by_turn
             and by_turn[vote["turn_id"]]["conversation"] == vote["conversation"]]

    days: dict[str, dict] = {}

    def day_of(at: float) -> dict:
        key = datetime.fromtimestamp(at, timezone.utc).strftime("%Y-%m-%d")
        return days.setdefault(key, {"day": key, "conversations": set(), "messages": 0, "unanswered": 0,
                                     "thumbs_up": 0, "thumbs_down": 0, "course_clicks": 0})

    for turn in turns:
        day = day_of(turn["at"])
        day["conversations"].add(turn["conversation"])
        day["messages"] += 1
        day["unanswered"] += turn["kind"] in UNANSWERED_KINDS
    for vote in votes:
        if vote["vote"] in ("up", "down"):
            day_of(vote["at"])["thumbs_" + vote["vote"]] += 1
    for click in clicks:
        day_of(click["at"])["course_clicks"] += 1
    day_rows = [dict(row, conversations=len(row["conversations"])) for _, row in sorted(days.items())]

    unanswered = []
    for kind in UNANSWERED_KINDS:
        unanswered += group_questions([turn for turn in turns if turn["kind"] == kind])
    unanswered.sort(key=lambda g: (-g["count"], g["example"].lower()))

    thumbs_down = []
    for vote in sorted(votes, key=lambda v: -v["at"]):
        turn = by_turn[vote["turn_id"]]
        if vote["vote"] == "down":
            thumbs_down.append({"when": _when(vote["at"]), "message": turn["message"], "reply": turn["reply_text"],
                                "intent": turn["intent"], "kind": turn["kind"], "conversation": turn["conversation"]})

    topics = getattr(knowledge, "topic_by_id", {}) or {}
    asked = Counter(subject for turn in turns for subject in dict.fromkeys(turn["subjects"]))
    subjects = [{"subject": subject, "name": getattr(topics.get(subject), "name", subject), "asked": count}
                for subject, count in sorted(asked.items(), key=lambda kv: (-kv[1], kv[0]))]

    courses = getattr(knowledge, "course_by_id", {}) or {}
    shown = Counter(course for turn in turns for course in turn["courses"])
    clicked = Counter(click["course_id"] for click in clicks)
    click_rows = [{"course_id": course, "title": getattr(courses.get(course), "title", ""), "clicks": count,
                   "shown": shown.get(course, 0)}
                  for course, count in sorted(clicked.items(), key=lambda kv: (-kv[1], kv[0]))]

    return {
        "since": start, "until": now, "turns": len(turns), "votes": len(votes),
        "conversations": len({turn["conversation"] for turn in turns}),
        "tables": {"days": day_rows, "unanswered": unanswered, "thumbs_down": thumbs_down,
                   "subjects": subjects, "clicks": click_rows},
    }
