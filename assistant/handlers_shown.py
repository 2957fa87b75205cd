"""Handlers about particular courses: a comparison, one course's details, the pick among the
courses on screen, the best of each platform."""
from __future__ import annotations

from assistant import state, wording
from assistant.acts import AskAboutShown, Compare, ComparePlatforms, PickAmongShown
from assistant.comparison import build_comparison
from assistant.course_questions import answer_about
from assistant.filters import Filters
from assistant.handlers_courses import cards
from assistant.handlers_talk import clarify_reply
from assistant.ranking import compact_number, estimated_hours
from assistant.replies import Reply
from assistant.textnorm import fold

# What "which is cheaper / the quickest / most enrolled" asks for, in one word.
CRITERIA = {"cheapest": "cheapest", "least expensive": "cheapest", "free": "free", "shortest": "shortest",
            "quickest": "shortest", "longest": "longest", "most popular": "most popular",
            "most enrolled": "most popular", "most reviews": "most popular", "easiest": "easiest",
            "hardest": "most advanced", "most advanced": "most advanced", "cheaper": "cheapest",
            "less expensive": "cheapest", "shorter": "shortest", "quicker": "shortest", "longer": "longest",
            "more popular": "most popular", "easier": "easiest", "harder": "most advanced",
            "more advanced": "most advanced"}
LEVEL_RANK = {"Beginner": 0, "Mixed": 1, "Intermediate": 2, "Advanced": 3}


def compare(brain, session, act: Compare, reading=None) -> Reply:
    if act.request is not None:
        state.set_request(session, *act.request)
    reply = comparison_reply(brain, session, [brain.course(i) for i in act.course_ids], act.confidence)
    reply.text = act.note + reply.text
    return reply


def comparison_reply(brain, session, courses, confidence: float) -> Reply:
    courses = [c for c in courses if c is not None][:3]
    if len(courses) < 2:
        return clarify_reply("I need at least two courses to compare.", ["Compare data science courses"], confidence)
    shown = cards(brain, courses, session.filters)
    comparison = build_comparison(courses, shown, brain.ranker.quality)
    state.show(session, [c.id for c in courses])
    names = " and ".join(f"**{c.title}**" for c in courses) if len(courses) == 2 else \
        ", ".join(f"**{c.title}**" for c in courses[:-1]) + f" and **{courses[-1].title}**"
    text = f"Comparing {names}. {comparison['verdict']}"
    suggestions = ["Tell me more about the first one", "Tell me more about the second one"]
    if session.query or not session.filters.is_empty():
        # Refinements of the request these came from.
        if not all(c.free is True for c in courses) and not session.filters.free:
            suggestions.append("Only free ones")
        suggestions.append("Show me more")
    else:
        suggestions.append("What math do I need?")
    return Reply("compare", text, confidence, courses=shown, comparison=comparison, suggestions=suggestions)


def compare_platforms(brain, session, act: ComparePlatforms, reading=None) -> Reply:
    """"Coursera vs Udemy for python": the best match on each platform, compared."""
    picks = [brain.course(i) for i in act.course_ids]
    state.set_request(session, act.query, act.filters, True)
    reply = comparison_reply(brain, session, picks, 0.9)
    on = " and ".join(f"**{c.title}** on {c.provider}" for c in picks)
    reply.text = f"The best match on each platform: {on}. {reply.comparison['verdict']}"
    return reply


def ask_about_shown(brain, session, act: AskAboutShown, reading) -> Reply:
    reply = course_info(brain, session, brain.course(act.course_id), reading.folded, act.confidence)
    reply.text = act.note + reply.text
    return reply


