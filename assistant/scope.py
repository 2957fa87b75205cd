"""Whether a message is in scope, and which intent to act on, from the intent classifier's
scores and what the Reading found (a topic, a course title, an organization, a catalog term)."""
from __future__ import annotations

from assistant.handlers_roadmap import FAQ_CLOSE
from assistant.lexicon import FILLER as GENERIC
from assistant.textnorm import normalize_word
from assistant.textnorm import words as word_list

COURSE_INTENTS = ("recommend", "compare", "course_info", "faq")
SURE = 0.7          # small talk this certain is answered whatever words come with it
SMALL_TALK_THRESHOLD = 0.3   # small talk in its own words may be answered with less certainty
NEAR_BAR = 0.9     # an FAQ question this close to the bar may be settled by the FAQ matcher
_FILLER = frozenset("a an the for in on with and to of me some any about please".split())


def read_scope(reading):
    """The classifier's scores, the titles mentioned, and whether the message names course things
    (a topic, a title, an organization, or a subject the catalog has courses on)."""
    scores, mentions, filters = reading.scores, list(reading.mentions), reading.filters
    if scores.intent in ("greet", "thanks", "goodbye"):
        mentions = []
    return scores, mentions, bool(filters.topics or mentions or filters.organization or reading.terms)


def decide_scope(brain, scores, evidence: bool, folded: str, threshold: float,
                 asks_for_material: bool = False) -> tuple[str, float]:
    """The intent to act on. Out of scope when the classifier is unsure and nothing in the message
    names a topic or a course (with such evidence the bar is lower), and when the words of the
    message don't fit the intent it was given: small talk and FAQ answers only cover what their
    examples and the roadmap talk about."""
    intent, confidence = scores.intent, scores.confidence
    course_side = [(i, p) for i, p in scores.ranking if i in COURSE_INTENTS]
    refused = "out_of_scope", max(confidence, scores.probability("out_of_scope"))
    bar = threshold * (0.6 if evidence else 1.0)
    if intent in ("greet", "thanks", "goodbye", "help") and brain.fits_vocabulary(intent, folded):
        bar = min(bar, SMALL_TALK_THRESHOLD)
    if intent == "out_of_scope" or confidence < bar:
        # A bare subject ("web dev", "sql for beginners") is a course request unless the classifier
        # is sure it is not: it must not be refused on a weak out-of-scope guess.
        if evidence and asks_for_material and course_side:
            return "recommend", max(p for i, p in course_side if i == "recommend") if any(
                i == "recommend" for i, _ in course_side) else confidence   # "can you recommend dsa using golang"
        if evidence and course_side and (intent != "out_of_scope" or (
                only_names_topics(folded, brain) and (confidence < threshold or len(word_list(folded)) <= 2))):
            return course_side[0]
        if evidence and set(brain.concepts.tag(folded)) & brain.career_concepts and brain.names_roadmap_subject(folded) \
                and brain.best_answer(folded)[2] >= FAQ_CLOSE:
            # "is studying data science still worth it?": a subject and a career concept the
            # roadmap answers (outlook, degree, pay) make it a career question, not small talk
            return "faq", max(scores.probability("faq"), FAQ_CLOSE)
        if intent == "faq" and confidence >= NEAR_BAR * bar and brain.fits_vocabulary("faq", folded) \
                and brain.best_answer(folded)[2] >= FAQ_CLOSE:
            # Just under the bar, in the roadmap's words, and an FAQ entry answers it closely:
            # the FAQ matcher's second opinion settles it ("how long until an offer, how many
            # applications on average").
            return "faq", confidence
        return refused
    if intent in ("recommend", "compare", "course_info") and not evidence and not brain.names_learning(folded):
        return refused      # no subject, course, filter or learning word: not a course request
    # Small talk this certain is answered whatever words come with it; help only with one word of
    # its own at most: "can you help me plan my wedding" asks for something else.
    sure = confidence >= SURE and intent != "faq"
    if sure and intent == "help":
        sure = brain.unknown_words(intent, folded) <= 1
    if not sure and not brain.fits_vocabulary(intent, folded):
        fitting = [(i, p) for i, p in course_side if i != intent and brain.fits_vocabulary(i, folded)]
        if evidence and fitting and fitting[0][1] >= 0.15:
            return fitting[0]
        return refused
    return intent, confidence


def only_names_topics(folded: str, brain) -> bool:
    """True for messages like "machine learning" or "free sql courses": topics and filters only,
    no question."""
    rest = [w for w in word_list(folded) if w not in _FILLER]
    return all(normalize_word(w) in GENERIC or normalize_word(w) in brain.filter_words
               or normalize_word(w) in brain.topic_words or brain.lexicon.is_term(w) or w.isdigit() for w in rest)

