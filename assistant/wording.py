"""How replies say things: the request described in words, filters by name, suggestion chips and
the fixed sentences of asking back. Handlers build replies from these; they hold no wording of
their own beyond the sentence that carries a result.
"""
from __future__ import annotations

import re

from assistant.filters import Filters
from assistant.textnorm import normalize_word, tokenize

FILTER_LABELS = {"level": "level", "free": "'free'", "max_price": "price cap", "provider": "provider",
                 "organization": "organization", "max_hours": "time limit", "min_rating": "minimum rating",
                 "language": "language", "certificate": "certificate", "program": "program", "topics": "topic"}

NOTHING_TO_GO_BACK = "There's nothing to go back to yet. What would you like to learn?"
FRESH_START = "Sure, a fresh start. What would you like to learn?"
MORE_OF_WHAT = "More of what? Tell me a topic and I'll find courses."
NOTHING_TO_COMPARE = "There's nothing to compare yet. Tell me what you'd like to learn, or name two courses."
WHICH_TO_COMPARE = "Which courses should I compare? Name two, or a subject."
WHICH_COURSE = "Which course would you like to know about? Tell me its title."
WHAT_TO_LEARN = "Happy to find you a course. What would you like to learn?"
TWO_WAYS = "I can read that two ways. Which did you mean?"
ENGLISH_PLEASE = ("I read questions in English best, and I couldn't place this one. Could you ask in English? "
                  "Courses in other languages are in the catalog: \"python courses in Spanish\", for example.")
NO_TEACHER_LOOKUP = ("I can't look courses up by teacher: most listings don't name their instructors (only some "
                     "edX courses do), and that name isn't among them. Tell me the subject they teach and I'll "
                     "find courses on it.")
PACE = ("That works: online courses are mostly self-paced, so a course listed as a few weeks or months simply "
        "takes longer at a few hours a week. If you'd rather finish sooner, ask for shorter ones.")
COMPARE_SUGGESTIONS = ["Compare data science courses", "Compare Python for Everybody and Python Data Structures",
                       "Best Python course for beginners"]
SUBJECT_SUGGESTIONS = ["Python for beginners", "Machine learning", "Data science", "SQL"]


def catalog_overview(brain) -> str:
    """"what's in your catalog?": how many courses from each platform, and what to ask."""
    facts = sorted(brain.provider_facts.items(), key=lambda item: -item[1].courses)
    total = sum(f.courses for _, f in facts)
    each = listed([f"{f.courses:,} on {provider}" for provider, f in facts])
    return f"The catalog lists {total:,} courses: {each}. Tell me a subject and I'll find the best of them."


def describe_request(brain, filters: Filters, query: str, count: int = 2, shown=()) -> str:
    """"free beginner Python courses on edX under 10 hours": the request in words."""
    words = []
    if filters.free:
        words.append("free")
    if filters.level:
        words.append(filters.level.lower())
    subject = ", ".join(brain.subject_name(t, query, shown) for t in filters.topics)
    if query and not subject and (filters.organization or filters.provider):
        # "courses by Google": the organization says it, once ("Google courses", not "google courses from Google").
        named = set(tokenize(f"{filters.organization or ''} {filters.provider or ''}"))
        query = " ".join(w for w in query.split() if normalize_word(w) not in named)
    words.append(subject or (query if query else ""))
    words.append("course" if count == 1 else "courses")
    tail = []
    if filters.provider:
        tail.append(f"on {filters.provider}")
    if filters.organization:
        tail.append(f"from {filters.organization}")
    if filters.max_price is not None:
        tail.append(f"under ${filters.max_price:g}")
    if filters.max_hours is not None:
        tail.append(f"under {filters.max_hours:g} hours")
    if filters.min_rating is not None:
        tail.append(f"rated {filters.min_rating:g}+/5")
    if filters.certificate:
        tail.append("with a certificate")
    if filters.program:
        tail.append(f"in {article(filters.program)} {filters.program} program")
    if filters.language:
        tail.append(f"in {filters.language}")
    if len(tail) > 1:
        tail = tail[:-2] + [f"{tail[-2]} and {tail[-1]}"]
    return " ".join(w for w in words + [", ".join(tail)] if w)


def relaxed_name(name: str, filters: Filters, topic_names: dict | None = None) -> str:
    """How a reply names a filter it had to drop to find anything."""
    if name == "more_topics":
        return " and ".join(f"'{(topic_names or {}).get(t, t)}'" for t in filters.topics[1:])
    value = getattr(filters, name)
    if name == "free":
        return "'free'"
    if name == "topics":
        return "the topic"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"max_price": f"the ${value:g} cap", "max_hours": f"the {value:g}-hour limit",
                "min_rating": f"the {value:g}+ rating"}.get(name, name)
    if isinstance(value, str):
        return f"'{value}'"
    return {"certificate": "the certificate"}.get(name, name)


def filter_labels(names: list[str]) -> list[str]:
    """How a reply names these filters; 'free' with its price cap is one filter to the learner."""
    return list(dict.fromkeys(FILTER_LABELS[n] for n in names if not (n == "max_price" and "free" in names)))


def recommend_suggestions(filters: Filters, count: int) -> list[str]:
    options = []
    if count >= 2:
        options.append("Compare the first two")
    if not filters.free:
        options.append("Only free ones")
    if filters.level != "Advanced":
        options.append("Something more advanced")
    else:
        options.append("For beginners")
    options.append("Show me more")
    return options[:4]


def intent_option(intent: str, text: str) -> str:
    """A chip that says one way of reading the message."""
    return {"recommend": f"Find courses: {text}", "compare": f"Compare: {text}",
            "course_info": f"Tell me about {text}", "faq": f"Career question: {text}"}.get(intent, text)


def as_written(text: str, word: str) -> str:
    """A word of the message as the learner wrote it ("ExtJS", not "extjs")."""
    found = re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE)
    return found.group(0) if found else word


def either(names) -> str:
    return " or ".join(names)


def listed(names) -> str:
    """"a, b and c"."""
    names = list(names)
    return ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1] if names else ""


# After a matter it declines (declines.yaml): what it can do instead.
WHAT_I_DO = "What I can do: find online courses, compare them, and answer questions about becoming a machine learning engineer."


def article(name: str) -> str:
    """'a' or 'an' before a name: "a MicroMasters", "an XSeries"."""
    return "an" if name[:1].upper() in "AEIOX" else "a"
