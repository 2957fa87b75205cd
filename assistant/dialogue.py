"""The dialogue: a plain, deterministic function of (session, message) -> reply.

Everything a reply depends on besides the message and the loaded knowledge lives in the Session
(assistant/reply_memo.py keeps replies under the message and the session's fields).

Follow-ups are read first when the session has something to follow ("only free ones", "compare
the first two", "tell me more about the second one", "show me more", "any course for that?",
"any level", "paid ones too", "remove the edX filter");
everything else goes through the intent classifier.
"""
from __future__ import annotations

import re

from assistant.brain import Brain
from assistant.course_questions import answer_about
from assistant.comparison import build_comparison
from assistant.filters import LANGUAGES, Filters, find_level, wants_popular, wants_quality
from assistant.models import Course, Resource, Section
from assistant.ranking import compact_number, estimated_hours, level_step
from assistant.replies import Reply, course_card
from assistant.sessions import Session
from assistant.textnorm import STOPWORDS, fold, normalize_word, tokenize
from assistant.textnorm import words as word_list

COURSE_INTENTS = ("recommend", "compare", "course_info", "faq")
SURE = 0.7          # small talk this certain is answered whatever words come with it
SMALL_TALK_THRESHOLD = 0.3   # small talk in its own words may be answered with less certainty
PAGE_SIZE = 3
FAQ_CLOSE = 0.45    # a best FAQ match weaker than this does not answer a question about another subject
FAQ_WEAK = 0.28     # below every right answer in the four evaluation sets (the lowest scores 0.29)

_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
             "fifth": 4, "5th": 4, "one": 0, "two": 1, "three": 2}
_REF_NTH = re.compile(r"\b(?:the\s+)?(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\b(?!\s+(?:two|three|2|3)\b)"
                      r"|(?:number|no\.?|#|option)\s*([1-5])\b")
_REF_FIRST_N = re.compile(r"\b(?:the\s+)?(?:first|top)\s+(two|three|2|3)\b")
_REF_LAST = re.compile(r"\b(?:the\s+)?last(?:\s+one)?\b")
_REF_ALL = re.compile(r"\b(?:them|these|those|both|all (?:of )?(?:them|three|these))\b")
_REF_THAT = re.compile(r"\b(?:that|this|it)(?:\s+(?:one|course))?\b")
_COMPARE = re.compile(r"\b(?:compare|comparison|versus|vs\.?|which (?:is|one is|would be|'s) (?:better|best)|"
                      r"which (?:one )?should i (?:take|pick|choose)|difference between|differences|better)\b")
_VERSUS = re.compile(r"\b(?:vs\.?|versus|or)\b")
_PLATFORM_CUE = re.compile(r"\b(?:differ|differs|different|difference|or)\b")
_MORE = re.compile(r"^(?:(?:please\s+)?(?:show|give|list|find)(?:\s+me)?\s+(?:some\s+)?more(?:\s+(?:courses|options|of them|results|please))?|"
                   r"more(?:\s+(?:courses|options|results|please))?|next(?:\s+(?:ones|page|results))?|"
                   r"(?:any|some)\s*(?:thing|one)?\s*(?:others?|else)|other (?:ones|options|courses)|"
                   r"what else(?: do you have)?|anything else|see more|load more|"
                   r"(?:show me\s+|give me\s+)?(?:something|anything) (?:else|different)|(?:show me\s+)?(?:some\s+)?"
                   r"(?:different|other) (?:ones|options|courses)|(?:show me\s+)?others|"
                   r"none of (?:these|those|them)(?: (?:look good|looks good|work|fit|are right|appeal to me))?|"
                   r"not (?:these|those)(?: ones)?|i don'?t like (?:these|those|them|any of these))\s*[?!.]*$")
_AVOID = re.compile(r"^(?:but\s+|and\s+|ok\s+)?(?:i'?m\s+|i am\s+)?(?:not interested in|not into|no more|nothing (?:on|about|with)|"
                    r"i don'?t want(?: anything (?:on|about|with))?|skip(?: the)?|except|but not|not|no|without)\s+"
                    r"(?:any\s+)?(.+?)(?:\s+(?:courses|ones|stuff|please))?\s*[?!.]*$")
_GREETING_LEAD = re.compile(r"^((?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening)|yo)"
                            r"(?: there| again| everyone| all)?)\s*[!,.:;-]+\s*(.+)$", re.IGNORECASE)
# "something with more hands-on projects", "ones that include a capstone": the same request, leaning that way
_WITH_MORE = re.compile(r"^(?:and\s+|but\s+)?(?:something|anything|ones?|courses?|a course)\s+(?:with|that (?:has|have|includes?|offers?)|"
                        r"including|focused on|focusing on)\s+(?:more\s+|lots of\s+|some\s+|a\s+)?(.+?)\s*[?!.]*$")
# The article itself as the subject: "what does the roadmap say about docker", "what comes after python"
_ROADMAP_REF = re.compile(r"\b(?:roadmap|the article|this article|this guide|the guide|the author|"
                          r"step (?:[1-5]|one|two|three|four|five)|what comes after|"
                          r"what (?:should i|do i|to) (?:learn|study) (?:after|next))\b")
_STEP_REF = re.compile(r"\bstep (\d|one|two|three|four|five)\b")
_STEP_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
_GO_BACK = re.compile(r"^(?:(?:please|ok|okay),?\s+)?(?:go back|back|undo(?: that)?|(?:show me\s+)?the (?:previous|earlier|last) "
                      r"(?:ones|results|list|courses)|(?:go\s+)?back to (?:the\s+)?(?:previous|earlier|last|other) "
                      r"(?:ones|results|list|courses|search)|previous results)\s*[?!.]*$")
_START_OVER = re.compile(r"^(?:let'?s\s+|can we\s+|please\s+)?(?:start over|start again|reset|new search|"
                         r"clear (?:the |all |my )?(?:filters|search|everything)|forget (?:it|that|everything))\s*[?!.]*$")
_FOR_THAT = re.compile(r"\b(?:any|some|a|which|what|recommend|suggest|show)\b.*\b(?:courses?|class(?:es)?|"
                       r"resources?)\b.*\b(?:for|on|about|to learn|covering)\s+(?:that|this|it|those|these)\b|"
                       r"\bwhere (?:can|do|should) i (?:learn|study|start with) (?:that|this|it)\b|"
                       r"\bcourses? for (?:that|this|it)\b")
_INFO = re.compile(r"\b(?:tell me (?:more )?about|more about|details?|info(?:rmation)?|how long|duration|"
                   r"how many hours|is (?:it|that|this|the \w+ one) free|cost|price|how much|who (?:teaches|made|runs|offers)|"
                   r"instructor|teacher|what level|difficulty|rating|rated|certificate|language|skills|"
                   r"what (?:will|do) i learn|worth it|link|url|describe|explain)\b")
_ABOUT_IT = re.compile(r"^(?:and\s+|so\s+)?(?:is|does|how (?:long|much|hard)(?: is| does)?|who (?:teaches|made|runs)|"
                       r"what (?:level|language) is)\s+(?:it|that|this)(?:\s+(?:one|course))?\b"
                       r"(?:\s+(?:free|cost|take|paid|hard|easy|in english|have a certificate|come with a certificate|"
                       r"self[- ]paced|(?:on|from) (?:coursera|edx|udemy)))?\s*[?!.]*$")
