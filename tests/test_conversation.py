"""Whole conversations played against the assistant, asserting on the replies."""
from __future__ import annotations

import pytest

from assistant.engine import Assistant


@pytest.fixture(scope="module")
def bot() -> Assistant:
    return Assistant.load()


class Conversation:
    def __init__(self, bot: Assistant):
        self.bot = bot
        self.session_id = None
        self.replies: list[dict] = []

    def say(self, text: str) -> dict:
        self.session_id, reply = self.bot.respond(self.session_id, text)
        self.replies.append(reply)
        return reply


@pytest.fixture
def chat(bot):
    return Conversation(bot)


def course(bot, course_id):
    return bot.brain.course(course_id)


def titles(reply):
    return [c["title"] for c in reply["courses"]]


# ---------------------------------------------------------------- first answers

def test_best_python_course_for_beginners(chat, bot):
    reply = chat.say("best Python course for beginners")
    assert reply["intent"] == "recommend"
    assert len(reply["courses"]) == 3
    for card in reply["courses"]:
        assert card["level"] == "Beginner"
        assert "python" in course(bot, card["id"]).topics
        assert card["why"] and "beginner level" in card["why"]
    assert reply["filters"] == {"topics": ["python"], "level": "Beginner"}
    assert "Only free ones" in reply["suggestions"]


def test_typos_are_forgiven(chat, bot):
    reply = chat.say("pyhton corse for begginers")
    assert reply["intent"] == "recommend"
    assert reply["filters"].get("topics") == ["python"] and reply["filters"].get("level") == "Beginner"
    assert reply["corrections"] == {"pyhton": "python", "corse": "course", "begginers": "beginners"}
    assert chat.say("machne lerning")["filters"].get("topics") == ["ml"]


def test_out_of_scope_is_refused_honestly(chat):
    for text in ("what's the weather in Paris", "book a flight to Rome for tomorrow"):
        reply = chat.say(text)
        assert reply["intent"] == "out_of_scope", text
        assert reply["courses"] == [] and reply["suggestions"]
    assert chat.say("any good course on stats?")["intent"] == "recommend"


def test_a_course_title_is_found_by_exact_and_partial_title(chat):
    reply = chat.say("Think Again I: How to Understand Arguments")
    assert reply["courses"][0]["title"] == "Think Again I: How to Understand Arguments"
    reply = chat.say("tell me about the google data analytics certificate")
    assert reply["intent"] == "course_info"
    assert "Google Data Analytics" in reply["courses"][0]["title"]


def test_faq_answer_keeps_the_articles_figures_and_cites_its_section(chat):
    reply = chat.say("how long does it take to become an ML engineer?")
    assert reply["intent"] == "faq"
    assert "9" in reply["text"] and "18" in reply["text"]
    kinds = {s["kind"]: s["id"] for s in reply["sources"]}
    assert kinds["faq"] == "how-long" and kinds["section"] == "how-long"


def test_a_question_in_other_words_finds_the_faq_entry_that_means_the_same(chat):
    # None of these words is in the entry's question or phrasings; concepts.yaml groups them
    # with words that are ("income" with "salary", "university" with "degree").
    for text, entry in (("what's the usual income for someone in ML engineering?", "salary"),
                        ("do recruiters care if I never finished university?", "degree"),
                        ("how do I productionise a model?", "production-side"),
                        ("is there still demand for ML people in five years?", "career-outlook")):
        reply = chat.say(text)
        assert reply["intent"] == "faq", (text, reply["text"])
        assert [s["id"] for s in reply["sources"] if s["kind"] == "faq"] == [entry], (text, reply["text"])


def test_a_subject_the_roadmap_never_mentions_is_named_honestly(chat):
    # The catalog teaches MATLAB; the article never mentions it. A career question about it
    # gets no borrowed advice about something else, and the courses the catalog has.
    reply = chat.say("is matlab useful for ml engineers")
    assert reply["text"].startswith("The roadmap doesn't cover Matlab"), reply["text"]
    assert reply["courses"] and all("matlab" in c["title"].lower() for c in reply["courses"]), titles(reply)
    # Where the roadmap does answer the question, the answer stays, with the same caveat.
    reply = chat.say("should I master matlab and every other tool before applying for ml jobs")
    assert [s["id"] for s in reply["sources"] if s["kind"] == "faq"] == ["tools-before-applying"]
    assert reply["text"].startswith("The roadmap doesn't mention Matlab, but here is what it says.")
    assert "Matlab courses" in reply["suggestions"]


