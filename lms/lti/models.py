"""What Keystone keeps about LMS platforms beyond django-lti's own tables.

django-lti (``lti_tool``) owns registrations, deployments, tool keys, LMS users, contexts,
memberships, resource links and line items. These models add Keystone's decisions about them:
how far a platform is trusted, which cohort a course is, which goal stage a line item grades,
which scores were already posted, and which launch nonces were already used.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PlatformPolicy(models.Model):
    """Keystone's trust in one registered platform (one row per ``lti_tool.LtiRegistration``)."""

    registration = models.OneToOneField(
        "lti_tool.LtiRegistration", on_delete=models.CASCADE, related_name="keystone_policy"
    )
    # Only a platform that verifies e-mail addresses may sign an LMS user into an existing account
    # with the same address; otherwise the person links the accounts themselves (see views.link).
    verifies_email = models.BooleanField(default=False)
    # Origins allowed to frame Keystone for sessions started from this platform (frame-ancestors);
    # empty: the origins of the issuer and of the auth URL.
    frame_origins = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"policy for {self.registration_id}"


class CourseCohort(models.Model):
    """An LMS course (LTI context) is one Keystone cohort; several courses may share a cohort."""

    context = models.OneToOneField("lti_tool.LtiContext", on_delete=models.CASCADE, related_name="keystone_cohort")
    cohort = models.ForeignKey("people.Cohort", on_delete=models.CASCADE, related_name="lti_courses")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_cohort = models.BooleanField(default=False)  # the cohort was made by the first instructor launch
    linked_at = models.DateTimeField(default=timezone.now)
    last_roster_sync_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.context_id} → {self.cohort_id}"


class RosterEntry(models.Model):
    """One person on an LMS course roster as last seen by a sync: never deleted, leavers are marked."""

    course = models.ForeignKey(CourseCohort, on_delete=models.CASCADE, related_name="roster")
    lti_user = models.ForeignKey("lti_tool.LtiUser", on_delete=models.CASCADE, related_name="+")
    is_instructor = models.BooleanField(default=False)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)  # gone from the roster (or inactive) since then
    invitation = models.ForeignKey(
        "people.Invitation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["course", "lti_user__name"]
        constraints = [models.UniqueConstraint(fields=["course", "lti_user"], name="lti_roster_entry_unique")]

    def __str__(self) -> str:
        return f"{self.lti_user_id} in {self.course_id}"


class StageLineItem(models.Model):
    """A goal stage (crawl/walk/run) published as a gradebook column in one course."""

    line_item = models.OneToOneField("lti_tool.LtiLineItem", on_delete=models.CASCADE, related_name="keystone_stage")
    course = models.ForeignKey(CourseCohort, on_delete=models.CASCADE, related_name="stage_line_items")
    stage = models.ForeignKey("onboarding.GoalStage", on_delete=models.CASCADE, related_name="+")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "stage"], name="lti_stage_line_item_unique")]

    def __str__(self) -> str:
        return f"stage {self.stage_id} in {self.course_id}"


class ScorePosted(models.Model):
    """The last score the platform accepted for one person and one line item: resending is skipped."""

    stage_line_item = models.ForeignKey(StageLineItem, on_delete=models.CASCADE, related_name="scores")
    lti_user = models.ForeignKey("lti_tool.LtiUser", on_delete=models.CASCADE, related_name="+")
    score_given = models.FloatField()
    score_maximum = models.FloatField()
    activity_progress = models.CharField(max_length=20)
    comment = models.CharField(max_length=200, blank=True)
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage_line_item", "lti_user"], name="lti_score_posted_unique")]

    def __str__(self) -> str:
        return f"{self.lti_user_id}: {self.score_given}/{self.score_maximum}"


class UsedNonce(models.Model):
    """A launch nonce already accepted: the same id_token presented again is a replay and refused."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "nonce"], name="lti_nonce_once")]

    def __str__(self) -> str:
        return self.nonce
