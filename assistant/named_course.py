"""Rows of the detector table (assistant/decide.py) for a new message that names a course: by
its short name ("is cs50 any good?"), by its whole title before the question, and as the course
done, asking what to take next."""
from __future__ import annotations

from dataclasses import replace

from assistant.acts import AskAboutShown, Recommend
from assistant.filters import LEVEL_ORDER

# A step up from a course's level; a course of mixed or no level leads to intermediate ones.
NEXT_LEVEL = dict(zip(LEVEL_ORDER, LEVEL_ORDER[1:] + LEVEL_ORDER[-1:]))


def course_named_before(brain, session, reading):
    """"I need information on "Google IT Automation with Python". Is this a good course?": the
    question points back at a course the backstory names by its whole title."""
    if reading.named_before and reading.mentions[0].full and (
            reading.cue("that") or reading.cue("worth") or reading.cue("info") or reading.cue("about_it")):
        return AskAboutShown(reading.mentions[0].course.id, 0.7)


def course_by_short_name(brain, session, reading):
    """"is cs50 good for web development?", "tell me about cs50": a name a few course titles
    share, asked about: the best of them, with the others beside it."""
    if not reading.terms or reading.mentions and reading.mentions[0].full or not (reading.cue("worth") or reading.cue("info")):
        return None     # (no term of the catalog's, no short name: the cues are not searched)
    for term in reading.terms:
        titled = brain.series_named(term)
        if titled:
            # the one that best matches what else was asked ("cs50 ... for web development")
            rest = " ".join(w for w in reading.words if w != term)
            docs, scores = brain.course_index.scores(rest)
            score = {brain.knowledge.courses[d].id: s for d, s in zip(docs.tolist(), scores.tolist())}
            return AskAboutShown(max(titled, key=lambda i: score.get(i, 0.0)), 0.7)


def next_after_course(brain, session, reading):
    """"I finished CS50, what should I take next?", "just done with Python for Everybody, what's
    next?": courses a level up on the subject of the course named (by its whole title, or the
    first of a short name's series), without it; other filters said still apply."""
    if not reading.cue("next_after"):
        return None
    course = _course_named(brain, reading)
    if course is None or not course.topics:
        return None
    level = NEXT_LEVEL.get(course.level, "Intermediate")
    topic = course.topics[0]
    filters = replace(reading.filters, topics=(topic,), level=level, organization=None)
    done = f" ({course.level.lower()})" if course.level in NEXT_LEVEL else ""
    return Recommend(brain.topic_names.get(topic, topic), filters, False, 0.8, fresh=True, exclude=(course.id,),
                     note=f"After **{course.title}**{done}, the next step is a level up. ")


def _course_named(brain, reading):
    if reading.mentions and reading.mentions[0].full:
        return reading.mentions[0].course
    for term in reading.terms:
        titled = brain.series_named(term)
        if titled:
            return brain.course(titled[0])
    return None