_CHEAPER = re.compile(r"\b(?:cheaper|less expensive|lower price|cheapest)\b")
# "which one has the best rating?", "which of these is cheapest": a question about the courses shown.
_WHICH_SHOWN = re.compile(r"^(?:so\s+|and\s+|ok\s+)?(?:(?:which|what)(?:\s+one|\s+course|\s+of\s+(?:them|these|those|the\s+\w+))?"
                          r"(?:\s+(?:is|has|was|'s|s|are))?(?:\s+the)?\s+|(?:show me\s+|give me\s+)?the\s+(?=\w+(?:\s+\w+)?\s+one\b))"
                          r"(best rated|highest rated|top rated|best (?:rating|reviews)|highest rating|most reviews|"
                          r"cheapest|least expensive|free|shortest|quickest|longest|most popular|most enrolled|"
                          r"easiest|hardest|most advanced|better rated|rated higher|cheaper|less expensive|shorter|"
                          r"quicker|longer|more popular|easier|harder|more advanced)\b")
# A short question about the course just described: "any reviews?", "how many people took it?"
_ATTRIBUTE_QUESTION = re.compile(r"\b(?:reviews?|rating|rated|enrol+ed|enrol+ments?|how many (?:people|learners|students)|"
                                 r"took it|certificate|how long|how much|price|cost|free|level|language|"
                                 r"who teaches|instructor|skills|self[- ]paced)\b")
_EXPLAIN = re.compile(r"^(?:what is|what's|whats|what are|define|explain|can you explain|could you explain|"
                      r"please explain|how does|how do)\s+(?:an?\s+|the\s+)?(.+?)(?:\s+work)?(?:\s+to me)?"
                      r"(?:\s+in simple terms)?\s*[?!.]*$")
_ROLE = re.compile(r"\b(?:engineers?|engineering|scientists?|roles?|jobs?|careers?|roadmap|mlops|portfolio)\b")
_TEACHER_CUE = re.compile(r"\b(?:taught by|teaches|teacher|instructors?|professor|lecturer|"
                          r"(?:courses?|classes|lectures) by)\b")
_SWITCH_TOPIC = re.compile(r"^(?:and\s+|ok\s+|okay\s+)?(?:what about|how about|and for|same for|same but for|now for|now)\b")
_STATED_HOURS = re.compile(r"\b\d+(?:\.\d+)?\s*(?:hours?|hrs?|h|weeks?|days?)\b")
_STATED_PRICE = re.compile(r"\$\s*\d|\b\d+(?:\.\d+)?\s*(?:\$|dollars?|usd|bucks)")
_SHORTER = re.compile(r"\b(?:shorter|quicker|less time|faster)\b")
# "I only have a few hours a week": a pace, not a length.
_WEEKLY_TIME = re.compile(r"\b(?:hours?|hrs?|evenings?|minutes?) (?:a|per|each|every) (?:week|day|night)\b|"
                          r"\b(?:i'?m|i am) (?:busy|short on time)\b|\bnot much time\b|\blittle time\b")
_HARDER = re.compile(r"\b(?:more advanced|harder|more challenging|next level|deeper|tougher|something advanced|"
                     r"already knows? (?:some|a bit|a little|the basics)|past the basics|beyond the basics)\b")
_EASIER = re.compile(r"\b(?:easier|simpler|more basic|less advanced|gentler)\b")
_REFINE_LEAD = re.compile(r"^(?:only|just|and|but|what about|how about|any|something|anything|ones?|same but|"
                          r"maybe|now|ok|okay|also|with|without|in|on|for|from|show me|make it|i want|i prefer)\b")
# Dropping a filter of the current request: "any level", "paid ones too", "remove the free filter".
_ANY_FILTER = {
    ("level",): ("level", "levels", "difficulty"),
    ("free", "max_price"): ("price", "prices", "budget", "cost"),
    ("provider",): ("provider", "providers", "platform", "platforms", "site", "website"),
    ("organization",): ("organization", "organisation", "organizations", "organisations", "university",
                        "universities", "school", "company", "institution"),
    ("max_hours",): ("length", "duration", "time", "hours", "time limit"),
    ("min_rating",): ("rating", "ratings", "stars"),
    ("language",): ("language", "languages"),
    ("certificate",): ("certificate", "certification"),
}
_FILTER_WORD = {word: names for names, words in _ANY_FILTER.items() for word in words}
_ANY = re.compile(r"\b(?:any|whatever|all)\s+(" + "|".join(sorted(map(re.escape, _FILTER_WORD), key=len, reverse=True))
                  + r")\b(?:\s+is\s+(?:fine|ok|okay))?")
_REMOVE = re.compile(r"^(?:(?:please|ok|okay|now)\s+)?(?:remove|drop|clear|forget|ignore|undo|lose|get rid of|"
                     r"no need for|forget about)\s+(?:the\s+|that\s+|my\s+)?(?P<what>.+?)"
                     r"(?:\s+(?:filter|filters|limit|cap|requirement|condition|constraint))?(?:\s+please)?\s*[?!.]*$")
_PAID_TOO = re.compile(r"\b(?:paid (?:ones|courses) (?:too|also|as well)|also paid|paid is (?:fine|ok|okay)|"
                       r"(?:doesn'?t|does not|don'?t) (?:have|need) to be free|not (?:only|just) free)\b")
_NO_CERTIFICATE = re.compile(r"\b(?:(?:no|without a?) certificate (?:needed|required)|certificate (?:is )?not "
                             r"(?:needed|required|necessary)|(?:don'?t|do not) need a certificate)\b")
FILTER_LABELS = {"level": "level", "free": "'free'", "max_price": "price cap", "provider": "provider",
                 "organization": "organization", "max_hours": "time limit", "min_rating": "minimum rating",
                 "language": "language", "certificate": "certificate", "topics": "topic"}

_GENERIC = frozenset(tokenize("""course courses class classes tutorial tutorials training program programs best top
    good great recommend recommendation suggest suggestion find show give want need looking look learn learning
    study studying online teach taught get take start started something anything some any please me one ones
    which what help option options thing things know way ways i'd i'm im like would could should really
    better worse compare comparison versus vs difference differences different differ between prefer
    ok okay alright yes yeah sure great cool thanks""")) - {"learning"}


def _respond_small_talk(brain: Brain, session: Session, intent: str, confidence: float) -> Reply:
    replies = brain.knowledge.intents[intent].replies
    text = replies[session.turns % len(replies)] if replies else "Happy to help."
    return Reply(intent, text, confidence, suggestions=brain.starter_suggestions())


def respond(brain: Brain, session: Session, message: str) -> Reply:
    """The reply to `message` in `session`; updates the session's state."""
    session.turns += 1
    return answer(brain, session, message)


def answer(brain: Brain, session: Session, message: str) -> Reply:
    """respond() once the message is counted in `session.turns`."""
    text = " ".join(message.split())
    if not text:
        reply = Reply("help", "Ask me about online courses, for example the questions below.", 1.0,
                      suggestions=brain.starter_suggestions())
        return reply
    greeting = _GREETING_LEAD.match(text)
    if greeting and len(greeting.group(2).split()) >= 3:
        # "good morning! what's the best free ml course?": the question, greeted back, unless the
        # rest is small talk too ("hi, how's it going")
        reply, corrections = _read_and_reply(brain, session, greeting.group(2))
        if reply.intent not in ("greet", "out_of_scope"):
            reply.text = f"Hi! {reply.text}"
        else:
            reply, corrections = _read_and_reply(brain, session, text)
    else:
        reply, corrections = _read_and_reply(brain, session, text)
    reply.corrections = dict(corrections)
    session.last_intent = reply.intent
    return reply


