"""The catalog's own words: which words of a message can be its subject, and which are filler.

Built once from the knowledge. A word can name a subject when the knowledge uses it as one (a
topic synonym, a skill a course lists) or when the catalog's titles use it far more often than
English at large does ("photoshop", "kubernetes", "piano"): word specificity, measured as the
word's share of course titles and skills over its share of English text. Everyday words that
titles happen to contain ("pick" in "How to Pick Stocks", "getting" in "Getting Started with")
are filler. Words the catalog never uses and English rarely does ("extjs", "physiotherapy") are
subjects it has no course on.

>>> from assistant.models import Course, Topic
>>> courses = [Course(id=f"c{i}", title=t, provider="Udemy", url="u") for i, t in
...            enumerate(["Photoshop for Beginners", "Photoshop Masterclass", "How to Pick Stocks"])]
>>> lexicon = Lexicon(courses, [Topic("design", "Design", ("graphic design",))],
...                   english={"pick": 369878, "photoshop": 0, "for": 9000000}, english_total=1_600_000_000)
>>> lexicon.can_be_subject("photoshop"), lexicon.can_be_subject("pick")
(True, False)
>>> lexicon.unknown_subject("physiotherapy"), lexicon.unknown_subject("pick")
(True, False)
"""
from __future__ import annotations

from collections import Counter

from assistant.textnorm import STOPWORDS, normalize_word, tokenize, words

# How much more often than in English a title word must occur in the catalog to name a subject;
# a word most titles use says little (the bar is lower for words many courses share).
SPECIFIC_LIFT = 100.0
COMMON_LIFT = 20.0
COMMON_COUNT = 30
# English words at least this frequent are not rare terms ("music" is not evidence of a course question).
EVERYDAY_ENGLISH = 5000
# A catalog subject English uses less than this is a term ("docker", "golang", "photoshop").
RARE_TERM = 500
# Only a word English hardly uses can be a subject the catalog lacks ("extjs", "physiotherapy");
# "updated" or "verified" are just words.
RARE_IN_ENGLISH = 200
# Words that ask for something rather than name it: never the subject of a request.
FILLER = frozenset(tokenize("""course courses class classes tutorial tutorials training program programs best top
    good great recommend recommendation suggest suggestion find show give want need looking look learn learning
    study studying online teach taught get take start started something anything some any please me one ones
    which what help option options thing things know way ways i'd i'm im like would could should really
    better worse compare comparison versus vs difference differences different differ between prefer
    ok okay alright yes yeah sure great cool thanks plz pls u ur thx vid vids prep preparation exam exams"""))
# Words of a request that say how to learn, not what: never a subject.
REQUEST_NOUNS = frozenset("""resource resources material materials book books video videos playlist playlists
    channel channels content tutorial tutorials source sources website websites site sites platform platforms
    series lesson lessons path roadmap stuff option options way ways thing things suggestion suggestions
    recommendation recommendations advice tip tips guide guides link links place places somewhere anything
    something someone somebody anybody anyone everyone""".split())


class Lexicon:
    def __init__(self, courses, topics, *, english: dict[str, int], english_total: int | None = None,
                 extra_subjects=()):
        counts: Counter[str] = Counter()
        for course in courses:
            counts.update(set(words(f"{course.title} {' '.join(course.skills)}")))
        self.count = counts
        self.size = max(len(courses), 1)
        self.english = english
        self.english_total = english_total or max(sum(english.values()), 1)
        # Subjects by name: topic words and one-word skills ("Photography"). The words of longer
        # skills and titles ("Problem Solving", "Complete Guide") must earn it by specificity.
        known = {w for t in topics for phrase in (t.name, *t.synonyms) for w in words(phrase)}
        known |= {w for course in courses for skill in course.skills for w in words(skill) if len(words(skill)) == 1}
        known |= {w for phrase in extra_subjects for w in words(phrase)}
        self.subject_words = frozenset(w for w in known | set(counts) if self._specific(w, w in known))

    def lift(self, word: str) -> float:
        """How much more often the catalog's titles and skills use the word than English does."""
        share = self.count.get(word, 0) / self.size
        return share / ((self.english.get(word, 0) + 1) / self.english_total)

    def _specific(self, word: str, known: bool) -> bool:
        if word in STOPWORDS or word in REQUEST_NOUNS or len(word) < 2 or word.isdigit():
            return False
        count = self.count.get(word, 0)
        lift = self.lift(word)
        if self.english.get(word, 0) >= EVERYDAY_ENGLISH:
            # "complete", "improve", "university", "first": everyday words, whatever titles say;
            # unless a topic names it and the catalog uses it far more than English ("data")
            return known and lift >= SPECIFIC_LIFT
        if known:
            return True
        return (count >= 2 and lift >= SPECIFIC_LIFT) or (count >= COMMON_COUNT and lift >= COMMON_LIFT)

    def can_be_subject(self, word: str) -> bool:
        """Whether the word can say what a learner wants to learn."""
        return word in self.subject_words or normalize_word(word) in self.subject_words

    def is_term(self, word: str) -> bool:
        """A subject word English rarely uses ("photoshop", "kubernetes", "golang"): naming one is
        evidence of a question about courses; everyday subject words ("music") are not enough."""
        return (self.can_be_subject(word) and self.count.get(word, 0) >= 3
                and max(self.english.get(word, 0), self.english.get(normalize_word(word), 0)) < RARE_TERM)

    def in_catalog(self, word: str) -> bool:
        return word in self.count or normalize_word(word) in self.count

    def nearest(self, word: str, topic_words=frozenset()) -> str | None:
        """The nearest thing the catalog teaches to a word it doesn't know: a subject the word is
        built on ("extjs": js, "pytorchlightning": pytorch), else a catalog word sharing its first
        six letters ("physiotherapy": physiology, the most used such word).

        >>> from assistant.models import Course
        >>> lexicon = Lexicon([Course("1", "Human Physiology", "edX"), Course("2", "Physiology of exercise", "edX")],
        ...                   [], english={})
        >>> lexicon.nearest("physiotherapy"), lexicon.nearest("extjs", {"js"}), lexicon.nearest("zzzz")
        ('physiology', 'js', None)
        """
        parts = [p for p in topic_words if len(p) >= 2 and len(word) - len(p) >= 2
                 and (word.startswith(p) or word.endswith(p))]
        if parts:
            return max(parts, key=len)
        if len(word) >= 7:
            stem = word[:6]
            near = [w for w in self.count if w.startswith(stem) and w != word]
            if near:
                return max(near, key=lambda w: (self.count[w], w))
        return None

    def unknown_subject(self, word: str) -> bool:
        """A word that looks like a subject (rare in English, not a request word) but that no
        course title or skill uses: the catalog has nothing on it."""
        return (len(word) >= 3 and not word.isdigit() and word not in STOPWORDS and word not in REQUEST_NOUNS
                and not self.in_catalog(word) and self.english.get(word, 0) < RARE_IN_ENGLISH)
