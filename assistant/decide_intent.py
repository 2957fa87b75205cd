"""The last row of the detector table: a new message decided by the intent classifier's scores,
checked against what the Reading found.

The steps, in order: the scope decision (assistant/scope.py); corrections of the classifier's
choice by what the message names (two titles and a comparison cue, a pasted title, a filter that
makes a question a course request); asking back when two readings are close; then the act for the
intent.
"""
from __future__ import annotations

import re

from assistant import wording
from assistant.acts import AskAboutShown, Clarify, Compare, Faq, OutOfScope, Recommend, SmallTalk
from assistant.cues import INFO, ML_SUBJECT
from assistant.filters import Filters, wants_popular, wants_quality
from assistant.handlers_roadmap import FAQ_CLOSE
from assistant.references import referenced
from assistant.reading import topical_query
from assistant.scope import COURSE_INTENTS, SURE, decide_scope, only_names_topics, read_scope
from assistant.textnorm import normalize_word, words
from assistant.textnorm import words as word_list

SMALL_TALK = ("greet", "thanks", "goodbye", "help")
BOOKS_NOTE = "I list courses rather than books. "


def act_for_intent(brain, session, reading):
    folded, filters, text = reading.folded, reading.filters, reading.text
    scores, mentions, evidence = read_scope(reading)
    intent, confidence = decide_scope(brain, scores, evidence, folded, brain.threshold,
                                      asks_for_material=reading.wants_material and bool(filters.topics or reading.terms))
    if len(mentions) >= 2 and reading.cue("compare"):
        intent = "compare"          # two courses named with "vs", "compare", "which is better"
    elif intent == "out_of_scope" and confidence < SURE and any(m.full and len(word_list(m.course.title)) >= 3
                                                                for m in mentions):
        intent = "course_info"      # a course's whole title, with a question the classifier can't place
    if intent == "out_of_scope":
        kept = _not_refused(brain, reading, evidence)
        if kept is None and reading.other_language:
            return Clarify(wording.ENGLISH_PLEASE, ("Python courses in Spanish", "Courses in German"), confidence)
        return kept or OutOfScope(confidence)
    course_side = [(i, p) for i, p in scores.ranking if i in COURSE_INTENTS]
    if intent == "help" and ((filters.topics and reading.cue("help_find")) or (
            (reading.terms or reading.missing) and reading.wants_material and confidence < SURE)):
        intent = "recommend"        # "can you help me find a python course?", "please do a course in X"
    if (intent == "faq" and filters.topics and wants_quality(folded) and reading.cue("course_word")
            and not filters.without("topics").without("max_hours").is_empty()):
        intent = "recommend"        # "the best free course for machine learning": the filter is the point
    if intent in SMALL_TALK:
        return SmallTalk(intent, confidence)
    if mentions and mentions[0].full and len(word_list(mentions[0].course.title)) >= 3 \
            and mentions[0].end - mentions[0].start >= 0.8 * len(" ".join(reading.words)) \
            and not brain.names_only_subjects(mentions[0].course.title):
        intent = "course_info"      # a course's title pasted as it is ("Object Oriented Programming in Java" is a subject too)
    if intent in COURSE_INTENTS and len(course_side) > 1 and intent != "course_info":
        (first, p1), (second, p2) = course_side[0], course_side[1]
        if p1 - p2 < brain.clarify_margin:
            if not evidence and p1 < 0.6 and not ({first, second} == {"faq", "recommend"}
                                                  and brain.names_roadmap_subject(folded)):
                return OutOfScope(scores.probability("out_of_scope"))
            # Asking back is worth it when a topic could mean courses or the roadmap's advice;
            # a stated filter ("free", "for beginners", "on edX") means courses.
            if {first, second} == {"faq", "recommend"} and (
                    not filters.without("topics").is_empty() or reading.other_language
                    or (reading.wants_material and reading.has_subject and not _roadmap_answers(brain, reading))):
                # a filter, material asked for on a subject, or a subject named in another language: courses
                intent = "recommend"
            elif {first, second} == {"faq", "recommend"}:
                # each way said of the question itself, not of a long post's backstory
                asked = reading.asking or text
                return Clarify(wording.TWO_WAYS, (wording.intent_option(first, asked),
                                                  wording.intent_option(second, asked)), p1)
            elif (first, second) == ("recommend", "course_info") and mentions and mentions[0].full:
                intent = "course_info"  # a course named by its whole title, and as likely asked about as asked for
    if intent == "faq" and filters.topics and only_names_topics(folded, brain) and not (
            reading.cue("versus") and (len(filters.topics) >= 2 or confidence >= SURE)):
        intent = "recommend"       # "machine learning" alone asks for courses, not the roadmap;
        # "pytorch vs tensorflow" or "research scientist or ml engineer" asks which, and the FAQ may say
    if intent == "faq" and reading.wants_material and filters.topics and not set(filters.topics) & brain.faq_topics:
        intent = "recommend"       # material asked for on a subject the roadmap never answers about: courses
    if intent == "faq" and reading.cue("books") and filters.topics and not _book_answered(brain, reading):
        # "best book for algorithms using python": the catalog lists courses, not books; the
        # roadmap's book (on maths) answers only a question about its own subject
        return Recommend(reading.query, filters, True, confidence, note=BOOKS_NOTE)
    if intent == "faq":
        return faq_act(brain, reading, confidence)
    if intent == "compare":
        return compare_act(brain, reading, confidence)
    if intent == "course_info":
        act = course_info_act(brain, session, reading, confidence)
        if act is not None:
            return act
        # no course named, but a subject: "university of michigan python" asks for its courses
    return recommend_act(brain, reading, confidence)