def test_a_career_question_the_roadmap_does_not_cover_says_so(chat):
    reply = chat.say("how important is system design for ml interviews")
    assert reply["text"].startswith("The roadmap doesn't answer that directly."), reply["text"]
    # a question it does answer gets no such caveat
    reply = chat.say("how much do ml engineers earn?")
    assert not reply["text"].startswith("The roadmap doesn't"), reply["text"]


def test_which_of_two_is_a_question_not_a_course_search(chat):
    for text, entry in (("tensorflow vs pytorch", "pytorch-or-tensorflow"),
                        ("ML engineer vs research scientist", "ml-vs-research-scientist")):
        reply = chat.say(text)
        assert [s["id"] for s in reply["sources"] if s["kind"] == "faq"] == [entry], (text, reply["text"])


# ---------------------------------------------------------------- follow-ups

def test_refinements_keep_the_rest_of_the_request(chat, bot):
    first = chat.say("python courses for beginners")
    assert first["filters"]["level"] == "Beginner"
    free = chat.say("only free ones")
    assert free["intent"] == "recommend"
    assert free["filters"]["free"] is True and free["filters"]["level"] == "Beginner"
    assert free["filters"]["topics"] == ["python"]
    assert all(c["free"] is True for c in free["courses"])
    edx = chat.say("what about on edX?")
    assert edx["filters"]["provider"] == "edX" and edx["filters"]["topics"] == ["python"]
    assert all(c["provider"] == "edX" for c in edx["courses"])


def test_a_filter_can_be_dropped_and_the_rest_of_the_request_stays(chat, bot):
    first = chat.say("free beginner python courses on edx")
    assert first["filters"] == {"topics": ["python"], "level": "Beginner", "provider": "edX", "free": True}
    any_level = chat.say("any level")
    assert any_level["intent"] == "recommend" and any_level["text"].startswith("Without the level filter")
    assert any_level["filters"] == {"topics": ["python"], "provider": "edX", "free": True}
    assert any_level["courses"] and all(c["provider"] == "edX" and c["free"] for c in any_level["courses"])
    assert {c["level"] for c in any_level["courses"]} != {"Beginner"}, "other levels come in"
    paid = chat.say("paid ones too")
    assert paid["filters"] == {"topics": ["python"], "provider": "edX"}
    anywhere = chat.say("remove the edX filter")
    assert anywhere["filters"] == {"topics": ["python"]} and "provider" in anywhere["text"]
    assert any(c["provider"] != "edX" for c in anywhere["courses"]), "other providers come in"
    nothing = chat.say("any language")
    assert nothing["text"].startswith("There was no language filter") and nothing["filters"] == {"topics": ["python"]}


def test_dropping_a_price_cap_and_a_time_limit(chat):
    chat.say("sql courses under $20 that take under 5 hours")
    assert set(chat.replies[-1]["filters"]) == {"topics", "max_price", "max_hours"}
    assert chat.say("any price")["filters"] == {"topics": ["sql"], "max_hours": 5}
    assert chat.say("drop the time limit")["filters"] == {"topics": ["sql"]}


def test_more_advanced_and_certificate_and_shorter(chat, bot):
    chat.say("sql courses for beginners")
    harder = chat.say("something more advanced")
    assert harder["filters"]["level"] == "Intermediate"
    assert all(c["level"] == "Intermediate" for c in harder["courses"])
    cert = chat.say("with a certificate")
    assert cert["filters"]["certificate"] is True and cert["filters"]["level"] == "Intermediate"
    assert all(c["certificate"] for c in cert["courses"])
    chat.say("web development courses on udemy")
    before = [course(bot, c["id"]) for c in chat.replies[-1]["courses"]]
    shorter = chat.say("shorter ones")
    from assistant.ranking import estimated_hours
    shortest_before = min(estimated_hours(c) for c in before)
    assert shorter["courses"] and all(estimated_hours(course(bot, c["id"])) < shortest_before for c in shorter["courses"])


