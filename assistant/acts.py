"""Dialogue acts: what a message asks the assistant to do, as plain frozen dataclasses.

assistant/decide.py chooses one act from a message's Reading and the conversation's state (its
table of detectors, in order); assistant/replying.py hands the act to its handler.
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.filters import Filters
from assistant.models import Resource


@dataclass(frozen=True)
class Recommend:
    """Courses for a request: new, refined, the next page, or an earlier one again."""
    query: str
    filters: Filters
    lean: bool                  # best rated first (else best match first)
    confidence: float
    page: bool = False          # the next courses of the current request
    note: str = ""              # said before the result
    note_if_found: str = ""     # said before the result when courses are found
    fresh: bool = False         # what was ruled out for the last request no longer applies
    exclude: tuple[str, ...] = ()   # courses not to show ("what next after CS50": not CS50)


@dataclass(frozen=True)
class GoBack:
    """The request before the current one."""


@dataclass(frozen=True)
class StartOver:
    """Forget the conversation so far."""


@dataclass(frozen=True)
class DropFilters:
    """The current request without these filters ("any level", "paid ones too")."""
    names: tuple[str, ...]


@dataclass(frozen=True)
class RuleOut:
    """The current request without courses about a subject ("not interested in tableau")."""
    phrase: str


@dataclass(frozen=True)
class Compare:
    """These courses side by side; `request` becomes the current one when the courses came from it."""
    course_ids: tuple[str, ...]
    confidence: float
    request: tuple | None = None        # (query, filters, lean)
    note: str = ""                      # said first ("The catalog has no course on X.")


@dataclass(frozen=True)
class ComparePlatforms:
    """The best match on each platform named, compared."""
    course_ids: tuple[str, ...]
    query: str
    filters: Filters


@dataclass(frozen=True)
class AskAboutShown:
    """A question about one course (on screen, or named)."""
    course_id: str
    confidence: float
    note: str = ""


@dataclass(frozen=True)
class PickAmongShown:
    """The best of the courses on screen by a criterion ("cheapest", "best rated")."""
    criterion: str


@dataclass(frozen=True)
class Faq:
    """A question the roadmap answers (its FAQ or a section); `role` when it was asked for another
    role than the roadmap's and is answered for ML engineers."""
    question: str
    confidence: float
    section: str | None = None
    role: str | None = None
    weighed: tuple[tuple[str, str], ...] = ()   # "phd vs masters": (side, its question) each answered
    note: str = ""                              # said before the answer (catalog facts the question asks too)


@dataclass(frozen=True)
class ResourceInfo:
    """A resource the article names that the catalog doesn't list ("fast.ai")."""
    resource: Resource
    note: str = ""


@dataclass(frozen=True)
class TaughtBy:
    """The courses of an instructor the listings name."""
    teacher: str
    filters: Filters


@dataclass(frozen=True)
class Pace:
    """"A few hours a week" after courses: online courses are self-paced."""


@dataclass(frozen=True)
class SmallTalk:
    intent: str                 # greet, thanks, goodbye, help
    confidence: float


@dataclass(frozen=True)
class Clarify:
    """Ask back: the message can't be acted on as it is."""
    text: str
    options: tuple[str, ...] = ()
    confidence: float = 1.0


@dataclass(frozen=True)
class PlatformInfo:
    """"is udemy any good?": what the catalog holds from one platform (it judges courses, not platforms)."""
    provider: str


@dataclass(frozen=True)
class OutOfScope:
    confidence: float
    matter: str | None = None       # a matter of declines.yaml, said in its own words
