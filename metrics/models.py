from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Activity(models.Model):
    """One thing a person did. Append-only: written by ``metrics.record`` and never updated."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activities")
    # Validated against metrics.verbs.Verb by record(); no DB choices so new verbs need no migration.
    verb = models.CharField(max_length=40)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    # What the target belongs to (e.g. the topic of a reply, the entry of a comment), when that matters.
    context_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    context_id = models.PositiveBigIntegerField(null=True, blank=True)
    # Small facts the rollups need and may not read from other apps' tables
    # (e.g. {"seconds": 5400} for a first response, {"round": "before"} for a survey). Never draft text.
    data = models.JSONField(default=dict, blank=True)
    cohort = models.ForeignKey("people.Cohort", null=True, blank=True, on_delete=models.SET_NULL)
    # The actor's management level when they acted: a later promotion does not rewrite history.
    management_level = models.PositiveSmallIntegerField(null=True, blank=True)
    # Department and role when they acted, likewise (null/blank: recorded before these were kept).
    department = models.CharField(max_length=120, null=True, blank=True)
    role = models.CharField(max_length=8, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["actor", "verb"]),
            models.Index(fields=["cohort", "created_at"]),
            models.Index(fields=["target_type", "target_id"]),
            # The rollup re-reads a topic's replies (prompt responses, first responses) by context.
            models.Index(fields=["context_type", "context_id"]),
            # A rebuild reads the rare verbs (goals, lessons, surveys, prompts) without scanning the log.
            models.Index(fields=["verb", "created_at"], name="metrics_activity_verb_at"),
            # Rows recorded before department and role were kept (the rollup looks theirs up): few, and
            # the rollup asks whether a range holds any before choosing the statement that needs no lookups.
            models.Index(
                fields=["created_at"],
                condition=models.Q(department__isnull=True) | models.Q(role=""),
                name="metrics_activity_undimensioned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} at {self.created_at:%Y-%m-%d %H:%M}"


# ---------------------------------------------------------------------------------------------
# Rollup tables. Written only by metrics.rollup (the beat job and `manage.py rollup`); every
# dashboard, export and e-mail reads these and never Activity. Days are in the site's time zone.
# Their foreign keys carry no database constraint (db_constraint=False): the rows are derived, rewritten
# whole from the log, and checking every one of them at commit cost a rebuild more than writing them;
# deleting a person or cohort still removes their rows (Django cascades on_delete itself). A key gets
# an index of its own (db_index) only where no composite index already leads with it and a page reads
# by it: every index is paid for on each rebuild, row by row.


class PersonRole(models.TextChoices):
    """Who a row describes, snapshotted when the row is aggregated (roles rarely change)."""

    LEADER = "leader", "Leader"
    TEAM = "team", "Programme team (facilitators and L&D)"
    ADMIN = "admin", "Site administrator"


class RollupState(models.Model):
    """The watermark: every Activity with an id up to ``last_activity_id`` (gaps aside) is rolled up."""

    name = models.CharField(max_length=40, primary_key=True)
    last_activity_id = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_rebuild_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at #{self.last_activity_id}"


class RollupGap(models.Model):
    """An id below the watermark that was not visible when the watermark passed it.

    On PostgreSQL ids are handed out at insert time but become visible at commit, so a long
    transaction can commit id 41 after id 42 was rolled up. Each run looks for gap ids again and
    forgets them after METRICS_ROLLUP_GAP_SECONDS (by then they were rolled back, not slow).
    """

    activity_id = models.BigIntegerField(primary_key=True)
    noticed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"gap #{self.activity_id}"


class Dimensions(models.Model):
    """The dashboard filters every rollup row can be cut by."""

    cohort = models.ForeignKey(
        "people.Cohort",
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # As recorded on the activity: the level at the time, not today's.
    management_level = models.PositiveSmallIntegerField(null=True, blank=True)
    # The actor's department when they acted, as recorded on the activity.
    department = models.CharField(max_length=120, blank=True, default="")
    role = models.CharField(max_length=8, choices=PersonRole, default=PersonRole.LEADER)

    class Meta:
        abstract = True


class DailyVerbCount(Dimensions):
    """Per local day x cohort x level x department x role x verb: how many activities, by how many people."""

    day = models.DateField()
    week = models.DateField(help_text="Monday of the day's week")
    verb = models.CharField(max_length=40)
    count = models.PositiveIntegerField()
    actors = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "verb"]), models.Index(fields=["cohort", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.verb}: {self.count}"


class PersonCounters(models.Model):
    """What one person did in a day or a week: the counters behind every distinct-people figure."""

    actions = models.PositiveIntegerField(default=0, help_text="engagement activities (not system ones)")
    contributions = models.PositiveIntegerField(default=0)
    topics = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    lessons_completed = models.PositiveIntegerField(default=0)
    goals_completed = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyActor(Dimensions, PersonCounters):
    """One person's day (per cohort and level): the per-day actor set behind every distinct-people figure.

    Distinct counts cannot be summed across days, so weekly and monthly active people are counted
    from these rows (one per person per day), never by adding daily counts.
    """

    day = models.DateField()
    week = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, db_index=False, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["day", "cohort"]),
            models.Index(fields=["actor", "day"]),
            models.Index(fields=["week", "cohort"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.actor_id}"


class WeeklyActor(Dimensions, PersonCounters):
    """One person's week (per cohort and level): DailyActor summed over the days of a Monday-to-Sunday week.

    Distinct people per week or per period of whole weeks are counted from these rows, whose number
    follows people x weeks, not how much each person did; days of a period outside its whole weeks
    still come from DailyActor. Kept by the rollup from DailyActor, week by week.
    """

    week = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, db_index=False, on_delete=models.CASCADE, related_name="+"
    )
    # Which days of the week this person did something, in this row's cohort, level, department and role:
    # bit d (1 << d, Monday = 0) set when that day's DailyActor row has actions (``active_mask``) or
    # contributions (``contribution_mask``). Daily active people over a week and who acted within any
    # run of days (the last 7 or 28 days, the 7-day windows of regular contributors) are then answered
    # from the person-weeks that overlap it, exactly, without reading the person-days.
    active_mask = models.PositiveSmallIntegerField(
        default=0, help_text="days of the week with engagement activity, one bit a day (Monday = 1)"
    )
    contribution_mask = models.PositiveSmallIntegerField(
        default=0, help_text="days of the week with a contribution, one bit a day (Monday = 1)"
    )

    class Meta:
        indexes = [models.Index(fields=["week", "cohort"]), models.Index(fields=["actor", "week"])]

    def __str__(self) -> str:
        return f"week of {self.week} {self.actor_id}"


class Milestone(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    PROFILE_COMPLETED = "profile_completed", "Completed their profile"
    POLICY_ACKNOWLEDGED = "policy_acknowledged", "Acknowledged the policy"
    FIRST_POST = "first_post", "First forum post"
    FIRST_ENTRY = "first_entry", "First blog entry"
    FIRST_CONTRIBUTION = "first_contribution", "First contribution"


class ActorFirst(models.Model):
    """The local day a person first reached a milestone."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, db_index=False, on_delete=models.CASCADE, related_name="+"
    )
    milestone = models.CharField(max_length=24, choices=Milestone)
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "milestone"], name="metrics_actor_first_unique")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.milestone} {self.day}"