def test_show_me_more_pages_without_repeating(chat):
    seen = []
    seen += [c["id"] for c in chat.say("data science courses")["courses"]]
    for _ in range(3):
        reply = chat.say("show me more")
        assert reply["intent"] == "recommend"
        ids = [c["id"] for c in reply["courses"]]
        assert ids and not set(ids) & set(seen)
        seen += ids


def test_references_to_earlier_results(chat):
    results = chat.say("machine learning courses")["courses"]
    second = chat.say("tell me more about the second one")
    assert second["intent"] == "course_info" and second["courses"][0]["id"] == results[1]["id"]
    chat.say("machine learning courses")
    last = chat.say("what about the last one?")
    assert last["courses"][0]["id"] == results[-1]["id"]
    chat.say("machine learning courses")
    both = chat.say("compare the first two")
    assert both["intent"] == "compare"
    assert [c["id"] for c in both["comparison"]["courses"]] == [c["id"] for c in results[:2]]


def test_after_a_faq_answer_any_course_for_that(chat, bot):
    faq = chat.say("what math do I need?")
    assert faq["intent"] == "faq"
    more = chat.say("any courses for that?")
    assert more["intent"] == "recommend" and more["courses"]
    faq_topics = set(bot.knowledge.faq_by_id["what-math"].topics)
    assert all(faq_topics & set(course(bot, c["id"]).topics) for c in more["courses"])


def test_a_follow_up_with_nothing_to_follow_asks_back(chat):
    reply = chat.say("compare them")
    assert reply["intent"] == "clarify"
    assert reply["suggestions"] and reply["courses"] == []


# ---------------------------------------------------------------- comparisons

def test_compare_named_courses(chat):
    reply = chat.say("compare Python for Everybody and Programming for Everybody (Getting Started with Python)")
    assert reply["intent"] == "compare"
    table = reply["comparison"]
    assert [c["title"] for c in table["courses"]] == ["Python for Everybody",
                                                      "Programming for Everybody (Getting Started with Python)"]
    labels = [row["label"] for row in table["rows"]]
    for label in ("Provider", "Level", "Rating", "Learners", "Duration", "Price", "Certificate", "Main skills"):
        assert label in labels
    assert all(len(row["values"]) == 2 for row in table["rows"])
    assert "Best rated" in table["verdict"]
    info = chat.say("tell me more about the first one")
    assert info["intent"] == "course_info" and info["courses"][0]["title"] == "Python for Everybody"


def test_compare_x_vs_y_and_which_is_better(chat):
    reply = chat.say("Python Data Structures vs Python for Everybody")
    assert reply["intent"] == "compare" and len(reply["comparison"]["courses"]) == 2
    reply = chat.say("which is better: Python for Everybody or Python Data Structures?")
    assert reply["intent"] == "compare"


def test_compare_a_category_and_missing_values_show_unknown(chat):
    reply = chat.say("compare data science courses")
    assert reply["intent"] == "compare"
    assert len(reply["comparison"]["courses"]) == 3
    reply = chat.say("compare Python for Everybody and Python Data Structures on edX")
    values = [v for row in reply["comparison"]["rows"] for v in row["values"]]
    assert all(v not in (None, "", "None") for v in values)


# ---------------------------------------------------------------- course details

def test_details_answer_the_question_asked(chat):
    reply = chat.say("how long is Python Data Structures?")
    assert reply["intent"] == "course_info"
    assert reply["courses"][0]["title"] == "Python Data Structures"
    assert reply["courses"][0]["duration"] in reply["text"]
    assert 2 <= len(reply["courses"]) <= 4
    free = chat.say("is it free?")
    assert free["intent"] == "course_info" and free["courses"][0]["title"] == "Python Data Structures"
    who = chat.say("who teaches Learning How to Learn?")
    assert who["intent"] == "course_info" and "Learning How to Learn" in who["courses"][0]["title"]
    level = chat.say("what level is the Deep Learning Specialization?")
    assert level["courses"][0]["level"].lower() in level["text"].lower()