def _read_and_reply(brain: Brain, session: Session, text: str) -> tuple[Reply, tuple]:
    corrected, corrections, filters = brain.read(text)
    reply = _follow_up(brain, session, text, corrected, filters) or _classified(brain, session, text, corrected, filters)
    return reply, corrections


# ---------------------------------------------------------------- follow-ups

def _referenced(session: Session, folded: str, brain: Brain, *, fragments: bool = True) -> list[Course]:
    """Courses of the last results that the message points at ("the second one", "both",
    "the Michigan one")."""
    results = [brain.course(i) for i in session.results if brain.course(i)]
    if not results:
        return []
    first_n = _REF_FIRST_N.search(folded)
    if first_n:
        n = {"two": 2, "2": 2, "three": 3, "3": 3}[first_n.group(1)]
        return results[:n]
    picked = []
    for match in _REF_NTH.finditer(folded):
        position = _ORDINALS.get(match.group(1)) if match.group(1) else int(match.group(2)) - 1
        if position is not None and position < len(results) and results[position] not in picked:
            picked.append(results[position])
    if _REF_LAST.search(folded) and results[-1] not in picked:
        picked.append(results[-1])
    if picked:
        return picked
    if _REF_ALL.search(folded):
        return results
    if not fragments:
        return []
    by_id = {c.id for c in results}
    named = [m.course for m in brain.titles.find(folded, limit=3) if m.course.id in by_id]
    if named:
        return named
    # A fragment of a title from the last results: "the Michigan one", "the one on edX".
    cue = re.search(r"\bthe\s+((?:[\w.+#-]+\s+){1,3})one\b|\bthe one (?:from|by|on|about|with) ([\w\s.+#-]+)", folded)
    if cue:
        words = set(tokenize(cue.group(1) or cue.group(2))) - _GENERIC
        fragment = [c for c in results if words and words <= set(tokenize(f"{c.title} {c.organization or ''} {c.provider} {c.level}"))]
        if fragment:
            return fragment
    if _REF_THAT.search(folded) and len(tokenize(folded)) <= 6:
        return results[:1]
    return []


def _follow_up(brain: Brain, session: Session, text: str, folded: str, filters: Filters) -> Reply | None:
    has_results = bool(session.results)
    if brain.instructors_named(folded):
        return None         # "courses by rafael irizarry on coursera": a new request, not a refinement
    if _GO_BACK.match(folded):
        if session.previous is None:
            return _clarify(brain, "There's nothing to go back to yet. What would you like to learn?",
                            brain.starter_suggestions())
        query, wanted, lean = session.previous
        reply = _recommendation(brain, session, query, wanted, lean, confidence=0.9)
        reply.text = f"Back to what you asked before. {reply.text}"
        return reply
    if _START_OVER.match(folded):
        session.results, session.query, session.filters = [], "", Filters()
        session.lean_on_quality, session.last_faq, session.avoid, session.previous = False, None, (), None
        return Reply("help", "Sure, a fresh start. What would you like to learn?", 1.0,
                     suggestions=brain.starter_suggestions())
    if has_results and _WHICH_SHOWN.match(folded) and len(brain.titles.find(folded, limit=3)) < 2:
        return _which_of_shown(brain, session, _WHICH_SHOWN.match(folded).group(1))
    if _PLATFORM_CUE.search(folded) and not _COMPARE.search(folded):
        # "how is coursera different from edx", "coursera or edx for sql?"
        platforms = _platform_comparison(brain, session, folded, filters)
        if platforms:
            return platforms
    if _COMPARE.search(folded):
        mentions = brain.titles.find(folded, limit=3)
        if len(mentions) >= 2:
            return None
        platforms = _platform_comparison(brain, session, folded, filters)
        if platforms:
            return platforms
        resources = brain.resources_named(folded)
        if resources:
            # "compare it with fast.ai's course": a course the catalog doesn't list can't be compared
            reply = _resource_reply(brain, session, resources[0])
            reply.text = f"I can only compare courses in the catalog. {reply.text}"
            return reply
        refs = _referenced(session, folded, brain) if has_results else []
        if len(refs) >= 2:
            return _comparison_reply(brain, session, refs, 1.0)
        if not has_results and not filters.topics and not mentions and re.search(r"\b(?:them|these|those|both|first|second)\b", folded):
            return _clarify(brain, "There's nothing to compare yet. Tell me what you'd like to learn, or name two courses.",
                            ["Compare data science courses", "Compare Python for Everybody and Python Data Structures",
                             "Best Python course for beginners"])
        if has_results and not filters.topics and not mentions:
            return _comparison_reply(brain, session, [brain.course(i) for i in session.results[:3]], 0.9)
        return None
    if _MORE.match(folded):
        if session.query or not session.filters.is_empty():
            return _recommendation(brain, session, session.query, session.filters, session.lean_on_quality,
                                   page=True, confidence=1.0)
        return _clarify(brain, "More of what? Tell me a topic and I'll find courses.",
                        brain.starter_suggestions())
    if not session.last_faq and _FOR_THAT.search(folded) and (session.query or session.filters.topics):
        # "recommend a course for that" after courses: the best of the current request
        return _recommendation(brain, session, session.query, session.filters, True, confidence=0.9)
    if session.last_faq and _SWITCH_TOPIC.match(folded) and not filters.topics:
        # "what about a phd?" after an FAQ answer: the same kind of question about something else
        rest = _SWITCH_TOPIC.sub("", folded).strip()
        faq, _, score = brain.best_answer(rest) if rest else (None, None, 0.0)
        if faq is not None and score >= FAQ_CLOSE:
            return _faq_reply(brain, session, rest, 0.8)
    if session.last_faq and (_FOR_THAT.search(folded) or (
            re.search(r"\b(?:courses?|classes)\b", folded) and not _topical_query(folded, brain, filters)
            and filters.is_empty())):
        faq = brain.knowledge.faq_by_id[session.last_faq]
        topics = faq.topics or ()
        query = " ".join(brain.topic_names.get(t, t) for t in topics) or faq.question
        wanted = Filters(topics=topics[:1]).merged_with(filters.without("topics"))
        session.avoid = ()
        return _recommendation(brain, session, query, wanted, True, confidence=0.9)
    if has_results and _WEEKLY_TIME.search(folded) and filters.without("topics").is_empty() and not filters.topics:
        shown = [c for c in (brain.course(i) for i in session.results) if c]
        return Reply("recommend", "That works: online courses are mostly self-paced, so a course listed as a few "
                     "weeks or months simply takes longer at a few hours a week. If you'd rather finish "
                     "sooner, ask for shorter ones.", 0.9, courses=_cards(brain, shown, session.filters),
                     suggestions=["Shorter ones", "Under 10 hours", "Only free ones"], filters=session.filters.as_dict())
    if has_results and _REF_NTH.search(folded) and not _referenced(session, folded, brain, fragments=False) \
            and len(tokenize(folded)) <= 6 and filters.is_empty():
        count = len(session.results)
        return _clarify(brain, f"The last answer showed {count} course{'s' if count != 1 else ''}. Which one did you mean?",
                        [f"Tell me about the {name} one" for name in ("first", "second", "third")[:count]])
    def named_elsewhere() -> bool:
        # A course named that isn't on screen makes it a new question: the "first" of "First
        # Step Korean" points at no card. (Asked only when a reference was found.)
        return any(m.course.id not in session.results for m in brain.titles.find(folded, limit=3))

    if has_results:
        refs = _referenced(session, folded, brain, fragments=False)
        if not refs and (_ABOUT_IT.search(folded) or (
                session.last_intent == "course_info" and _ATTRIBUTE_QUESTION.search(folded)
                and len(tokenize(folded)) <= 5 and filters.is_empty())):
            # "is it free?", "how long is that one?", and after details "any reviews?": a
            # question about the course just shown.
            refs = [brain.course(session.results[0])]
        reply = _about_referenced(brain, session, folded, refs) if refs and not named_elsewhere() else None
        if reply:
            return reply
    if session.query or not session.filters.is_empty():
        dropped = _dropped_filters(brain, session, folded)
        if dropped is not None:
            return _without_filters(brain, session, dropped)
        wanted_more = _WITH_MORE.match(folded)
        if wanted_more and filters.is_empty():
            extra = _topical_query(wanted_more.group(1), brain)
            if extra:
                query = f"{session.query} {extra}".strip()
                # best match first: what was just asked for must weigh more than ratings
                return _recommendation(brain, session, query, session.filters, False, confidence=0.9)
        avoided = _AVOID.match(folded)
        if avoided and (brain.is_subject(avoided.group(1)) or brain.courses_about(avoided.group(1))
                        & set(session.results)):
            # "not interested in tableau": the same request without courses about it
            phrase = " ".join(word_list(avoided.group(1)))
            if phrase not in session.avoid:
                session.avoid = session.avoid + (phrase,)
            return _recommendation(brain, session, session.query, session.filters, session.lean_on_quality,
                                   confidence=0.9)
        refined = _refinement(brain, session, folded, filters)
        if refined is not None:
            query = _topical_query(folded, brain, filters) if set(filters.topics) - set(session.filters.topics) else session.query
            return _recommendation(brain, session, query, refined, session.lean_on_quality, confidence=0.95)
    if has_results and not re.search(r"\b(?:courses|classes)\b", folded):
        refs = _referenced(session, folded, brain)
        if refs and not named_elsewhere():
            return _about_referenced(brain, session, folded, refs, explicit=False)
    return None


