"""A message read once: every later step (the choice of a dialogue act, its handler) reads the
`Reading`, never the text again.

A long post (backstory, then the question) is read in two parts: the sentences that ask decide
what to do; the rest is context, kept only for what it says about the learner (a level, the
subject they are after when the question itself names none).

>>> split_asking("I played the piano as a child in a small town by the sea. I stopped in 1974 and have "
...              "forgotten nearly all of it since then. Is there a course to restart? Thanks!")
('Is there a course to restart?', 'I played the piano as a child in a small town by the sea. I stopped in 1974 and have forgotten nearly all of it since then. Thanks!')
>>> split_asking("best python course for beginners")
('best python course for beginners', '')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from assistant.filters import LANGUAGES, LEVEL_WORDS, Filters, not_wanted
from assistant.lexicon import FILLER
from assistant.models import Resource
from assistant.alternatives import split_alternatives, split_named_pair
from assistant.cues import CATALOG_WORD, COURSE_WORD, LEARN_WHAT, LEARNING_VERBS, REPORTED_BY, find_cues
from assistant.textnorm import STOPWORDS, fold, normalize_word, tokenize, words
from assistant.titles import TitleMention

# A word the catalog uses, said just before "courses" or just after "learn", names what to learn
# when it is this rare in English (per the frequency list: "elixir" 1,581, "blender" 1,145) and
# nothing else does; "new" (1.2 million) or "latest" (42,487) only describe the courses.
RARE_NAMED = 5000
# A post this long (in words) with several sentences is read for the sentences that ask.
LONG_POST_WORDS = 30
_SENTENCE_END = re.compile(r"(?<=[.!?])(?:[.!?]*)\s+|(?<=[a-z][.!?])(?=[A-Z])|(?<=[?!])[.!?]*(?=[A-Z])|\s*\n+\s*")
_ASKS = re.compile(r"\?|\b(?:recommend|suggest|looking for|look for|i (?:want|would like|'d like|wish|need) to (?:learn|study|start|become|get)|"
                   r"how (?:do|can|should|would) i|how to|what (?:should|is|are|do|would|can)|^which|which (?:one|course|is|are|should|would)|where (?:can|do|should|to)|"
                   r"can you|could you|is there|are there|do i need|should i|advise|tell me)\b", re.I)
_MATERIAL = re.compile(rf"\b(?:{CATALOG_WORD}|courses?|class(?:es)?|resources?|tutorials?|books?(?!\s+(?:a|an|the|my|me|us|for)\b)|series|playlists?|materials?|"
                       r"sources|lessons|intros?|recommend|suggest|looking for|path|get better at|brush up|level up|upskill)\b")
_LEARN_OBJECT = re.compile(r"\b(?:learn|learning|study|studying|courses? (?:on|about|in)|class(?:es)? (?:on|about|in))\s+"
                           r"(?:about\s+|more about\s+)?([a-z][a-z0-9+#.-]*)\s*[?!.]*$")
_NAMED_NEAR_LEARNING = re.compile(r"\b([a-z][a-z0-9+#.-]*)\s+(?:courses?|class(?:es)?|tutorials?|training)\b|"
                                  rf"\b(?:{LEARNING_VERBS})\s+([a-z][a-z0-9+#.-]*)")
_THANKS = re.compile(r"^(?:thanks?|thank you|cheers|regards|have a (?:great|good|nice)|hoping|bonus points)\b", re.I)


def sentences_of(text: str) -> list[str]:
    if "\n" not in text and not any(mark in text[:-1] for mark in ".!?"):
        # Every sentence end is a mark or a line break; with none before its last character, a
        # text is one sentence (most messages: "best python course?").
        return [text.strip()] if text.strip() else []
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def split_asking(text: str) -> tuple[str, str]:
    """(the sentences that ask, the rest) of a long post; a short message is all question."""
    parts = sentences_of(text)
    if len(parts) < 2 or len(text.split()) < LONG_POST_WORDS:
        return text, ""
    asking = [s for s in parts if _ASKS.search(s) and not _THANKS.match(s)]
    # Questions first, then requests ("Can you recommend X."), at most two, in the post's order.
    chosen = sorted(sorted(asking, key=lambda s: "?" not in s)[:2], key=parts.index) or \
        [p for p in parts if not _THANKS.match(p)][-1:]
    rest = [s for s in parts if s not in chosen]
    return " ".join(chosen), " ".join(rest)


def matters_asked(brain, asking: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(matters it does not handle that every question of the message is about, those that only
    some questions are about): "can I buy it? through a bank?" is all payments; "how do I start,
    and do I need a powerful PC?" asks about hardware on the side."""
    questions = [fold(s) for s in sentences_of(asking) if "?" in s] or [fold(asking)]
    found = [_matters_of(brain, q) for q in questions]
    named = tuple(dict.fromkeys(m for matters in found for m in matters))
    return (named, ()) if all(found) else ((), named)


