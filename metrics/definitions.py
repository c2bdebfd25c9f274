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
                "Days are calendar days in the site's time zone; a week runs Monday to Sunday. Weekly charts show "
                "every whole week that overlaps the chosen dates (the last one ends on the chosen end date).",
                "Cohort is the cohort the action happened in (organisation-wide boards count under All cohorts "
                "only). Management level is the person's level when they acted. Department is the person's "
                "department when the day was last rolled up.",
                "People counted are leaders: facilitators, L&D staff and administrators are left out of every "
                "figure except the programme-team panels.",
            ],
        },
        {
            "anchor": "privacy",
            "title": "The privacy floor",
            "text": [
                f"Any figure that describes between 1 and {k - 1} people is shown as \u201cfewer than {k}\u201d, "
                "in the charts (a gap), the tables and the downloads alike. A count of activities is hidden when "
                f"fewer than {k} people did them; an average, a median or a share is hidden when it rests on "
                f"fewer than {k} people. Zero is shown: it describes nobody. Where figures add up to a total "
                "shown beside them (the answers to one statement, contributors and readers of one week), a "
                "second figure is hidden with the first so that it cannot be worked out by subtraction.",
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
                "Members are counted by their current management level. Contributors are the people who wrote "
                "something in the last 7 (or 28) days of the chosen range, by their level when they wrote. The "
                "share is contributors divided by members of that level.",
            ],
        },
        {
            "anchor": "level-posts",
            "title": "Forum posts by management level",
            "text": ["Topics started plus replies written each week, by the writer's level at the time."],
        },
        {
            "anchor": "responsiveness",
            "title": "Responsiveness",
            "text": [
                "For each topic started in the week: the time from the topic to the first reply by someone other "
                "than its author, as recorded by the forums when that reply is posted. The median is the middle "
                "time; the 90th percentile is the time 9 in 10 topics beat (linear interpolation between the "
                "two nearest topics). No response yet counts the topics still without such a reply.",
            ],
        },
        {
            "anchor": "prompts",
            "title": "Starter prompts",
            "text": [
                "Each released prompt becomes a topic; its replies are the replies posted by leaders in that "
                "topic. Timing says whether the prompt was scheduled before or after a formal session of the "
                "cohort. Replies per prompt divides the replies by the prompts released with that timing.",
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
                f"others: with fewer than {k} team members contributing in a week, that week shows as hidden.",
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
    ]
