"""What each metric means: the verb families the rollups count, and the definitions the dashboards show.

Both the rollup engine and the "How each number is computed" page read this module, so the words
on that page and the code that counts cannot drift apart.
"""

from __future__ import annotations

from .verbs import CONTRIBUTION_VERBS

# Verb strings (not enum members) so a verb another app has not added yet still has a meaning here.
TOPIC_CREATED = "topic_created"
POST_CREATED = "post_created"
TOPIC_FIRST_RESPONSE = "topic_first_response"
ENTRY_PUBLISHED = "entry_published"
COMMENTED = "commented"
REACTED = "reacted"
LESSON_STARTED = "lesson_started"
LESSON_COMPLETED = "lesson_completed"
GOAL_COMPLETED = "goal_completed"
GOAL_OVERDUE = "goal_overdue"
SURVEY_ANSWERED = "survey_answered"
PROMPT_RELEASED = "prompt_released"

CONTRIBUTIONS = frozenset(str(v) for v in CONTRIBUTION_VERBS)
POSTS = frozenset({TOPIC_CREATED, POST_CREATED})

# Recorded by jobs or about a person rather than by them: they never make anyone "active".
NON_ENGAGEMENT = frozenset(
    {
        "invited",
        PROMPT_RELEASED,
        GOAL_OVERDUE,
        TOPIC_FIRST_RESPONSE,  # recorded alongside the reply, which already counts
        "coach_finding",  # a side effect of drafting; the draft or post itself counts
        "unsubscribed",  # one click in an e-mail, without signing in
    }
)

# Milestones of the adoption funnel: the first activity of any of these verbs.
MILESTONE_VERBS: dict[str, frozenset[str]] = {
    "signed_in": frozenset({"signed_in", "signed_up", "invitation_accepted"}),
    "profile_completed": frozenset({"profile_completed"}),
    "policy_acknowledged": frozenset({"policy_acknowledged"}),
    "first_post": POSTS,
    "first_entry": frozenset({ENTRY_PUBLISHED}),
    "first_contribution": CONTRIBUTIONS,
}
ALL_MILESTONE_VERBS = frozenset().union(*MILESTONE_VERBS.values())

# DailyActor counters: column -> the verbs it counts.
ACTOR_COUNTERS: dict[str, frozenset[str]] = {
    "contributions": CONTRIBUTIONS,
    "topics": frozenset({TOPIC_CREATED}),
    "replies": frozenset({POST_CREATED}),
    "entries": frozenset({ENTRY_PUBLISHED}),
    "comments": frozenset({COMMENTED}),
    "reactions": frozenset({REACTED}),
    "lessons_completed": frozenset({LESSON_COMPLETED}),
    "goals_completed": frozenset({GOAL_COMPLETED}),
}


