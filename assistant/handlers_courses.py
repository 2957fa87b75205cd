"""Handlers that find courses: a request (new, refined, paged, gone back to), filters dropped,
subjects ruled out, an instructor's courses, a pace question."""
from __future__ import annotations

import re
from dataclasses import replace

from assistant import state, wording
from assistant.acts import DropFilters, GoBack, Pace, PlatformInfo, Recommend, RuleOut, TaughtBy
from assistant.catalog_facts import ProviderFacts
from assistant.filters import Filters
from assistant.replies import Reply, course_card
from assistant.textnorm import fold, words

PAGE_SIZE = 3


def cards(brain, courses, filters: Filters) -> list[dict]:
    return [course_card(c, brain.ranker.why(c, filters)) for c in courses]


def recommend(brain, session, act: Recommend, reading=None) -> Reply:
    if act.fresh:
        state.new_request(session)
    reply = recommendation(brain, session, act.query, act.filters, act.lean, confidence=act.confidence, page=act.page,
                           exclude=act.exclude)
    if act.note_if_found and reply.courses:
        reply.text = act.note_if_found + reply.text
    if act.note:
        reply.text = act.note + reply.text
    return reply


def recommendation(brain, session, query: str, filters: Filters, lean: bool, *, confidence: float,
                   page: bool = False, exclude=()) -> Reply:
    """The best courses for the request (the next page of it with `page`), leaving out the
    courses in `exclude`; it becomes the conversation's current request."""
    exclude = set(exclude) | (set(session.shown) if page else set())
    for phrase in session.avoid:
        exclude |= brain.courses_about(phrase)
    result = brain.ranker.rank(query, filters, lean_on_quality=lean, exclude=exclude, limit=PAGE_SIZE)
    state.set_request(session, query, filters, lean, remember_previous=True)
    count = len(result.courses)
    # "Here is 1 ... course" only when the one course is all the reply shows of the request.
    wanted = wording.describe_request(brain, filters, query, count if not (page or result.relaxed) else 2, result.courses)
    if session.avoid:
        wanted += " without " + " or ".join(brain.display_names.get(p, p) for p in session.avoid)
    if not result.courses:
        state.show(session, [])
        text = (f"That's all I have for {wanted}." if page else f"I couldn't find {wanted}.")
        return Reply("recommend", text + " Try another topic or fewer filters.", confidence,
                     suggestions=["For beginners", "Data science courses", "What math do I need?"],
                     filters=filters.as_dict())
    state.show(session, [c.id for c in result.courses])
    state.note_faq(session, None)
    unmet = None
    if result.relaxed:
        dropped = " and ".join(wording.relaxed_name(name, filters, brain.topic_names) for name in result.relaxed)
        found = wording.describe_request(brain, result.filters, query, shown=result.courses)
        text = f"I found no {wanted}. Here are the closest, without {dropped}: {found}."
        facts = brain.provider_facts.get(filters.provider) if filters.provider else None
        if "min_rating" in result.relaxed and facts is not None and facts.rated * 20 < facts.courses:
            # "udemy courses rated above 4.5": the listings have (almost) no ratings to hold them to
            text = (f"Only {facts.rated:,} of the catalog's {facts.courses:,} {filters.provider} courses "
                    f"{'has' if facts.rated == 1 else 'have'} a star rating. {text}")
    elif page:
        text = f"Here are more {wanted}."
    else:
        order = "best rated first" if lean else "best match first"
        text = f"Here {'is' if count == 1 else 'are'} {count} {wanted} ({order})."
        unmet = unmet_subject(brain, query, filters, result.courses)
        if unmet:
            # "free tableau courses" when no Tableau course is free: said, not hidden behind the topic
            text = f"I found no {wording.describe_request(brain, replace(filters, topics=()), unmet)}. {text}"
    if result.total > len(result.courses) and not page:
        broader = [brain.topic_names.get(t, t) for t in result.filters.topics
                   if brain.subject_name(t, query, result.courses) != brain.topic_names.get(t, t)]
        if broader:
            # "Here are 3 React courses ... 358 JavaScript courses match in all": the count is the topic's.
            text += f" {result.total} {wording.describe_request(brain, result.filters, '')} match in all."
        else:
            text += f" {result.total} match in all."
    suggestions = wording.recommend_suggestions(result.filters, len(result.courses))
    if not page and not result.relaxed and unmet:
        suggestions = [f"{unmet} courses", *suggestions][:4]
    return Reply("recommend", text, confidence, courses=cards(brain, result.courses, result.filters),
                 suggestions=suggestions, filters=result.filters.as_dict())


