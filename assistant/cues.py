"""The cues a message can carry, as patterns over its folded, spell-corrected text: a reference
to the courses on screen ("the second one"), a comparison ("vs", "which is better"), a refinement
("cheaper", "more advanced"), a request to go back or start over, and so on.

`find_cues(folded)` searches each pattern at most once, when a step first asks for it; the Reading
keeps the result (`reading.cue(name)`), so the steps that decide and answer never search the text
again.
"""
from __future__ import annotations

import re

ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
             "fifth": 4, "5th": 4, "one": 0, "two": 1, "three": 2}
REF_NTH = re.compile(r"\b(?:the\s+)?(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\b(?!\s+(?:two|three|2|3)\b)"
                      r"|(?:number|no\.?|#|option)\s*([1-5])\b")
REF_FIRST_N = re.compile(r"\b(?:the\s+)?(?:first|top)\s+(two|three|2|3)\b")
REF_LAST = re.compile(r"\b(?:the\s+)?last(?:\s+one)?\b")
REF_ALL = re.compile(r"\b(?:them|these|those|both|all (?:of )?(?:them|three|these))\b")
REF_THAT = re.compile(r"\b(?:that|this|it)(?:\s+(?:one|course))?\b")
COMPARE = re.compile(r"\b(?:compare|comparison|versus|vs\.?|which (?:is|one is|would be|'s) (?:better|best)|"
                      r"which (?:one )?should i (?:take|pick|choose)|difference between|differences|better)\b")
VERSUS = re.compile(r"\b(?:vs\.?|versus|or)\b")
PLATFORM_CUE = re.compile(r"\b(?:differ|differs|different|difference|or)\b")
MORE = re.compile(r"^(?:(?:please\s+)?(?:show|give|list|find)(?:\s+me)?\s+(?:some\s+)?more(?:\s+(?:courses|options|of them|results|please))?|"
                   r"more(?:\s+(?:courses|options|results|please))?|next(?:\s+(?:ones|page|results))?|"
                   r"(?:any|some)\s*(?:thing|one)?\s*(?:others?|else)|other (?:ones|options|courses)|"
                   r"what else(?: do you have)?|anything else|see more|load more|"
                   r"(?:show me\s+|give me\s+)?(?:something|anything) (?:else|different)|(?:show me\s+)?(?:some\s+)?"
                   r"(?:different|other) (?:ones|options|courses)|(?:show me\s+)?others|"
                   r"none of (?:these|those|them)(?: (?:look good|looks good|work|fit|are right|appeal to me))?|"
                   r"not (?:these|those)(?: ones)?|i don'?t like (?:these|those|them|any of these))\s*[?!.]*$")
AVOID = re.compile(r"^(?:but\s+|and\s+|ok\s+)?(?:i'?m\s+|i am\s+)?(?:not interested in|not into|no more|nothing (?:on|about|with)|"
                    r"i don'?t want(?: anything (?:on|about|with))?|skip(?: the)?|except|but not|not|no|without)\s+"
                    r"(?:any\s+)?(.+?)(?:\s+(?:courses|ones|stuff|please))?\s*[?!.]*$")
GREETING_LEAD = re.compile(r"^((?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|evening)|yo)"
                            r"(?: there| again| everyone| all)?)\s*[!,.:;-]+\s*(.+)$", re.IGNORECASE)
# "something with more hands-on projects", "ones that include a capstone": the same request, leaning that way
WITH_MORE = re.compile(r"^(?:and\s+|but\s+)?(?:something|anything|ones?|courses?|a course)\s+(?:with|that (?:has|have|includes?|offers?)|"
                        r"including|focused on|focusing on)\s+(?:more\s+|lots of\s+|some\s+|a\s+)?(.+?)\s*[?!.]*$")
# The article itself as the subject: "what does the roadmap say about docker", "what comes after python"
ROADMAP_REF = re.compile(r"\b(?:roadmap|the article|this article|this guide|the guide|the author|"
                          r"step (?:[1-5]|one|two|three|four|five)|what comes after|"
                          r"what (?:should i|do i|to) (?:learn|study) (?:after|next))\b")