# ---------------------------------------------------------------------------------------------
# "How each number is computed": one entry per anchor that panels link to.
def page(k: int) -> list[dict]:
    """The definitions page, in reading order; ``k`` is the privacy floor in force."""
    return [
        {
            "anchor": "basics",
            "title": "Where the numbers come from",
            "text": [
                "Every post, reply, entry, comment, reaction, sign-in, lesson, goal and survey answer writes one "
                "row to the activity log in the same transaction as the action itself, so the log holds exactly "
                "what happened. A background job rolls the log up into daily tables every few minutes; the "
                "dashboards, downloads and sponsor e-mails read only those tables, which is why a page may lag "
                "the latest action by a few minutes.",
                "Days are calendar days in the site's time zone; a week runs Monday to Sunday. The dates you "
                "choose widen to whole weeks (from the Monday on or before the first date to the Sunday on or "
                "after the last), and the form shows the dates actually used; weekly charts show each of those "
                "weeks.",
                "An action counts for the cohort of the person who did it, never for the cohort of the thing they "
                "acted on: reading or commenting on an organisation-wide entry written in another cohort counts "
                "for the reader's own cohort (for someone in two cohorts: the one the action happened in if they "
                "belong to it, else the cohort they joined first; people in no cohort count under All cohorts "
                "only). Management level, department and role are the person's when they acted, recorded with "
                "the action, so a later move from one department to another does not rewrite past days.",
                "Deleted and hidden posts: the activity log keeps what happened when it happened, so a topic, "
                "reply, entry or comment that is later deleted, or hidden by a moderator, still counts in every "
                "figure about what people did (active people, contributors, posts by level, replies to prompts, "
                "first responses, milestones). Nothing on these pages shows the text of any post.",
                "People counted are leaders: facilitators, L&D staff and administrators are left out of every "
                "figure except the programme-team panels.",
            ],
        },
        {
            "anchor": "privacy",
            "title": "The privacy floor",
            "text": [
                f"No figure about fewer than {k} people is shown, nor one that could be worked out from the "
                "figures that are shown. Every dashboard, download, comparison and sponsor e-mail goes through "
                "the same rules:",
                f"1. A selection (cohort, management level, department) that covers fewer than {k} people shows "
                "no figures at all: the page says so in a sentence instead.",
                "2. Filter values can be subtracted from one another (all levels minus two of them is the third), "
                "so a management level, department or cohort is withheld when showing it would leave a group of "
                f"fewer than {k} people that could be worked out by adding and subtracting selections. Its "
                "figures are then missing from every breakdown, and it is not offered as a filter value. "
                "Technically: people who are in exactly the same offered selections form a group, and every "
                f"such group must hold at least {k} people; the smallest values are withheld until they do.",
                f"3. Inside a selection, a count of people between 1 and {k - 1} is hidden; a count of events "
                f"(posts, replies, goals) is shown only when at least {k} different people are behind it; an "
                f"average, a median or a share only when it rests on at least {k} people. Zero is shown: it "
                "describes nobody.",
                "4. Where figures add up to a total shown on the same page (contributors and readers of the "
                "week's active people, the ratings of one statement against the people who answered it), the "
                f"hidden ones must together describe at least {k} people, so more are hidden until they do; a "
                "figure whose difference from its shown total (stages of the funnel against people invited, "
                f"those who wrote against the members of a level) would be 1 to {k - 1} people is hidden too. "
                "A comparison hides the change whenever either period is hidden.",
                "5. The same figure in other selections: when a figure is hidden in one selection because it "
                f"is about fewer than {k} people (3 of 20 senior executives active, say), it is hidden in enough "
                "other selections too (all levels, another level, a department, another cohort) that it cannot "
                "be worked out by adding and subtracting the figures that are shown. Which ones is decided for "
                "every selection at once, so the same figures are hidden whichever selection you open.",
                "6. Dates: every range is whole weeks, so two ranges differ by whole weeks. A figure that adds up "
                "week by week over the range (posts, replies, entries, comments, lessons and goals completed, "
                "new contributors, topics with no response, lessons started and completed, goals by status, "
                "the daily active average) is hidden for any range that includes a week in which it is about "
                f"1 to {k - 1} people, or a week in which it is hidden in the selection to protect another; so "
                "subtracting one range from another never gives back a quiet week.",
                f"A hidden figure reads \u201chidden (fewer than {k} people)\u201d when it is itself small, and "
                "\u201chidden (protects a smaller group)\u201d when it is hidden only so that a small one cannot "
                "be worked out from it; the charts leave a gap. Counts of different people over a whole range "
                "(people active, contributors, readers) are not added up week by week, and two ranges can still "
                "differ by a few such people (for instance those active only in the extra week).",
                "Survey answers are only ever shown as averages and counts behind the same floor; only the person "
                "who answered sees their own answers, on their own page.",
            ],
        },
        {
            "anchor": "funnel",
            "title": "Adoption funnel",
            "text": [
                "The members of the chosen cohorts, plus invitations not accepted yet (one per e-mail address "
                "and cohort), as of the end date. Each stage counts the people who had reached it by then: "
                "signed in (first sign-in, sign-up or accepted invitation), completed their profile, "
                "acknowledged the social media policy, wrote their first forum topic or reply, published their "
                "first blog entry.",
                "A regular contributor wrote something (topic, reply, blog entry or comment) in at least 3 of the "
                "4 seven-day windows ending on the end date. Shares are of the people invited.",
            ],
        },
        {
            "anchor": "active",
            "title": "Active people and stickiness",
            "text": [
                "A person is active on a day when they did anything recorded that day (reading an entry, "
                "reacting, following, posting, learning, signing in), except events that happen to them or are "
                "done by jobs: being invited, a prompt released on schedule, a goal deadline passing, a coach "
                "finding, an unsubscribe link.",
                "Daily active is the average over the week's days of the people active each day. Weekly active is "
                "the number of different people active in the week. Active in the last 4 weeks counts different "
                "people over the week and the three before it. Stickiness is the average daily active people over "
                "those 4 weeks divided by the people active in them: how many days out of the period an active "
                "person came back, as a percentage.",
                "Distinct people are always counted from a table with one row per person per day, never by adding "
                "daily counts, so nobody is counted twice.",
            ],
        },
        {
            "anchor": "contributors",
            "title": "Contributors and readers",
            "text": [
                "Contributors are active people who started a topic, replied, published a blog entry or commented "
                "in the week. Readers only are the other active people of that week.",
            ],
        },
        {
            "anchor": "new-contributors",
            "title": "New contributors",
            "text": [
                "Members whose first ever contribution (topic, reply, blog entry or comment) fell in the week.",
            ],
        },
        {
            "anchor": "level-share",
            "title": "Participation by management level",
            "text": [
                "Members are counted by their current management level. Contributors are those members who wrote "
                "something in the last 7 (or 28) days of the chosen range, also by their current level, so a "
                "share can never pass 100 %. The share is contributors divided by members of that level. Deleted "
                "and hidden posts count.",
            ],
        },
        {
            "anchor": "level-posts",
            "title": "Forum posts by management level",
            "text": [
                "Topics started plus replies written each week, by the writer's level at the time. Deleted and "
                "hidden posts count: they were written. A level withheld by the privacy rules has no column."
            ],
        },
        {
            "anchor": "responsiveness",
            "title": "Responsiveness",
            "text": [
                "For each topic started in the week: the time from the topic to the first reply by someone other "
                "than its author, as recorded by the forums when that reply is posted. The median is the middle "
                "time; the 90th percentile is the time 9 in 10 topics beat (linear interpolation between the "
                "two nearest topics). No response yet counts the topics still without such a reply. A topic or "
                "reply deleted or hidden later still counts as started or answered.",
            ],
        },
        {
            "anchor": "prompts",
            "title": "Starter prompts",
            "text": [
                "Each released prompt becomes a topic; its replies are the replies posted by leaders in that "
                "topic. Timing says whether the prompt was scheduled before or after a formal session of the "
                "cohort. Replies per prompt divides the replies by the prompts released with that timing. A prompt "
                "nobody has answered yet is listed with 0 replies. Deleted and hidden replies count. Replies per "
                f"prompt is shown only when at least {k} people replied to a single prompt of that timing (people "
                "replying to several prompts cannot be told apart, so that is the count the floor relies on).",
            ],
        },
        {
            "anchor": "goals",
            "title": "Crawl, walk, run goals",
            "text": [
                "Goals whose deadline falls in the chosen dates. Done on time: met on or before the deadline. "
                "Done late: met after the deadline, or after it was marked overdue. Overdue: the deadline passed "
                "and the goal is not met (as recorded when the deadline passes). Goals not yet due and not met "
                "are not counted here.",
                "A deadline set as days after the cohort start counts from the day the person joined the cohort "
                "if they joined later, so someone invited today never starts with overdue goals, and no such case "
                "is counted as overdue.",
                "Goals by management level shows the same three outcomes side by side for each level (the "
                "person's level when the goal was met or fell overdue); done on time (% of due) divides the "
                "goals done on time by all goals due in the period.",
            ],
        },
        {
            "anchor": "lessons",
            "title": "Lessons",
            "text": ["People who started, and who completed, each lesson within the chosen dates."],
        },
        {
            "anchor": "survey",
            "title": "Readiness survey",
            "text": [
                "Each leader answers the readiness survey before the programme and again after it; each statement "
                "is rated 1 (strongly disagree) to 5 (strongly agree). If someone answered a round twice, their "
                "latest answer counts. Means are over everyone who answered that round; the paired change is the "
                "average of each person's after minus before, for people who answered both. Survey figures use "
                "every answer whatever the chosen dates.",
                "The response rate divides the members who answered a round by the members of the chosen "
                "cohorts (today's members, with the chosen level and department).",
            ],
        },
        {
            "anchor": "team",
            "title": "The programme team as models",
            "text": [
                "Facilitators and L&D analysts form the programme team. Their contributions (topics, replies, "
                "entries, comments) each week, how many of them contributed, and contributions per contributing "
                "person next to the same figure for leaders. A team that does not take part socially cannot "
                "credibly ask leaders to. The team is small, so its figures fall under the privacy floor like any "
                f"others: with fewer than {k} team members contributing in a week, that week shows as hidden. The "
                "leaders' figure follows the level and department filters; the team's does not. Deleted and "
                "hidden posts count.",
            ],
        },
        {
            "anchor": "diagnostic",
            "title": "Programme readiness diagnostic",
            "text": [
                "The programme team's own survey of the organisation's readiness (strategy, accountability, "
                "measurement, the team's fluency, platform support, timing around sessions), averaged by theme.",
            ],
        },
        {
            "anchor": "compare",
            "title": "Before and after",
            "text": [
                "Every headline figure for two periods you choose (by default the four weeks before and after "
                "the cohort's first formal session, or the last four weeks against the four before). The change "
                "is B minus A, and that difference as a percentage of A. A change is hidden when either side is. "
                "Here stickiness is the average daily active people over the whole period divided by the people "
                "active in it.",
            ],
        },
        {
            "anchor": "sponsor",
            "title": "The weekly sponsor summary",
            "text": [
                "Each Monday morning the sponsor of each cohort receives that cohort's figures for the week just "
                "ended (Monday to Sunday) next to the week before, the adoption funnel and participation by "
                "level: aggregates only, behind the same privacy floor. It is sent once per cohort and week.",
            ],
        },
        {
            "anchor": "trends-levels",
            "title": "Weekly trends by management level",
            "text": [
                "For each week, side by side for each management level (the person's level when they acted): "
                "weekly active people (different people active in the week, as under Active people), goals "
                "completed (crawl, walk, run goals met that week, on time or late) and lessons completed that "
                "week. Goals and lessons count events, so each is shown only when at least "
                f"{k} different people completed one at that level that week.",
                "The levels of a week add up to the week's figure for all levels (shown on the dashboards), "
                "so the levels are protected together with the people of no level or of a withheld level: "
                f"hidden figures of a week always describe 0 or at least {k} people. A withheld level reads as "
                "hidden in every week. Deleted and hidden posts count towards being active: they were written.",
            ],
        },
        {
            "anchor": "trends-readiness",
            "title": "Readiness change: active and quiet members",
            "text": [
                "Leaders who answered at least one statement of the readiness survey in both rounds (before and "
                "after). For each of them: the mean of their ratings before, the mean after, and the mean of "
                "after minus before, over the statements they answered in both rounds; the rows average these "
                "per person, so everyone weighs the same.",
                "Active members contributed at least once in the chosen dates: started a topic, replied, "
                "published a blog entry or commented, anywhere on the portal (a post deleted or hidden later "
                "still counts: it was written). Quiet members did not; reading, reacting, lessons and sign-ins "
                "alone leave someone quiet. Survey answers count whatever the dates, so choose the dates of the "
                "programme. Cohort, level and department are as when the person answered.",
                "Active and quiet add up to everyone who answered both rounds (the last row), so they are hidden "
                f"together unless both describe 0 or at least {k} people; a mean is hidden with its count. This "
                "shows whether taking part goes with a bigger change, not that it causes one.",
            ],
        },
        {
            "anchor": "trends-cohorts",
            "title": "Cohorts side by side",
            "text": [
                "Each cohort's weeks are counted from its own start date: week 1 is the start date and the six "
                "days after it, week 2 the seven days after that, and so on, so cohorts that started months "
                "apart are compared at the same point of their programme. Only whole weeks up to the chosen end "
                "date are shown (the chosen start date does not apply), up to 26 weeks; a cohort that has not "
                "reached a week yet reads \u201cnot reached yet\u201d.",
                "Members of a week are the cohort's members (today's, with the chosen level and department) who "
                "had joined by the end of that week. Active members did anything recorded that week (as under "
                "Active people); contributing members started a topic, replied, published a blog entry or "
                "commented (deleted and hidden posts count). Only members who had joined by the day count, so a "
                "share cannot pass 100 %. An action counts for the cohort it was recorded under, as everywhere.",
                "Members minus those counted is the members not counted, so a count is hidden when either is 1 "
                f"to {k - 1} people; the cohorts of one week are protected together like parts of a whole. A "
                "cohort withheld by the privacy rules reads as hidden in every week.",
            ],
        },
    ]
