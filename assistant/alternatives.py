""""X or Y?", "X vs Y": the two things a message weighs against each other, and what each is to
the catalog: a course it lists, a career matter the roadmap speaks to (a degree, a certificate),
or something it has no course on.

>>> split_alternatives("Which certification matters more for data engineers: AWS Data Specialty or Solution Architect?")
('AWS Data Specialty', 'Solution Architect')
>>> split_alternatives("Certification vs postgrad - what would have more impact?")
('Certification', 'postgrad')
>>> split_alternatives("python courses for beginners") is None
True
>>> split_alternatives("what counts more, where you studied or what you built?") is None
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.filters import Filters
from assistant.lexicon import EVERYDAY_ENGLISH, FILLER
from assistant.textnorm import STOPWORDS, fold, normalize_word, words

_BETWEEN = re.compile(r"\s+(?:or|vs\.?|versus)\s+", re.IGNORECASE)
_EDGE = re.compile(r"[,:;()\u2013\u2014?!]|\s-\s|\.(?:\s|$)")
_LEAD = re.compile(r"^(?:(?:which|what|should i|is it|is|are|does|do i|do|would|will|either|between|choose|pick|take|"
                   r"learn|learning|study|studying|get|go for)\s+)*(?:(?:a|an|the|my)\s+)?", re.IGNORECASE)
_PURPOSE = re.compile(r"\s+(?:for|to|as|at|in|with|if|when|because|which|what|better|worse|more|less|first|next|now)\b", re.IGNORECASE)
MAX_SIDE_WORDS = 5
_NOT_A_SIDE = frozenset("""higher more above better less lower fewer so not no else anything something whatever
    later both either similar equivalent""".split())


@dataclass(frozen=True)
class Side:
    label: str                  # as the learner wrote it
    kind: str                   # "course", "career", "subject", "resource" (the article names it), "missing" or "plain" (words naming nothing)
    course_id: str | None = None
    whole_title: bool = False   # the side is the course's whole title, as the message writes it


def split_alternatives(text: str) -> tuple[str, str] | None:
    """The two sides of "X or Y" / "X vs Y" in a message, as written, or None."""
    found = list(_BETWEEN.finditer(text))
    if len(found) != 1:
        return None
    between = found[0]
    before, after = text[:between.start()], text[between.end():]
    edges = list(_EDGE.finditer(before))
    left = before[edges[-1].end():] if edges else before
    edge = _EDGE.search(after)
    right = after[:edge.start()] if edge else after
    left = _LEAD.sub("", left.strip()).strip()
    right = _PURPOSE.split(right.strip(), maxsplit=1)[0].strip()    # "java for a beginner": java
    if not left or not right or len(left.split()) > MAX_SIDE_WORDS or len(right.split()) > MAX_SIDE_WORDS:
        return None
    if right.split()[0].lower() in _NOT_A_SIDE:
        return None     # "4.5 or higher", "free or not", "python or something else"
    if _CLAUSE.match(left) or _CLAUSE.match(right):
        return None     # "where you studied or what you built": matters described, no names weighed
    return left, right


# A side that is a clause about someone, not the name of a thing: "where you studied".
_CLAUSE = re.compile(r"(?:where|what|how|who|which|when|whether)\s+(?:you|i|we|they|he|she|one|people)\b", re.IGNORECASE)


_NAMED_PAIR = (
    # "the difference between X and Y"
    re.compile(r"\b(?:difference|differences|diff)\s+between\s+(?:the\s+|an?\s+)?(.+?)\s+and\s+(?:the\s+|an?\s+)?(.+?)"
               r"\s*(?:[,:;?!]|\.(?:\s|$)|\s-\s|$)", re.IGNORECASE),
    # "should I do X before Y?"
    re.compile(r"\b(?:do|take|get|finish|start(?: with)?|go for)\s+(?:the\s+)?(.+?)\s+(?:before|first or)\s+(?:the\s+)?(.+?)"
               r"\s*(?:[,:;?!]|\.(?:\s|$)|\s-\s|$)", re.IGNORECASE),
)
_CODE = re.compile(r"\b[a-z]{1,4}-?\d{2,4}[a-z]?\b", re.IGNORECASE)     # az-900, cs50, dp-100
_ROLE = re.compile(r"\b(?:engineer|scientist|analyst|developer|manager|designer|administrator|researcher)s?$")


def split_named_pair(text: str) -> tuple[str, str] | None:
    """The two sides of "the difference between X and Y" or "X before Y", as written, or None:
    forms that weigh two things only when both name courses (see names_one_course).

    >>> split_named_pair("whats the difference between AZ-900 and AWS Cloud Practitioner Essentials?")
    ('AZ-900', 'AWS Cloud Practitioner Essentials')
    >>> split_named_pair("should I take the Google Data Analytics before the IBM Data Analyst?")
    ('Google Data Analytics', 'IBM Data Analyst')
    >>> split_named_pair("Difference Between AZ-900 and DP-900?")
    ('AZ-900', 'DP-900')
    """
    lowered = text.lower()
    if "between" not in lowered and "before" not in lowered and "first or" not in lowered:
        return None         # most messages: neither form is searched for
    for pattern in _NAMED_PAIR:
        found = pattern.search(text)
        if found:
            left, right = found.group(1).strip(), found.group(2).strip()
            if len(left.split()) <= MAX_SIDE_WORDS and len(right.split()) <= MAX_SIDE_WORDS:
                return left, right
    return None


def names_one_course(brain, side: Side) -> bool:
    """Whether a side names one course beyond doubt: by its whole title, or by an exam code its
    title carries ("AZ-900 prep"). "a data analyst" matches the title "IBM Data Analyst" but names
    a role."""
    if side.kind != "course":
        return False
    if side.whole_title:
        return True
    plain = " ".join(words(side.label))
    title = fold(brain.course(side.course_id).title)
    if any(code.group(0).lower() in title for code in _CODE.finditer(side.label)):
        return True
    # two words or more, all of the title's ("Google Cloud Digital Leader", "Solutions Architect"),
    # that name no role
    distinctive = [w for w in words(side.label) if w not in STOPWORDS]
    return len(distinctive) >= 2 and set(distinctive) <= set(words(title)) and not _ROLE.search(plain)


def resolve(brain, label: str) -> Side:
    """What one side is to the catalog and the roadmap."""
    plain = " ".join(words(label))
    mentioned = brain.titles.find(plain, limit=1)
    if mentioned and mentioned[0].full and mentioned[0].end - mentioned[0].start >= 0.8 * len(plain):
        return Side(label, "course", mentioned[0].course.id, whole_title=True)
    if brain.resources_named(plain):
        return Side(label, "resource")      # one the article names ("fast.ai"), not a catalog course
    distinctive = [normalize_word(w) for w in words(label)
                   if w not in STOPWORDS and normalize_word(w) not in FILLER and not brain.is_filler(w)]
    titled = brain.series_named(plain) if len(distinctive) < 2 else []      # "CS50"
    if not titled and plain in brain.topic_phrases:
        return Side(label, "subject")       # a topic's own name ("power bi", "machine learning")
    titled = titled or (brain.courses_titled(distinctive) if len(distinctive) >= 2 else [])
    if titled:
        return Side(label, "course", titled[0])     # "Azure Fundamentals", "Solution Architect", "CS50"
    if not distinctive or (set(brain.concepts.tag(fold(label))) & brain.career_concepts
                           and not any(brain.lexicon.is_term(w) for w in distinctive)):
        return Side(label, "career")        # "certification", "a master's degree", "postgrad"
    # A subject as a whole ("machine learning", "python"); "AWS Data Specialty" names one
    # certificate: a subject's word with words that are no subject of their own.
    named = len(label.split()) >= 2 and all(w[:1].isupper() for w in label.split())
    subject_words = not named or all(brain.lexicon.can_be_subject(w) or normalize_word(w) in brain.topic_words
                                     for w in distinctive)
    if brain.is_subject(label) or (brain.tagger.tag(fold(label)) and subject_words) or (
            len(distinctive) == 1 and brain.lexicon.can_be_subject(distinctive[0]) and brain.lexicon.in_catalog(distinctive[0])):
        return Side(label, "subject")       # "python or java": subjects, not two named things
    # one everyday word ("go") in some titles names none of them
    titled = brain.courses_titled(distinctive) if len(distinctive) >= 2 or \
        brain.lexicon.english.get(distinctive[0], 0) < EVERYDAY_ENGLISH else []
    if titled:
        return Side(label, "course", titled[0])
    if not named and not any(brain.lexicon.unknown_subject(w) for w in words(label)):
        return Side(label, "plain")         # plain words that name nothing: "a long list of skills"
    return Side(label, "missing")


def sides_weighed(brain, reading) -> list[Side]:
    """The two sides a message weighs ("X or Y", "the difference between X and Y", "X before Y"),
    each resolved."""
    labels = reading.alternatives or reading.named_pair
    # a side cut short at "for" is the whole title the message names ("cs50 or python for everybody")
    named = [reading.folded[m.start:m.end] for m in reading.mentions if m.full]
    labels = [next((n for n in named if n.startswith(fold(label) + " ")), label) for label in labels]
    sides = [resolve(brain, label) for label in labels]
    # A side in plain words weighed against a career matter is one too ("a long list of skills or
    # a few certificates"); otherwise it is something the catalog has no course on.
    plain = "career" if any(side.kind == "career" for side in sides) else "missing"
    return [replace(side, kind=plain) if side.kind == "plain" else side for side in sides]


def best_on_each(brain, reading, sides: list[Side]) -> tuple[str, str] | None:
    """The best course on each of two subjects (from each, for an organization: "meta or google
    for marketing"), on what else the message asks for; None unless they are two courses."""
    side_words = {w for side in sides for w in words(side.label)}
    rest = [w for w in reading.query.split() if w not in side_words]
    best = []
    for side in sides:
        organization = brain.vocabulary.organization_named(side.label)
        wanted = reading.filters.without("organization").merged_with(
            Filters(organization=organization[0]) if organization else
            Filters(topics=tuple(brain.tagger.tag(fold(side.label)))[:1]))
        query = " ".join(rest if organization else [*words(side.label), *rest])
        found = brain.ranker.rank(query, wanted, lean_on_quality=True, limit=1).courses
        if not found:
            return None
        best.append(found[0].id)
    return (best[0], best[1]) if best[0] != best[1] else None
