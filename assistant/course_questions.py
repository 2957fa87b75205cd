"""Answers to a learner's questions about one course, from its catalog record: "is it free and how
long is it?", "who teaches it?", "is it worth it?", or a summary when nothing in particular is asked.

>>> from assistant.models import Course
>>> course = Course(id="x", title="SQL Basics", provider="edX", level="Beginner", free=True,
...                 duration="4 Weeks", hours=12)
>>> answer_about(course, "is it free and how long is it")
'**SQL Basics** takes 4 Weeks (about 12 hours) on edX. Yes, **SQL Basics** is free to audit (a verified certificate costs extra).'
"""
from __future__ import annotations

import re

from assistant.models import Course
from assistant.ranking import estimated_hours
from assistant.textnorm import fold
from assistant.textnorm import words as word_list


def answer_about(course: Course, folded: str) -> str:
    """The answer to what the message asks about the course; "is it free and how long is it?"
    answers both (up to three things), a message that asks nothing in particular gets a summary."""
    # The course's own name says nothing about what is asked ("... Machine Learning in Production").
    title = set(word_list(course.title))
    asked = " ".join(w for w in word_list(folded) if w not in title)
    several = 3 if re.search(r"\band\b|,|\balso\b|\?\s*\w", folded) else 1
    worth_cost = _WORTH_COST.search(asked)
    if worth_cost:
        # "is it worth my time?", "worth the money?": what learners make of it, and what it costs
        cost = "how long" if worth_cost.group(1) in ("time", "while") else "price"
        asked, several = _WORTH_COST.sub(f"worth it {cost}", asked), max(several, 2)
    answers = []
    for aspect in _ASPECTS:
        answer = aspect(course, asked, f"**{course.title}**")
        if answer:
            answers.append(answer)
            if len(answers) == several:
                break
    return " ".join(answers) if answers else _summary(course)


def _about_platform(course: Course, folded: str, name: str) -> str | None:
    platform = re.search(r"\b(?:on|from) (coursera|edx|udemy)\b|\bwhich (?:platform|site|website)\b", folded)
    if not platform:
        return None
    asked = platform.group(1)
    if asked and fold(course.provider) != asked:
        return f"No, {name} is on {course.provider}, not {asked.capitalize() if asked != 'edx' else 'edX'}."
    by = f" by {course.organization}" if course.organization else ""
    return f"{'Yes, ' if asked else ''}{name} is on {course.provider}{by}."


def _about_duration(course: Course, folded: str, name: str) -> str | None:
    if not re.search(r"\bhow long|duration|how many (?:hours|weeks)|time\b", folded):
        return None
    hours = estimated_hours(course)
    if course.duration:
        extra = f" (about {hours:g} hours)" if course.hours and "hour" not in course.duration.lower() else ""
        return f"{name} takes {course.duration}{extra} on {course.provider}."
    if hours:
        return f"{name} is about {hours:g} hours of content on {course.provider}."
    return f"{course.provider} doesn't list how long {name} takes."


def _about_price(course: Course, folded: str, name: str) -> str | None:
    if not re.search(r"\b(?:free|cost|costs|price|pay|paid|expensive)\b|\bhow much(?! time)", folded):
        return None
    if course.free is True:
        note = " to audit (a verified certificate costs extra)" if course.provider == "edX" else ""
        return f"Yes, {name} is free{note}."
    if course.price is not None:
        return f"{name} costs ${course.price:g} on {course.provider}."
    if course.free is False:
        return f"{name} is paid; the listing gives no price."
    return f"The listing doesn't say whether {name} is free; {course.provider} often lets you audit courses."


_ENROLMENT = re.compile(r"\bhow many (?:people|learners|students)|enrol+ed|enrol+ments?|took it|taken it\b")


def _about_enrolment(course: Course, folded: str, name: str) -> str | None:
    if not _ENROLMENT.search(folded):
        return None
    if course.enrolled:
        return f"{course.enrolled:,} learners have enrolled in {name} on {course.provider}."
    if course.reviews:
        return f"{course.provider} gives no enrolment figure for {name}; it has {course.reviews:,} reviews."
    return f"{course.provider}'s listing gives no enrolment figure for {name}."


