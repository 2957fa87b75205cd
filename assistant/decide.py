"""Which dialogue act a message asks for: one table of detectors, tried in order.

Each detector reads the message's Reading and the conversation's state and returns an act
(assistant/acts.py) or None. The first act found is the answer. Follow-ups come first (they need
something on screen or a current request to act on); a message that names an instructor is never
a follow-up. The rows after them read a new message; the last one always decides, from the intent
classifier's scores. A row's name says what it recognises; tests/test_decide.py has a test per row.
"""
from __future__ import annotations

import re

from assistant import wording
from assistant.acts import AskAboutShown, Clarify, Compare, Faq, PlatformInfo, Recommend, ResourceInfo, TaughtBy
from assistant.follow_ups import (about_shown, about_shown_by_name, best_for_that, compare_named_elsewhere,
                                  compare_shown, courses_for_answer, drop_filters, go_back, lean_towards, ordinal_out_of_range,
                                  organizations,
                                  page, pace, pick_among_shown, platforms, refine, rule_out, same_question_about,
                                  start_over)
from assistant.cues import ML_SUBJECT, ROLE, STEP_NUMBERS
from assistant.filters import Filters
from assistant.handlers_courses import as_the_catalog_writes
from assistant.handlers_roadmap import FAQ_CLOSE, FAQ_WEAK
from assistant.alternatives import best_on_each, names_one_course, sides_weighed
from assistant.decide_intent import act_for_intent, for_ml_engineers
from assistant.named_course import course_by_short_name, course_named_before, next_after_course
from assistant.career_rows import asks_why, declined_matter, worth_it
from assistant.textnorm import STOPWORDS, fold
from assistant.textnorm import words as word_list


# ---------------------------------------------------------------- new messages

def explain_concept(brain, session, reading):
    """"what is a neural network?": the assistant is no tutor; the courses that teach it are the
    honest answer."""
    explained = reading.cue("explain")
    if explained and brain.is_subject(explained.group(1)) and not ROLE.search(explained.group(1)):
        filters = reading.filters
        return Recommend(explained.group(1), Filters(topics=filters.topics[:1]) if filters.topics else Filters(),
                         True, 0.8, note_if_found="I don't teach concepts myself, but courses do. ")


def start_learning(brain, session, reading):
    """"how do I get started with tableau?", "where do I begin with sql": beginner courses on the
    subject (a level stated stays); where to start in ML itself is the roadmap's question."""
    start = reading.cue("start_learning")
    if not start or ML_SUBJECT.search(reading.folded):
        return None
    what = start.group("what")
    if what is None:
        # the question last ("I should pick up sql, where do I begin?"): what the message says to learn
        learned = reading.cue("learn_what")
        if not learned:
            return None
        what = learned.group("what")
    first = word_list(what)[0]
    if first in STOPWORDS or not (brain.tagger.tag(what) or brain.lexicon.is_term(first) or first in reading.subjects):
        return None     # "how do I start a career in ...": no subject named right after
    filters = reading.filters if reading.filters.level else reading.filters.merged_with(Filters(level="Beginner"))
    return Recommend(reading.query or what, filters, True, 0.8)


def about_the_roadmap(brain, session, reading):
    """"what does the roadmap say about docker", "what is step 3": the article is the subject."""
    folded = reading.folded
    if not (reading.cue("roadmap") and not reading.mentions
            and reading.filters.without("topics").without("max_hours").is_empty()):
        return None
    step = reading.cue("step") if re.search(r"\d|roadmap|article|guide", folded) else None
    numbered = [s for s in brain.knowledge.sections
                if step and re.match(rf"step {STEP_NUMBERS.get(step.group(1), step.group(1))}\b", fold(s.title))]
    if numbered:
        return Faq(folded, 0.8, section=numbered[0].id)
    entry, section, _ = brain.best_answer(folded)
    if entry is not None or section is not None:
        return Faq(folded, 0.8)


def taught_by(brain, session, reading):
    """"courses by rafael irizarry": an instructor the listings name."""
    if reading.instructors:
        return TaughtBy(reading.instructors[0], reading.filters)


