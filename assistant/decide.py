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
from assistant.acts import (AskAboutShown, Clarify, Compare, ComparePlatforms, DropFilters, Faq, GoBack, OutOfScope,
                            Pace, PickAmongShown, Recommend, ResourceInfo, RuleOut, SmallTalk, StartOver, TaughtBy)
from assistant.cues import ROLE, STEP_NUMBERS, SWITCH_TOPIC
from assistant.filters import Filters, wants_popular, wants_quality
from assistant.handlers_roadmap import FAQ_CLOSE
from assistant.alternatives import resolve
from assistant.decide_intent import act_for_intent, for_ml_engineers
from assistant.references import dropped_filters, referenced, refinement
from assistant.reading import topical_query
from assistant.scope import COURSE_INTENTS, SURE, decide_scope, only_names_topics, read_scope
from assistant.textnorm import STOPWORDS, fold
from assistant.textnorm import words as word_list


# ---------------------------------------------------------------- follow-ups

def go_back(brain, session, reading):
    if reading.cue("go_back"):
        if session.previous is None:
            return Clarify(wording.NOTHING_TO_GO_BACK)
        return GoBack()


def start_over(brain, session, reading):
    if reading.cue("start_over"):
        return StartOver()


def pick_among_shown(brain, session, reading):
    """"which one is cheapest?", "the best rated one"."""
    if session.results and reading.cue("which_shown") and len(reading.mentions) < 2:
        return PickAmongShown(reading.cue("which_shown").group(1))


def platforms(brain, session, reading):
    """"how is coursera different from edx", "coursera or edx for sql?", "compare udemy and edx"."""
    if not (reading.cue("platform") or reading.cue("compare")) or (reading.cue("compare") and len(reading.mentions) >= 2):
        return None
    providers = [p for pattern, p in brain.vocabulary.provider_patterns if pattern.search(reading.folded)]
    if len(providers) < 2:
        return None
    filters = reading.filters
    query = topical_query(reading.folded, brain, filters)
    if not query and not filters.topics:
        return Clarify(f"I compare courses rather than whole platforms: {' and '.join(providers)} each have "
                       "strong and weak courses. Tell me a subject and I'll compare the best of each.",
                       (f"Compare Python courses on {providers[0]} and {providers[1]}", "Compare data science courses"), 0.9)
    wanted = filters.without("provider")
    # Only a course on that platform speaks for it (the ranker may relax the platform away).
    picks = [c for p in providers for c in brain.ranker.rank(query, wanted.merged_with(Filters(provider=p)),
                                                              lean_on_quality=True, limit=1).courses if c.provider == p]
    if len(picks) >= 2:
        return ComparePlatforms(tuple(c.id for c in picks), query, wanted)


def compare_named_elsewhere(brain, session, reading):
    """"compare it with fast.ai's course": a course the catalog doesn't list can't be compared."""
    if reading.cue("compare") and len(reading.mentions) < 2 and reading.resources:
        return ResourceInfo(reading.resources[0], note="I can only compare courses in the catalog. ")


def compare_shown(brain, session, reading):
    """"compare the first two", "which is better?" with courses on screen."""
    if not reading.cue("compare") or len(reading.mentions) >= 2:
        return None
    filters, has_results = reading.filters, bool(session.results)
    refs = referenced(brain, session, reading) if has_results else []
    if len(refs) >= 2:
        return Compare(tuple(c.id for c in refs), 1.0)
    if not has_results and not filters.topics and not reading.mentions and reading.cue("pointing"):
        return Clarify(wording.NOTHING_TO_COMPARE, tuple(wording.COMPARE_SUGGESTIONS))
    if has_results and not filters.topics and not reading.mentions:
        return Compare(tuple(session.results[:3]), 0.9)


def page(brain, session, reading):
    """"show me more", "something else", "none of these look good"."""
    if reading.cue("more"):
        if session.query or not session.filters.is_empty():
            return Recommend(session.query, session.filters, session.lean_on_quality, 1.0, page=True)
        return Clarify(wording.MORE_OF_WHAT)