def test_questions_about_it_after_a_comparison_and_details(chat):
    chat.say("compare data science courses")
    first = chat.say("tell me more about the first one")
    title = first["courses"][0]["title"]
    for question, intent in (("is it free?", "course_info"), ("how long is it?", "course_info"),
                             ("who teaches that one?", "course_info")):
        reply = chat.say(question)
        assert reply["intent"] == intent and reply["courses"][0]["title"] == title, (question, reply["text"])
        assert title in reply["text"]
    assert chat.say("only free ones")["filters"]["free"] is True, "a refinement is still a refinement"


def test_a_comparison_verdict_speaks_of_both(chat):
    chat.say("free python courses for beginners on edx")
    reply = chat.say("compare the first two")
    assert reply["intent"] == "compare" and len(reply["comparison"]["courses"]) == 2
    verdict = reply["comparison"]["verdict"]
    assert "Both are beginner level." in verdict and "Both are free to audit." in verdict
    detail = chat.say("tell me more about the second one")
    assert "self-paced" in detail["text"].lower() and " self-paced on your time on edx" not in detail["text"].lower()


def test_a_course_taught_in_a_language_is_not_a_course_about_languages(chat, bot):
    reply = chat.say("recommend me a spanish-language python course")
    assert reply["filters"] == {"topics": ["python"], "language": "Español"}, reply["text"]
    assert reply["courses"] and all(c["language"] == "Español" for c in reply["courses"])
    learn = chat.say("I want to learn the Spanish language")
    assert "language" not in learn["filters"] and learn["filters"].get("topics") == ["languages"]


def test_replies_name_the_subject_as_the_learner_wrote_it(chat):
    reply = chat.say("is there a good course on time series forecasting")
    assert reply["intent"] == "recommend" and "time series forecasting courses" in reply["text"]
    few = chat.say("any free statistics courses from Stanford?")
    count = len(few["courses"])
    assert count >= 1 and few["text"].startswith(
        "Here is 1 free Statistics course " if count == 1 else f"Here are {count} free Statistics courses ")


def test_platforms_are_compared_through_their_best_courses(chat):
    ask_back = chat.say("is coursera better than udemy")
    assert ask_back["intent"] == "clarify" and not ask_back["courses"], ask_back["text"]
    assert any("Coursera" in s and "Udemy" in s for s in ask_back["suggestions"])
    reply = chat.say("which is better for python, coursera or udemy?")
    assert reply["intent"] == "compare", reply["text"]
    assert [c["provider"] for c in reply["comparison"]["courses"]] == ["Coursera", "Udemy"]
    assert all("python" in c["topics"] for c in reply["comparison"]["courses"])
    assert reply["text"].startswith("The best match on each platform:")
    # "different from" asks the same; a platform is only ever spoken for by its own course.
    ask_back = chat.say("how is coursera different from edx")
    assert ask_back["intent"] == "clarify" and not ask_back["courses"], ask_back["text"]
    reply = chat.say("coursera or edx for sql?")
    assert [c["provider"] for c in reply["comparison"]["courses"]] == ["Coursera", "edX"], reply["text"]


def test_filters_give_way_before_the_subject_does(chat):
    # No free course is about recommender systems; free courses that merely say "systems" are
    # not an answer. The filter is relaxed, and the reply says so.
    reply = chat.say("free course on recommender systems")
    assert "no free" in reply["text"].lower(), reply["text"]
    assert "recommender" in reply["courses"][0]["title"].lower(), titles(reply)


def test_a_narrower_subject_is_named_as_asked_and_counted_honestly(chat):
    reply = chat.say("a good react course")
    assert reply["text"].startswith("Here are 3 React courses"), reply["text"]
    assert all("react" in (c["title"] + " ".join(c["skills"])).lower() for c in reply["courses"]), titles(reply)
    # the count is the topic's, and says so
    assert "JavaScript courses match in all" in reply["text"], reply["text"]