STEP_REF = re.compile(r"\bstep (\d|one|two|three|four|five)\b")
STEP_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
GO_BACK = re.compile(r"^(?:(?:please|ok|okay),?\s+)?(?:go back|back|undo(?: that)?|(?:show me\s+)?the (?:previous|earlier|last) "
                      r"(?:ones|results|list|courses)|(?:go\s+)?back to (?:the\s+)?(?:previous|earlier|last|other) "
                      r"(?:ones|results|list|courses|search)|previous results)\s*[?!.]*$")
START_OVER = re.compile(r"^(?:let'?s\s+|can we\s+|please\s+)?(?:start over|start again|reset|new search|"
                         r"clear (?:the |all |my )?(?:filters|search|everything)|forget (?:it|that|everything))\s*[?!.]*$")
# Atomic groups keep it linear: two free '.*' spans tried every way made it cubic on long text.
FOR_THAT = re.compile(r"(?m:^)(?>.*?\b(?:any|some|a|which|what|recommend|suggest|show)\b)(?>.*?\b(?:courses?|class(?:es)?|"
                      r"resources?)\b).*\b(?:for|on|about|to learn|covering)\s+(?:that|this|it|those|these)\b|"
                      r"\bwhere (?:can|do|should) i (?:learn|study|start with) (?:that|this|it)\b|"
                      r"\bcourses? for (?:that|this|it)\b")
INFO = re.compile(r"\b(?:tell me (?:more )?about|more about|details?|info(?:rmation)?|how long|duration|"
                   r"how many hours|is (?:it|that|this|the \w+ one) free|cost|price|how much|who (?:teaches|made|runs|offers)|"
                   r"instructor|teacher|what level|difficulty|rating|rated|certificate|language|skills|"
                   r"what (?:will|do) i learn|worth it|link|url|describe|explain)\b")
ABOUT_IT = re.compile(r"^(?:and\s+|so\s+)?(?:is|does|how (?:long|much|hard)(?: is| does)?|who (?:teaches|made|runs)|"
                       r"what (?:level|language) is)\s+(?:it|that|this)(?:\s+(?:one|course))?\b"
                       r"(?:\s+(?:free|cost|take|paid|hard|easy|in english|have a certificate|come with a certificate|"
                       r"self[- ]paced|(?:on|from) (?:coursera|edx|udemy)))?\s*[?!.]*$")
CHEAPER = re.compile(r"\b(?:cheaper|less expensive|lower price|cheapest)\b")
# "which one has the best rating?", "which of these is cheapest": a question about the courses shown.
WHICH_SHOWN = re.compile(r"^(?:so\s+|and\s+|ok\s+)?(?:(?:which|what)(?:\s+one|\s+course|\s+of\s+(?:them|these|those|the\s+\w+))?"
                          r"(?:\s+(?:is|has|was|'s|s|are))?(?:\s+the)?\s+|(?:show me\s+|give me\s+)?the\s+(?=\w+(?:\s+\w+)?\s+one\b))"
                          r"(best rated|highest rated|top rated|best (?:rating|reviews)|highest rating|most reviews|"
                          r"cheapest|least expensive|free|shortest|quickest|longest|most popular|most enrolled|"
                          r"easiest|hardest|most advanced|better rated|rated higher|cheaper|less expensive|shorter|"
                          r"quicker|longer|more popular|easier|harder|more advanced)\b")
# A short question about the course just described: "any reviews?", "how many people took it?"
ATTRIBUTE_QUESTION = re.compile(r"\b(?:reviews?|rating|rated|enrol+ed|enrol+ments?|how many (?:people|learners|students)|"
                                 r"took it|certificate|how long|how much|price|cost|free|level|language|"
                                 r"who teaches|instructor|skills|self[- ]paced)\b")
EXPLAIN = re.compile(r"^(?:what is|what's|whats|what are|define|explain|can you explain|could you explain|"
                      r"please explain|how does|how do)\s+(?:an?\s+|the\s+)?(.+?)(?:\s+work)?(?:\s+to me)?"
                      r"(?:\s+in simple terms)?\s*[?!.]*$")
