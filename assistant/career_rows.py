"""Rows of the detector table (assistant/decide.py) for questions of value and of matters
beside the courses: "is it worth it?" (asked in so many words, by what employers make of
something, or whether it matters), "why ...?", and a matter it declines or only advises beside
(knowledge/declines.yaml)."""
from __future__ import annotations

import re

from assistant import wording
from assistant.acts import AskAboutShown, Clarify, Faq, OutOfScope, Recommend
from assistant.handlers_courses import certificate_facts, program_sentence
from assistant.handlers_roadmap import FAQ_CLOSE, FAQ_WEAK
from assistant.textnorm import words as word_list


def asks_why(brain, session, reading):
    """"why do almost all courses use python?": a question of reasons, which courses don't
    give; the roadmap's answer when it has one."""
    if reading.cue("why") and not any(m.full for m in reading.mentions):
        entry, _, score = brain.best_answer(reading.folded)
        if entry is not None and score >= FAQ_CLOSE:
            return Faq(reading.folded, 0.7)


def worth_it(brain, session, reading):
    """"is a verified certificate worth it?", "is the MIDS full-time option worth it?": a question
    of value about no course and no subject. Something the catalog doesn't list is said so rather
    than answered with a neighbour's outlook; otherwise the roadmap's answer, when it has one."""
    if not reading.cue("worth_it") or reading.cue("compare"):
        return None
    program = reading.filters.program
    if program:
        # "is a micromasters worth it?": what the catalog holds of the programme, then the
        # roadmap's word on online credentials; with a subject or a maker, its courses too
        facts = program_sentence(brain, program)
        if reading.filters.topics or reading.filters.organization:
            return Recommend(reading.query, reading.filters, True, 0.7, note=f"{facts} ")
        entry, _, score = brain.best_answer(reading.folded)
        cited = f"\n\nThe roadmap's answer to “{entry.question}”:" if entry is not None and score >= FAQ_WEAK else ""
        return Faq(reading.folded, 0.7, note=facts + cited)
    if reading.mentions:
        named = reading.mentions[0]
        # "is Learning How to Learn still worth doing?": a course named by its title (or the part
        # before its colon) is asked about; a title that is only subjects ("Machine Learning")
        # names the subject, whose worth is the roadmap's question
        if len(word_list(reading.folded[named.start:named.end])) >= 3 and not brain.names_only_subjects(named.course.title):
            return AskAboutShown(named.course.id, 0.7)
        return None
    if reading.filters.topics:
        return None
    unknown = [w for w in reading.missing if not brain.concepts.tag(w)]     # "phd" is a career matter it knows
    if unknown:
        named = " ".join(wording.as_written(reading.text, w) for w in unknown[:3])
        return Clarify(f"I don't know {named}: the catalog doesn't list it, so I can't say whether it's worth it. "
                       "Tell me what it is (a degree, a certificate, a course) and its subject, and I can show "
                       "what the catalog and the roadmap have on that.",
                       ("Do I need a degree to become a machine learning engineer?",
                        "Are online courses enough to become a machine learning engineer?"), 0.7)
    entry, _, score = brain.best_answer(reading.folded)
    if entry is not None and score >= FAQ_CLOSE:
        facts = certificate_facts(brain, reading.filters.provider) if reading.filters.certificate else ""
        cited = f"The roadmap's answer to “{entry.question}”:"     # its answer is to that question, said so
        return Faq(reading.folded, 0.7, note=f"{facts}\n\n{cited}" if facts else cited)


def declined_matter(brain, session, reading):
    """"can I pay through a bank?", "minimum hardware for computer vision?": every question is
    about a matter it does not handle (knowledge/declines.yaml) and asks to learn no subject
    ("courses on paypal integration" is a course request). A career matter the roadmap answers
    asked with it ("how do I get a job at google without a degree") is answered, the matter
    declined beside it (assistant/dialogue.py)."""
    if not reading.declined:
        return None
    question = _career_question(brain, reading)
    if question is None and brain.advising.issuperset(reading.declined):
        # "I'm 38 years old, can I still switch to data science?": the roadmap's closest advice,
        # or courses ("am I too old to learn tableau?"), after saying it doesn't speak to the matter
        rest = _without_matters(brain, reading.folded)
        return Faq(rest, 0.7) if brain.best_answer(rest)[2] >= FAQ_WEAK else None
    return Faq(question, 0.7) if question else OutOfScope(0.8, matter=reading.declined[0])


def _without_matters(brain, folded: str) -> str:
    for phrase in brain.declines.named(folded).values():
        folded = re.sub(rf"\b{re.escape(phrase)}\b", " ", folded)
    return folded


def _career_question(brain, reading) -> str | None:
    """The career matter the roadmap answers that the message asks besides the declined matter,
    without the matter's own words ("pay" in "pay by card" is no question about salaries)."""
    rest = _without_matters(brain, reading.folded)
    # two career matters at least ("hired ... without a degree"): one passing word ("how long",
    # "college") doesn't make a question about a card or a mortgage a career question
    if len(set(brain.concepts.tag(rest)) & brain.career_concepts) >= 2 and brain.best_answer(rest)[2] >= FAQ_CLOSE:
        return rest
    return None
