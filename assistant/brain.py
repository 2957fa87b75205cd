"""Everything the dialogue needs, built once from the knowledge: indexes and models."""
from __future__ import annotations

import copy
import re

from assistant.build_jobs import BuildJobs
from assistant.catalog_facts import program_facts, provider_facts
from assistant.course_words import CourseWords
from assistant.lexicon import Lexicon
from assistant.reading import read_message
from assistant.filter_vocabulary import FilterVocabulary
from assistant.filters import Filters, extract_filters
from assistant.intents import DEFAULT_CLARIFY_MARGIN, DEFAULT_THRESHOLD, IntentClassifier, import_fitting
from assistant.memo import Memo
from assistant.models import Concept, Course, Knowledge, Resource
from assistant.ranking import CourseRanker
from assistant.retriever import TfidfRetriever
from assistant.spelling import ENGLISH_KNOWN_FREQUENCY, SpellingCorrector, english_words
from collections import Counter

from assistant.textnorm import _TOKEN, STOPWORDS, fold, tokenize, words
from assistant.titles import TitleMatcher, TitleMention
from assistant.roadmap_answers import RoadmapAnswers
from assistant.vocabulary import VocabularyQueries
from assistant.topics import TopicTagger

# Field weights of the course index: the title says most about a course, then its skills/topics.
COURSE_FIELD_WEIGHTS = {"title": 3.0, "skills": 1.5, "topics": 1.5, "context": 0.5}
_NAME_TITLES = frozenset("dr prof professor ir mr ms mrs phd".split())
# A course title named in a message stands in the intent classifier's input as this one word, so
# that the words of the title ("... Machine Learning Projects") don't read as a topic or a question.
TITLE_TOKEN = "coursetitle"
_ARTICLES = frozenset(("a", "an", "the"))
_FILTER_WORDS = """free cheap cheaper affordable budget beginner beginners intermediate advanced expert
    intro introductory basic basics scratch novice newbie cert certs certificate certification certified short quick
    hour hours week weeks day days rated rating stars star dollar dollars usd price cost under less than
    below max level levels easy simple spanish english french language coursera edx udemy popular top best
    highly cost paying pay gratis gratuit gratuits gratuito gratuitos kostenlos debutant debutants principiante
    principiantes anfanger curso cursos cours kurs kurse crash micromasters micromaster microbachelors xseries"""


def _sentences(text: str) -> list[str]:
    """The sentences of a text (answers: plain text, may use **bold**), of four words or more."""
    plain = " ".join(text.replace("**", "").split())
    return [s for s in re.split(r"(?<=[.:;!?])\s+", plain) if len(s.split()) >= 4]


def _word_indexes(brain: "Brain", knowledge: Knowledge, examples: dict[str, list[str]]) -> dict:
    """Brain._build_words as a job of the build (assistant/build_jobs.py): done on a copy of the
    brain, so that it may run alongside the rest; the attributes it made."""
    part = copy.copy(brain)
    before = set(part.__dict__)
    part._build_words(knowledge, examples)
    return {name: value for name, value in part.__dict__.items() if name not in before}