def _platform_comparison(brain: Brain, session: Session, folded: str, filters: Filters) -> Reply | None:
    """"Coursera vs Udemy", "which is better for python, coursera or udemy?": platforms are not
    courses; with a subject, the best match on each platform is compared, without one, ask for it."""
    providers = [p for pattern, p in brain.vocabulary.provider_patterns if pattern.search(folded)]
    if len(providers) < 2:
        return None
    query = _topical_query(folded, brain, filters)
    if not query and not filters.topics:
        return _clarify(brain, f"I compare courses rather than whole platforms: {' and '.join(providers)} each have "
                               "strong and weak courses. Tell me a subject and I'll compare the best of each.",
                        [f"Compare Python courses on {providers[0]} and {providers[1]}",
                         "Compare data science courses"], 0.9)
    wanted = filters.without("provider")
    # Only a course on that platform speaks for it (the ranker may relax the platform away).
    picks = [c for p in providers
             for c in brain.ranker.rank(query, wanted.merged_with(Filters(provider=p)), lean_on_quality=True,
                                        limit=1).courses if c.provider == p]
    if len(picks) < 2:
        return None
    session.query, session.filters, session.lean_on_quality = query, wanted, True
    reply = _comparison_reply(brain, session, picks, 0.9)
    on = " and ".join(f"**{c.title}** on {c.provider}" for c in picks)
    reply.text = f"The best match on each platform: {on}. {reply.comparison['verdict']}"
    return reply


def _about_referenced(brain: Brain, session: Session, folded: str, refs: list[Course], explicit: bool = True) -> Reply | None:
    """Details (or a comparison) of courses the message points at; a short message like "the
    second one" is enough when it points explicitly, a title fragment needs a question with it."""
    short = explicit and len(tokenize(folded)) <= 4
    cue = re.search(r"\bone\b", folded)
    if refs and (_INFO.search(folded) or short or (cue and not explicit)):
        if len(refs) >= 2 and not _INFO.search(folded):
            return _comparison_reply(brain, session, refs, 0.9)
        return _course_info(brain, session, refs[0], folded, 0.95)
    return None


def _dropped_filters(brain: Brain, session: Session, folded: str) -> list[str] | None:
    """The filters a message asks to drop from the current request ("any level", "paid ones too",
    "remove the Beginner filter"), or None when it asks no such thing."""
    names: list[str] = []
    if _PAID_TOO.search(folded):
        names += ["free", "max_price"]
    if _NO_CERTIFICATE.search(folded):
        names.append("certificate")
    for match in _ANY.finditer(folded):
        names += _FILTER_WORD[match.group(1)]
    removal = _REMOVE.match(folded)
    if removal:
        what = removal.group("what")
        if what in _FILTER_WORD:
            names += _FILTER_WORD[what]
        else:
            # A filter named by its value: "the beginner filter", "the edx one", "free".
            stated = brain.read(what)[2]
            names += [name for name, value in stated.as_dict().items() if name != "topics"]
            if not names and stated.topics and len(session.filters.topics) > 1:
                names.append("topics")
    if not names:
        return None
    return list(dict.fromkeys(names))


def _without_filters(brain: Brain, session: Session, names: list[str]) -> Reply:
    """The current request again without the named filters (those that were set)."""
    current = session.filters
    active = [n for n in names if getattr(current, n) not in (None, ())]
    if not active:
        reply = _recommendation(brain, session, session.query, current, session.lean_on_quality, confidence=0.9)
        reply.text = f"There was no {' or '.join(_filter_labels(names))} filter on this search. " + reply.text
        return reply
    relaxed = current
    for name in active:
        relaxed = relaxed.without(name)
    reply = _recommendation(brain, session, session.query, relaxed, session.lean_on_quality, confidence=1.0)
    labels = _filter_labels(active)
    reply.text = f"Without the {' and '.join(labels)} filter{'s' if len(labels) > 1 else ''}: " + reply.text
    return reply


def _filter_labels(names: list[str]) -> list[str]:
    """How a reply names these filters; 'free' with its price cap is one filter to the learner."""
    return list(dict.fromkeys(FILTER_LABELS[n] for n in names if not (n == "max_price" and "free" in names)))