def unmet_subject(brain, query: str, filters: Filters, shown) -> str | None:
    """The narrower subject the learner named under a topic ("tableau" under Data analysis), as
    the catalog writes it, when the catalog has courses about it (title or skills) but the
    request's other filters rule out every one ("free tableau courses"), so none is shown."""
    if not shown or filters == Filters(topics=filters.topics):
        return None
    for topic, phrase in brain.tagger.named(query).items():
        name = words(brain.topic_names.get(topic, topic))
        if topic not in filters.topics or len(phrase) <= 3 or _same_words(phrase.split(), name) \
                or phrase.replace(" ", "") == "".join(name):
            continue    # "r programming", "cyber security", "managers": other names of R, Cybersecurity, Management
        if any(brain.is_about(course.id, phrase) for course in shown):
            continue
        about = sorted(brain.courses_about(phrase))
        if about and not any(brain.ranker.satisfies(brain.course(i), filters) for i in about):
            return as_the_catalog_writes(brain, phrase, about)
    return None


def _same_words(these: list[str], those: list[str]) -> bool:
    """Whether the two share a word, or a word's root (its first five letters: "managers", "management")."""
    return bool(set(these) & set(those)) or any(
        a[:5] == b[:5] for a in these for b in those if len(a) >= 5 and len(b) >= 5)


def as_the_catalog_writes(brain, phrase: str, course_ids) -> str:
    """"tableau" as a title or skill of these courses writes it ("Tableau", "UI/UX")."""
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, phrase.split())) + r"\b")
    for course in map(brain.course, course_ids):
        for text in (course.title, *course.skills):
            found = pattern.search(fold(text))
            if found and len(fold(text)) == len(text):
                return text[found.start():found.end()]
    return phrase


def go_back(brain, session, act: GoBack, reading=None) -> Reply:
    query, wanted, lean = session.previous
    reply = recommendation(brain, session, query, wanted, lean, confidence=0.9)
    reply.text = f"Back to what you asked before. {reply.text}"
    return reply


def rule_out(brain, session, act: RuleOut, reading=None) -> Reply:
    """"not interested in tableau": the same request without courses about it."""
    state.rule_out(session, act.phrase)
    return recommendation(brain, session, session.query, session.filters, session.lean_on_quality, confidence=0.9)


def drop_filters(brain, session, act: DropFilters, reading=None) -> Reply:
    """The current request again without the named filters (those that were set)."""
    current = session.filters
    names = list(act.names)
    active = [n for n in names if getattr(current, n) not in (None, ())]
    if not active:
        reply = recommendation(brain, session, session.query, current, session.lean_on_quality, confidence=0.9)
        reply.text = f"There was no {' or '.join(wording.filter_labels(names))} filter on this search. " + reply.text
        return reply
    relaxed = current
    for name in active:
        relaxed = relaxed.without(name)
    reply = recommendation(brain, session, session.query, relaxed, session.lean_on_quality, confidence=1.0)
    labels = wording.filter_labels(active)
    reply.text = f"Without the {' and '.join(labels)} filter{'s' if len(labels) > 1 else ''}: " + reply.text
    return reply


def taught_by(brain, session, act: TaughtBy, reading=None) -> Reply:
    """The courses a named instructor teaches, best rated first, within the filters stated."""
    teacher, filters = act.teacher, act.filters
    taught = sorted((brain.course(i) for i in brain.courses_by_instructor[teacher]),
                    key=lambda c: (-brain.ranker.quality(c), c.title))
    wanted = [c for c in taught if brain.ranker.satisfies(c, filters)]
    shown = (wanted or taught)[:PAGE_SIZE]
    state.show(session, [c.id for c in shown])
    state.set_request(session, "", filters, True)
    state.note_faq(session, None)
    count = len(wanted or taught)
    if wanted or filters.is_empty():
        text = (f"{teacher} teaches {count} course{'s' if count != 1 else ''} in the catalog"
                + (f" that {'match' if count != 1 else 'matches'} what you asked" if not filters.is_empty() else "")
                + (f"; the best rated {len(shown)}:" if count > len(shown) else ":"))
    else:
        text = f"{teacher} teaches no {wording.describe_request(brain, filters, '')} in the catalog; here is what they teach:"
    return Reply("recommend", text, 0.9, courses=cards(brain, shown, filters),
                 suggestions=[f"Tell me more about {shown[0].title}"] + (["Compare the first two"] if len(shown) > 1 else []),
                 filters=filters.as_dict())