class MemberStatus(models.Model):
    """One row per cohort member or outstanding invitation: the adoption funnel's population.

    Refreshed from memberships, profiles, invitations and ActorFirst on every rollup run.
    Level and department are the person's current ones.
    """

    cohort = models.ForeignKey("people.Cohort", db_constraint=False, on_delete=models.CASCADE, related_name="+")
    # "u<user id>" for members, "i<invitation id>" for invitations not accepted yet.
    person_key = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, db_constraint=False, on_delete=models.CASCADE, related_name="+"
    )
    management_level = models.PositiveSmallIntegerField(null=True, blank=True)
    department = models.CharField(max_length=120, blank=True, default="")
    invited_on = models.DateField()
    joined_on = models.DateField(null=True, blank=True)
    signed_in_on = models.DateField(null=True, blank=True)
    profile_completed_on = models.DateField(null=True, blank=True)
    policy_acknowledged_on = models.DateField(null=True, blank=True)
    first_post_on = models.DateField(null=True, blank=True)
    first_entry_on = models.DateField(null=True, blank=True)
    first_contribution_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cohort", "person_key"], name="metrics_member_status_unique")]

    def __str__(self) -> str:
        return f"{self.cohort_id} {self.person_key}"


class TopicResponse(Dimensions):
    """Per topic: when it was started and when someone else first answered (dimensions of its author)."""

    topic_type = models.ForeignKey(
        ContentType, db_constraint=False, db_index=False, on_delete=models.CASCADE, related_name="+"
    )
    topic_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, db_index=False, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField()
    created_on = models.DateField()
    week = models.DateField()
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    seconds = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic_type", "topic_id"], name="metrics_topic_response_unique")]
        indexes = [models.Index(fields=["created_on", "cohort"])]

    def __str__(self) -> str:
        return f"topic {self.topic_id}: {self.seconds}"


class TopicPersonKind(models.TextChoices):
    AUTHOR = "author", "Started a topic"
    RESPONDER = "responder", "First to answer a topic"
    UNANSWERED = "unanswered", "Started a topic nobody has answered"


# How many people a TopicPeople row keeps at most: the privacy floor (METRICS_MIN_GROUP_SIZE) may be raised
# up to this without a rebuild; above it the dashboards read the topics themselves.
TOPIC_PEOPLE_KEPT = 10


