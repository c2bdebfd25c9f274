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