def _refinement(brain: Brain, session: Session, folded: str, filters: Filters) -> Filters | None:
    """The session's filters changed by a short follow-up, or None when the message is not one."""
    words = tokenize(folded)
    new_topic = bool(filters.topics) and set(filters.topics) != set(session.filters.topics)
    relative = _CHEAPER.search(folded) or _SHORTER.search(folded) or _HARDER.search(folded) or _EASIER.search(folded)
    stated = filters.without("topics")
    switched = new_topic and _SWITCH_TOPIC.match(folded) and len(words) <= 6
    if not relative and stated.is_empty() and not switched:
        return None     # ("what about deep learning" switches the subject and keeps the rest)
    if len(words) > 8 and not _REFINE_LEAD.match(folded):
        return None
    if new_topic and not _REFINE_LEAD.match(folded):
        return None
    updated = session.filters.merged_with(filters)
    shown = [brain.course(i) for i in session.results if brain.course(i)]
    if _CHEAPER.search(folded) and not _STATED_PRICE.search(folded) and not filters.free:
        prices = [c.price for c in shown if c.price]
        updated = updated.merged_with(Filters(max_price=max(min(prices) - 0.01, 0) if prices else 30))
    if _SHORTER.search(folded) and not _STATED_HOURS.search(folded):     # "shorter than 20 hours" says how short
        hours = [estimated_hours(c) for c in shown if estimated_hours(c)]
        updated = updated.merged_with(Filters(max_hours=max(min(hours) - 0.5, 1) if hours else 10))
    if _HARDER.search(folded) or _EASIER.search(folded):
        # "more advanced" is a step up from where we are, not the level named "advanced".
        current = session.filters.level or (shown[0].level if shown and shown[0].level != "Mixed" else "Beginner")
        stepped = level_step(current, 1 if _HARDER.search(folded) else -1)
        updated = updated.merged_with(Filters(level=stepped))
    elif filters.level is None and find_level(folded):
        updated = updated.merged_with(Filters(level=find_level(folded)))
    return updated


# ---------------------------------------------------------------- classified messages

def _topical_query(folded: str, brain: Brain, filters: Filters | None = None) -> str:
    """The words that say what to learn, without filter and request words, as the learner wrote
    them ("time series", not the index's "time sery"). The language asked for is a filter, not a
    subject: "courses in german" looks for courses taught in German, not about it."""
    language = set(LANGUAGES.get(filters.language, ())) if filters and filters.language else set()
    # The organization asked for is a filter too: "mit courses" are MIT's, not courses saying
    # "mit"; with a subject, its name stays in the query ("ibm data science": IBM Data Science).
    named = brain.vocabulary.organization_named(folded) if filters and filters.organization else None
    organization = set(named[1]) if named else set()
    kept = []
    for word in word_list(folded):
        token = normalize_word(word)
        if word not in STOPWORDS and token not in _GENERIC and token not in brain.filter_words and word not in language:
            kept.append(word)
    if organization and all(w in organization for w in kept):
        return ""       # the words only named the organization: "mit courses"
    return " ".join(kept)


def read_scope(brain: Brain, folded: str, filters: Filters):
    """The classifier's scores, the titles mentioned, and whether the message names course things."""
    mentions = brain.titles.find(folded, limit=3)
    scores = brain.classify(folded, mentions)
    if scores.intent in ("greet", "thanks", "goodbye"):
        mentions = []
    return scores, mentions, bool(filters.topics or mentions or filters.organization)


def decide_scope(brain: Brain, scores, evidence: bool, folded: str, threshold: float) -> tuple[str, float]:
    """The intent to act on. Out of scope when the classifier is unsure and nothing in the message
    names a topic or a course (with such evidence the bar is lower), and when the words of the
    message don't fit the intent it was given: small talk and FAQ answers only cover what their
    examples and the roadmap talk about."""
    intent, confidence = scores.intent, scores.confidence
    course_side = [(i, p) for i, p in scores.ranking if i in COURSE_INTENTS]
    refused = "out_of_scope", max(confidence, scores.probability("out_of_scope"))
    bar = threshold * (0.6 if evidence else 1.0)
    if intent in ("greet", "thanks", "goodbye", "help") and brain.fits_vocabulary(intent, folded):
        bar = min(bar, SMALL_TALK_THRESHOLD)
    if intent == "out_of_scope" or confidence < bar:
        # A bare subject ("web dev", "sql for beginners") is a course request unless the classifier
        # is sure it is not: it must not be refused on a weak out-of-scope guess.
        if evidence and course_side and (intent != "out_of_scope" or (
                _only_names_topics(folded, brain) and (confidence < threshold or len(word_list(folded)) <= 2))):
            return course_side[0]
        return refused
    if intent in ("recommend", "compare", "course_info") and not evidence and not brain.names_learning(folded):
        return refused      # no subject, course, filter or learning word: not a course request
    # Small talk this certain is answered whatever words come with it; help only with one word of
    # its own at most: "can you help me plan my wedding" asks for something else.
    sure = confidence >= SURE and intent != "faq"
    if sure and intent == "help":
        sure = brain.unknown_words(intent, folded) <= 1
    if not sure and not brain.fits_vocabulary(intent, folded):
        fitting = [(i, p) for i, p in course_side if i != intent and brain.fits_vocabulary(i, folded)]
        if evidence and fitting and fitting[0][1] >= 0.15:
            return fitting[0]
        return refused
    return intent, confidence


