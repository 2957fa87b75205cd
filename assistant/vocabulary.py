"""What the Brain knows about words: which words each intent's examples use, which tie a question
to the roadmap's subject, and the questions the dialogue asks of a message's words (is it a
subject, filler, a learning word, a matter it declines, the nearest subject to one it lacks).

`VocabularyQueries` is a part of `Brain` (assistant/brain.py), split out to keep each module to
one job: the Brain builds the indexes; these read words against them.
"""
from __future__ import annotations

from collections import Counter

from assistant.cues import EMPLOYER
from assistant.lexicon import FILLER
from assistant.textnorm import STOPWORDS, fold, normalize_word, word_stem, words

# Intents whose answers only fit messages in their own words (see Brain.fits_vocabulary).
SCOPED_INTENTS = ("faq", "greet", "thanks", "goodbye", "help")
# Words too general to tie a question to the roadmap's subject ("naval engineering").
GENERIC_ANCHOR_WORDS = frozenset("""engineering engineer learning science analysis management design development
    programming language languages model models computer systems system testing data""".split())
# Words that ask about learning: a course request that names no subject, course or filter
# still has one of these ("what should I study next?"); "are there any travel alerts" has none.
LEARNING_WORDS = frozenset("""course courses class classes lesson lessons learn learning study studying teach
    teaching tutorial tutorials training program programs programme certificate certification certificates
    specialization specializations skill skills mooc moocs bootcamp degree educational curriculum syllabus""".split())
RARE_ENGLISH = 5000    # pyspellchecker frequency under which a FAQ word is distinctive