def pace(brain, session, act: Pace, reading=None) -> Reply:
    """"I only have a few hours a week": online courses are self-paced."""
    shown = [c for c in (brain.course(i) for i in session.results) if c]
    return Reply("recommend", wording.PACE, 0.9, courses=cards(brain, shown, session.filters),
                 suggestions=["Shorter ones", "Under 10 hours", "Only free ones"], filters=session.filters.as_dict())


def platform_info(brain, session, act: PlatformInfo, reading=None) -> Reply:
    """"is udemy any good?": a platform isn't one thing to judge, but the catalog can say what it
    holds from it (how many courses, on what, at what prices, with ratings or not); the
    platform becomes the current request, so "python ones" or "only free ones" follow on."""
    provider = act.provider
    facts = brain.provider_facts.get(provider, ProviderFacts())
    main = [brain.topic_names.get(t, t) for t in facts.main_topics]
    free, low, high = facts.free, facts.lowest_price, facts.highest_price
    judged = reading is not None and reading.cue("worth")
    parts = [f"I judge courses one by one rather than whole platforms: on {provider}, as anywhere, quality varies "
             "from course to course." if judged else "",
             f"The catalog holds {facts.courses:,} courses from {provider}, mostly {wording.listed(main)}."]
    if facts.priced:
        parts.append(f"{free:,} are free; the others cost ${low:,.0f} to ${high:,.0f}." if free
                     else f"Prices run from ${low:,.0f} to ${high:,.0f}.")
    elif free:
        parts.append(f"{free:,} can be taken free.")
    if facts.rated * 2 < facts.courses:
        counts = "enrolment and review counts" if facts.reviewed else "enrolment counts"
        parts.append(f"Most {provider} listings give {counts} but no star rating.")
    parts.append(f"Tell me a subject and I'll find the best {provider} courses on it.")
    state.new_request(session)
    state.set_request(session, "", Filters(provider=provider), True, remember_previous=True)
    return Reply("course_info", " ".join(p for p in parts if p), 0.8,
                 suggestions=[f"Best {name.lower()} courses on {provider}" for name in main[:2]])


def program_sentence(brain, program: str) -> str:
    """What the catalog holds of a programme: "is a MicroMasters worth it" asks what one is."""
    facts = brain.program_facts.get(program)
    if facts is None:
        return f"The catalog lists no course of a {program} program."
    most = wording.listed(facts.organizations[:3])
    return (f"The catalog lists {facts.courses} {wording.listed(facts.providers)} courses that are part of "
            f"{wording.article(program)} {program} program, from {len(facts.organizations)} institutions (the most from "
            f"{most}). Each can be taken on its own; {wording.article(program)} {program} program is a series of "
            "courses, not a degree.")


def certificate_facts(brain, provider: str | None) -> str:
    """What the catalog says about certificates (on one platform, or each): "is a verified
    certificate worth it" asks what it costs as well as what it is worth."""
    sentences = []
    for name in [provider] if provider else sorted(brain.provider_facts):
        facts = brain.provider_facts.get(name, ProviderFacts())
        prices, kinds = facts.certificate_prices, facts.certificate_kinds
        if prices:
            sentences.append(f"On {name}, {facts.free:,} of the catalog's {facts.courses:,} courses can be audited free, and the "
                             f"verified certificate costs ${prices[0]} to ${prices[-1]} (${prices[len(prices) // 2]} "
                             "in the middle).")
        elif kinds and facts.priced:
            sentences.append(f"On {name}, the {facts.priced:,} paid courses come with a {wording.listed(k.lower() for k in kinds)}, "
                             f"included in the course's price (${facts.lowest_price:,.0f} to ${facts.highest_price:,.0f}).")
        elif kinds:
            sentences.append(f"On {name}, the catalog's courses each come with one of these: "
                             f"{wording.listed(k.lower() for k in kinds)}; the listing gives no certificate prices.")
    return " ".join(sentences)