def best_for_that(brain, session, reading):
    """"recommend a course for that" after courses: the best of the current request."""
    if not session.last_faq and reading.cue("for_that") and (session.query or session.filters.topics):
        return Recommend(session.query, session.filters, True, 0.9)


def same_question_about(brain, session, reading):
    """"what about a phd?" after an FAQ answer: the same kind of question about something else."""
    if session.last_faq and reading.cue("switch_topic") and not reading.filters.topics:
        rest = SWITCH_TOPIC.sub("", reading.folded).strip()
        entry, _, score = brain.best_answer(rest) if rest else (None, None, 0.0)
        if entry is not None and score >= FAQ_CLOSE:
            return Faq(rest, 0.8)


def courses_for_answer(brain, session, reading):
    """"any courses for that?" after an FAQ answer: courses on what it was about."""
    filters = reading.filters
    if session.last_faq and (reading.cue("for_that") or (
            reading.cue("courses_word") and not topical_query(reading.folded, brain, filters) and filters.is_empty())):
        entry = brain.knowledge.faq_by_id[session.last_faq]
        topics = entry.topics or ()
        query = " ".join(brain.topic_names.get(t, t) for t in topics) or entry.question
        return Recommend(query, Filters(topics=topics[:1]).merged_with(filters.without("topics")), True, 0.9,
                         fresh=True)


def pace(brain, session, reading):
    if session.results and reading.cue("weekly_time") and reading.filters.is_empty():
        return Pace()


def ordinal_out_of_range(brain, session, reading):
    """"the third one" when two are shown: ask which."""
    if session.results and reading.cue("nth") and not referenced(brain, session, reading, fragments=False) \
            and len(reading.tokens) <= 6 and reading.filters.is_empty():
        count = len(session.results)
        return Clarify(f"The last answer showed {count} course{'s' if count != 1 else ''}. Which one did you mean?",
                       tuple(f"Tell me about the {name} one" for name in ("first", "second", "third")[:count]))


def _named_elsewhere(session, reading) -> bool:
    # A course named that isn't on screen makes it a new question: the "first" of "First Step
    # Korean" points at no card.
    return any(m.course.id not in session.results for m in reading.mentions)


def _about(reading, refs, explicit: bool = True, confidence: float = 0.95):
    """Details (or a comparison) of courses the message points at; a short message like "the
    second one" is enough when it points explicitly, a title fragment needs a question with it."""
    short = explicit and len(reading.tokens) <= 4
    if refs and (reading.cue("info") or short or (reading.cue("one") and not explicit)):
        if len(refs) >= 2 and not reading.cue("info"):
            return Compare(tuple(c.id for c in refs), 0.9)
        return AskAboutShown(refs[0].id, confidence)
    return None


def about_shown(brain, session, reading):
    """"tell me more about the second one", "is it free?", after details "any reviews?"."""
    if not session.results:
        return None
    refs = referenced(brain, session, reading, fragments=False)
    if not refs and (reading.cue("about_it") or (
            session.last_intent == "course_info" and reading.cue("attribute")
            and len(reading.tokens) <= 5 and reading.filters.is_empty())):
        refs = [brain.course(session.results[0])]
    if refs and not _named_elsewhere(session, reading):
        return _about(reading, refs)


def _has_request(session) -> bool:
    return bool(session.query) or not session.filters.is_empty()


def drop_filters(brain, session, reading):
    """"any level", "paid ones too", "remove the edX filter"."""
    if _has_request(session):
        names = dropped_filters(brain, session, reading)
        if names is not None:
            return DropFilters(tuple(names))