def _classified(brain: Brain, session: Session, text: str, folded: str, filters: Filters) -> Reply:
    session.avoid = ()      # a new request: what was ruled out for the last one no longer applies
    explained = _EXPLAIN.match(folded)
    if explained and brain.is_subject(explained.group(1)) and not _ROLE.search(explained.group(1)):
        # "what is a neural network?": not something the roadmap answers, and the assistant is
        # no tutor; the courses that teach it are the honest answer.
        subject = explained.group(1)
        wanted = Filters(topics=filters.topics[:1]) if filters.topics else Filters()
        reply = _recommendation(brain, session, subject, wanted, True, confidence=0.8)
        if reply.courses:
            reply.text = f"I don't teach concepts myself, but courses do. {reply.text}"
        return reply
    if (_ROADMAP_REF.search(folded) and not brain.titles.find(folded, limit=3)
            and filters.without("topics").without("max_hours").is_empty()):
        # "what does the roadmap say about docker", "what is step 3": the article is the subject
        step = _STEP_REF.search(folded) if re.search(r"\d|roadmap|article|guide", folded) else None
        numbered = [s for s in brain.knowledge.sections
                    if step and re.match(rf"step {_STEP_NUMBERS.get(step.group(1), step.group(1))}\b", fold(s.title))]
        if numbered:
            return _faq_reply(brain, session, folded, 0.8, section=numbered[0])
        faq, section, _ = brain.best_answer(folded)
        if faq is not None or section is not None:
            return _faq_reply(brain, session, folded, 0.8)
    teachers = brain.instructors_named(folded)
    if teachers:
        return _taught_by(brain, session, teachers[0], filters)
    cue = _TEACHER_CUE.search(folded)
    if cue and not (filters.organization or filters.provider or filters.topics):
        # "courses taught by andrew ng": a name the listings don't give. The roadmap may name
        # them ("Andrew Ng's original Stanford course"); otherwise say what can't be done.
        name = [w for w in word_list(folded[cue.end():]) if w not in STOPWORDS][:3]
        faq, _, score = brain.best_answer(folded)
        written = set(word_list(" ".join((faq.question, *faq.phrasings, faq.answer)))) if faq else set()
        if faq is not None and score >= FAQ_CLOSE and name and all(w in written for w in name):
            return _faq_reply(brain, session, folded, 0.8)
        return _clarify(brain, "I can't look courses up by teacher: most listings don't name their "
                               "instructors (only some edX courses do), and that name isn't among them. "
                               "Tell me the subject they teach and I'll find courses on it.",
                        ["Machine learning courses", "Best Python course for beginners"], 0.8)
    resources = brain.resources_named(folded)
    if resources and (not brain.titles.find(folded, limit=3) or re.search(rf"\b{re.escape(resources[0].kind)}\b", folded)) \
            and (_INFO.search(folded) or _EXPLAIN.match(folded) or len(tokenize(folded)) <= 4):
        return _resource_reply(brain, session, resources[0])
    scores, mentions, evidence = read_scope(brain, folded, filters)
    intent, confidence = decide_scope(brain, scores, evidence, folded, brain.threshold)
    if len(mentions) >= 2 and _COMPARE.search(folded):
        intent = "compare"          # two courses named with "vs", "compare", "which is better"
    if intent == "out_of_scope":
        return _out_of_scope(brain, confidence)
    course_side = [(i, p) for i, p in scores.ranking if i in COURSE_INTENTS]
    if intent == "help" and filters.topics and re.search(r"\b(?:courses?|class(?:es)?|find|learn|study)\b", folded):
        intent = "recommend"        # "can you help me find a python course?"
    if (intent == "faq" and filters.topics and wants_quality(folded) and re.search(r"\b(?:courses?|class(?:es)?)\b", folded)
            and not filters.without("topics").without("max_hours").is_empty()):
        intent = "recommend"        # "the best free course for machine learning": the filter is the point
    if intent in ("greet", "thanks", "goodbye", "help"):
        return _respond_small_talk(brain, session, intent, confidence)
    if intent in COURSE_INTENTS and len(course_side) > 1:
        (first, p1), (second, p2) = course_side[0], course_side[1]
        if p1 - p2 < brain.clarify_margin:
            if not evidence and p1 < 0.6 and not ({first, second} == {"faq", "recommend"}
                                                  and brain.names_roadmap_subject(folded)):
                return _out_of_scope(brain, scores.probability("out_of_scope"))
            # Asking back is worth it when a topic could mean courses or the roadmap's advice;
            # a stated filter ("free", "for beginners", "on edX") means courses.
            if {first, second} == {"faq", "recommend"} and not filters.without("topics").is_empty():
                intent = "recommend"
            elif {first, second} == {"faq", "recommend"}:
                return _clarify(brain, "I can read that two ways. Which did you mean?",
                                [_intent_option(first, text), _intent_option(second, text)], p1)
    if intent == "faq" and filters.topics and _only_names_topics(folded, brain) and not (
            _VERSUS.search(folded) and (len(filters.topics) >= 2 or confidence >= SURE)):
        intent = "recommend"       # "machine learning" alone asks for courses, not the roadmap;
        # "pytorch vs tensorflow" or "research scientist or ml engineer" asks which, and the FAQ may say
    if intent == "faq":
        return _faq_reply(brain, session, folded, confidence)
    if intent == "compare":
        if len(mentions) >= 2:
            return _comparison_reply(brain, session, [m.course for m in mentions], confidence)
        category = re.search(r"\b(?:courses|classes|programs|options|certificates|specializations)\b", folded)
        if len(mentions) == 1 and not category:
            others = brain.ranker.rank(_topical_query(folded, brain) or mentions[0].course.title,
                                       Filters(topics=mentions[0].course.topics[:1]), lean_on_quality=True,
                                       exclude={mentions[0].course.id}, limit=1).courses
            return _comparison_reply(brain, session, [mentions[0].course, *others], confidence)
        query = _topical_query(folded, brain, filters)
        if query or filters.topics:
            result = brain.ranker.rank(query, filters, lean_on_quality=True, limit=3)
            if len(result.courses) >= 2:
                session.query, session.filters, session.lean_on_quality = query, filters, True
                return _comparison_reply(brain, session, result.courses, confidence)
        return _clarify(brain, "Which courses should I compare? Name two, or a subject.",
                        ["Compare data science courses", "Compare Python for Everybody and Python Data Structures",
                         "Best Python course for beginners"], confidence)
    if intent == "course_info":
        if mentions:
            return _course_info(brain, session, mentions[0].course, folded, confidence)
        refs = _referenced(session, folded, brain) if session.results else []
        if refs:
            return _course_info(brain, session, refs[0], folded, confidence)
        named = brain.titles.best_named(_INFO.sub(" ", folded))
        if named is not None:
            return _course_info(brain, session, named, folded, confidence * 0.8)
        if not (filters.topics and not _INFO.search(folded)):
            return _clarify(brain, "Which course would you like to know about? Tell me its title.",
                            ["Tell me about Python for Everybody", "Best Python course for beginners"], confidence)
        # no course named, but a subject: "university of michigan python" asks for its courses
    # recommend
    query = _topical_query(folded, brain, filters)
    if not query and filters.is_empty():
        return _clarify(brain, "Happy to find you a course. What would you like to learn?",
                        ["Python for beginners", "Machine learning", "Data science", "SQL"], confidence)
    lean = wants_quality(folded) or wants_popular(folded)
    return _recommendation(brain, session, query, filters, lean, confidence=confidence)


_FILLER = frozenset("a an the for in on with and to of me some any about please".split())


def _only_names_topics(folded: str, brain: Brain) -> bool:
    """True for messages like "machine learning" or "free sql courses": topics and filters only,
    no question."""
    rest = [normalize_word(w) for w in word_list(folded) if w not in _FILLER]
    return all(w in _GENERIC or w in brain.filter_words or w in brain.topic_words for w in rest)


def _intent_option(intent: str, text: str) -> str:
    return {"recommend": f"Find courses: {text}", "compare": f"Compare: {text}",
            "course_info": f"Tell me about {text}", "faq": f"Career question: {text}"}.get(intent, text)


# ---------------------------------------------------------------- reply builders

def _clarify(brain: Brain, text: str, options: list[str], confidence: float = 1.0) -> Reply:
    return Reply("clarify", text, confidence, suggestions=options[:4])


def _out_of_scope(brain: Brain, confidence: float) -> Reply:
    replies = brain.knowledge.intents["out_of_scope"].replies
    text = replies[0] if replies else "Sorry, that's outside what I can help with."
    return Reply("out_of_scope", text, confidence, suggestions=brain.starter_suggestions())


def _cards(brain: Brain, courses: list[Course], filters: Filters) -> list[dict]:
    return [course_card(c, brain.ranker.why(c, filters)) for c in courses]


def _describe_request(brain: Brain, filters: Filters, query: str, count: int = 2,
                      shown: tuple[Course, ...] = ()) -> str:
    words = []
    if filters.free:
        words.append("free")
    if filters.level:
        words.append(filters.level.lower())
    subject = ", ".join(brain.subject_name(t, query, shown) for t in filters.topics)
    if query and not subject and (filters.organization or filters.provider):
        # "courses by Google": the organization says it, once ("Google courses", not "google courses from Google").
        named = set(tokenize(f"{filters.organization or ''} {filters.provider or ''}"))
        query = " ".join(w for w in query.split() if normalize_word(w) not in named)
    words.append(subject or (query if query else "") )
    words.append("course" if count == 1 else "courses")
    tail = []
    if filters.provider:
        tail.append(f"on {filters.provider}")
    if filters.organization:
        tail.append(f"from {filters.organization}")
    if filters.max_price is not None:
        tail.append(f"under ${filters.max_price:g}")
    if filters.max_hours is not None:
        tail.append(f"under {filters.max_hours:g} hours")
    if filters.min_rating is not None:
        tail.append(f"rated {filters.min_rating:g}+/5")
    if filters.certificate:
        tail.append("with a certificate")
    if filters.language:
        tail.append(f"in {filters.language}")
    if len(tail) > 1:
        tail = tail[:-2] + [f"{tail[-2]} and {tail[-1]}"]
    return " ".join(w for w in words + [", ".join(tail)] if w)