ROLE = re.compile(r"\b(?:engineers?|engineering|scientists?|roles?|jobs?|careers?|roadmap|mlops|portfolio)\b")
# Not who the learner is: "I'm a teacher", "as a professor".
TEACHER_CUE = re.compile(r"\b(?<!i'm a )(?<!im a )(?<!i am a )(?<!as a )(?<!work as a )"
                          r"(?:taught by|teaches|teacher|instructors?|professor|lecturer|(?:courses?|classes|lectures) by)\b")
SWITCH_TOPIC = re.compile(r"^(?:and\s+|ok\s+|okay\s+)?(?:what about|how about|and for|same for|same but for|now for|now)\b")
STATED_HOURS = re.compile(r"\b\d+(?:\.\d+)?\s*(?:hours?|hrs?|h|weeks?|days?)\b")
STATED_PRICE = re.compile(r"\$\s*\d|\b\d+(?:\.\d+)?\s*(?:\$|dollars?|usd|bucks)")
SHORTER = re.compile(r"\b(?:shorter|quicker|less time|faster)\b")
# "I only have a few hours a week": a pace, not a length.
WEEKLY_TIME = re.compile(r"\b(?:hours?|hrs?|evenings?|minutes?) (?:a|per|each|every) (?:week|day|night)\b|"
                          r"\b(?:i'?m|i am) (?:busy|short on time)\b|\bnot much time\b|\blittle time\b")
HARDER = re.compile(r"\b(?:more advanced|harder|more challenging|next level|deeper|tougher|something advanced|"
                     r"already knows? (?:some|a bit|a little|the basics)|past the basics|beyond the basics)\b")
EASIER = re.compile(r"\b(?:easier|simpler|more basic|less advanced|gentler)\b")
REFINE_LEAD = re.compile(r"^(?:only|just|and|but|what about|how about|any|something|anything|ones?|same but|"
                          r"maybe|now|ok|okay|also|with|without|in|on|for|from|show me|make it|i want|i prefer)\b")
# Dropping a filter of the current request: "any level", "paid ones too", "remove the free filter".
ANY_FILTER = {
    ("level",): ("level", "levels", "difficulty"),
    ("free", "max_price"): ("price", "prices", "budget", "cost"),
    ("provider",): ("provider", "providers", "platform", "platforms", "site", "website"),
    ("organization",): ("organization", "organisation", "organizations", "organisations", "university",
                        "universities", "school", "company", "institution"),
    ("max_hours",): ("length", "duration", "time", "hours", "time limit"),
    ("min_rating",): ("rating", "ratings", "stars"),
    ("language",): ("language", "languages"),
    ("certificate",): ("certificate", "certification"),
    ("program",): ("program", "programme"),
}
FILTER_WORD = {word: names for names, words in ANY_FILTER.items() for word in words}
ANY = re.compile(r"\b(?:any|whatever|all)\s+(" + "|".join(sorted(map(re.escape, FILTER_WORD), key=len, reverse=True))
                  + r")\b(?:\s+is\s+(?:fine|ok|okay))?")
REMOVE = re.compile(r"^(?:(?:please|ok|okay|now)\s+)?(?:remove|drop|clear|forget|ignore|undo|lose|get rid of|"
                     r"no need for|forget about)\s+(?:the\s+|that\s+|my\s+)?(?P<what>.+?)"
                     r"(?:\s+(?:filter|filters|limit|cap|requirement|condition|constraint))?(?:\s+please)?\s*[?!.]*$")
PAID_TOO = re.compile(r"\b(?:paid (?:ones|courses) (?:too|also|as well)|also paid|paid is (?:fine|ok|okay)|"
                       r"(?:doesn'?t|does not|don'?t) (?:have|need) to be free|not (?:only|just) free)\b")
NO_CERTIFICATE = re.compile(r"\b(?:(?:no|without a?) certificate (?:needed|required)|certificate (?:is )?not "
                             r"(?:needed|required|necessary)|(?:don'?t|do not) need a certificate)\b")