def _matters_of(brain, question: str) -> list[str]:
    """The matters a question asks about. A subject asked to be learned makes it a course request
    ("courses on paypal integration"), but not one about a matter the roadmap gives advice
    beside ("is 45 too late to start learning ml?"), unless it asks for courses ("python courses
    for people my age")."""
    matters = brain.matters(question)
    if matters and _learns_subject(brain, question):
        matters = [m for m in matters if m in brain.advising]
    if matters and COURSE_WORD.search(question):
        matters = [m for m in matters if m not in brain.advising]
    return matters


def _learns_subject(brain, question: str) -> bool:
    """"courses on paypal integration", "learn computer hardware": a subject asked to be learned."""
    learned = LEARN_WHAT.search(question)
    return bool(learned) and (brain.is_subject(learned.group("what")) or brain.lexicon.can_be_subject(learned.group("what")))


_ADDRESSED = re.compile(r"^(?:(?:first\s+)?(?:hi|hey|hello|dear|good (?:morning|evening))\b[\s,]*)?"
                        r"((?>\w+(?:\.\w+)*)(?:\s+(?>\w+(?:\.\w+)*)){0,2}?)\s*(?:,|\.\.|!|\s(?=(?:can|could|would|will|please|i|thanks?)\b))", re.I)
_GREETED = re.compile(r"^(?:first\s+)?(?:hi|hey|hello|dear|good (?:morning|evening))\b", re.I)


def addressed_names(text: str, is_subject=lambda word: False) -> frozenset[str]:
    """Who the message speaks to ("Jesse, could you...", "Hi cs dojo.."): names, not subjects.

    >>> sorted(addressed_names("Hey cs dojo can you suggest a book"))
    ['cs', 'dojo']
    >>> sorted(addressed_names("Jesse, could you recommend a playlist"))
    ['jesse']
    >>> sorted(addressed_names("Python, where do I start?", is_subject=lambda word: word == "python"))
    []
    """
    match = _ADDRESSED.match(text)
    if not match:
        return frozenset()
    name = match.group(1)
    # Without a greeting, only a capitalised name followed by a comma is someone addressed.
    if not _GREETED.match(text) and not (name[:1].isupper() and name.strip().isalpha() and not is_subject(fold(name.strip()))
                                         and text[match.end(1):].lstrip().startswith(",")):
        return frozenset()
    return frozenset(words(name)) - {"sir", "madam", "there", "all", "everyone", "guys"}


def protected_words(text: str) -> frozenset[str]:
    """Words the spelling corrector must leave alone: acronyms (MIDS, AZ-900) and names written
    with a capital inside a sentence (Barbie, Golang, Thapliyal)."""
    kept = set()
    for sentence in sentences_of(text):
        for index, token in enumerate(re.findall(r"[A-Za-z][A-Za-z0-9+#.]*", sentence)):
            if (len(token) >= 2 and token.isupper()) or (index > 0 and token[0].isupper()):
                kept.update(words(token))
    return frozenset(kept)