def _not_refused(brain, reading, evidence: bool):
    """What a message the classifier would refuse still gets, from what the Reading found: a career
    question for another role the roadmap answers for ML engineers ("how much statistics does a
    data analyst need"), a subject the catalog lacks named with a learning word ("is the WGU MSDA
    program any good"), or a request for courses that names no subject ("which classes first?")."""
    if evidence and reading.cue("other_role"):
        question, role = for_ml_engineers(brain, reading)
        if role and brain.best_answer(question)[2] >= FAQ_CLOSE:
            return Faq(question, 0.6, role=role)
    # the catalog named ("any snowflake certs in the catalog?") asks what it lists, however the
    # classifier reads the rest
    asks_catalog = bool(reading.cue("catalog"))
    if reading.wants_material and reading.subjects and (asks_catalog or scores_favour_courses(reading.scores)):
        return recommend_act(brain, reading, reading.scores.probability("recommend"))   # "recommend dsa using golang"
    if asks_catalog and not (reading.has_subject or reading.terms or reading.missing or reading.filters.provider):
        return Clarify(wording.catalog_overview(brain), tuple(wording.SUBJECT_SUGGESTIONS))    # "what's in your catalog?"
    if (asks_catalog or brain.speaks_of_learning(reading.folded)) and not reading.has_subject and not reading.terms:
        if reading.missing and any(brain.nearest_subject(w) for w in reading.missing):
            return recommend_act(brain, reading, 0.5)      # "study physiotherapy": the nearest it has
        if reading.missing:
            named = wording.either(wording.as_written(reading.text, w) for w in reading.missing[:2])
            return Clarify(f"The catalog has no course on {named}, sorry. Is there a related subject I can look for?")
        if reading.cue("course_word") and not reading.query:
            return Clarify(wording.WHAT_TO_LEARN, tuple(wording.SUBJECT_SUGGESTIONS))
    return None


def scores_favour_courses(scores) -> bool:
    """The classifier reads a request (for courses, or for help finding them) and is far from
    sure the message is out of scope."""
    return (scores.intent == "recommend" or (scores.intent == "help" and scores.confidence < SURE)) \
        and scores.probability("out_of_scope") < 0.2


def _book_answered(brain, reading) -> bool:
    """The roadmap answers with a book on a subject the message names ("a book for the maths of
    ml"); its answer about SQL names no book."""
    entry, _, score = brain.best_answer(reading.folded)
    return entry is not None and score >= FAQ_CLOSE and bool(set(entry.topics) & set(reading.filters.topics)) \
        and "book" in brain.concepts.tag(f"{entry.question} {entry.answer}")


def _roadmap_answers(brain, reading) -> bool:
    """The roadmap has an answer about this very subject ("the best course for deep learning":
    its own pick), strong enough to give."""
    entry, _, score = brain.best_answer(reading.folded)
    return (entry is not None and score >= FAQ_CLOSE and bool(set(entry.topics) & set(reading.filters.topics))
            and "course" in words(entry.question))


def for_ml_engineers(brain, reading) -> tuple[str, str | None]:
    """(the question for the roadmap, whom it was asked for): asked for another role than ML
    engineer ("maths to become a data engineer") or about a neighbouring field's career ("is
    studying data science still worth it"), the same question for ML engineers, when the roadmap
    answers that."""
    if reading.cue("ml_role"):
        return reading.folded, None
    role, label = reading.cue("other_role"), None
    if role:
        label = normalize_word(" ".join(role.group("role").split())) + "s"
    elif reading.cue("other_field") and not (reading.cue("versus") or reading.cue("compare") or ML_SUBJECT.search(reading.folded)) \
            and set(brain.concepts.tag(reading.folded)) & brain.career_concepts:
        role = reading.cue("other_field")
        label = role.group("role")
    if role:
        folded = reading.folded
        question = folded[:role.start("role")] + "ml engineer" + folded[role.end("role"):]
        entry, section, _ = brain.best_answer(question)
        if entry is not None or section is not None:
            return question, label
    return reading.folded, None