def _about_teacher(course: Course, folded: str, name: str) -> str | None:
    # "who" asking who, not "someone who already knows bash"
    if not re.search(r"(?<!someone )(?<!somebody )(?<!people )(?<!person )(?<!anyone )(?<!those )(?<!beginner )(?<!beginners )"
                     r"(?<!learners )(?<!students )\bwho\b|"
                     r"\b(?:teach|teaches|instructors?|teacher|taught(?! in)|professor|made|offers?)\b", folded):
        return None
    if course.instructors:
        by = f" ({course.organization})" if course.organization else ""
        return f"{name} is taught by {', '.join(course.instructors)}{by}."
    if course.organization:
        return f"{name} is offered by {course.organization} on {course.provider}; the listing names no instructor."
    return f"The listing doesn't say who teaches {name}."


def _about_level(course: Course, folded: str, name: str) -> str | None:
    if not re.search(r"\blevel|difficult|hard|beginner|advanced|prerequisite|easy\b", folded):
        return None
    return f"{name} is listed as {course.level.lower()} level" + (
        " (suitable for all levels)." if course.level == "Mixed" else ".")


_WORTH_COST = re.compile(r"\bworth (?:my|the|your|our) (time|while|money|price|cost)\b")
_WORTH = re.compile(r"\bworth(?:while|\s+(?:it|taking|doing|the|my|paying|signing|a))\b")


def _worth_asked(course: Course, folded: str) -> bool:
    return bool(_WORTH.search(folded)) and course.rating is not None


def _about_worth(course: Course, folded: str, name: str) -> str | None:
    if not _worth_asked(course, folded):
        return None
    reviews = f" from {course.reviews:,} reviews" if course.reviews else ""
    enrolled = f", and {course.enrolled:,} learners have enrolled" if course.enrolled and not _ENROLMENT.search(folded) else ""
    certificate = f" It comes with a certificate ({course.certificate})." if course.certificate else ""
    return f"Learners rate {name} {course.rating:g}/5{reviews}{enrolled}.{certificate}"


def _about_certificate(course: Course, folded: str, name: str) -> str | None:
    if not re.search(r"\bcertificate|certification|certified\b", folded) or _worth_asked(course, folded):
        return None
    return (f"{name} comes with a certificate ({course.certificate})." if course.certificate
            else f"The listing doesn't mention a certificate for {name}.")


def _about_rating(course: Course, folded: str, name: str) -> str | None:
    if not re.search(r"\brating|rated|reviews?|good|worth\b", folded) or _worth_asked(course, folded):
        return None
    if course.rating is not None:
        reviews = f" from {course.reviews:,} reviews" if course.reviews else ""
        return f"{name} is rated {course.rating:g}/5{reviews}."
    return f"{course.provider}'s listing gives no rating for {name}" + (
        f"; {course.enrolled:,} learners have enrolled." if course.enrolled else ".")


def _about_language(course: Course, folded: str, name: str) -> str | None:
    if not re.search(r"\blanguage|english|spanish|taught in\b", folded):
        return None
    return f"{name} is taught in {course.language}."


def _about_skills(course: Course, folded: str, name: str) -> str | None:
    if not (re.search(r"\b(?:skills?|learn|cover|covers|covered|topics?)\b", folded) and course.skills
            and "tell me" not in folded):
        return None
    return f"{name} covers {', '.join(course.skills[:6])}."


_ASPECTS = (_about_platform, _about_duration, _about_price, _about_enrolment, _about_teacher, _about_level,
            _about_worth, _about_certificate, _about_rating, _about_language, _about_skills)


def _summary(course: Course) -> str:
    level = course.level.lower() if course.level != "Mixed" else "all-levels"
    article = "an" if level[0] in "aeiou" else "a"
    kind, pacing = (course.kind or "course"), None
    if re.search(r"paced|instructor-led", kind, re.I):
        # edX lists the pacing where others list the kind of course.
        kind, pacing = "course", kind
    parts = [f"**{course.title}** is {article} {level} {kind.lower()} on {course.provider}"
             + (f" from {course.organization}" if course.organization else "") + "."]
    if pacing:
        parts.append(f"{pacing[0].upper()}{pacing[1:].lower()}.")
    if course.blurb:
        parts.append(course.blurb)
    if course.why_recommended:
        parts.append(f"Why it's on our roadmap: {course.why_recommended}")
    if course.rating is not None:
        parts.append(f"Rated {course.rating:g}/5" + (f" from {course.reviews:,} reviews." if course.reviews else "."))
    if course.enrolled:
        parts.append(f"{course.enrolled:,} enrolled.")
    if course.duration:
        parts.append(f"Duration: {course.duration}.")
    if course.free is True:
        parts.append("Free" + (" to audit." if course.provider == "edX" else "."))
    elif course.price is not None:
        parts.append(f"Price: ${course.price:g}.")
    if course.skills:
        parts.append(f"Skills: {', '.join(course.skills[:5])}.")
    return " ".join(parts)
