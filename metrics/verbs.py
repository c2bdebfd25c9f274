"""Every kind of activity the portal records. The activity log is the contract between apps."""

from django.db import models


class Verb(models.TextChoices):
    # people (portal)
    SIGNED_UP = "signed_up", "Signed up"
    SIGNED_IN = "signed_in", "Signed in"
    PROFILE_COMPLETED = "profile_completed", "Completed their profile"
    PROFILE_UPDATED = "profile_updated", "Updated their profile"
    FOLLOWED = "followed", "Followed someone"
    UNFOLLOWED = "unfollowed", "Unfollowed someone"
    INVITED = "invited", "Was invited"
    INVITATION_ACCEPTED = "invitation_accepted", "Accepted an invitation"
    # forums
    TOPIC_CREATED = "topic_created", "Started a topic"
    POST_CREATED = "post_created", "Replied"
    POST_EDITED = "post_edited", "Edited a post"
    POST_DELETED = "post_deleted", "Deleted a post"
    POST_RESTORED = "post_restored", "Restored a post"
    REACTED = "reacted", "Reacted"
    UNREACTED = "unreacted", "Removed a reaction"
    ANSWER_ACCEPTED = "answer_accepted", "Accepted an answer"
    FLAGGED = "flagged", "Flagged a post"
    MODERATED = "moderated", "Moderated"
    # blogs
    ENTRY_PUBLISHED = "entry_published", "Published a blog entry"
    ENTRY_UPDATED = "entry_updated", "Updated a blog entry"
    ENTRY_UNPUBLISHED = "entry_unpublished", "Unpublished a blog entry"
    ENTRY_READ = "entry_read", "Read a blog entry"
    COMMENTED = "commented", "Commented on an entry"
    TAG_FOLLOWED = "tag_followed", "Followed a tag"
    FEED_USED = "feed_used", "Used their personal feed"
    # onboarding
    LESSON_STARTED = "lesson_started", "Started a lesson"
    LESSON_COMPLETED = "lesson_completed", "Completed a lesson"
    POLICY_ACKNOWLEDGED = "policy_acknowledged", "Acknowledged the policy"
    SURVEY_ANSWERED = "survey_answered", "Answered a survey"
    COACH_FINDING = "coach_finding", "Received a coach finding"
    COACH_OVERRIDDEN = "coach_overridden", "Posted anyway after a coach warning"
    GOAL_COMPLETED = "goal_completed", "Completed a goal"
    # facilitation
    PROMPT_RELEASED = "prompt_released", "Released a starter prompt"
    REVIEW_REQUESTED = "review_requested", "Asked for a private review"
    REVIEW_COMMENTED = "review_commented", "Commented on a private review"
    NUDGED = "nudged", "Nudged a member"
    # cohorts (portal)
    COHORT_CREATED = "cohort_created", "Created a cohort"
    COHORT_UPDATED = "cohort_updated", "Updated a cohort"
    SESSION_SCHEDULED = "session_scheduled", "Scheduled a cohort session"
    SESSION_CANCELLED = "session_cancelled", "Cancelled a cohort session"
    MEMBER_ADDED = "member_added", "Added someone to a cohort"
    MEMBER_REMOVED = "member_removed", "Removed someone from a cohort"
    # invitations (portal)
    INVITATION_RESENT = "invitation_resent", "Resent an invitation"
    INVITATION_REVOKED = "invitation_revoked", "Withdrew an invitation"
    # notifications
    NOTIFICATION_OPENED = "notification_opened", "Opened a notification"
    NOTIFICATION_SETTINGS_CHANGED = "notification_settings_changed", "Changed notification settings"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed from an e-mail"
    # blogs (appended)
    ENTRY_DRAFTED = "entry_drafted", "Started a blog draft"
    COMMENT_DELETED = "comment_deleted", "Deleted a comment"
    TAG_UNFOLLOWED = "tag_unfollowed", "Stopped following a tag"
    FEED_TOKEN_RESET = "feed_token_reset", "Reset their private feed address"
    # metrics (appended): what each verb must carry is in ROLLUP_CONTRACT at the end
    GOAL_OVERDUE = "goal_overdue", "Missed a goal deadline"
    # forums (appended)
    TOPIC_FIRST_RESPONSE = "topic_first_response", "Gave a topic its first response"
    # facilitation (appended)
    PROMPT_SCHEDULED = "prompt_scheduled", "Scheduled a starter prompt"
    PROMPT_EDITED = "prompt_edited", "Changed a scheduled starter prompt"
    PROMPT_CANCELLED = "prompt_cancelled", "Cancelled a scheduled starter prompt"
    PROMPT_TEMPLATE_SAVED = "prompt_template_saved", "Saved a prompt to the library"
    REVIEW_REVISED = "review_revised", "Revised a draft under private review"
    REVIEW_PUBLISHED = "review_published", "Published a draft after private review"
    REVIEW_WITHDRAWN = "review_withdrawn", "Withdrew a draft from private review"
    BUDDIES_PAIRED = "buddies_paired", "Paired two members as buddies"
    BUDDIES_UNPAIRED = "buddies_unpaired", "Ended a buddy pairing"
    FACILITATION_SETTINGS_CHANGED = "facilitation_settings_changed", "Changed a cohort's facilitation settings"
    # forums (appended, issue 17 everyday features): a vote in a topic's poll
    POLL_VOTED = "poll_voted", "Voted in a poll"


