"""A follow-up read against the conversation: which courses on screen it points at ("the second
one", "both", "the Michigan one"), how it changes the current request ("cheaper", "more
advanced"), and which filters it drops ("any level", "paid ones too")."""
from __future__ import annotations

from assistant.cues import FILTER_WORD, ORDINALS
from assistant.filters import Filters, find_level
from assistant.lexicon import FILLER
from assistant.ranking import estimated_hours, level_step
from assistant.textnorm import tokenize

FIRST_N = {"two": 2, "2": 2, "three": 3, "3": 3}


def referenced(brain, session, reading, *, fragments: bool = True) -> list:
    """Courses of the last results that the message points at ("the second one", "both",
    "the Michigan one")."""
    results = [brain.course(i) for i in session.results if brain.course(i)]
    if not results:
        return []
    first_n = reading.cue("first_n")
    if first_n:
        return results[:FIRST_N[first_n.group(1)]]
    picked = []
    for match in reading.cue("nth"):
        position = ORDINALS.get(match.group(1)) if match.group(1) else int(match.group(2)) - 1
        if position is not None and position < len(results) and results[position] not in picked:
            picked.append(results[position])
    if reading.cue("last") and results[-1] not in picked:
        picked.append(results[-1])
    if picked:
        return picked
    if reading.cue("all"):
        return results
    if not fragments:
        return []
    by_id = {c.id for c in results}
    named = [m.course for m in reading.mentions if m.course.id in by_id]
    if named:
        return named
    # A fragment of a title from the last results: "the Michigan one", "the one on edX".
    cue = reading.cue("fragment")
    if cue:
        words = set(tokenize(cue.group(1) or cue.group(2))) - FILLER
        fragment = [c for c in results if words and words <= set(tokenize(f"{c.title} {c.organization or ''} {c.provider} {c.level}"))]
        if fragment:
            return fragment
    if reading.cue("that") and len(reading.tokens) <= 6:
        return results[:1]
    return []


def refinement(brain, session, reading) -> Filters | None:
    """The session's filters changed by a short follow-up, or None when the message is not one."""
    filters, cue = reading.filters, reading.cue
    new_topic = bool(filters.topics) and set(filters.topics) != set(session.filters.topics)
    relative = cue("cheaper") or cue("shorter") or cue("harder") or cue("easier")
    stated = filters.without("topics")
    switched = new_topic and cue("switch_topic") and len(reading.tokens) <= 6
    if not relative and stated.is_empty() and not switched:
        return None     # ("what about deep learning" switches the subject and keeps the rest)
    if len(reading.tokens) > 8 and not cue("refine_lead"):
        return None
    if new_topic and not cue("refine_lead"):
        return None
    updated = session.filters.merged_with(filters)
    shown = [brain.course(i) for i in session.results if brain.course(i)]
    if cue("cheaper") and not cue("stated_price") and not filters.free:
        prices = [c.price for c in shown if c.price]
        updated = updated.merged_with(Filters(max_price=max(min(prices) - 0.01, 0) if prices else 30))
    if cue("shorter") and not cue("stated_hours"):     # "shorter than 20 hours" says how short
        hours = [estimated_hours(c) for c in shown if estimated_hours(c)]
        updated = updated.merged_with(Filters(max_hours=max(min(hours) - 0.5, 1) if hours else 10))
    if cue("harder") or cue("easier"):
        # "more advanced" is a step up from where we are, not the level named "advanced".
        current = session.filters.level or (shown[0].level if shown and shown[0].level != "Mixed" else "Beginner")
        updated = updated.merged_with(Filters(level=level_step(current, 1 if cue("harder") else -1)))
    elif filters.level is None and find_level(reading.folded):
        updated = updated.merged_with(Filters(level=find_level(reading.folded)))
    return updated


def dropped_filters(brain, session, reading) -> list[str] | None:
    """The filters a message asks to drop from the current request ("any level", "paid ones too",
    "remove the Beginner filter"), or None when it asks no such thing."""
    names: list[str] = []
    if reading.cue("paid_too"):
        names += ["free", "max_price"]
    if reading.cue("no_certificate"):
        names.append("certificate")
    for match in reading.cue("any_filter"):
        names += FILTER_WORD[match.group(1)]
    removal = reading.cue("remove")
    if removal:
        what = removal.group("what")
        if what in FILTER_WORD:
            names += FILTER_WORD[what]
        else:
            # A filter named by its value: "the beginner filter", "the edx one", "free".
            stated = brain.read(what)[2]
            names += [name for name, value in stated.as_dict().items() if name != "topics"]
            if not names and stated.topics and len(session.filters.topics) > 1:
                names.append("topics")
    if not names:
        return None
    return list(dict.fromkeys(names))