def unknown_teacher(brain, session, reading):
    """"courses taught by andrew ng": a name the listings don't give; the roadmap may name them."""
    cue, filters, folded = reading.cue("teacher"), reading.filters, reading.folded
    if not cue or filters.organization or filters.provider or filters.topics:
        return None
    name = [w for w in word_list(folded[cue.end():]) if w not in STOPWORDS][:3]
    entry, _, score = brain.best_answer(folded)
    written = set(word_list(" ".join((entry.question, *entry.phrasings, entry.answer)))) if entry else set()
    if entry is not None and score >= FAQ_CLOSE and name and all(w in written for w in name):
        return Faq(folded, 0.8)
    return Clarify(wording.NO_TEACHER_LOOKUP, ("Machine learning courses", "Best Python course for beginners"), 0.8)


def article_resource(brain, session, reading):
    """"tell me about fast.ai": a resource the article names that the catalog doesn't list."""
    resources = reading.resources
    if resources and (not reading.mentions or re.search(rf"\b{re.escape(resources[0].kind)}\b", reading.folded)) \
            and (reading.cue("info") or reading.cue("explain") or len(reading.tokens) <= 4):
        return ResourceInfo(resources[0])


def alternatives(brain, session, reading):
    """"AWS Data Specialty or Solution Architect?", "certification vs postgrad": two things weighed.
    Career matters go to the roadmap; courses the catalog lists are compared; a side it has no
    course on is said plainly, and the other side (or the nearest subject) shown."""
    if not (reading.alternatives or reading.named_pair) or len(reading.mentions) >= 2:
        return None
    sides = sides_weighed(brain, reading)
    if not reading.alternatives and not all(names_one_course(brain, side) for side in sides):
        return None     # "the difference between a data analyst and a data scientist": roles, not courses
    kinds = [side.kind for side in sides]
    if "resource" in kinds and reading.resources:
        # "the DL specialization or fast.ai?": the roadmap's word on what it names (the entry
        # that recommends it), else what the article says of it
        entry, _, score = brain.best_answer(reading.folded)
        return Faq(reading.folded, 0.8) if entry is not None and score >= FAQ_WEAK else ResourceInfo(reading.resources[0])
    if "career" not in kinds and not (reading.filters.topics or reading.terms or brain.names_learning(reading.folded)):
        return None     # "hit or stay at 17", "a human being or a computer": nothing of learning here
    if kinds == ["career", "career"]:
        # each side's question: the message without the other side ("phd ... data scientist")
        folded, role = for_ml_engineers(brain, reading)
        questions = [" ".join(w for w in word_list(folded) if w not in words_of(other.label) - words_of(side.label))
                     for side, other in (sides, sides[::-1])]
        return Faq(folded, 0.8, role=role, weighed=tuple((side.label, q) for side, q in zip(sides, questions)))
    if "subject" in kinds and "missing" in kinds and brain.speaks_of_learning(reading.folded):
        # "knockoutjs or react?": said plainly that one has no course, and the other's courses shown
        subject, missing = sorted(sides, key=lambda side: side.kind == "missing")
        return Recommend(" ".join(word_list(subject.label)), reading.filters, True, 0.8,
                         note=f"The catalog has no course on {missing.label}. Here is what it has on {subject.label}. ")
    if kinds == ["subject", "subject"] and (brain.speaks_of_learning(reading.folded) or reading.filters.level) \
            and brain.best_answer(reading.folded)[2] < FAQ_CLOSE:
        # "hadoop vs spark, which should I learn?", "meta or google for marketing?": the roadmap
        # doesn't weigh them; the best course on each
        best = best_on_each(brain, reading, sides)
        if best:
            named = [_as_named(brain, " ".join(w for w in side.label.split()
                                               if not brain.is_filler(fold(w)) and fold(w) not in STOPWORDS) or side.label)
                     for side in sides]
            return Compare(best, 0.8, note=f"The roadmap doesn't weigh {named[0]} against {named[1]}; "
                                           "here is the best course on each. ")
    if "subject" in kinds:
        return None     # "python or java?": the classifier's reading decides (the roadmap may answer)
    missing = [side.label for side in sides if side.kind == "missing"]
    courses = list(dict.fromkeys(side.course_id for side in sides if side.course_id))
    if not missing:
        return Compare(tuple(courses), 0.9) if len(courses) == 2 else None
    note = f"The catalog has no course on {wording.either(missing)}. "
    if len(courses) == 1:
        return AskAboutShown(courses[0], 0.8, note=note + "What it has on the other: ")
    query = " ".join(w for w in reading.query.split() if not any(w in words_of(m) for m in missing))
    if query or reading.filters.topics:
        return Recommend(query, reading.filters, True, 0.8, note=note + "Here is what it has nearest. ")
    return Clarify(note + "Is there a related subject I can look for?")


