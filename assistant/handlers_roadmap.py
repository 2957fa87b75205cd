"""Handlers that answer from the roadmap: its FAQ, its sections, the resources it names, and
honest limits ("the roadmap doesn't cover that", "the roadmap is written for ML engineers")."""
from __future__ import annotations

import re

from assistant import state, wording
from assistant.acts import Faq, ResourceInfo
from assistant.filters import Filters
from assistant.handlers_courses import PAGE_SIZE, cards, recommendation
from assistant.handlers_talk import out_of_scope_reply
from assistant.replies import Reply

FAQ_CLOSE = 0.45    # a best FAQ match weaker than this does not answer a question about another subject
FAQ_WEAK = 0.28     # below every right answer in the four evaluation sets (the lowest scores 0.29)


def faq(brain, session, act: Faq, reading=None) -> Reply:
    reply = _faq(brain, session, act, reading)
    if act.note:
        reply.text = f"{act.note}\n\n{reply.text}"
    return reply


def _faq(brain, session, act: Faq, reading=None) -> Reply:
    section = brain.knowledge.section_by_id.get(act.section) if act.section else None
    if act.weighed:
        reply = weighed(brain, session, act)
        if act.role:
            reply.text = f"The roadmap is written for ML engineers, not specifically for {act.role}. {reply.text}"
        return reply
    if act.role:
        # "maths to become a data engineer": the roadmap speaks for ML engineers; the same question
        # answered for them, said so, rather than a neighbouring role's answer given as fact.
        reply = faq_reply(brain, session, act.question, act.confidence)
        reply.text = (f"The roadmap is written for ML engineers, not specifically for {act.role}; "
                      f"here is what it says for ML engineers.\n\n{reply.text}")
        return reply
    return faq_reply(brain, session, act.question, act.confidence, section=section, reading=reading)


def weighed(brain, session, act: Faq) -> Reply:
    """"PhD vs masters", "certification vs postgrad": what the roadmap says of each side, when its
    answers for them differ; else the one answer."""
    answers = [(side, brain.best_answer(question)) for side, question in act.weighed]
    entries = [(side, entry) for side, (entry, _, score) in answers if entry is not None and score >= FAQ_WEAK]
    if len({entry.id for _, entry in entries}) < 2:
        return faq_reply(brain, session, act.question, act.confidence)
    state.note_faq(session, entries[0][1].id)
    text = "\n\n".join(f"**{side}**: {entry.answer}" for side, entry in entries)
    sources = []
    for _, entry in entries:
        sources.append({"kind": "faq", "id": entry.id, "title": entry.question, "section": entry.section})
    cited = [brain.knowledge.section_by_id[e.section] for _, e in entries]
    sources += [{"kind": "section", "id": c.id, "title": c.title} for c in dict.fromkeys(cited)]
    related = [brain.knowledge.faq_by_id[i].question for i in brain.related_faqs(entries[0][1].id)][:2]
    return Reply("faq", f"The roadmap speaks to both.\n\n{text}", act.confidence, sources=sources,
                 suggestions=related)