def faq_act(brain, reading, confidence: float) -> Faq:
    question, role = for_ml_engineers(brain, reading)
    return Faq(question, confidence, role=role)


# Words that weigh one course against others, besides the comparison cues ("how does X stack up").
_WEIGHED = re.compile(r"\b(?:similar|alternatives?|others?|instead|against|than|stack|measure|like it|equivalent)\b")


def compare_act(brain, reading, confidence: float):
    mentions, filters, folded = reading.mentions, reading.filters, reading.folded
    if len(mentions) >= 2:
        return Compare(tuple(m.course.id for m in mentions), confidence)
    if len(mentions) == 1 and not reading.cue("category"):
        named = mentions[0].course
        if not (reading.cue("compare") or reading.cue("versus") or _WEIGHED.search(folded)):
            # One course and no word of weighing: courses on its subject when its title is only
            # subjects and courses are asked for ("which course for neural networks and deep
            # learning"), else a question about it ("would X be worth my while").
            if reading.cue("course_word") and not (reading.cue("worth") or reading.cue("info")) \
                    and brain.names_only_subjects(named.title):
                return recommend_act(brain, reading, confidence)
            return AskAboutShown(named.id, confidence)
        others = brain.ranker.rank(topical_query(folded, brain) or named.title, Filters(topics=named.topics[:1]),
                                   lean_on_quality=True, exclude={named.id}, limit=1).courses
        return Compare((named.id, *(c.id for c in others)), confidence)
    query = topical_query(folded, brain, filters)
    # Courses on what the message names; none picked up from stray words when it names nothing to
    # learn ("one candidate lists skills, the other courses: who would you hire?").
    if (query or filters.topics) and (filters.topics or reading.subjects or reading.terms or filters.organization):
        result = brain.ranker.rank(query, filters, lean_on_quality=True, limit=3)
        if len(result.courses) >= 2:
            return Compare(tuple(c.id for c in result.courses), confidence, request=(query, filters, True))
    if set(brain.concepts.tag(folded)) & brain.career_concepts and brain.best_answer(folded)[2] >= FAQ_CLOSE:
        return Faq(folded, confidence)      # two career matters weighed: the roadmap's answer
    return Clarify(wording.WHICH_TO_COMPARE, tuple(wording.COMPARE_SUGGESTIONS), confidence)


def course_info_act(brain, session, reading, confidence: float):
    if reading.mentions:
        return AskAboutShown(reading.mentions[0].course.id, confidence)
    refs = referenced(brain, session, reading) if session.results else []
    if refs:
        return AskAboutShown(refs[0].id, confidence)
    named = brain.titles.best_named(INFO.sub(" ", reading.folded))
    if named is not None:
        return AskAboutShown(named.id, confidence * 0.8)
    if not (reading.filters.topics and not reading.cue("info")):
        return Clarify(wording.WHICH_COURSE, ("Tell me about Python for Everybody", "Best Python course for beginners"),
                       confidence)
    return None


def recommend_act(brain, reading, confidence: float):
    filters, query = reading.filters, reading.query
    missing = [w for w in reading.missing if w in query.split()]
    if missing:
        # "ExtJS", "physiotherapy": no course is about it; say so, then offer what is near
        query = " ".join(w for w in query.split() if w not in missing)
        named = wording.either(wording.as_written(reading.text, w) for w in missing[:2])
        if not query and not filters.topics:
            query = " ".join(filter(None, (brain.nearest_subject(w) for w in missing)))   # "extjs": js
            filters = filters.merged_with(Filters(topics=tuple(brain.tagger.tag(query))))
        if not query and not filters.topics:
            return Clarify(f"The catalog has no course on {named}, sorry. Is there a related subject I can look for?",
                           (), confidence)
        return Recommend(query, filters, True, confidence, note=f"The catalog has no course on {named}; here is what it has nearest. ")
    if not query and filters.is_empty():
        return Clarify(wording.WHAT_TO_LEARN, tuple(wording.SUBJECT_SUGGESTIONS), confidence)
    lean = wants_quality(reading.folded) or wants_popular(reading.folded)
    if reading.cue("books") and not reading.cue("course_word"):
        return Recommend(query, filters, True, confidence, note=BOOKS_NOTE)     # "best book to learn sql"
    return Recommend(query, filters, lean, confidence)
