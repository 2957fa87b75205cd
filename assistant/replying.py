"""Each dialogue act's handler: the one table from act to the function that builds its reply."""
from __future__ import annotations

from assistant import acts, handlers_courses, handlers_roadmap, handlers_shown, handlers_talk
from assistant.replies import Reply

HANDLERS = {
    acts.Recommend: handlers_courses.recommend,
    acts.GoBack: handlers_courses.go_back,
    acts.DropFilters: handlers_courses.drop_filters,
    acts.RuleOut: handlers_courses.rule_out,
    acts.TaughtBy: handlers_courses.taught_by,
    acts.Pace: handlers_courses.pace,
    acts.PlatformInfo: handlers_courses.platform_info,
    acts.Compare: handlers_shown.compare,
    acts.ComparePlatforms: handlers_shown.compare_platforms,
    acts.AskAboutShown: handlers_shown.ask_about_shown,
    acts.PickAmongShown: handlers_shown.pick_among_shown,
    acts.Faq: handlers_roadmap.faq,
    acts.ResourceInfo: handlers_roadmap.resource_info,
    acts.SmallTalk: handlers_talk.small_talk,
    acts.Clarify: handlers_talk.clarify,
    acts.OutOfScope: handlers_talk.out_of_scope,
    acts.StartOver: handlers_talk.start_over,
}


def handle(brain, session, act, reading) -> Reply:
    return HANDLERS[type(act)](brain, session, act, reading)