def _recommendation(brain: Brain, session: Session, query: str, filters: Filters, lean: bool, *,
                    confidence: float, page: bool = False) -> Reply:
    exclude = set(session.shown) if page else set()
    for phrase in session.avoid:
        exclude |= brain.courses_about(phrase)
    result = brain.ranker.rank(query, filters, lean_on_quality=lean, exclude=exclude, limit=PAGE_SIZE)
    if (query, filters) != (session.query, session.filters) and (session.query or not session.filters.is_empty()):
        session.previous = (session.query, session.filters, session.lean_on_quality)   # for "go back"
    session.query, session.filters, session.lean_on_quality = query, filters, lean
    count = len(result.courses)
    # "Here is 1 ... course" only when the one course is all the reply shows of the request.
    wanted = _describe_request(brain, filters, query, count if not (page or result.relaxed) else 2, result.courses)
    if session.avoid:
        wanted += " without " + " or ".join(brain.display_names.get(p, p) for p in session.avoid)
    if not result.courses:
        session.results = []
        text = (f"That's all I have for {wanted}." if page else f"I couldn't find {wanted}.")
        return Reply("recommend", text + " Try another topic or fewer filters.", confidence,
                     suggestions=["For beginners", "Data science courses", "What math do I need?"],
                     filters=filters.as_dict())
    session.results = [c.id for c in result.courses]
    session.remember_shown(session.results)
    session.last_faq = None
    if result.relaxed:
        dropped = " and ".join(_relaxed_name(name, filters) for name in result.relaxed)
        found = _describe_request(brain, result.filters, query, shown=result.courses)
        text = f"I found no {wanted}. Here are the closest, without {dropped}: {found}."
    elif page:
        text = f"Here are more {wanted}."
    else:
        order = "best rated first" if lean else "best match first"
        text = f"Here {'is' if count == 1 else 'are'} {count} {wanted} ({order})."
    if result.total > len(result.courses) and not page:
        broader = [brain.topic_names.get(t, t) for t in result.filters.topics
                   if brain.subject_name(t, query, result.courses) != brain.topic_names.get(t, t)]
        if broader:
            # "Here are 3 React courses ... 358 JavaScript courses match in all": the count is the topic's.
            text += f" {result.total} {_describe_request(brain, result.filters, '')} match in all."
        else:
            text += f" {result.total} match in all."
    return Reply("recommend", text, confidence, courses=_cards(brain, result.courses, result.filters),
                 suggestions=_recommend_suggestions(result.filters, len(result.courses)),
                 filters=result.filters.as_dict())


def _relaxed_name(name: str, filters: Filters) -> str:
    value = getattr(filters, name)
    if name == "free":
        return "'free'"
    if name == "topics":
        return "the topic"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"max_price": f"the ${value:g} cap", "max_hours": f"the {value:g}-hour limit",
                "min_rating": f"the {value:g}+ rating"}.get(name, name)
    if isinstance(value, str):
        return f"'{value}'"
    return {"certificate": "the certificate"}.get(name, name)


def _recommend_suggestions(filters: Filters, count: int) -> list[str]:
    options = []
    if count >= 2:
        options.append("Compare the first two")
    if not filters.free:
        options.append("Only free ones")
    if filters.level != "Advanced":
        options.append("Something more advanced")
    else:
        options.append("For beginners")
    options.append("Show me more")
    return options[:4]


def _comparison_reply(brain: Brain, session: Session, courses: list[Course], confidence: float) -> Reply:
    courses = [c for c in courses if c is not None][:3]
    if len(courses) < 2:
        return _clarify(brain, "I need at least two courses to compare.", ["Compare data science courses"], confidence)
    cards = _cards(brain, courses, session.filters)
    comparison = build_comparison(courses, cards, brain.ranker.quality)
    session.results = [c.id for c in courses]
    session.remember_shown(session.results)
    names = " and ".join(f"**{c.title}**" for c in courses) if len(courses) == 2 else \
        ", ".join(f"**{c.title}**" for c in courses[:-1]) + f" and **{courses[-1].title}**"
    text = f"Comparing {names}. {comparison['verdict']}"
    suggestions = ["Tell me more about the first one", "Tell me more about the second one"]
    if session.query or not session.filters.is_empty():
        # Refinements of the request these came from.
        if not all(c.free is True for c in courses) and not session.filters.free:
            suggestions.append("Only free ones")
        suggestions.append("Show me more")
    else:
        suggestions.append("What math do I need?")
    return Reply("compare", text, confidence, courses=cards, comparison=comparison, suggestions=suggestions)


def _resource_reply(brain: Brain, session: Session, resource: Resource) -> Reply:
    """What the article says about a resource that isn't a catalog course ("fast.ai"), and catalog
    courses on the same subject."""
    section = brain.knowledge.section_by_id.get(resource.section)
    where = f" ({resource.provider})" if resource.provider and resource.provider not in resource.title else ""
    text = (f"**{resource.title}**{where}: {resource.note} The course catalog doesn't list it under that name, "
            f"so I have no rating, price or length for it.")
    courses: list[dict] = []
    if resource.topics:
        query = " ".join(brain.topic_names.get(t, t) for t in resource.topics[:1])
        result = brain.ranker.rank(query, Filters(topics=resource.topics[:1]), lean_on_quality=True, limit=PAGE_SIZE)
        if result.courses:
            courses = _cards(brain, result.courses, result.filters)
            session.results = [c["id"] for c in courses]
            session.remember_shown(session.results)
            session.query, session.filters, session.lean_on_quality = query, result.filters, True
            text += f"\n\n{_describe_request(brain, result.filters, query).capitalize()} in the catalog:"
    sources = [{"kind": "section", "id": section.id, "title": section.title}] if section else []
    return Reply("faq", text, 0.9, courses=courses, sources=sources,
                 suggestions=(["Compare the first two", "Only free ones"] if courses else []) + ["What math do I need?"])


def _taught_by(brain: Brain, session: Session, teacher: str, filters: Filters) -> Reply:
    """The courses a named instructor teaches, best rated first, within the filters stated."""
    taught = sorted((brain.course(i) for i in brain.courses_by_instructor[teacher]),
                    key=lambda c: (-brain.ranker.quality(c), c.title))
    wanted = [c for c in taught if brain.ranker.satisfies(c, filters)]
    shown = (wanted or taught)[:PAGE_SIZE]
    session.results = [c.id for c in shown]
    session.remember_shown(session.results)
    session.query, session.filters, session.lean_on_quality = "", filters, True
    session.last_faq = None
    count = len(wanted or taught)
    if wanted or filters.is_empty():
        text = (f"{teacher} teaches {count} course{'s' if count != 1 else ''} in the catalog"
                + (f" that {'match' if count != 1 else 'matches'} what you asked" if not filters.is_empty() else "")
                + (f"; the best rated {len(shown)}:" if count > len(shown) else ":"))
    else:
        text = f"{teacher} teaches no {_describe_request(brain, filters, '')} in the catalog; here is what they teach:"
    return Reply("recommend", text, 0.9, courses=_cards(brain, shown, filters),
                 suggestions=[f"Tell me more about {shown[0].title}"] + (["Compare the first two"] if len(shown) > 1 else []),
                 filters=filters.as_dict())


