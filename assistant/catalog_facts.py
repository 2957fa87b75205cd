"""What the catalog holds from each platform, counted once when the brain is built: "is udemy any
good?" and "is a verified certificate worth it?" are answered from these figures, not from a pass
over every course while the learner waits.

>>> from assistant.models import Course
>>> facts = provider_facts([Course("1", "A", "edX", topics=("ml",), free=True, certificate="Verified certificate ($99)"),
...                         Course("2", "B", "edX", topics=("ml",), price=49.0, certificate="Verified certificate ($149)")])
>>> edx = facts["edX"]
>>> edx.courses, edx.main_topics, edx.free, edx.priced, edx.lowest_price, edx.certificate_prices
(2, ('ml',), 1, 1, 49.0, (99, 149))
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_CERTIFICATE_PRICE = re.compile(r"\$(\d+)")


@dataclass(frozen=True)
class ProviderFacts:
    courses: int = 0
    main_topics: tuple[str, ...] = ()           # topic ids, the most courses' first topic first
    free: int = 0
    priced: int = 0                             # courses with a price
    lowest_price: float = 0.0
    highest_price: float = 0.0
    rated: int = 0                              # courses with a star rating
    reviewed: bool = False                      # any course with a review count
    certificate_prices: tuple[int, ...] = ()   # prices of verified certificates, lowest first
    certificate_kinds: tuple[str, ...] = ()    # the certificates named without a price, sorted


def provider_facts(courses) -> dict[str, ProviderFacts]:
    """ProviderFacts for every provider of `courses`, in the order they first appear."""
    by_provider: dict[str, list] = {}
    for course in courses:
        by_provider.setdefault(course.provider, []).append(course)
    return {provider: _facts(listed) for provider, listed in by_provider.items()}


def _facts(courses) -> ProviderFacts:
    topics: dict[str, int] = {}
    for course in courses:
        for topic in course.topics[:1]:
            topics[topic] = topics.get(topic, 0) + 1
    prices = [c.price for c in courses if c.price]
    return ProviderFacts(
        courses=len(courses),
        main_topics=tuple(t for t, _ in sorted(topics.items(), key=lambda kv: -kv[1])[:4]),
        free=sum(1 for c in courses if c.free),
        priced=len(prices), lowest_price=min(prices, default=0.0), highest_price=max(prices, default=0.0),
        rated=sum(1 for c in courses if c.rating is not None),
        reviewed=any(c.reviews for c in courses),
        certificate_prices=tuple(sorted(int(p) for c in courses for p in _CERTIFICATE_PRICE.findall(c.certificate or ""))),
        certificate_kinds=tuple(sorted({c.certificate for c in courses if c.certificate and "$" not in c.certificate})))


@dataclass(frozen=True)
class ProgramFacts:
    courses: int = 0
    providers: tuple[str, ...] = ()
    organizations: tuple[str, ...] = ()         # the most courses' first


def program_facts(courses) -> dict[str, ProgramFacts]:
    """What the catalog holds of each platform programme ("MicroMasters"): how many of its courses,
    on which platforms, from which organizations.

    >>> from assistant.models import Course
    >>> program_facts([Course("1", "A", "edX", organization="MIT", program="MicroMasters"),
    ...                Course("2", "B", "edX", organization="MIT", program="MicroMasters"), Course("3", "C", "edX")])
    {'MicroMasters': ProgramFacts(courses=2, providers=('edX',), organizations=('MIT',))}
    """
    by_program: dict[str, list] = {}
    for course in courses:
        if course.program:
            by_program.setdefault(course.program, []).append(course)
    facts = {}
    for program, listed in by_program.items():
        counts: dict[str, int] = {}
        for course in listed:
            if course.organization:
                counts[course.organization] = counts.get(course.organization, 0) + 1
        facts[program] = ProgramFacts(len(listed), tuple(dict.fromkeys(c.provider for c in listed)),
                                      tuple(sorted(counts, key=lambda name: (-counts[name], name))))
    return facts
