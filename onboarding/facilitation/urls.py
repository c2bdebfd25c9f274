"""Facilitation, under /facilitate/: cohort tools, the prompt library, the first-timer queue, private reviews."""

from django.urls import path

from .views import cohorts, prompts, queue, reviews

app_name = "facilitation"

urlpatterns = [
    path("", cohorts.index, name="index"),
    # a cohort's tools
    path("cohorts/<slug:slug>/", cohorts.console, name="console"),
    path("cohorts/<slug:slug>/settings/", cohorts.cohort_settings, name="settings"),
    path("cohorts/<slug:slug>/nudge/", cohorts.nudge, name="nudge"),
    path("cohorts/<slug:slug>/buddies/", cohorts.buddies, name="buddies"),
    path("buddies/<int:pk>/remove/", cohorts.buddy_remove, name="buddy-remove"),
    # starter prompts
    path("cohorts/<slug:slug>/prompts/", prompts.schedule, name="schedule"),
    path("cohorts/<slug:slug>/prompts/new/", prompts.prompt_create, name="prompt-create"),
    path("prompts/<int:pk>/edit/", prompts.prompt_edit, name="prompt-edit"),
    path("prompts/<int:pk>/cancel/", prompts.prompt_cancel, name="prompt-cancel"),
    path("prompts/<int:pk>/move/", prompts.prompt_move, name="prompt-move"),
    path("prompts/<int:pk>/release/", prompts.prompt_release, name="prompt-release"),
    path("prompts/<int:pk>/save/", prompts.prompt_save, name="prompt-save"),
    # the library
    path("library/", prompts.library, name="library"),
    path("library/new/", prompts.template_create, name="template-create"),
    path("library/<int:pk>/edit/", prompts.template_edit, name="template-edit"),
    path("library/<int:pk>/delete/", prompts.template_delete, name="template-delete"),
    path("library/<int:pk>/clone/", prompts.library_clone, name="library-clone"),
    # first posts
    path("first-posts/", queue.first_timers, name="first-timers"),
    path("first-posts/<int:pk>/reply/", queue.first_timer_reply, name="first-timer-reply"),
    # private review
    path("reviews/", reviews.reviews, name="reviews"),
    path("reviews/new/", reviews.review_create, name="review-create"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review-detail"),
    path("reviews/<int:pk>/edit/", reviews.review_edit, name="review-edit"),
    path("reviews/<int:pk>/comment/", reviews.review_comment, name="review-comment"),
    path("reviews/<int:pk>/publish/", reviews.review_publish, name="review-publish"),
    path("reviews/<int:pk>/withdraw/", reviews.review_withdraw, name="review-withdraw"),
]
