"""The words filters can name, from the knowledge: providers, organizations (full names, short
names and initials, a short name only after a cue: "from Stanford"), and the languages courses
are taught in. `extract_filters` (assistant/filters.py) reads a message with one."""
from __future__ import annotations

import re
from collections import Counter

from assistant.filters import LANGUAGES, org_key
from assistant.textnorm import STOPWORDS, fold

_ALNUM = re.compile(r"[a-z0-9]+")
_ORG_CUES_BEFORE = {"from", "by", "at", "with", "of"}
_ORG_CUES_AFTER = {"university", "course", "courses", "class", "classes",
                   "s"}     # the possessive: "mit's micromasters", "stanford's course"
# Two names weighed cue each other: "ibm or johns hopkins", "duke vs stanford".
_ORG_JOINTS = {"or", "vs", "versus"}
PROVIDER_WORDS = {"coursera", "edx", "udemy"}
_ORG_GENERIC = {"university", "of", "the", "college", "institute", "school", "at", "and", "de", "del",
                "la", "technology", "system", "state", "universidad", "universitat", "universita",
                "business", "academy", "network", "project", "online", "learning"}


class FilterVocabulary:
    """Topics, providers, organizations and languages the filters can name, from the knowledge."""

    def __init__(self, tagger, courses):
        self.tagger = tagger
        self.providers = {fold(p): p for p in sorted({c.provider for c in courses})}
        spellings: dict[str, Counter] = {}
        for course in courses:
            if course.organization:
                spellings.setdefault(org_key(course.organization), Counter())[course.organization] += 1
        provider_keys = {org_key(p) for p in self.providers.values()}
        self.organizations = {key: counts.most_common(1)[0][0] for key, counts in spellings.items()
                              if key not in provider_keys}
        full, cued = self._org_aliases(self.organizations)
        # A short name that is also a topic ("git" for Georgia Institute of Technology) means the topic.
        topic_words = {" ".join(re.findall(r"[a-z0-9]+", fold(s))) for t in tagger.topics for s in t.synonyms}
        cued = {alias: key for alias, key in cued.items() if alias not in topic_words}
        # edX names a university's courses after it with an x ("MITx", "HarvardX"): those names are
        # the university's, whatever stands beside them.
        on_edx = {org_key(c.organization) for c in courses if c.provider == "edX" and c.organization}
        self.edx_names = sorted(f"{alias}x" for alias, key in [*cued.items(), *((k, k) for k in full.values())]
                                if key in on_edx and alias.isalpha() and f"{alias}x" not in full)
        full.update({name: self._edx_key(name, full, cued) for name in self.edx_names})
        # Every one-word name of an organization ("ucsd", "mitx"): words, not typos.
        self.name_words = sorted({alias for alias in (*full, *cued) if alias.isalpha()})
        self._full_phrases = {tuple(alias.split()): key for alias, key in full.items()}
        self._cued_phrases = {tuple(alias.split()): key for alias, key in cued.items()}
        # The longest alias starting with each word: most words of a message start none.
        self._reach: dict[str, int] = {}
        for phrase in (*self._full_phrases, *self._cued_phrases):
            self._reach[phrase[0]] = max(self._reach.get(phrase[0], 0), len(phrase))
        self.languages = {c.language for c in courses}
        self._compile_patterns()

    def _compile_patterns(self):
        """One pattern per provider and per language the catalog has, compiled once."""
        self.provider_patterns = [(re.compile(rf"\b{re.escape(name)}\b"), provider)
                                  for name, provider in self.providers.items()]
        self.language_patterns = []
        for language, names in LANGUAGES.items():
            if language in self.languages:
                alternatives = "|".join(names)
                self.language_patterns.append((re.compile(
                    rf"\b(?:in|taught in|en|language)\s+(?:{alternatives})\b"
                    rf"|\b(?:{alternatives})[- ](?:speaking|language|taught)\b"), language))
        # Any of them at all: most messages name no language, and are searched once, not per language;
        # and only when a word of the message is a language's name (every name is one word).
        self.language_names = frozenset(name for language, names in LANGUAGES.items() if language in self.languages
                                        for name in names)
        self.any_language = re.compile("|".join(f"(?:{p.pattern})" for p, _ in self.language_patterns) or r"(?!)")

    @staticmethod
    def _edx_key(name: str, full: dict, cued: dict) -> str:
        return full.get(name[:-1]) or cued[name[:-1]]

    @staticmethod
    def _org_aliases(organizations):
        full, cued, short_counts = {}, {}, Counter()
        shorts = {}
        for key in organizations:
            if len(key) >= 3:
                full[key] = key
                full.setdefault(key.replace(" ", ""), key)
            significant = [w for w in key.split() if w not in _ORG_GENERIC]
            if 1 <= len(significant) <= 2 and len(" ".join(significant)) >= 4:
                short = " ".join(significant)
                shorts[key] = short
                short_counts[short] += 1
            initials = "".join(w[0] for w in key.split() if w not in ("of", "and", "at", "the", "de"))
            if len(key.split()) >= 3 and 3 <= len(initials) <= 5:
                shorts.setdefault(key + "#initials", initials)
                short_counts[initials] += 1
        for key, short in shorts.items():
            if short_counts[short] == 1 and short not in STOPWORDS and short not in full and short not in PROVIDER_WORDS:
                cued[short] = key.split("#")[0]
        return full, cued

    def find_organization(self, text: str) -> str | None:
        """The organization a message names: a full name anywhere ("IBM", "University of
        Michigan"), or a short name after "from", "by", "at" ("from Stanford")."""
        found = self.organization_named(text)
        return found[0] if found else None

    def organization_named(self, text: str) -> tuple[str, tuple[str, ...]] | None:
        """The organization a message names and the words that named it: ("Massachusetts
        Institute of Technology", ("mit",)) for "mit courses"; the longest name, when several."""
        best = None
        for key, phrase in self._names_in(text):
            if best is None or len(phrase) > len(best[1]):
                best = (key, phrase)
        return (self.organizations[best[0]], best[1]) if best else None

    def organizations_named(self, text: str) -> list[str]:
        """Every organization a message names, in order: ["Google", "IBM"] for "google or ibm"."""
        return list(dict.fromkeys(self.organizations[key] for key, _ in self._names_in(text)))

    def _names_in(self, text: str):
        """(organization key, the words that named it) for each name in the text, longest first at
        each word that can start one."""
        tokens = _ALNUM.findall(text)
        reach = self._reach
        for i in [i for i, token in enumerate(tokens) if reach.get(token)]:     # tokens that start a name
            for n in range(min(reach[tokens[i]], len(tokens) - i), 0, -1):
                phrase = tuple(tokens[i:i + n])
                key = self._full_phrases.get(phrase)
                if key is None and phrase in self._cued_phrases:
                    before = tokens[i - 1] if i else ""
                    after = tokens[i + n] if i + n < len(tokens) else ""
                    if before in _ORG_CUES_BEFORE or after in _ORG_CUES_AFTER or before in _ORG_JOINTS or after in _ORG_JOINTS:
                        key = self._cued_phrases[phrase]
                if key is not None:
                    yield key, phrase
                    break

    def organization_matches(self, wanted: str, course_org: str | None) -> bool:
        return bool(course_org) and org_key(course_org) == org_key(wanted)
