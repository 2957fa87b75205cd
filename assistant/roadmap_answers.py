"""The roadmap's answers, part of `Brain`: the FAQ entry (or roadmap section) that answers a
question, the courses offered with an answer, related entries, and a section's excerpt."""
from __future__ import annotations

from assistant.filters import Filters
from assistant.models import FaqEntry, Section

FAQ_MIN_SCORE = 0.18
# Concept tokens are letters only ("conceptpay"), so every tokenizer keeps them whole.
CONCEPT_PREFIX = "concept"


class RoadmapAnswers:
    """Methods of `Brain` that answer from the roadmap (they read its FAQ classifier and indexes)."""

    def with_concepts(self, text: str) -> str:
        """`text` followed by a token for each concept group it mentions.

        >>> from assistant.models import Concept
        >>> from assistant.topics import TopicTagger
        >>> brain = RoadmapAnswers.__new__(RoadmapAnswers)
        >>> brain.concepts = TopicTagger([Concept("pay", ("salary", "paycheck", "earn"))])
        >>> brain.with_concepts("a typical paycheck?")
        'a typical paycheck? conceptpay'
        """
        found = self.concepts.tag(text)
        if not found:
            return text
        return text + " " + " ".join(CONCEPT_PREFIX + c.replace("-", "") for c in found)

    def best_answer(self, folded: str) -> tuple[FaqEntry | None, Section | None, float]:
        """The FAQ entry that answers the question, else the roadmap section that does. Two
        views are added up: the FAQ classifier (character n-grams: typos and word forms) and
        TF-IDF over each entry's question, phrasings and answer; both also see the question's
        concept groups. Depends on the text alone, so recent answers are kept."""
        return self.answers.get_or_compute(folded, self._best_answer)

    def _best_answer(self, folded: str) -> tuple[FaqEntry | None, Section | None, float]:
        expanded = self.with_concepts(folded)
        probabilities = dict(self.faq_classifier.classify(expanded).ranking)
        combined = dict(probabilities)
        for index, score in self.faq_index.search(expanded, k=5):
            faq_id = self.knowledge.faqs[index].id
            combined[faq_id] = combined.get(faq_id, 0.0) + score
        best_id = max(combined, key=combined.get)
        best = combined[best_id]
        if best >= FAQ_MIN_SCORE:
            return self.knowledge.faq_by_id[best_id], None, best
        # A weak FAQ match: the roadmap section that answers better, if one does.
        section_hits = self.section_index.search(folded, k=1)
        if not section_hits or best >= section_hits[0][1]:
            return self.knowledge.faq_by_id[best_id], None, best
        return None, self.knowledge.sections[section_hits[0][0]], section_hits[0][1]

    def faq_course_request(self, faq: FaqEntry) -> tuple[str, Filters]:
        """What courses an FAQ answer offers by itself: its first two topics' names, held to its first topic."""
        return " ".join(self.topic_names.get(t, t) for t in faq.topics[:2]), Filters(topics=faq.topics[:1])

    def faq_courses(self, faq: FaqEntry, query: str, wanted: Filters):
        """The best three courses for `query` under `wanted` offered with an FAQ answer; the
        entry's own request was ranked at build."""
        request, result = self._faq_courses.get(faq.id, (None, None))
        if request == (query, wanted):
            return result
        return self.ranker.rank(query, wanted, lean_on_quality=True, limit=3)

    def related_faqs(self, faq_id: str) -> list[str]:
        return list(self._related[faq_id])

    def _find_related(self, faq: FaqEntry) -> tuple[str, ...]:
        hits = self.faq_index.search(self.with_concepts(faq.question + " " + faq.answer), k=4)
        return tuple(self.knowledge.faqs[i].id for i, _ in hits if self.knowledge.faqs[i].id != faq.id)[:3]

    def section_excerpt(self, section: Section, limit: int = 600) -> str:
        text = " ".join(line.strip().lstrip("-*• ").strip() for line in section.text.splitlines() if line.strip())
        if len(text) > limit:
            text = text[:limit].rsplit(" ", 1)[0] + "…"
        return f"From the roadmap, “{section.title}”: {text}"
