"""What the learner asked for: filters read from the text of a message.

`extract_filters(text, vocabulary)` turns "free beginner python courses on edX under 10 hours"
into Filters(topics=('python',), level='Beginner', provider='edX', free=True, max_hours=10).
The vocabulary (topics, providers, organizations, languages) comes from the knowledge
(assistant/filter_vocabulary.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from assistant.textnorm import fold

if TYPE_CHECKING:
    from assistant.filter_vocabulary import FilterVocabulary

LEVEL_ORDER = ("Beginner", "Intermediate", "Advanced")

_LEVEL_PATTERNS = [
    ("Beginner", r"beginners?|beginning|novices?|newbies?|noobs?|from scratch|starting out|just starting|"
                 r"starter|no (?:prior )?(?:experience|background|knowledge)|zero (?:experience|knowledge)|"
                 r"new to|intro|introductory|introduction|basics|basic|entry[- ]level|first steps|"
                 r"for dummies|easy|simple|never (?:coded|programmed|done any)|no (?:coding|programming) (?:background|experience)|"
                 r"complete beginners?|total beginners?|first time|brand new|newcomers?|"
                 r"debutants?|principiantes?|anfanger|para empezar|desde cero|pour commencer|"
                 r"(?:don'?t|do not) have (?:any |much )?(?:coding |programming |prior )?(?:experience|background)"),
    ("Intermediate", r"intermediate|some experience|next level|not a beginner|mid[- ]level"),
    ("Advanced", r"advanced|expert|experts|in[- ]depth|deep dive|senior|mastery|master class|masterclass"),
]
_LEVEL_RES = [(level, re.compile(rf"\b(?:{pattern})\b")) for level, pattern in _LEVEL_PATTERNS]


def _top_alternatives(pattern: str) -> list[str]:
    """A pattern's alternatives outside any group: "a|b (?:c|d)" -> ["a", "b (?:c|d)"]."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(pattern):
        depth += char == "("
        depth -= char == ")"
        if char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return parts + [pattern[start:]]


# The one-word ways of saying a level ("noobs", "newcomer"): words that state a filter, never a subject.
LEVEL_WORDS = frozenset(form for _, pattern in _LEVEL_PATTERNS for alternative in _top_alternatives(pattern)
                        if re.fullmatch(r"[a-z]+(?:s\?)?", alternative)
                        for form in ((alternative[:-2], alternative[:-2] + "s") if alternative.endswith("s?") else (alternative,)))

_FREE = re.compile(r"\b(?:free|for free|no cost|zero cost|without paying|gratis|gratuits?|gratuitos?|gratuitas?|kostenlos|"
                   r"costs? nothing|\$0|0 dollars|"
                   r"don'?t want to pay|can'?t afford|no money)\b|\$0\b")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+")
_CHEAP = re.compile(r"\b(?:cheap|cheapest|affordable|inexpensive|budget|low[- ]cost)\b")
_CERTIFICATE = re.compile(r"\b(?:certs?|certificates?|certifications?|certified|credentials?|accredited)\b")
# edX's programmes (the catalog's program field), by the words learners write them with.
PROGRAMS = {"MicroMasters": r"micro ?masters?", "MicroBachelors": r"micro ?bachelors?", "XSeries": r"x ?series"}
_PROGRAM = [(name, re.compile(rf"\b(?:{pattern})\b")) for name, pattern in PROGRAMS.items()]
_SHORT = re.compile(r"\b(?:short|shorter|quick|quickly|brief|crash course|fast|in a weekend|over a weekend|"
                    r"weekend)\b")
# A number is read from the start of its digits ((?<!\d)): trying every later digit of a long run
# as a start again made these patterns quadratic in the run's length; such a start can only fail
# where the run's start failed, so the matches are the same.
_MONEY = r"(?:\$\s*(\d+(?:\.\d+)?)|(?<!\d)(\d+(?:\.\d+)?)\s*(?:\$|dollars?|usd|bucks))"
_UNDER = r"(?:under|below|less than|fewer than|shorter than|no more than|no longer than|at most|max(?:imum)?|up to|within|cheaper than|<=?|not over|<)"
_PRICE_CAP = re.compile(rf"{_UNDER}\s*{_MONEY}|{_MONEY}\s*(?:or less|max|or under|or cheaper|tops)")
_HOURS_CAP = re.compile(rf"{_UNDER}\s*(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|weeks?|days?)\b|"
                        rf"(?<!\d)(\d+(?:\.\d+)?)\s*(hours?|hrs?|weeks?|days?)\s*(?:or less|max|or under|tops)\b")