def lean_towards(brain, session, reading):
    """"something with more hands-on projects": the same request, leaning that way."""
    wanted_more = reading.cue("with_more")
    if _has_request(session) and wanted_more and reading.filters.is_empty():
        extra = topical_query(wanted_more.group(1), brain)
        if extra:
            # best match first: what was just asked for must weigh more than ratings
            return Recommend(f"{session.query} {extra}".strip(), session.filters, False, 0.9)


def rule_out(brain, session, reading):
    """"not interested in tableau": the same request without courses about it."""
    avoided = reading.cue("avoid")
    if _has_request(session) and avoided and (brain.is_subject(avoided.group(1)) or brain.courses_about(
            avoided.group(1)) & set(session.results)):
        return RuleOut(" ".join(word_list(avoided.group(1))))


def refine(brain, session, reading):
    """"only free ones", "something more advanced", "cheaper", "on edx", "what about deep learning"."""
    if not _has_request(session):
        return None
    refined = refinement(brain, session, reading)
    if refined is not None:
        filters = reading.filters
        query = topical_query(reading.folded, brain, filters) if set(filters.topics) - set(session.filters.topics) \
            else session.query
        return Recommend(query, refined, session.lean_on_quality, 0.95)


def about_shown_by_name(brain, session, reading):
    """"the Michigan one", a title on screen with a question."""
    if session.results and not reading.cue("courses_word"):
        refs = referenced(brain, session, reading)
        if refs and not _named_elsewhere(session, reading):
            return _about(reading, refs, explicit=False)


# ---------------------------------------------------------------- new messages

def explain_concept(brain, session, reading):
    """"what is a neural network?": the assistant is no tutor; the courses that teach it are the
    honest answer."""
    explained = reading.cue("explain")
    if explained and brain.is_subject(explained.group(1)) and not ROLE.search(explained.group(1)):
        filters = reading.filters
        return Recommend(explained.group(1), Filters(topics=filters.topics[:1]) if filters.topics else Filters(),
                         True, 0.8, note_if_found="I don't teach concepts myself, but courses do. ")


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
    if not reading.alternatives or len(reading.mentions) >= 2:
        return None
    sides = [resolve(brain, label) for label in reading.alternatives]
    kinds = [side.kind for side in sides]
    if "career" not in kinds and not (reading.filters.topics or reading.terms or brain.names_learning(reading.folded)):
        return None     # "hit or stay at 17", "a human being or a computer": nothing of learning here
    if kinds == ["career", "career"]:
        # each side's question: the message without the other side ("phd ... data scientist")
        folded, role = for_ml_engineers(brain, reading)
        questions = [" ".join(w for w in word_list(folded) if w not in words_of(other.label) - words_of(side.label))
                     for side, other in (sides, sides[::-1])]
        return Faq(folded, 0.8, role=role, weighed=tuple((side.label, q) for side, q in zip(sides, questions)))
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
        return Recommend(query, reading.filters, True, 0.8, note=note + "The nearest it has: ")
    return Clarify(note + "Is there a related subject I can look for?")


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
    ("about the roadmap", about_the_roadmap, False),
    ("taught by", taught_by, False),
    ("unknown teacher", unknown_teacher, False),
    ("article resource", article_resource, False),
    ("alternatives", alternatives, False),
    ("classified", classified, False),
)


def decide(brain, session, reading):
    """(the row's name, its act, whether it is a follow-up) for the message."""
    for name, detector, follow_up in DETECTORS:
        if follow_up and (reading.instructors or _compare_passes(reading, name)):
            continue
        act = detector(brain, session, reading)
        if act is not None:
            return name, act, follow_up
    raise AssertionError("the last detector always decides")


def _compare_passes(reading, name: str) -> bool:
    """A comparison cue that no comparison row took is not a follow-up of any other kind: it goes
    to the rows for new messages ("compare python courses")."""
    return bool(reading.cue("compare")) and name not in _COMPARE_ROWS


_COMPARE_ROWS = frozenset(("go back", "start over", "pick among shown", "compare platforms",
                           "compare a course not in the catalog", "compare shown"))