def test_which_of_the_courses_shown_is_best_by_what_was_asked(chat):
    shown = chat.say("sql courses under $20")["courses"]
    reply = chat.say("which one is the shortest")
    assert reply["text"].startswith(f"Of these, **{reply['courses'][0]['title']}** is the shortest: about")
    assert {c["id"] for c in reply["courses"]} == {c["id"] for c in shown}
    reply = chat.say("which of them has the best rating")
    rated = [c for c in shown if c["rating"] is not None]
    if rated:
        assert reply["courses"][0]["rating"] == max(c["rating"] for c in rated)
    else:
        assert reply["text"] == "None of the courses shown lists a rating.", reply["text"]
    # "it" is now the course picked
    reply = chat.say("is it on coursera?")
    picked = reply["courses"][0]
    assert reply["text"].startswith("Yes," if picked["provider"] == "Coursera" else "No,"), reply["text"]


def test_what_about_another_subject_keeps_the_rest_of_the_request(chat):
    chat.say("free machine learning courses")
    reply = chat.say("what about deep learning")
    assert reply["intent"] == "recommend" and reply["filters"]["topics"] == ["dl"], reply["text"]
    assert reply["filters"].get("free") is True and all(c["free"] for c in reply["courses"])


def test_short_questions_after_details_are_about_that_course(chat):
    chat.say("python for data analysis")
    before = chat.say("I only have a few hours a week")
    assert before["intent"] == "recommend" and "self-paced" in before["text"] and before["courses"]
    assert "Shorter ones" in before["suggestions"]
    detail = chat.say("tell me about the first one")
    course = detail["courses"][0]
    reply = chat.say("how many people took it?")
    assert reply["intent"] == "course_info" and course["title"] in reply["text"], reply["text"]
    if course["enrolled"]:
        assert f"{course['enrolled']:,}" in reply["text"]
    reply = chat.say("any reviews?")
    assert reply["intent"] == "course_info" and course["title"] in reply["text"], reply["text"]


def test_a_course_for_that_after_courses_gives_the_best_of_them(chat):
    chat.say("statistics courses for beginners")
    reply = chat.say("recommend a course for that")
    assert reply["intent"] == "recommend" and reply["filters"]["topics"] == ["stats"], reply["text"]
    assert "best rated first" in reply["text"]


def test_what_is_a_subject_is_answered_with_courses_that_teach_it(chat):
    reply = chat.say("what is a neural network?")
    assert reply["intent"] == "recommend" and reply["text"].startswith("I don't teach concepts myself"), reply["text"]
    assert reply["filters"]["topics"] == ["dl"] and reply["courses"]
    # a question about the career is still the roadmap's
    reply = chat.say("what is machine learning engineering?")
    assert [s["id"] for s in reply["sources"] if s["kind"] == "faq"] == ["what-ml-engineer-does"], reply["text"]


def test_an_organization_alone_is_a_request_for_its_courses(chat):
    for text, organization in (("mit courses", "Massachusetts Institute of Technology"),
                               ("courses from stanford", "Stanford University")):
        reply = chat.say(text)
        assert reply["intent"] == "recommend" and reply["filters"].get("organization") == organization, reply["text"]
        assert len(reply["courses"]) == 3 and all(c["organization"] == organization for c in reply["courses"])
        assert "I found no" not in reply["text"]
    reply = chat.say("university of michigan python")
    assert reply["intent"] == "recommend", reply["text"]
    assert all(c["organization"] == "University of Michigan" for c in reply["courses"])


def test_follow_ups_to_a_roadmap_answer(chat):
    chat.say("do I need a degree?")
    reply = chat.say("what about a phd?")
    assert [s["id"] for s in reply["sources"] if s["kind"] == "faq"] == ["phd"], reply["text"]
    reply = chat.say("ok, courses to start with")
    assert reply["intent"] == "recommend" and reply["courses"], reply["text"]
    assert "ok courses" not in reply["text"]


def test_the_cheapest_one_picks_among_the_courses_shown(chat):
    shown = chat.say("free python courses")["courses"]
    reply = chat.say("the cheapest one")
    assert reply["text"].startswith("Of these,"), reply["text"]
    assert {c["id"] for c in reply["courses"]} == {c["id"] for c in shown}