class TopicPeople(Dimensions):
    """Per week (or day) of starting, row group and kind: some of the people behind its topics, at most
    TOPIC_PEOPLE_KEPT of them, all of them when fewer (the lowest ids; kept from TopicResponse by the rollup).

    The disclosure checks only ask whether a union of these sets holds k or more people, and which people
    when fewer: a set cut to TOPIC_PEOPLE_KEPT >= k still holds k, and a union of cut sets holds k or more
    exactly when the full sets' union does, and the same people when fewer. So the checks decide as they
    do on every topic while reading at most TOPIC_PEOPLE_KEPT x groups x weeks people, however many topics.
    """

    week = models.DateField()  # Monday of the week the topics were started
    day = models.DateField(null=True, blank=True)  # None: the whole week; else only that day's topics
    kind = models.CharField(max_length=10, choices=TopicPersonKind)
    people = models.JSONField()  # user ids, ascending

    class Meta:
        indexes = [models.Index(fields=["week", "cohort"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.day or self.week}: {self.people}"


class PromptTiming(models.TextChoices):
    BEFORE = "before_session", "Before a session"
    AFTER = "after_session", "After a session"
    UNSCHEDULED = "unscheduled", "Not tied to a session"


class PromptRollup(models.Model):
    """A released starter prompt (the topic it became)."""

    topic_type = models.ForeignKey(ContentType, db_constraint=False, on_delete=models.CASCADE, related_name="+")
    topic_id = models.PositiveBigIntegerField()
    prompt_id = models.PositiveBigIntegerField(null=True, blank=True)
    cohort = models.ForeignKey(
        "people.Cohort", null=True, blank=True, db_constraint=False, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=300)
    session = models.PositiveSmallIntegerField(null=True, blank=True)
    timing = models.CharField(max_length=16, choices=PromptTiming, default=PromptTiming.UNSCHEDULED)
    released_at = models.DateTimeField()
    released_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic_type", "topic_id"], name="metrics_prompt_rollup_unique")]

    def __str__(self) -> str:
        return self.title


class PromptResponse(models.Model):
    """Replies to one prompt's topic, per level x department x role of the people replying."""

    prompt = models.ForeignKey(PromptRollup, on_delete=models.CASCADE, related_name="responses")
    management_level = models.PositiveSmallIntegerField(null=True, blank=True)
    department = models.CharField(max_length=120, blank=True, default="")
    role = models.CharField(max_length=8, choices=PersonRole, default=PersonRole.LEADER)
    responses = models.PositiveIntegerField()
    responders = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.prompt_id}: {self.responses}"


class GoalState(models.TextChoices):
    ON_TIME = "on_time", "Done on time"
    LATE = "late", "Done late"
    OVERDUE = "overdue", "Overdue"


class GoalStatus(Dimensions):
    """Where one person stands with one goal, as far as activity tells (completed or overdue)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, db_index=False, on_delete=models.CASCADE, related_name="+"
    )
    goal_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    stage = models.CharField(max_length=8)
    deadline = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    overdue_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=GoalState)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "goal_id"], name="metrics_goal_status_unique")]

    def __str__(self) -> str:
        return f"{self.actor_id} goal {self.goal_id}: {self.status}"


class LessonProgress(Dimensions):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_constraint=False, db_index=False, on_delete=models.CASCADE, related_name="+"
    )
    lesson_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    started_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "lesson_id"], name="metrics_lesson_progress_unique")]

    def __str__(self) -> str:
        return f"{self.actor_id} lesson {self.lesson_id}"


class SurveyInfo(models.Model):
    """Title and audience of a survey, from the latest answer that carried them."""

    survey_id = models.PositiveBigIntegerField(primary_key=True)
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=16, default="leaders")
    source_activity_id = models.BigIntegerField()

    def __str__(self) -> str:
        return self.title


class SurveyItemInfo(models.Model):
    survey_id = models.PositiveBigIntegerField()
    item_key = models.CharField(max_length=40)
    label = models.CharField(max_length=300)
    theme = models.CharField(max_length=80, blank=True, default="")
    source_activity_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey_id", "item_key"], name="metrics_survey_item_info_unique")
        ]

    def __str__(self) -> str:
        return self.label


class SurveyScore(Dimensions):
    """One person's score for one item, before and after. Only ever shown aggregated (or to that person)."""

    survey_id = models.PositiveBigIntegerField()
    item_key = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.CASCADE, related_name="+")
    before = models.PositiveSmallIntegerField(null=True, blank=True)
    after = models.PositiveSmallIntegerField(null=True, blank=True)
    before_on = models.DateField(null=True, blank=True)
    after_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey_id", "item_key", "actor"], name="metrics_survey_score_unique")
        ]
        indexes = [models.Index(fields=["survey_id", "cohort"])]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.item_key} {self.actor_id}"


class SentSummary(models.Model):
    """The weekly sponsor summary of one cohort for one week: the unique row makes it go out once."""

    cohort = models.ForeignKey("people.Cohort", on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    recipient = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cohort", "week_start"], name="metrics_sent_summary_once_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} week of {self.week_start}"