def _which_of_shown(brain: Brain, session: Session, asked: str) -> Reply:
    """The course among those just shown that is best by what was asked, and why; the others stay
    listed after it, so "the second one" still points at a card on screen."""
    shown = [c for c in (brain.course(i) for i in session.results) if c]
    label = {"cheapest": "cheapest", "least expensive": "cheapest", "free": "free", "shortest": "shortest",
             "quickest": "shortest", "longest": "longest", "most popular": "most popular",
             "most enrolled": "most popular", "most reviews": "most popular", "easiest": "easiest",
             "hardest": "most advanced", "most advanced": "most advanced", "cheaper": "cheapest",
             "less expensive": "cheapest", "shorter": "shortest", "quicker": "shortest", "longer": "longest",
             "more popular": "most popular", "easier": "easiest", "harder": "most advanced",
             "more advanced": "most advanced"}.get(asked, "best rated")
    asked = label
    level_rank = {"Beginner": 0, "Mixed": 1, "Intermediate": 2, "Advanced": 3}
    if asked in ("cheapest", "free"):
        def price(c):
            return 0.0 if c.free else c.price
        known = [c for c in shown if price(c) is not None]
        if asked == "free":
            known = [c for c in shown if c.free]
        pick, missing = (min(known, key=price) if known else None), "a price"
        explain = lambda c: "free" + (" to audit" if c.provider == "edX" else "") if c.free else f"${c.price:g}"
    elif asked in ("shortest", "longest"):
        known = [c for c in shown if estimated_hours(c)]
        chooser = max if asked == "longest" else min
        pick, missing = (chooser(known, key=estimated_hours) if known else None), "a duration"
        explain = lambda c: f"about {estimated_hours(c):g} hours"
    elif asked == "most popular":
        known = [c for c in shown if c.enrolled or c.reviews]
        pick, missing = (max(known, key=lambda c: (c.enrolled or 0, c.reviews or 0)) if known else None), "enrolment figures"
        explain = lambda c: f"{c.enrolled:,} enrolled" if c.enrolled else f"{c.reviews:,} reviews"
    elif asked in ("easiest", "most advanced"):
        known = [c for c in shown if c.level in level_rank]
        chooser = min if asked == "easiest" else max
        pick, missing = (chooser(known, key=lambda c: level_rank[c.level]) if known else None), "a level"
        explain = lambda c: f"{c.level.lower()} level" if c.level != "Mixed" else "all levels"
    else:
        known = [c for c in shown if c.rating is not None]
        pick, missing = (max(known, key=lambda c: (c.rating, brain.ranker.quality(c))) if known else None), "a rating"
        explain = lambda c: f"rated {c.rating:g}/5" + (f" from {compact_number(c.reviews)} reviews" if c.reviews else "")
    if pick is None:
        what = "is free" if asked == "free" else f"lists {missing}"
        return Reply("course_info", f"None of the courses shown {what}.", 0.9,
                     courses=_cards(brain, shown, session.filters), suggestions=_recommend_suggestions(session.filters, len(shown)))
    ordered = [pick] + [c for c in shown if c.id != pick.id]
    session.results = [c.id for c in ordered]
    note = "" if len(known) == len(shown) else f" ({len(shown) - len(known)} of them list no {missing.split()[-1]})"
    text = f"Of these, **{pick.title}** is the {asked}: {explain(pick)}{note}." if asked != "free" else (
        f"Of these, **{pick.title}** is free{' to audit' if pick.provider == 'edX' else ''}."
        + (f" So are {len(known) - 1} more of them." if len(known) > 1 else ""))
    return Reply("course_info", text, 0.9, courses=_cards(brain, ordered, session.filters),
                 suggestions=[f"Tell me more about {pick.title}", "Compare the first two", "Show me more"])


def _course_info(brain: Brain, session: Session, course: Course, folded: str, confidence: float) -> Reply:
    answer = answer_about(course, folded)
    about = " ".join((course.title,) + course.skills[:5])
    related = brain.ranker.rank(about, Filters(topics=course.topics[:1]), lean_on_quality=True,
                                exclude={course.id}, limit=3).courses
    related = [c for c in related if fold(c.title) != fold(course.title)][:3]
    session.results = [course.id] + [c.id for c in related]
    session.remember_shown(session.results)
    sources = []
    if course.section:
        section = brain.knowledge.section_by_id.get(course.section)
        sources.append({"kind": "section", "id": course.section, "title": section.title if section else course.section})
    suggestions = [f"Tell me about {c.title}" for c in related[:2]]
    if related:
        suggestions.append(f"Compare it with {related[0].title}")
    cards = _cards(brain, [course] + related, Filters(topics=course.topics[:1]))
    return Reply("course_info", answer, confidence, courses=cards, suggestions=suggestions[:4], sources=sources)


def _faq_reply(brain: Brain, session: Session, folded: str, confidence: float,
               section: Section | None = None) -> Reply:
    """The FAQ answer to the question, else the roadmap section that answers it (or `section`,
    when the message named it: "step 3")."""
    faq, found, score = (None, section, 1.0) if section is not None else brain.best_answer(folded)
    section = found
    if faq is None and section is None:
        return _out_of_scope(brain, confidence)
    unmentioned = brain.subjects_not_in_roadmap(folded)
    named = " or ".join(unmentioned[:2])
    if unmentioned and score < FAQ_CLOSE:
        # "do I need linux for ml engineering": the roadmap says nothing about Linux, and its
        # closest answer is about something else. Say so, and offer what the catalog has.
        reply = _recommendation(brain, session, " ".join(unmentioned[:2]), Filters(), True, confidence=confidence)
        reply.text = f"The roadmap doesn't cover {named}, so I have no advice from it on that. {reply.text}"
        return reply
    courses: list[dict] = []
    if faq is not None:
        session.last_faq = faq.id
        cited = brain.knowledge.section_by_id[faq.section]
        sources = [{"kind": "faq", "id": faq.id, "title": faq.question, "section": faq.section},
                   {"kind": "section", "id": cited.id, "title": cited.title}]
        text = faq.answer
        if faq.courses and faq.topics:
            query = " ".join(brain.topic_names.get(t, t) for t in faq.topics[:2])
            result = brain.ranker.rank(query, Filters(topics=faq.topics[:1]), lean_on_quality=True, limit=3)
            courses = _cards(brain, result.courses, result.filters)
            if courses:
                session.results = [c["id"] for c in courses]
                session.remember_shown(session.results)
                session.query, session.filters, session.lean_on_quality = query, result.filters, True
                text += "\n\nCourses that can help:"
        related = [brain.knowledge.faq_by_id[i].question for i in brain.related_faqs(faq.id)][:2]
        suggestions = (["Any courses for that?"] if faq.topics and not courses else []) + related
        if courses:
            suggestions.insert(0, "Compare the first two")
    else:
        sources = [{"kind": "section", "id": section.id, "title": section.title}]
        text = brain.section_excerpt(section)
        suggestions = ["What math do I need?", "How long does it take?"]
        session.last_faq = None
    if score < FAQ_WEAK and not unmentioned:
        # "what interview questions do ml engineers get": nothing in the roadmap is about it.
        text = f"The roadmap doesn't answer that directly. The closest it comes:\n\n{text}"
    if unmentioned:
        # Honest about the limits of the article: the answer is the closest advice it has.
        text = f"The roadmap doesn't mention {named}, but here is what it says.\n\n{text}"
        suggestions = [f"{name} courses" for name in unmentioned[:2]] + suggestions
    return Reply("faq", text, confidence, courses=courses, sources=sources, suggestions=suggestions[:4])
