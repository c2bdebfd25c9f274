"""The kinds of notification event. Apps create events with ``portal.services.notifications.notify``."""

from django.db import models


class Event(models.TextChoices):
    TOPIC_REPLY = "topic_reply", "Reply to your topic"
    POST_REPLY = "post_reply", "Reply to your post"
    MENTION = "mention", "Mention"
    QUOTE = "quote", "Quote of your post"
    REACTION = "reaction", "Reaction"
    ANSWER_ACCEPTED = "answer_accepted", "Your answer was accepted"
    ENTRY_COMMENT = "entry_comment", "Comment on your entry"
    FOLLOWED_ENTRY = "followed_entry", "New entry from someone you follow"
    WATCHED_TOPIC = "watched_topic", "New topic in a watched board"
    STARTER_PROMPT = "starter_prompt", "New starter prompt in your cohort"
    NUDGE = "nudge", "Nudge from a facilitator"
    GOAL_DEADLINE = "goal_deadline", "Goal deadline approaching"
    REVIEW_COMMENT = "review_comment", "Private review comment"
    FLAG_RESOLVED = "flag_resolved", "Flag resolved"
    INVITATION = "invitation", "Invitation"
    NEW_FOLLOWER = "new_follower", "New follower"
    SURVEY = "survey", "Survey invitation"