def topical_query(folded: str, brain, filters: Filters | None = None) -> str:
    """The words that say what to learn, without filter and request words, as the learner wrote
    them ("time series", not the index's "time sery"). The language asked for is a filter, not a
    subject: "courses in german" looks for courses taught in German, not about it."""
    language = set(LANGUAGES.get(filters.language, ())) if filters and filters.language else set()
    # The organization asked for is a filter too: "mit courses" are MIT's, not courses saying
    # "mit"; with a subject, its name stays in the query ("ibm data science": IBM Data Science).
    named = brain.vocabulary.organization_named(folded) if filters and filters.organization else None
    organization = set(named[1]) if named else set()
    kept = []
    # Who the learner is and what they don't want are no part of what to learn: "I'm a C#
    # developer", "without much maths" (unless that is all the message says).
    every = words(not_wanted(folded)) or words(folded)
    # Words of a subject phrase the catalog uses ("time series") stay together.
    phrased = {w for a, b in zip(every, every[1:]) if brain.is_subject(f"{a} {b}") for w in (a, b)}
    for word in every:
        token = normalize_word(word)
        if word not in STOPWORDS and token not in FILLER and token not in brain.filter_words and word not in language \
                and (word in phrased or brain.lexicon.can_be_subject(word) or brain.lexicon.unknown_subject(word)):
            kept.append(word)      # a word that can name a subject: "pick" or "before" cannot
    if organization and all(w in organization for w in kept):
        return ""       # the words only named the organization: "mit courses"
    return " ".join(dict.fromkeys(kept))


@dataclass(frozen=True)
class Reading:
    """What a message says, found once."""
    text: str                                   # as written, whitespace normalised
    folded: str                                 # folded and spell-corrected: what the rules read
    corrections: tuple[tuple[str, str], ...]    # (word as written, correction)
    filters: Filters                            # filters stated (with the backstory's level)
    mentions: tuple[TitleMention, ...]          # course titles named
    instructors: tuple[str, ...]                # instructors named (full name)
    resources: tuple[Resource, ...]             # the article's non-catalog resources named
    subjects: tuple[str, ...]                   # words that name what to learn (catalog lexicon)
    missing: tuple[str, ...]                    # subject-like words no course is about
    terms: tuple[str, ...] = ()                 # subjects English rarely uses: evidence of a course question
    names: frozenset[str] = frozenset()         # who the message speaks to ("Jesse,"): never a subject
    alternatives: tuple[str, ...] = ()          # the two sides of "X or Y?", as written
    named_pair: tuple[str, ...] = ()            # the two sides of "the difference between X and Y", "X before Y"
    asked: str = ""                             # the word after "learn" that the catalog uses ("elixir")
    background: str = ""                        # the backstory of a long post (folded)
    asking: str = ""                            # the sentences that ask, as written (the whole of a short message)
    named_before: bool = False                  # the title mentioned is in the backstory, not the question
    declined: tuple[str, ...] = ()              # matters of declines.yaml every question is about
    aside: tuple[str, ...] = ()                 # such matters only some of its questions are about
    other_language: bool = False                # written in another language than English (its function words)
    brain: object = field(default=None, repr=False, compare=False)

    @cached_property
    def scores(self):
        """The intent classifier's scores (computed once, when a step needs them)."""
        return self.brain.classify(self.folded, list(self.mentions))

    @cached_property
    def cues(self):
        """The cues of assistant/cues.py, each searched once, when first asked for."""
        return find_cues(self.folded)

    def cue(self, name: str):
        return self.cues[name]

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(words(self.folded))

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        """Index tokens (plural-folded, without stopwords): how long the message is, in content."""
        return tuple(tokenize(self.folded))

    @cached_property
    def query(self) -> str:
        """The words that say what to learn (without names addressed)."""
        query = [w for w in topical_query(self.folded, self.brain, self.filters).split() if w not in self.names]
        if self.asked and self.asked not in query:
            query.append(self.asked)        # "learn elixir": one course uses the word, so it is a subject
        return " ".join(query)

    @cached_property
    def wants_material(self) -> bool:
        """The message asks for something to learn from (a course, a book, a series, resources);
        of a message with questions, the questions say ("I took robotics in my course. What
        languages do I need for AI?" asks for none)."""
        questions = [s for s in sentences_of(self.folded) if "?" in s]
        return any(_MATERIAL.search(s) for s in questions or [self.folded])

    @property
    def has_subject(self) -> bool:
        return bool(self.subjects or self.filters.topics or self.mentions)


_ADDRESS = re.compile(r"\S+@\S+\.\w+|\bhttps?://\S+|\bwww\.\S+")     # e-mail and web addresses say no subject
# Function words of the other languages learners write in most (Spanish, Portuguese, French,
# German): two of them make a message one in another language, whose unknown words are neither
# subjects the catalog lacks nor typos of English words.
_OTHER_LANGUAGE = frozenset("""de del la el los las una para por que quiero busco necesito ich der das und eine
    einen fur uber suche mochte pour avec je une les um uma nao voce""".split())