# The time a learner says they have is a cap too: "I have about 10 hours", "something I can
# finish in 3 hours" (not a weekly rhythm: "I have 5 hours a week").
_HOURS_BUDGET = re.compile(r"\b(?:i(?:'ve| have)?|we(?:'ve| have)?)\s+(?:only\s+|just\s+)?(?:have|got|can spare|"
                           r"can put in|can give it)\s+(?:about\s+|around\s+|roughly\s+|maybe\s+|only\s+|just\s+|"
                           r"like\s+)?(\d+(?:\.\d+)?)\s*(hours?|hrs?|days?)\b(?!\s*(?:a|per|each|every)\s+(?:week|day))|"
                           r"\b(?:finish|complete|get through|do)\s+(?:it\s+)?in\s+(?:about\s+|around\s+|under\s+)?"
                           r"(\d+(?:\.\d+)?)\s*(hours?|hrs?|days?)\b")
# One run of spaces is read by one \s* (the words between are optional): two \s* side by side
# split a long run of spaces every possible way, in quadratic time.
_RATING = re.compile(r"(?:rated|rating|ratings|stars?|score)\s*(?:of\s*)?(?:(?:at least|above|over|more than|"
                     r">=?|of)\s*)?(\d(?:\.\d+)?|10)\s*(?:\+|stars?|/\s*(?:5|10)|or (?:more|higher|above|better))?"
                     r"|(\d(?:\.\d+)?|10)\s*(?:\+\s*)?(?:stars?|/\s*(?:5|10))\s*(?:or (?:more|higher|above|better)|\+|rated|rating)?"
                     r"|(\d(?:\.\d+)?)\s*\+")
_HIGHLY_RATED = re.compile(r"\b(?:highly|well|top|best|high)[- ]rated\b|\bgood (?:ratings?|reviews)\b")
_QUALITY = re.compile(r"\b(?:best|top|greatest|finest|highest|recommended|excellent|great|good)\b")
_POPULAR = re.compile(r"\b(?:popular|most (?:enrolled|taken|learners|students)|biggest|famous|well[- ]known)\b")

# Hours assumed per week when a learner states a cap in weeks or days (a part-time learner).
HOURS_PER_WEEK = 5
SHORT_COURSE_HOURS = 10

LANGUAGES = {
    "English": ["english"],
    "Español": ["spanish", "espanol", "castellano"],
    "Français": ["french", "francais"],
    "Português": ["portuguese", "portugues"],
    "Italiano": ["italian", "italiano"],
    "中文": ["chinese", "mandarin"],
    "日本語": ["japanese"],
    "اللغة العربية": ["arabic"],
    "Deutsch": ["german", "deutsch"],
    "Русский": ["russian"],
    "Türkçe": ["turkish"],
    "ไทย": ["thai"],
    "한국어": ["korean"],
}

@dataclass(frozen=True)
class Filters:
    topics: tuple[str, ...] = ()
    level: str | None = None
    provider: str | None = None
    organization: str | None = None
    free: bool | None = None
    max_price: float | None = None
    max_hours: float | None = None
    min_rating: float | None = None
    certificate: bool | None = None
    language: str | None = None
    program: str | None = None          # a platform's programme: "MicroMasters", "XSeries"

    def as_dict(self) -> dict:
        """Only the filters that are set, JSON-ready."""
        out = {}
        for name in _FILTER_NAMES:
            value = getattr(self, name)
            if value is None or value == ():
                continue
            out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def is_empty(self) -> bool:
        return all(getattr(self, name) in (None, ()) for name in _FILTER_NAMES)

    def merged_with(self, newer: "Filters") -> "Filters":
        """These filters with every filter set in `newer` taking its place."""
        values = self._values()
        changed = False
        for name in _FILTER_NAMES:
            value = getattr(newer, name)
            if value is not None and value != ():
                values[name] = value
                changed = True
        if not changed:
            return self
        if newer.free:
            values["max_price"] = newer.max_price
        return Filters(**values)

    def without(self, name: str) -> "Filters":
        if name not in _FILTER_NAMES:
            raise TypeError(f"Filters has no filter {name!r}")
        return Filters(**{**self._values(), name: () if name == "topics" else None})

    def _values(self) -> dict:
        return {name: getattr(self, name) for name in _FILTER_NAMES}

    # Filters key the memo of rankings and reasons (assistant/ranking.py) several times a message:
    # the hash is computed once. It is not pickled: a string's hash differs between processes.
    def __hash__(self) -> int:
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(tuple(self._values().values()))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self):
        return self._values()

    def __setstate__(self, state):
        self.__dict__.update(state)


_FILTER_NAMES = tuple(f.name for f in fields(Filters))


def org_key(name: str) -> str:
    return " ".join(w for w in re.findall(r"[a-z0-9]+", fold(name)) if w != "the")


def _number(text: str) -> float:
    value = float(text)
    return int(value) if value.is_integer() else value