def _as_named(brain, label: str) -> str:
    """A subject as the catalog or the topics write it ("html": HTML, "python": Python)."""
    key = fold(label)
    return brain.display_names.get(key) or next((name for name in brain.topic_names.values() if fold(name) == key),
                                                 None) or as_the_catalog_writes(brain, key, sorted(brain.courses_about(key)))


def about_a_platform(brain, session, reading):
    """"Udemy is good or not?", "tell me about edx": one platform named, no subject or course."""
    provider = reading.filters.provider
    if provider and not (reading.query or reading.filters.topics or reading.mentions) \
            and reading.filters.without("provider").is_empty() \
            and (reading.cue("worth") or reading.cue("info") or reading.cue("explain") or reading.cue("catalog")
                 or len(reading.tokens) == 1):
        return PlatformInfo(provider)


def words_of(text: str) -> set[str]:
    return set(word_list(text))


def classified(brain, session, reading):
    """Everything else: the intent classifier's reading, checked against what the message names."""
    return act_for_intent(brain, session, reading)


# The table: (name, detector, is a follow-up). The first detector to return an act decides.
DETECTORS = (
    ("go back", go_back, True),
    ("start over", start_over, True),
    ("pick among shown", pick_among_shown, True),
    ("compare platforms", platforms, True),
    ("compare organizations", organizations, True),
    ("compare a course not in the catalog", compare_named_elsewhere, True),
    ("compare shown", compare_shown, True),
    ("page", page, True),
    ("best for that", best_for_that, True),
    ("same question about", same_question_about, True),
    ("courses for the answer", courses_for_answer, True),
    ("pace", pace, True),
    ("ordinal out of range", ordinal_out_of_range, True),
    ("about shown", about_shown, True),
    ("drop filters", drop_filters, True),
    ("lean towards", lean_towards, True),
    ("rule out", rule_out, True),
    ("refine", refine, True),
    ("about shown by name", about_shown_by_name, True),
    ("explain a concept", explain_concept, False),
    ("start learning a subject", start_learning, False),
    ("about the roadmap", about_the_roadmap, False),
    ("taught by", taught_by, False),
    ("unknown teacher", unknown_teacher, False),
    ("article resource", article_resource, False),
    ("alternatives", alternatives, False),
    ("a matter it declines", declined_matter, False),
    ("about a platform", about_a_platform, False),
    ("what next after a course", next_after_course, False),
    ("a course by its short name", course_by_short_name, False),
    ("a course named before the question", course_named_before, False),
    ("is it worth it", worth_it, False),
    ("asks why", asks_why, False),
    ("classified", classified, False),
)


def decide(brain, session, reading):
    """(the row's name, its act, whether it is a follow-up) for the message."""
    compared = bool(reading.cue("compare"))
    for name, detector, follow_up in DETECTORS:
        if follow_up and (reading.instructors or (compared and name not in _COMPARE_ROWS)):
            continue
        act = detector(brain, session, reading)
        if act is not None:
            return name, act, follow_up
    raise AssertionError("the last detector always decides")


# A comparison cue that no comparison row took is not a follow-up of any other kind: it goes to
# the rows for new messages ("compare python courses").
_COMPARE_ROWS = frozenset(("go back", "start over", "pick among shown", "compare platforms", "compare organizations",
                           "compare a course not in the catalog", "compare shown"))