def test_learners_who_write_in_other_languages_or_about_themselves(chat):
    reply = chat.say("curso de python gratis")
    assert reply["filters"].get("free") is True and reply["filters"]["topics"] == ["python"], reply["text"]
    assert "gratis" not in reply.get("corrections", {})
    assert chat.say("cours de python pour débutants")["filters"].get("level") == "Beginner"
    reply = chat.say("I've been working in sales for about 5 years and want to use data to make decisions, "
                     "but I don't have any programming experience. Where do I start?")
    assert reply["filters"]["topics"] == ["data-analysis"] and reply["filters"].get("level") == "Beginner", reply["text"]


def test_is_it_worth_it_answers_with_what_learners_say(chat):
    reply = chat.say("is Python for Everybody worth it?")
    assert reply["intent"] == "course_info" and "Learners rate **Python for Everybody** 4.8/5" in reply["text"], reply["text"]


def test_comparatives_and_references_past_the_end(chat):
    chat.say("compare python for everybody and crash course on python")
    reply = chat.say("and which is better rated")
    assert reply["text"].startswith("Of these,") and "best rated" in reply["text"], reply["text"]
    reply = chat.say("tell me about the third")
    assert reply["intent"] == "clarify" and "showed 2 courses" in reply["text"], reply["text"]


def test_courses_by_a_named_instructor(chat, bot):
    reply = chat.say("courses by rafael irizarry")
    assert reply["intent"] == "recommend" and reply["text"].startswith("Rafael Irizarry teaches"), reply["text"]
    assert reply["courses"] and all("Rafael Irizarry" in course(bot, c["id"]).instructors for c in reply["courses"])
    reply = chat.say("free classes by david malan")
    assert all(c["free"] and "David J. Malan" in course(bot, c["id"]).instructors for c in reply["courses"])
    reply = chat.say("courses by rafael irizarry on coursera")
    assert reply["text"].startswith("Rafael Irizarry teaches no courses on Coursera in the catalog"), reply["text"]
    # a name the listings don't give: said plainly, unless the roadmap itself names them
    reply = chat.say("courses by john smith")
    assert reply["intent"] == "clarify" and "don't name their instructors" in reply["text"], reply["text"]
    reply = chat.say("courses taught by andrew ng")
    assert [s["id"] for s in reply["sources"] if s["kind"] == "faq"] == ["classical-ml-course"], reply["text"]


def test_ruling_things_out_and_starting_over(chat, bot):
    chat.say("data visualization courses")
    reply = chat.say("none of these look good")
    assert reply["text"].startswith("Here are more"), reply["text"]
    reply = chat.say("not interested in tableau")
    assert "without tableau" in reply["text"].lower(), reply["text"]
    assert reply["courses"] and not any("tableau" in (c["title"] + " ".join(c["skills"])).lower()
                                        for c in reply["courses"])
    reply = chat.say("show me others")
    assert not any("tableau" in (c["title"] + " ".join(c["skills"])).lower() for c in reply["courses"])
    reply = chat.say("start over")
    assert reply["text"].startswith("Sure, a fresh start") and not reply["courses"]
    reply = chat.say("only free ones")
    assert reply["intent"] != "recommend" or not reply["filters"].get("topics"), "nothing is left to refine"


def test_two_questions_about_a_course_get_two_answers(chat):
    reply = chat.say("is Python for Everybody free and how long is it?")
    assert "takes 3 - 6 Months" in reply["text"] and "free" in reply["text"], reply["text"]
    # the course's own name asks nothing: "Learning" in a title is not "what will I learn?"
    reply = chat.say("how hard is Introduction to Machine Learning in Production?")
    assert reply["text"] == "**Introduction to Machine Learning in Production** is listed as advanced level.", reply["text"]
    reply = chat.say("which language is First Step Korean taught in?")
    assert reply["text"] == "**First Step Korean** is taught in English.", reply["text"]