def course_info(brain, session, course, folded: str, confidence: float) -> Reply:
    """One course's details, answering what was asked of it ("is it free and how long is it?"),
    with related courses."""
    answer = answer_about(course, folded)
    about = " ".join((course.title,) + course.skills[:5])
    related = brain.ranker.rank(about, Filters(topics=course.topics[:1]), lean_on_quality=True,
                                exclude={course.id}, limit=3).courses
    related = [c for c in related if fold(c.title) != fold(course.title)][:3]
    state.show(session, [course.id] + [c.id for c in related])
    sources = []
    if course.section:
        section = brain.knowledge.section_by_id.get(course.section)
        sources.append({"kind": "section", "id": course.section, "title": section.title if section else course.section})
    suggestions = [f"Tell me about {c.title}" for c in related[:2]]
    if related:
        suggestions.append(f"Compare it with {related[0].title}")
    shown = cards(brain, [course] + related, Filters(topics=course.topics[:1]))
    return Reply("course_info", answer, confidence, courses=shown, suggestions=suggestions[:4], sources=sources)


def pick_among_shown(brain, session, act: PickAmongShown, reading=None) -> Reply:
    """The course among those just shown that is best by what was asked, and why; the others stay
    listed after it, so "the second one" still points at a card on screen."""
    shown = [c for c in (brain.course(i) for i in session.results) if c]
    asked = CRITERIA.get(act.criterion, "best rated")
    if asked in ("cheapest", "free"):
        def price(c):
            return 0.0 if c.free else c.price
        known = [c for c in shown if (c.free if asked == "free" else price(c) is not None)]
        pick, missing = (min(known, key=price) if known else None), "a price"
        explain = lambda c: "free" + (" to audit" if c.provider == "edX" else "") if c.free else f"${c.price:g}"
    elif asked in ("shortest", "longest"):
        known = [c for c in shown if estimated_hours(c)]
        chooser = max if asked == "longest" else min
        pick, missing = (chooser(known, key=estimated_hours) if known else None), "a duration"
        explain = lambda c: f"about {estimated_hours(c):g} hours"
    elif asked == "most popular":
        known = [c for c in shown if c.enrolled or c.reviews]
        pick, missing = (max(known, key=lambda c: (c.enrolled or 0, c.reviews or 0)) if known else None), "enrolment figures"
        explain = lambda c: f"{c.enrolled:,} enrolled" if c.enrolled else f"{c.reviews:,} reviews"
    elif asked in ("easiest", "most advanced"):
        known = [c for c in shown if c.level in LEVEL_RANK]
        chooser = min if asked == "easiest" else max
        pick, missing = (chooser(known, key=lambda c: LEVEL_RANK[c.level]) if known else None), "a level"
        explain = lambda c: f"{c.level.lower()} level" if c.level != "Mixed" else "all levels"
    else:
        known = [c for c in shown if c.rating is not None]
        pick, missing = (max(known, key=lambda c: (c.rating, brain.ranker.quality(c))) if known else None), "a rating"
        explain = lambda c: f"rated {c.rating:g}/5" + (f" from {compact_number(c.reviews)} reviews" if c.reviews else "")
    if pick is None:
        what = "is free" if asked == "free" else f"lists {missing}"
        return Reply("course_info", f"None of the courses shown {what}.", 0.9,
                     courses=cards(brain, shown, session.filters),
                     suggestions=wording.recommend_suggestions(session.filters, len(shown)))
    ordered = [pick] + [c for c in shown if c.id != pick.id]
    state.reorder(session, [c.id for c in ordered])
    note = "" if len(known) == len(shown) else f" ({len(shown) - len(known)} of them list no {missing.split()[-1]})"
    text = f"Of these, **{pick.title}** is the {asked}: {explain(pick)}{note}." if asked != "free" else (
        f"Of these, **{pick.title}** is free{' to audit' if pick.provider == 'edX' else ''}."
        + (f" So are {len(known) - 1} more of them." if len(known) > 1 else ""))
    return Reply("course_info", text, 0.9, courses=cards(brain, ordered, session.filters),
                 suggestions=[f"Tell me more about {pick.title}", "Compare the first two", "Show me more"])
