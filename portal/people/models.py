"""People, roles, cohorts, follows and invitations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Role(models.TextChoices):
    """Roles are Django groups with these names (created by a data migration)."""

    LEADER = "leader", "Leader"
    FACILITATOR = "facilitator", "Facilitator"
    ANALYST = "analyst", "L&D analyst"
    ADMIN = "admin", "Admin"


class ManagementLevel(models.IntegerChoices):
    SENIOR = 1, "Senior executive"
    MIDDLE = 2, "Middle manager"
    FRONT_LINE = 3, "Front-line manager"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their e-mail address; there are no usernames."""

    email = models.EmailField(unique=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.display_name if profile and profile.display_name else self.email

    @property
    def display_name(self) -> str:
        return str(self)


def avatar_path(instance: Profile, filename: str) -> str:
    return f"avatars/{instance.user_id}/{filename}"


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, primary_key=True, related_name="profile")
    display_name = models.CharField(max_length=120, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    department = models.CharField(max_length=120, blank=True, db_index=True)
    management_level = models.PositiveSmallIntegerField(choices=ManagementLevel, null=True, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    timezone = models.CharField(max_length=64, default="Europe/London")
    avatar = models.ImageField(upload_to=avatar_path, blank=True)
    avatar_thumb = models.ImageField(upload_to=avatar_path, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(management_level__isnull=True) | Q(management_level__in=[1, 2, 3]),
                name="profile_management_level_valid",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.user.email

    def get_absolute_url(self) -> str:
        return reverse("people:profile", args=[self.user_id])

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def initials(self) -> str:
        parts = [p for p in (self.display_name or self.user.email).replace("@", " ").split() if p]
        return "".join(p[0] for p in parts[:2]).upper()


class Cohort(models.Model):
    """A group of leaders learning together, run by facilitators, with an accountable sponsor."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    sponsor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsored_cohorts"
    )
    starts_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)
    members = models.ManyToManyField(User, through="Membership", related_name="cohorts")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:cohort", args=[self.slug])


class CohortSession(models.Model):
    """A formal learning session of a cohort; starter prompts are timed relative to these."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["cohort", "number"]
        constraints = [models.UniqueConstraint(fields=["cohort", "number"], name="cohort_session_number_unique")]

    def __str__(self) -> str:
        return f"{self.cohort}: session {self.number}"


class Membership(models.Model):
    class Kind(models.TextChoices):
        MEMBER = "member", "Member"
        FACILITATOR = "facilitator", "Facilitator"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at"]
        constraints = [models.UniqueConstraint(fields=["user", "cohort"], name="membership_unique")]
        indexes = [models.Index(fields=["cohort", "kind"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort} ({self.kind})"


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_unique"),
            models.CheckConstraint(condition=~Q(follower=models.F("followee")), name="follow_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.follower} → {self.followee}"


class Invitation(models.Model):
    """A single-use, expiring invitation that signs a person up into a cohort."""

    email = models.EmailField()
    display_name = models.CharField(max_length=120, blank=True)
    job_title = models.CharField(max_length=120, blank=True)
    department = models.CharField(max_length=120, blank=True)
    management_level = models.PositiveSmallIntegerField(choices=ManagementLevel, null=True, blank=True)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="invitations_sent")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_accepted"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("invitations:accept", args=[self.token])

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and not self.is_expired


def get_role_names(user) -> set[str]:
    """The role names of a user, cached on the instance for the request."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = user._role_names = role_names_from_groups(user, user.groups.values_list("name", flat=True))
    return cached


def role_names_from_groups(user, group_names) -> set[str]:
    """A user's role names given the names of their groups (the request's one read: portal.middleware)."""
    names = set(group_names)
    if user.is_superuser:
        names.add(Role.ADMIN)
    names.add(Role.LEADER)
    return names