# Topics a learner mentions about themselves or rules out are not what they want to learn:
# "I'm a marketing manager", "with no coding background".
_NOT_WANTED = re.compile(r"\b(?:i'?m|i am|as|work(?:ing)? as|job as) an? [a-z#+ ]{2,40}?(?=\s+(?:with|and|who|but|looking|wanting|want|trying|,)|[,.;]|$)"
                         r"|\b(?:work|works|worked|working|been|career) in [a-z ]{2,30}? for (?:about |around |over |almost )?"
                         r"(?:\d+|a few|several|many|two|three|four|five|six|seven|eight|nine|ten) (?:years?|months?)"
                         r"|\b(?:no|without|zero|little|not much|(?:don'?t|do not) have (?:any|much)) [a-z]{2,20} "
                         r"(?:background|experience|knowledge|skills)"
                         r"|\b(?:not (?:great|good|strong|confident)|bad|weak|terrible|rusty) (?:at|in|with) (?:my )?[a-z]{2,20}"
                         r"|\b(?:i )?(?:hate|struggle with|am scared of|i'?m scared of) [a-z]{2,20}"
                         # what the course should not be heavy on: "not too mathy", "without much maths"
                         r"|\b(?:not|isn'?t?|aren'?t?) (?:too|so|overly|very) [a-z]{2,20}"
                         r"|\bwithout (?:too much |much |a lot of |heavy )?[a-z]{2,20}\b(?! (?:background|experience|knowledge|skills))")


# "learn the spanish language" is about learning Spanish, not about courses taught in it.
_LEARN_BEFORE = re.compile(r"\b(?:learn|learning|study|studying|speak|speaking|practi[cs]e|improve|master)\s+"
                           r"(?:my\s+|the\s+|some\s+)?$")


def not_wanted(text: str) -> str:
    """The text without what the learner says of themselves or rules out ("i'm a c# developer")."""
    return _NOT_WANTED.sub(" ", text)


def _topical_part(text: str, organization: str | None) -> str:
    if organization:
        words = org_key(organization).split()
        text = re.sub(r"\b" + r"[\s.\-_]*".join(map(re.escape, words)) + r"\b", " ", text)
    stripped = _NOT_WANTED.sub(" ", text)
    return stripped if stripped.strip() else text


def find_level(text: str) -> str | None:
    for level, pattern in reversed(_LEVEL_RES):
        if pattern.search(text):
            return level
    return None


def extract_filters(text: str, vocabulary: FilterVocabulary) -> Filters:
    """Filters stated in `text` (already folded and spell-corrected)."""
    values: dict = {}
    organization = vocabulary.find_organization(text)
    topical = text
    names_language = not vocabulary.language_names.isdisjoint(_WORD.findall(text))
    for pattern, language in vocabulary.language_patterns if names_language and vocabulary.any_language.search(text) else ():
        match = pattern.search(text)
        if match and not _LEARN_BEFORE.search(text[:match.start()]):
            values["language"] = language
            # "a spanish-language course": the language asked for, not the topic "languages".
            topical = topical.replace(match.group(0), " ")
    values["topics"] = tuple(vocabulary.tagger.tag(_topical_part(topical, organization)))
    if len(values["topics"]) > 1 and "programming" in values["topics"]:
        # "python programming": the specific language says it all; the umbrella would only narrow.
        values["topics"] = tuple(t for t in values["topics"] if t != "programming")
    values["level"] = find_level(text)
    for pattern, provider in vocabulary.provider_patterns:
        if pattern.search(text):
            values["provider"] = provider
    values["organization"] = organization
    if _FREE.search(text):
        values["free"] = True
    # A price, a number of hours or a rating is written with digits: without any, none is searched for.
    digits = _DIGIT.search(text) is not None
    price = _PRICE_CAP.search(text) if digits else None
    if price:
        amount = next(g for g in price.groups() if g)
        values["max_price"] = _number(amount)
        if values["max_price"] == 0:
            values["free"], values["max_price"] = True, None
    elif _CHEAP.search(text) and not values.get("free"):
        values["max_price"] = 30
    hours = (_HOURS_CAP.search(text) or _HOURS_BUDGET.search(text)) if digits else None
    if hours:
        groups = [g for g in hours.groups() if g]
        amount, unit = float(groups[0]), groups[1]
        if unit.startswith("week"):
            amount *= HOURS_PER_WEEK
        elif unit.startswith("day"):
            amount *= HOURS_PER_WEEK / 7 * 2
        values["max_hours"] = _number(round(amount, 1))
    elif _SHORT.search(text):
        values["max_hours"] = SHORT_COURSE_HOURS
    rating = _RATING.search(text) if digits else None
    if rating:
        figure = float(next(g for g in rating.groups() if g))
        if 0 < figure <= 10:
            values["min_rating"] = _number(figure / 2 if figure > 5 or "/10" in rating.group(0).replace(" ", "") else figure)
    elif _HIGHLY_RATED.search(text):
        values["min_rating"] = 4.5
    if _CERTIFICATE.search(text):
        values["certificate"] = True
    values["program"] = next((name for name, pattern in _PROGRAM if pattern.search(text)), None)
    return Filters(**values)


def wants_quality(text: str) -> bool:
    return bool(_QUALITY.search(text) or _HIGHLY_RATED.search(text))


def wants_popular(text: str) -> bool:
    return bool(_POPULAR.search(text))