def faq_reply(brain, session, question: str, confidence: float, section=None, reading=None) -> Reply:
    """The FAQ answer to the question, else the roadmap section that answers it (or `section`,
    when the message named it: "step 3"). Courses offered with the answer keep what the message
    stated (a level, a price, a platform) and its own words on the entry's subject ("aws, gcp or
    azure for a beginner": beginner courses on those)."""
    entry, found, score = (None, section, 1.0) if section is not None else brain.best_answer(question)
    section = found
    if entry is None and section is None:
        return out_of_scope_reply(brain, confidence)
    unmentioned = brain.subjects_not_in_roadmap(question)
    named = wording.either(unmentioned[:2])
    if unmentioned and score < FAQ_CLOSE:
        # "do I need linux for ml engineering": the roadmap says nothing about Linux, and its
        # closest answer is about something else. Say so, and offer what the catalog has.
        reply = recommendation(brain, session, " ".join(unmentioned[:2]), Filters(), True, confidence=confidence)
        reply.text = f"The roadmap doesn't cover {named}, so I have no advice from it on that. {reply.text}"
        return reply
    courses: list[dict] = []
    if entry is not None:
        state.note_faq(session, entry.id)
        cited = brain.knowledge.section_by_id[entry.section]
        sources = [{"kind": "faq", "id": entry.id, "title": entry.question, "section": entry.section},
                   {"kind": "section", "id": cited.id, "title": cited.title}]
        text = answer_to(question, entry.answer)
        if entry.courses and entry.topics:
            query, wanted = brain.faq_course_request(entry)
            if reading is not None:
                wanted = wanted.merged_with(reading.filters.without("topics"))
                if set(reading.filters.topics) & set(entry.topics) and reading.terms:
                    query = " ".join(reading.terms)     # "aws, gcp or azure": those, not all of cloud
            result = brain.faq_courses(entry, query, wanted)
            courses = cards(brain, result.courses, result.filters)
            if courses:
                state.show(session, [c["id"] for c in courses])
                state.set_request(session, query, result.filters, True)
                text += "\n\nCourses that can help:"
        related = [brain.knowledge.faq_by_id[i].question for i in brain.related_faqs(entry.id)][:2]
        suggestions = (["Any courses for that?"] if entry.topics and not courses else []) + related
        if courses:
            suggestions.insert(0, "Compare the first two")
    else:
        sources = [{"kind": "section", "id": section.id, "title": section.title}]
        text = brain.section_excerpt(section)
        suggestions = ["What math do I need?", "How long does it take?"]
        state.note_faq(session, None)
    if score < FAQ_WEAK and not unmentioned:
        # "what interview questions do ml engineers get": nothing in the roadmap is about it.
        text = f"The roadmap doesn't answer that directly. The closest it comes:\n\n{text}"
    if unmentioned:
        # Honest about the limits of the article: the answer is the closest advice it has (whose
        # "Yes." or "No." would answer for what it doesn't mention).
        text = f"The roadmap doesn't mention {named}, but here is what it says.\n\n{without_yes_or_no(text)}"
        suggestions = [f"{name} courses" for name in unmentioned[:2]] + suggestions
    return Reply("faq", text, confidence, courses=courses, sources=sources, suggestions=suggestions[:4])


def resource_info(brain, session, act: ResourceInfo, reading=None) -> Reply:
    """What the article says about a resource that isn't a catalog course ("fast.ai"), and catalog
    courses on the same subject."""
    resource = act.resource
    section = brain.knowledge.section_by_id.get(resource.section)
    where = f" ({resource.provider})" if resource.provider and resource.provider not in resource.title else ""
    text = (f"**{resource.title}**{where}: {resource.note} The course catalog doesn't list it under that name, "
            f"so I have no rating, price or length for it.")
    courses: list[dict] = []
    if resource.topics:
        query = " ".join(brain.topic_names.get(t, t) for t in resource.topics[:1])
        result = brain.ranker.rank(query, Filters(topics=resource.topics[:1]), lean_on_quality=True, limit=PAGE_SIZE)
        if result.courses:
            courses = cards(brain, result.courses, result.filters)
            state.show(session, [c["id"] for c in courses])
            state.set_request(session, query, result.filters, True)
            text += f"\n\n{wording.describe_request(brain, result.filters, query).capitalize()} in the catalog:"
    sources = [{"kind": "section", "id": section.id, "title": section.title}] if section else []
    if act.note:
        text = act.note + text
    return Reply("faq", text, 0.9, courses=courses, sources=sources,
                 suggestions=(["Compare the first two", "Only free ones"] if courses else []) + ["What math do I need?"])


# An open question ("which first, X or Y?", "how do I ...") is not answered "Yes." or "No."
_OPEN_QUESTION = re.compile(r"(?:^|[,:;.?!]\s*)(?:what|which|how|where|when|why|who)\b")
_CLOSED_QUESTION = re.compile(r"\W*(?:is|are|am|do|does|did|can|could|should|would|will|have|has)\b")
_YES_OR_NO = re.compile(r"(?:Yes|No)\.\s+")


def answer_to(question: str, answer: str) -> str:
    """The FAQ answer as a reply to this question: without its opening "Yes." or "No." when the
    question is an open one.

    >>> answer_to("kubernetes vs docker, which first?", "Yes. Docker is the tool the article names.")
    'Docker is the tool the article names.'
    >>> answer_to("do i need docker?", "Yes. Docker is the tool the article names.")
    'Yes. Docker is the tool the article names.'
    """
    if _OPEN_QUESTION.search(question) and not _CLOSED_QUESTION.match(question):
        return without_yes_or_no(answer)
    return answer


def without_yes_or_no(answer: str) -> str:
    """The answer without an opening "Yes." or "No.": for a question it doesn't answer yes or no
    ("is 50 too old to switch?" answered with the roadmap's word on switching)."""
    return _YES_OR_NO.sub("", answer, count=1) if _YES_OR_NO.match(answer) else answer
