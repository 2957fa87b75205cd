"""The detectors of follow-ups: messages that act on what is on screen or on the current request
("the second one", "only free ones", "show me more", "go back"). Rows of assistant/decide.py's table."""
from __future__ import annotations

from assistant import wording
from assistant.acts import (AskAboutShown, Clarify, Compare, ComparePlatforms, DropFilters, Faq, GoBack, Pace,
                            PickAmongShown, Recommend, ResourceInfo, RuleOut, StartOver)
from assistant.cues import SWITCH_TOPIC
from assistant.filters import Filters
from assistant.handlers_roadmap import FAQ_CLOSE
from assistant.reading import topical_query
from assistant.references import dropped_filters, referenced, refinement
from assistant.textnorm import words as word_list


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


def organizations(brain, session, reading):
    """"google or ibm for data analytics?", "compare data analytics certificates from google and
    ibm": the best match from each of two organizations, on what else the message asks for."""
    if not (reading.cue("compare") or reading.alternatives) or any(
            m.full and brain.vocabulary.organizations_named(reading.folded[m.start:m.end]) for m in reading.mentions):
        return None     # a course named by a title with its maker's name ("IBM Data Analyst") is that course
    named = brain.vocabulary.organizations_named(reading.folded)
    if len(named) < 2:
        return None
    filters = reading.filters.without("organization")
    query = " ".join(w for w in topical_query(reading.folded, brain).split() if not brain.vocabulary.organizations_named(w))
    if not query and not filters.topics:
        return None     # "google or ibm?": which courses to weigh is for the next rows to ask
    picks = []
    for organization in named[:2]:
        found = brain.ranker.rank(query, filters.merged_with(Filters(organization=organization)),
                                  lean_on_quality=True, limit=1).courses
        picks += [c for c in found if brain.vocabulary.organization_matches(organization, c.organization)]
    if len(picks) == 2:
        return Compare(tuple(c.id for c in picks), 0.9, request=(query, filters, True),
                       note=f"The best match from each of {named[0]} and {named[1]}. ")


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
    if not session.last_faq and (session.query or session.filters.topics) and reading.cue("for_that"):
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
    wanted_more = reading.cue("with_more") if _has_request(session) else None
    if wanted_more and reading.filters.is_empty():
        extra = topical_query(wanted_more.group(1), brain)
        if extra:
            # best match first: what was just asked for must weigh more than ratings
            return Recommend(f"{session.query} {extra}".strip(), session.filters, False, 0.9)


def rule_out(brain, session, reading):
    """"not interested in tableau": the same request without courses about it."""
    avoided = reading.cue("avoid") if _has_request(session) else None
    if avoided and (brain.is_subject(avoided.group(1)) or brain.courses_about(
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