class Brain(VocabularyQueries, RoadmapAnswers, CourseWords):
    def __init__(self, knowledge: Knowledge, *, threshold: float | None = None,
                 clarify_margin: float | None = None):
        # The word indexes and the FAQ classifier are built alongside the rest of the build, on the
        # machine's other core (assistant/build_jobs.py). One BLAS thread for the whole build (see
        # IntentClassifier), set once around it, so that fits entering and leaving their own
        # limits on two threads cannot undo it.
        from threadpoolctl import threadpool_limits
        with threadpool_limits(limits=1), BuildJobs() as jobs:
            self._build(knowledge, jobs, threshold, clarify_margin)

    def _build(self, knowledge: Knowledge, jobs: BuildJobs, threshold: float | None, clarify_margin: float | None):
        self.knowledge = knowledge
        courses = knowledge.courses
        self.topic_names = {t.id: t.name for t in knowledge.topics}
        self.provider_facts = provider_facts(courses)
        self.program_facts = program_facts(courses)
        self.tagger = TopicTagger(knowledge.topics)
        self.vocabulary = FilterVocabulary(self.tagger, courses)
        # FAQ texts and questions carry the concept groups they mention (concepts.yaml), so that
        # "paycheck" meets an entry that says "salary" and "diploma" one that says "degree".
        self.concepts = TopicTagger(knowledge.concepts)
        # Matters it does not handle (declines.yaml): payments, hardware, making videos, ...
        self.declines = TopicTagger(knowledge.declines)
        self.decline_replies = {d.id: d.reply for d in knowledge.declines}
        self.advising = frozenset(d.id for d in knowledge.declines if d.advises)
        with_concepts = self.with_concepts
        examples = {name: list(intent.examples) for name, intent in knowledge.intents.items()}
        examples.setdefault("faq", [])
        for faq in knowledge.faqs:
            examples["faq"].extend((faq.question,) + faq.phrasings)
        self.one_word_subjects = frozenset(s for t in knowledge.topics for s in t.synonyms if " " not in s)
        self.topic_words = frozenset(tokenize(" ".join(s for t in knowledge.topics for s in t.synonyms + (t.name,))))
        self.filter_words = frozenset(tokenize(_FILTER_WORDS)) | frozenset(
            tokenize(" ".join(self.vocabulary.providers)))
        self.topic_phrases = frozenset(" ".join(words(s)) for t in knowledge.topics for s in t.synonyms + (t.name,))
        # The words (spelling, lexicon, vocabularies) need no model: built alongside the rest, while
        # this process imports scikit-learn; on a thread only after it (two threads importing at
        # once may each see a module the other is still making).
        if not jobs.forking():
            import_fitting()
        word_indexes = jobs.start(_word_indexes, self, knowledge, examples)
        import_fitting()
        # The FAQ classifier also learns from the answer's sentences: a learner often asks about
        # something the answer covers in words no phrasing uses ("a master's", "GitHub history").
        faq_classifier = jobs.start(IntentClassifier, {
            f.id: [with_concepts(text) for text in (f.question, *f.phrasings, *_sentences(f.answer))]
            for f in knowledge.faqs})
        topic_text = {t.id: " ".join((t.name,) + t.synonyms) for t in knowledge.topics}
        self.course_index = TfidfRetriever({
            "title": [c.title for c in courses],
            "skills": [" ".join(c.skills) for c in courses],
            "topics": [" ".join(topic_text.get(t, t) for t in c.topics) for c in courses],
            "context": [f"{c.organization or ''} {c.subject or ''}" for c in courses],
        }, COURSE_FIELD_WEIGHTS)
        self.ranker = CourseRanker(courses, self.course_index, self.vocabulary, self.topic_names)
        self.titles = TitleMatcher(courses, self.ranker.quality)
        self.faq_index = TfidfRetriever({
            "questions": [with_concepts(" ".join((f.question,) + f.phrasings)) for f in knowledge.faqs],
            "answer": [with_concepts(f.answer) for f in knowledge.faqs],
        }, {"questions": 1.0, "answer": 0.35})
        self.section_index = TfidfRetriever({
            "title": [s.title for s in knowledge.sections],
            "text": [s.text for s in knowledge.sections],
        }, {"title": 2.0, "text": 1.0})
        # Fitted here, not as a job: it needs the title matcher, and nothing else is left to do here.
        self.classifier = IntentClassifier({intent: [self.intent_text(fold(text)) for text in items]
                                            for intent, items in examples.items()})
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.clarify_margin = DEFAULT_CLARIFY_MARGIN if clarify_margin is None else clarify_margin
        self.readings = Memo()
        self.answers = Memo()
        # The FAQ entries next to each one, for suggestions: fixed by the knowledge, so found once.
        self._related = {f.id: self._find_related(f) for f in knowledge.faqs}
        # The courses offered with each FAQ answer when the message asks nothing more of them (no
        # filter, no subject words of its own): fixed by the knowledge too, so ranked once.
        self._faq_courses = {}
        for faq in knowledge.faqs:
            if faq.courses and faq.topics:
                request = self.faq_course_request(faq)
                self._faq_courses[faq.id] = (request, self.ranker.rank(*request, lean_on_quality=True, limit=3))
        self.__dict__.update(word_indexes.result())
        self.faq_classifier = faq_classifier.result()

    def _build_words(self, knowledge: Knowledge, examples: dict[str, list[str]]):
        """The spelling corrector, the lexicon and the other word indexes."""
        courses = knowledge.courses
        vocabulary_texts = [c.title for c in courses] + [" ".join(c.skills) for c in courses]
        # Learners' example phrasings contain typos on purpose: only words used in two or more
        # examples count as known, and the English words they use ("doctorate") are corrections.
        vocabulary_texts += [f.question + " " + f.answer for f in knowledge.faqs]
        vocabulary_texts += [s.title + " " + s.text for s in knowledge.sections]
        every_english = english_words(1)
        english = {w: n for w, n in every_english.items() if n >= ENGLISH_KNOWN_FREQUENCY}
        example_words = Counter(w for items in examples.values() for text in items for w in set(words(text)))
        vocabulary_texts += [" ".join(w for w, n in example_words.items() if n >= 2)]
        vocabulary_texts += [c.organization or "" for c in courses]
        english_examples = sorted(w for w in example_words if w in english and len(w) >= 4)
        # Filter words are known words too: "gratis" is not a typo of "ratios".
        concept_words = [w for c in knowledge.concepts for w in c.synonyms] + sorted(self.filter_words)
        concept_words += sorted({c.program for c in courses if c.program})     # "micromasters", "xseries"
        concept_words += self.vocabulary.name_words                             # "ucsd", "mitx", "harvardx"
        self.lexicon = Lexicon(courses, knowledge.topics, english=every_english)
        self.spelling = SpellingCorrector(vocabulary_texts, extra_words=[s for t in knowledge.topics for s in t.synonyms]
                                          + concept_words + english_examples, english=english)
        self.index_course_words(courses)
        self._index_instructors(courses)
        # The article's resources that are not catalog courses, by title and by the name in its
        # brackets: "Practical Deep Learning for Coders (fast.ai)" is also "fast.ai".
        names = []
        # A name that is also a subject or a catalog title ("machine learning") needs the kind
        # of resource with it: "mathematics for machine learning book".
        taken = self.topic_phrases | {" ".join(words(c.title)) for c in courses}
        for number, resource in enumerate(knowledge.resources):
            spellings = {" ".join(words(resource.title))}
            spellings |= {" ".join(words(part)) for part in re.findall(r"\(([^)]+)\)", resource.title)}
            spellings |= {" ".join(words(re.sub(r"\s*\([^)]*\)", "", resource.title)))}
            kind = " ".join(words(resource.kind))
            spellings = {w for w in spellings if len(w) >= 5 and w not in taken} | (
                {f"{w} {kind}" for w in spellings} if kind != "course" else set())
            names.append(Concept(str(number), tuple(sorted(spellings))))
        self.resource_tagger = TopicTagger(names)
        # Concept groups about careers ("outlook", "degree", "pay"), not subjects ("database"): none
        # of their words is a topic.
        self.career_concepts = frozenset(c.id for c in knowledge.concepts
                                         if not any(" ".join(words(w)) in self.topic_phrases for w in c.synonyms))
        self.faq_topics = frozenset(t for f in knowledge.faqs for t in f.topics)
        self._build_vocabularies(knowledge, examples)

    def intent_text(self, folded: str, mentions: list[TitleMention] | None = None) -> str:
        """The message as the intent classifier reads it: course titles of three words or more named
        in it, with other words around them, become TITLE_TOKEN. Shorter titles ("Machine Learning",
        "Star Trek") and subjects ("natural language processing") stay as they are: they may just
        as well ask for courses on a subject, or be about something else altogether."""
        if mentions is None:
            mentions = self.titles.find(folded, limit=3)
        if not mentions:
            return folded
        tokens = list(_TOKEN.finditer(folded))
        starts = [0]            # where each word starts in " ".join(words(folded)), the mentions' text
        for token in tokens[:-1]:
            starts.append(starts[-1] + len(token.group(0)) + 1)
        spans = []
        for mention in mentions:
            covered = [i for i, start in enumerate(starts)
                       if start < mention.end and start + len(tokens[i].group(0)) > mention.start]
            if not covered:
                continue
            named = [tokens[i].group(0) for i in covered]
            content = [w for w in named if w not in STOPWORDS]
            rest = [t.group(0) for i, t in enumerate(tokens) if i not in covered and t.group(0) not in _ARTICLES]
            if not rest:
                continue        # the message is only the title: a name or a subject, the classifier decides
            if " ".join(named) in self.topic_phrases:
                continue        # "natural language processing": a subject
            if len(content) >= 3:
                spans.append((tokens[covered[0]].start(), tokens[covered[-1]].end()))
        for start, end in sorted(spans, reverse=True):
            folded = folded[:start] + TITLE_TOKEN + folded[end:]
        return folded

    def classify(self, folded: str, mentions: list[TitleMention] | None = None):
        """The intent classifier's scores for a (spelling-corrected, folded) message."""
        return self.classifier.classify(self.intent_text(folded, mentions))

    def read(self, text: str, protected: frozenset[str] = frozenset()) -> tuple[str, tuple[tuple[str, str], ...], Filters]:
        """The message folded and spell-corrected (never its `protected` words), the corrections
        made (word, fix), and the filters it states."""
        corrected, corrections = self.spelling.correct(text, protected)
        return corrected, tuple(corrections.items()), extract_filters(corrected, self.vocabulary)

    def reading(self, text: str):
        """The message read once (assistant/reading.py). Depends on the text alone, so recent
        readings are kept."""
        return self.readings.get_or_compute(text, read_message, self, text)

    def keep_recent(self, entries: int):
        """How many recent readings and rankings to keep (0: none, every message computes all)."""
        self.readings = Memo(entries)
        self.answers = Memo(entries)
        self.ranker.memo = Memo(entries)
        self.titles.memo = Memo(entries)

    def subject_name(self, topic_id: str, query: str, shown: tuple[Course, ...] | list[Course] = ()) -> str:
        """What to call a topic in a reply: the learner's more specific words when they named it
        by one of its narrower synonyms ("reinforcement learning", "React") and most of the
        courses shown are about that (title or skills), else the topic's name."""
        name = self.topic_names.get(topic_id, topic_id)
        phrase = self.tagger.named(query).get(topic_id) if query and shown else None
        if not phrase or len(phrase) <= 3 or phrase == fold(name) or not phrase.isascii():
            return name
        pattern = re.compile(rf"\b{re.escape(phrase)}\b")
        about = sum(1 for c in shown if pattern.search(self._about_text[c.id]))
        if about * 2 < len(shown):
            return name
        if " " not in phrase:
            return self.display_names.get(phrase, name)     # "llms": no spelling to go by
        return self.display_names.get(phrase, phrase)

    def course(self, course_id: str) -> Course | None:
        return self.knowledge.course_by_id.get(course_id)

    def starter_suggestions(self) -> list[str]:
        return ["Best Python course for beginners", "Compare data science courses",
                "What math do I need?", "Do I need a degree?"]

    def _index_instructors(self, courses):
        """Instructors named in the listings (only some edX courses name them), by full name
        without titles ("Dr.", "Prof."), and the courses each teaches."""
        self.courses_by_instructor: dict[str, list[str]] = {}
        for course in courses:
            for name in course.instructors:
                key = " ".join(w for w in words(name) if w not in _NAME_TITLES)
                if 2 <= len(key.split()) <= 5:
                    self.courses_by_instructor.setdefault(name.strip(), []).append(course.id)
        spellings = []
        for name in self.courses_by_instructor:
            full = [w for w in words(name) if w not in _NAME_TITLES]
            # "David J. Malan" is also "david malan"
            short = [w for w in full if len(w) > 1]
            spellings.append(Concept(name, tuple(dict.fromkeys((" ".join(full), " ".join(short),
                                                                " ".join((short[0], short[-1])))))))
        self.instructor_tagger = TopicTagger(spellings)

    def resources_named(self, folded: str) -> list[Resource]:
        """The article's non-catalog resources the message names ("fast.ai")."""
        return [self.knowledge.resources[int(i)] for i in self.resource_tagger.tag(folded)]

    def instructors_named(self, folded: str) -> list[str]:
        """Instructors the message names by full name ("rafael irizarry")."""
        return self.instructor_tagger.tag(folded)