# A role other than the roadmap's as the learner's goal ("to become a data engineer").
# "a job in google", "work at ibm": the word after is checked to be an organization the catalog names.
EMPLOYER = re.compile(r"\b(?:jobs?|work|working|internships?|hired|employed|position)\s+(?:at|in|with|for|by)\s+"
                      r"(?P<org>[a-z][a-z0-9&-]*)")
# Someone's advice reported: "my boss says power bi", "a friend told me to learn sql". The person is
# where the advice came from, not what the question is about.
REPORTED_BY = re.compile(r"\b(?:my|our|a|the)\s+(?:\w+\s+)?\w+\s+(?=(?:says|said|tells me|told me|thinks|suggests|suggested|"
                         r"recommends|recommended|wants me to|keeps telling me)\b)", re.IGNORECASE)
OTHER_ROLE = re.compile(r"\b(?:become|becoming|be|as|for|into|prepared|aspiring|an?|do|does|should|would)\s+(?:an?\s+)?(?P<role>(?:data|software|ai|"
                         r"cloud|devops|security|cyber ?security|research|big data|backend|front ?end|web|full[- ]?stack|"
                         r"analytics|bi)\s+(?:engineer|scientist|analyst|developer)s?|data scientists?|"
                         r"(?:product|project|program|ux|ui|marketing|business)\s+(?:manager|designer|owner|analyst)s?)\b")
# A question of value: "is it worth it", "is udemy any good", "legit?".
WORTH = re.compile(r"\b(?:worth(?:while)?|any good|good or (?:not|bad)|(?:is|are) (?:\w+ ){0,3}?(?:good|legit|reliable|reputable|trustworthy)|"
                   r"legit|reliable|reputable|trustworthy)\b")
# Asking what something is worth, in so many words or by what employers make of it or whether it
# matters: "is it worth it", "do recruiters look at coursera certs", "does the school you went to matter".
WORTH_IT = re.compile(r"\bworth(?:while)?\b|\b(?:employers?|recruiters?|hiring managers?|companies)\s+(?:really\s+|even\s+|actually\s+)?"
                      r"(?:value|care about|look at|recogni[sz]e|respect|accept|take \w+ seriously)\b|"
                      r"\b(?:does|do|will|would)\s+(?:\S+\s+){1,8}?(?:really\s+|even\s+|still\s+)?matter\b|"
                      r"\bcarr(?:y|ies)\s+(?:\w+\s+){0,2}weight\b|\bcounts? for (?:much|anything|something)\b|"
                      r"\bwhat do (?:you|people|employers) think (?:of|about)\b|\b(?:thoughts|opinions?) on\b")
# A neighbouring field named as what to study or work in ("is studying data science still worth it").
OTHER_FIELD = re.compile(r"\b(?P<role>data science|data engineering|data analytics|data analysis|software engineering|"
                         r"software development|web development|cyber ?security|devops)\b")
ML_ROLE = re.compile(r"\b(?:ml|machine learning|mlops)\s+engineer")
# The roadmap's own subject ("where do I start with machine learning" is its question, not a course request).
ML_SUBJECT = re.compile(r"\b(?:ml|machine learning|ai|artificial intelligence)\b")
# Starting to learn something: "how do I get started with tableau", "where do I begin with sql".
# "... I should pick up sql, where do I begin?": the question last, what to learn named before it.
START_LEARNING = re.compile(r"\b(?:how (?:do|can|should|would) i|how to|where (?:do|should|can) i|where to|"
                            r"(?:what'?s |what is )?the best way to)\s+(?:start|begin|get started)"
                            r"(?:\s+(?:learning|studying|with|on|using)\s+(?P<what>[a-z][\w+#.-]*(?:\s+[a-z][\w+#.-]*){0,2})"
                            r"|\s*[?!.]*$)")
# What to take after a course done: "what should I take next?", "what comes after it", "next step".
NEXT_AFTER = re.compile(r"\bwhat(?:'s| is)? next\b|\b(?:take|do|learn|study|try|go for)\s+next\b|\bnext (?:step|course)\b|"
                        r"\bwhat comes (?:after|next)\b|\bgo from here\b|\bfollow[- ]?up course\b")