# Verbs that count as contributing (as opposed to reading or housekeeping).
CONTRIBUTION_VERBS = frozenset({Verb.TOPIC_CREATED, Verb.POST_CREATED, Verb.ENTRY_PUBLISHED, Verb.COMMENTED})


# ---------------------------------------------------------------------------------------------
# The rollup contract (metrics). Dashboards read only rollup tables built from Activity rows, so
# each verb below must be recorded with the target, context and ``data`` keys listed, or its panel
# stays at "no data yet". ``data`` holds small facts, never draft text. Keys marked optional may be
# left out. Verbs not listed here need nothing beyond actor, verb and cohort.
ROLLUP_CONTRACT: dict[str, str] = {
    "topic_created": "target = the topic; context = its board (optional). Starts a topic's response clock.",
    "post_created": "target = the reply; context = the topic. Replies in a released prompt's topic are its responses.",
    "topic_first_response": (
        "Recorded once per topic, by the forums, when someone other than the topic's author first replies. "
        "actor = the responder; target = the reply; context = the topic; cohort = the topic's cohort; "
        'data = {"seconds": <int, seconds from topic creation to this reply>}.'
    ),
    "entry_published": 'target = the entry; data = {"first": <bool, first publication of this entry>} (optional).',
    "commented": "target = the comment; context = the entry.",
    "policy_acknowledged": 'target = the policy version (optional); data = {"version": "<label>"} (optional).',
    "lesson_started": 'target = the lesson; data = {"lesson": <lesson id>, "title": "<lesson title>"}.',
    "lesson_completed": 'target = the lesson; data = {"lesson": <lesson id>, "title": "<lesson title>"}.',
    "goal_completed": (
        "Recorded once per person and goal when the goal is first met. target = the goal; "
        'data = {"goal": <goal id>, "title": "<goal title>", "stage": "crawl"|"walk"|"run", '
        '"deadline": "<YYYY-MM-DD in site time>" or null, "late": <bool, met after the deadline>} '
        '(or "on_time": <bool> instead of "late").'
    ),
    "goal_overdue": (
        "Recorded once per person and goal when its deadline passes unmet (the goal job). target = the goal; "
        'data = {"goal": <goal id>, "title": "<goal title>", "stage": "crawl"|"walk"|"run", '
        '"deadline": "<YYYY-MM-DD>"}. A later goal_completed turns it into "done late". Without this verb the '
        "dashboards cannot count overdue goals (nothing else says a deadline passed unmet)."
    ),
    "survey_answered": (
        "Recorded once per person, survey and round. target = the response (optional); "
        'data = {"survey": <survey id>, "round": "before"|"after", "scores": {"<item id>": <1-5>, ...}, '
        '"audience": "leaders"|"programme", "title": "<survey title>", '
        '"items": {"<item id>": "<item text>", ...}, "themes": {"<item id>": "<theme>", ...}} '
        '(or "items": {"<item id>": {"label": "<item text>", "theme": "<theme>"}, ...}); '
        "audience, title, items and themes are optional but without them the panels show item ids. "
        "Individual answers are never shown to anyone but the person who gave them."
    ),
    "prompt_released": (
        "actor = the facilitator who scheduled it; target = the topic the prompt became; cohort = its cohort; "
        'data = {"prompt": <prompt id>, "title": "<prompt title>", "session": <session number or null>, '
        '"timing": "before_session"|"after_session"|"unscheduled"}.'
    ),
}