def test_a_greeting_with_a_request_answers_the_request(chat):
    reply = chat.say("good morning! what's the best free course for machine learning?")
    assert reply["intent"] == "recommend" and reply["text"].startswith("Hi! "), reply["text"]
    assert reply["filters"].get("free") is True and all(c["free"] for c in reply["courses"])
    reply = chat.say("hi, can you help me find a python course?")
    assert reply["intent"] == "recommend" and reply["filters"]["topics"] == ["python"], reply["text"]
    assert chat.say("hello, how are you doing today")["intent"] == "greet"


def test_refinements_that_say_how_much_and_what_more(chat):
    chat.say("web development bootcamp")
    assert chat.say("shorter than 20 hours")["filters"]["max_hours"] == 20
    chat.say("a deep learning course, but I'm not great at math")
    assert chat.replies[-1]["filters"]["topics"] == ["dl"], chat.replies[-1]["text"]
    reply = chat.say("something with more hands-on projects")
    assert reply["intent"] == "recommend" and reply["filters"]["topics"] == ["dl"], reply["text"]
    assert "best match first" in reply["text"]


def test_questions_about_the_article_itself(chat):
    reply = chat.say("what does the roadmap say about docker?")
    assert [s["id"] for s in reply["sources"] if s["kind"] == "faq"] == ["docker"], reply["text"]
    reply = chat.say("what is step 4 of the roadmap?")
    assert reply["intent"] == "faq" and [s["id"] for s in reply["sources"]] == ["step-4-production"], reply["text"]
    reply = chat.say("what should I learn after classical ml?")
    assert [s["id"] for s in reply["sources"] if s["kind"] == "faq"] == ["deep-learning-course"], reply["text"]


def test_the_articles_resources_outside_the_catalog(chat):
    reply = chat.say("tell me about fast.ai")
    assert reply["text"].startswith("**Practical Deep Learning for Coders (fast.ai)**"), reply["text"]
    assert "doesn't list it" in reply["text"] and reply["sources"][0]["id"] == "step-3-deep-learning"
    assert reply["courses"] and all("dl" in c["topics"] for c in reply["courses"])
    reply = chat.say("the mathematics for machine learning book")
    assert "textbook" in reply["text"], reply["text"]
    chat.say("deep learning courses")
    reply = chat.say("compare the first one with fast.ai's course")
    assert reply["text"].startswith("I can only compare courses in the catalog."), reply["text"]


def test_going_back_to_the_previous_request(chat):
    assert chat.say("go back")["intent"] == "clarify"
    chat.say("excel course")
    chat.say("only free ones")
    chat.say("python courses instead")
    reply = chat.say("go back")
    assert reply["text"].startswith("Back to what you asked before.")
    assert reply["filters"]["topics"] == ["excel"] and reply["filters"].get("free") is True, reply["text"]


def test_a_bare_subject_is_a_course_request(chat):
    for subject, topic in (("web dev", "web-dev"), ("sql", "sql")):
        reply = chat.say(subject)
        assert reply["intent"] == "recommend" and reply["filters"]["topics"] == [topic], (subject, reply["text"])


def test_a_stated_filter_means_courses_not_advice(chat):
    reply = chat.say("what's the best free course for deep learning?")
    assert reply["intent"] == "recommend" and reply["filters"]["free"] is True, reply["text"]
    assert reply["courses"] and all(c["free"] for c in reply["courses"])


def test_courses_taught_in_a_language_the_catalog_has(chat):
    reply = chat.say("courses in german")
    assert reply["filters"].get("language") == "Deutsch", reply["text"]
    assert reply["courses"] and all(c["language"] == "Deutsch" for c in reply["courses"])


def test_every_reply_offers_next_steps(chat):
    for text in ("hi", "best sql course", "compare the first two", "do I need a degree?", "thanks"):
        reply = chat.say(text)
        assert 2 <= len(reply["suggestions"]) <= 4, (text, reply["suggestions"])


def test_the_dialogue_is_deterministic(bot):
    script = ["python for beginners", "only free ones", "compare the first two", "tell me more about the second one"]
    first, second = Conversation(bot), Conversation(bot)
    for line in script:
        a, b = first.say(line), second.say(line)
        assert a == b