# The words that say something is to be learned, before what is ("pick up sql").
LEARNING_VERBS = r"learn|learning|study|studying|pick up|picking up"
# "courses on paypal integration", "learn computer hardware": something asked to be learned (the
# word after is checked to be a subject).
LEARN_WHAT = re.compile(r"\b(?:(?:courses?|class(?:es)?|tutorials?|resources?|materials?|books?)\s+(?:on|about|in|for|teaching)"
                        rf"|{LEARNING_VERBS}|teach|teaches|teaching)\s+(?:about\s+|how to\s+)?"
                        r"(?P<what>[a-z][a-z0-9+#.-]*)")


# A course asked for by name: "courses", "a class".
COURSE_WORD = re.compile(r"\b(?:courses?|class(?:es)?)\b")

# The catalog itself named: "any snowflake certs in the catalog?" asks what it lists.
CATALOG_WORD = r"catalog(?:ue)?s?"

# The cues every message is searched for once (name -> pattern); a match object or None each.
CUES = {
    "nth": REF_NTH, "first_n": REF_FIRST_N, "last": REF_LAST, "all": REF_ALL, "that": REF_THAT,
    "compare": COMPARE, "versus": VERSUS, "platform": PLATFORM_CUE, "more": MORE, "avoid": AVOID,
    "with_more": WITH_MORE, "roadmap": ROADMAP_REF, "step": STEP_REF, "go_back": GO_BACK,
    "start_over": START_OVER, "for_that": FOR_THAT, "info": INFO, "about_it": ABOUT_IT, "cheaper": CHEAPER,
    "which_shown": WHICH_SHOWN, "attribute": ATTRIBUTE_QUESTION, "explain": EXPLAIN, "teacher": TEACHER_CUE,
    "switch_topic": SWITCH_TOPIC, "stated_hours": STATED_HOURS, "stated_price": STATED_PRICE,
    "shorter": SHORTER, "weekly_time": WEEKLY_TIME, "harder": HARDER, "easier": EASIER,
    "refine_lead": REFINE_LEAD, "paid_too": PAID_TOO, "no_certificate": NO_CERTIFICATE, "remove": REMOVE,
    "other_role": OTHER_ROLE, "other_field": OTHER_FIELD, "worth": WORTH,
    "worth_it": WORTH_IT,
    "why": re.compile(r"^\W*why\b|\bwhy (?:do|does|is|are|should|would|almost|most|all|every|so)\b"), "ml_role": ML_ROLE,
    "courses_word": re.compile(r"\b(?:courses|classes)\b"),
    "course_word": COURSE_WORD,
    "category": re.compile(r"\b(?:courses|classes|programs|options|certificates|specializations)\b"),
    "help_find": re.compile(r"\b(?:courses?|class(?:es)?|find|learn|study)\b"),
    "one": re.compile(r"\bone\b"),
    "books": re.compile(r"\bbooks?\b"),
    "start_learning": START_LEARNING,
    "next_after": NEXT_AFTER,
    "learn_what": LEARN_WHAT,
    "catalog": re.compile(rf"\b{CATALOG_WORD}\b"),
    "pointing": re.compile(r"\b(?:them|these|those|both|first|second)\b"),
    "fragment": re.compile(r"\bthe\s+((?:[\w.+#-]+\s+){1,3})one\b|\bthe one (?:from|by|on|about|with) ([\w\s.+#-]+)"),
}


class Cues(dict):
    """The cues of one message: each pattern is searched the first time a step asks for it, and
    only once ("nth" and "any_filter" keep every match). A dict of what was found so far: a cue
    asked for again is a plain lookup."""

    __slots__ = ("folded",)

    def __init__(self, folded: str):
        super().__init__()
        self.folded = folded

    def __missing__(self, name: str):
        if name == "nth":
            value = list(REF_NTH.finditer(self.folded))
        elif name == "any_filter":
            value = list(ANY.finditer(self.folded))
        else:
            value = CUES[name].search(self.folded)
        self[name] = value
        return value


def find_cues(folded: str) -> Cues:
    """The message's cues, each searched when first asked for (None when absent)."""
    return Cues(folded)
