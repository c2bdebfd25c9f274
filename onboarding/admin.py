"""Django admin for onboarding: read-mostly. Authoring happens in the portal (Learn, then Manage learning)."""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin as BaseReadOnlyAdmin

from .models import (
    CoachRule,
    CoachTerm,
    Curriculum,
    CurriculumItem,
    Goal,
    GoalLadder,
    GoalProgress,
    GoalStage,
    Lesson,
    LessonProgress,
    LessonStep,
    OnboardingPath,
    PolicyAcknowledgement,
    PolicyVersion,
    Survey,
    SurveyItem,
    SurveyResponse,
    SurveyRound,
)


class ReadOnlyAdmin(BaseReadOnlyAdmin):
    allow_delete = True  # as before the shared base: admins may delete these rows


class LessonStepInline(admin.TabularInline):
    model = LessonStep
    extra = 0
    readonly_fields = ("position", "title", "body_html")
    can_delete = False


@admin.register(Lesson)
class LessonAdmin(ReadOnlyAdmin):
    list_display = ("title", "slug", "practice_criterion", "is_published", "updated_at")
    search_fields = ("title", "summary")
    inlines = [LessonStepInline]


class CurriculumItemInline(admin.TabularInline):
    model = CurriculumItem
    extra = 0


@admin.register(Curriculum)
class CurriculumAdmin(ReadOnlyAdmin):
    list_display = ("name", "cohort")
    inlines = [CurriculumItemInline]


@admin.register(LessonProgress)
class LessonProgressAdmin(ReadOnlyAdmin):
    list_display = ("user", "lesson", "started_at", "completed_at", "practice_done_at")
    list_select_related = ("user", "lesson")


@admin.register(CoachRule)
class CoachRuleAdmin(ReadOnlyAdmin):
    list_display = ("key", "enabled", "threshold", "lesson", "updated_at")


@admin.register(CoachTerm)
class CoachTermAdmin(ReadOnlyAdmin):
    list_display = ("term", "list", "note")
    list_filter = ("list",)


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ("title", "major", "minor", "published_at", "published_by")


@admin.register(PolicyAcknowledgement)
class PolicyAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ("user", "version", "acknowledged_at")
    list_select_related = ("user", "version")


class SurveyItemInline(admin.TabularInline):
    model = SurveyItem
    extra = 0


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ("title", "audience", "cohort", "is_diagnostic", "is_active")
    inlines = [SurveyItemInline]


@admin.register(SurveyRound)
class SurveyRoundAdmin(ReadOnlyAdmin):
    list_display = ("survey", "cohort", "round", "opens_at", "invited_at")


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    """Counts only: individual answers are never shown, even to admins, outside the person's own page."""

    list_display = ("survey", "round", "cohort", "submitted_at")
    exclude = ("free_text",)


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0


@admin.register(GoalLadder)
class GoalLadderAdmin(ReadOnlyAdmin):
    list_display = ("name", "cohort", "updated_at")


@admin.register(GoalStage)
class GoalStageAdmin(ReadOnlyAdmin):
    list_display = ("ladder", "kind", "title", "deadline_days", "deadline_date")
    inlines = [GoalInline]


@admin.register(GoalProgress)
class GoalProgressAdmin(ReadOnlyAdmin):
    list_display = ("user", "goal", "current", "target", "completed_at")
    list_select_related = ("user", "goal")


@admin.register(OnboardingPath)
class OnboardingPathAdmin(ReadOnlyAdmin):
    list_display = ("user", "started_at", "completed_at")