def in_another_language(text: str) -> bool:
    return len(_OTHER_LANGUAGE.intersection(words(text))) >= 2


def read_message(brain, text: str) -> Reading:
    """The Reading of `text` (see the module's docstring)."""
    text = " ".join(_ADDRESS.sub(" ", text).split()) if ("@" in text or "http" in text or "www." in text) \
        else " ".join(text.split())
    asking, rest = split_asking(text)
    as_written = asking
    if " " in asking:
        asking = REPORTED_BY.sub("", asking)       # "my boss says power bi": whose advice is not asked about
    other_language = in_another_language(asking)
    protected = frozenset(words(asking)) if other_language else protected_words(asking)
    folded, corrections, filters = brain.read(asking, protected)
    background = ""
    if rest:
        background, more, context = brain.read(rest, protected_words(rest))
        corrections = corrections + more
        # The backstory says who is asking: a level, and the subject when the question names none.
        if filters.level is None and context.level:
            filters = filters.merged_with(Filters(level=context.level))
        if not filters.topics and context.topics:
            filters = filters.merged_with(Filters(topics=context.topics[:2]))
    lexicon = brain.lexicon
    names = addressed_names(text, brain.lexicon.can_be_subject)
    content = [w for w in words(folded) if w not in STOPWORDS and w not in names]
    subjects = tuple(dict.fromkeys(w for w in content if lexicon.can_be_subject(w) and not brain.is_filler(w)))
    missing = tuple(dict.fromkeys(w for w in content if lexicon.unknown_subject(w) and not brain.is_filler(w)
                                  and normalize_word(w) not in brain.filter_words and w not in LEVEL_WORDS
                                  and not brain.vocabulary.organization_named(w)))    # "mitx" names MIT
    foreign = [w for w in content if not lexicon.english.get(w) and not lexicon.in_catalog(w) and w not in protected]
    if other_language or (len(content) >= 5 and len(foreign) * 4 > len(content)):
        missing = ()        # most words unknown: another language or noise, not subjects the catalog lacks
    learned = _LEARN_OBJECT.search(folded)
    asked = learned.group(1) if learned and lexicon.in_catalog(learned.group(1)) and not brain.is_filler(learned.group(1)) \
        and learned.group(1) not in STOPWORDS else ""
    if not asked and not subjects and not filters.topics and not filters.organization:
        # "any elixir courses?", "is learning elixir a good idea": the one word before "courses" or
        # after "learn" says what, when nothing else does
        for named in _NAMED_NEAR_LEARNING.finditer(folded):
            word = named.group(1) or named.group(2)
            if lexicon.in_catalog(word) and lexicon.english.get(word, 0) < RARE_NAMED \
                    and word not in STOPWORDS and word not in names \
                    and not brain.is_filler(word) and normalize_word(word) not in brain.filter_words:
                asked = word
                break
    if learned and not lexicon.in_catalog(learned.group(1)) and learned.group(1) not in STOPWORDS \
            and not brain.is_filler(learned.group(1)) and normalize_word(learned.group(1)) not in brain.filter_words \
            and learned.group(1) not in missing and not brain.tagger.tag(learned.group(1)):
        missing += (learned.group(1),)      # "learn elixir": what is to be learned, even an English word
    corrected = {fix for _, fix in corrections}        # a word the corrector chose is no evidence
    mentions = tuple(brain.titles.find(folded, limit=3))
    named_before = False
    if not mentions and background:
        # "I need information on <title>. Is this a good course?": the course named before the question
        mentions = tuple(brain.titles.find(background, limit=1))
        named_before = bool(mentions)
    declined, aside = matters_asked(brain, asking)
    return Reading(text=text, folded=folded, declined=declined, aside=aside, other_language=other_language,
                   named_before=named_before, corrections=corrections, filters=filters, mentions=mentions,
                   instructors=tuple(brain.instructors_named(folded)),
                   resources=tuple(brain.resources_named(folded)), subjects=subjects, missing=missing,
                   terms=tuple(w for w in subjects if lexicon.is_term(w) and w not in corrected), names=names,
                   alternatives=split_alternatives(asking) or (),
                   named_pair=split_named_pair(asking) or (),
                   asked=asked,
                   background=background, asking=as_written, brain=brain)