class VocabularyQueries:
    def _build_vocabularies(self, knowledge, examples: dict[str, list[str]]):
        """The words each intent's examples use, and the words that anchor a question in the
        roadmap's own subject (the topics its FAQ answers are about)."""
        topic_words = {w for t in knowledge.topics for s in t.synonyms for w in words(s)}
        roadmap = {w for s in knowledge.sections for w in words(s.title + " " + s.text)}
        self.intent_words = {}
        for intent, items in examples.items():
            vocabulary = {w for text in items for w in words(text)}
            if intent == "faq":
                vocabulary |= roadmap | {w for f in knowledge.faqs for w in words(f.answer)} | topic_words
            self.intent_words[intent] = vocabulary
        self.faq_stems = {word_stem(w) for w in self.intent_words.get("faq", ())}
        faq_topics = {t for f in knowledge.faqs for t in f.topics}
        self.anchor_words = {w for t in knowledge.topics if t.id in faq_topics for s in t.synonyms
                             for w in words(s)} - STOPWORDS - GENERIC_ANCHOR_WORDS
        # ... and the FAQ's own uncommon words ("kaggle", "bootcamp", "mlflow").
        english = self.spelling.english_
        self.anchor_words |= {w for f in knowledge.faqs for text in (f.question, *f.phrasings) for w in words(text)
                              if len(w) >= 3 and english.get(w, 0) < RARE_ENGLISH} - STOPWORDS - GENERIC_ANCHOR_WORDS
        # ... and the uncommon words of the concept groups, which say the same things in other
        # words ("productionizing", "paycheck").
        self.anchor_words |= {w for c in knowledge.concepts for phrase in c.synonyms for w in words(phrase)
                              if len(w) >= 3 and english.get(w, 0) < RARE_ENGLISH} - STOPWORDS - GENERIC_ANCHOR_WORDS
        # Subjects the catalog teaches but the roadmap and its FAQ never mention ("git", "matlab"):
        # a career question about one is answered from the closest advice, and says so.
        written = roadmap | {w for f in knowledge.faqs for text in (f.question, *f.phrasings, f.answer)
                             for w in words(text)}
        names: dict[str, Counter] = {}
        for course in knowledge.courses:
            for skill in course.skills:
                found = words(skill)
                if len(found) == 1 and fold(skill.strip()) == found[0]:
                    names.setdefault(found[0], Counter())[skill.strip()] += 1
        for topic in knowledge.topics:
            for synonym in topic.synonyms:
                found = words(synonym)
                if len(found) == 1 and found[0] not in names and fold(topic.name) == found[0]:
                    names[found[0]] = Counter({topic.name: 1})
        # How the catalog writes a subject ("React", "Reinforcement Learning"), for naming the
        # subject of a request in the learner's own words.
        spelled: dict[str, Counter] = {}
        for course in knowledge.courses:
            for skill in course.skills:
                spelled.setdefault(" ".join(words(skill)), Counter())[skill.strip()] += 1
        self.display_names = {phrase: counts.most_common(1)[0][0] for phrase, counts in spelled.items()
                              if phrase and len(phrase) == len(counts.most_common(1)[0][0])}
        self.unmentioned_subjects = {
            word: _as_a_name(counts.most_common(1)[0][0], english.get(word, 0)) for word, counts in names.items()
            if len(word) >= 2 and word not in written and word not in STOPWORDS and not word.isdigit()
            and word not in LEARNING_WORDS and normalize_word(word) not in FILLER
            and english.get(word, 0) < RARE_ENGLISH}

    def unknown_words(self, intent: str, folded: str) -> int:
        """How many of the message's words this intent's examples never use."""
        vocabulary = self.intent_words.get(intent, ())
        return sum(1 for w in words(folded) if w not in STOPWORDS and w not in vocabulary and not w.isdigit())

    def fits_vocabulary(self, intent: str, folded: str) -> bool:
        """Whether the message's words are ones this intent's examples use. Short messages pass;
        a FAQ question passes when it names the roadmap's subject ("ml", "python", "docker")."""
        if intent not in SCOPED_INTENTS:
            return True
        message = [w for w in words(folded) if w not in STOPWORDS]
        vocabulary, stems = self.intent_words.get(intent, ()), self.faq_stems
        unknown = [w for w in message if w not in vocabulary and not w.isdigit()]
        if intent == "faq":
            # a verb in another form than the FAQ uses it ("studying": "study")
            unknown = [w for w in unknown if not (w.endswith(("ing", "ed")) and word_stem(w) in stems)]
            return not unknown or self.names_roadmap_subject(folded)
        if intent == "help":
            return not unknown or (len(unknown) == 1 and len(message) >= 3)
        # Small talk may carry a word of its own ("thanks a ton"), not a request of its own.
        return len(unknown) <= 1 or len(unknown) * 3 <= len(message)

    def nearest_subject(self, word: str) -> str | None:
        """What the catalog has nearest to a word it has no course on ("extjs": js)."""
        return self.lexicon.nearest(word, self.one_word_subjects)

    def matters(self, folded: str) -> list[str]:
        """The matters of declines.yaml that `folded` speaks of; a job at an organization the
        catalog names ("a job in google") is the employer's matter."""
        found = self.declines.tag(folded)
        employer = EMPLOYER.search(folded)
        if employer and "employer" in self.decline_replies and "employer" not in found \
                and self.vocabulary.organization_named(employer.group("org")) and not self.tagger.tag(employer.group("org")):
            found.append("employer")
        return found

    def names_only_subjects(self, text: str) -> bool:
        """Whether every word of `text` is a subject or a filler word ("Object Oriented Programming
        in Java"): such a title reads as a request for the subject as well."""
        rest = " ".join(words(text))
        for phrase in self.tagger.named(rest).values():     # "object oriented programming": one subject
            rest = rest.replace(phrase, " ")
        return all(w in STOPWORDS or self.is_filler(w) or self.lexicon.can_be_subject(w) for w in rest.split())

    def is_filler(self, word: str) -> bool:
        """A word that asks for something rather than naming it ("course", "recommend", "free")."""
        token = normalize_word(word)
        return token in FILLER or token in self.filter_words or word in LEARNING_WORDS

    def names_roadmap_subject(self, folded: str) -> bool:
        """Whether the message uses a word only the roadmap's subject uses ("kaggle", "mlops",
        "recommender")."""
        return any(w in self.anchor_words for w in words(folded))

    def is_subject(self, phrase: str) -> bool:
        """Whether `phrase` is, as a whole, a subject: a topic synonym or a skill courses list
        ("neural network", "gradient descent")."""
        key = " ".join(words(phrase))
        if key in self.topic_phrases or key in self.display_names:
            return True
        singular = " ".join(normalize_word(w) for w in key.split())
        return singular in self.topic_phrases or singular in self.display_names

    def subjects_not_in_roadmap(self, folded: str) -> list[str]:
        """Names of the subjects in the message that the catalog teaches and the roadmap never
        mentions: ["Git"] for "do I need git for ml jobs"."""
        found = []
        for word in words(folded):
            name = self.unmentioned_subjects.get(word)
            if name and name not in found:
                found.append(name)
        return found

    def names_learning(self, folded: str) -> bool:
        """Whether the message says anything about learning or courses: a learning word or a filter."""
        return any(w in LEARNING_WORDS or w in self.filter_words for w in words(folded))

    def speaks_of_learning(self, folded: str) -> bool:
        """Whether the message uses a word of learning itself ("course", "study", "certificate")."""
        return any(w in LEARNING_WORDS for w in words(folded))



def _as_a_name(name: str, english_use: int) -> str:
    """A subject's name as a reply writes it: a skill the catalog writes in lower case only that
    English never uses ("keras") is a name and starts with a capital; "prediction" stays as it is."""
    return name[:1].upper() + name[1:] if name.islower() and not english_use else name
