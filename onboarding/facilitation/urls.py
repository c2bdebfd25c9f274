"""Facilitation, under /facilitate/: cohort tools, the prompt library, the first-timer queue, private reviews."""

from django.urls import path

from portal.lazyviews import lazy_view

app_name = "facilitation"

urlpatterns = [
    path("", lazy_view("onboarding.facilitation.views.cohorts.index"), name="index"),
    # a cohort's tools
    path("cohorts/<slug:slug>/", lazy_view("onboarding.facilitation.views.cohorts.console"), name="console"),
    path(
        "cohorts/<slug:slug>/settings/",
        lazy_view("onboarding.facilitation.views.cohorts.cohort_settings"),
        name="settings",
    ),
    path("cohorts/<slug:slug>/nudge/", lazy_view("onboarding.facilitation.views.cohorts.nudge"), name="nudge"),
    path("cohorts/<slug:slug>/buddies/", lazy_view("onboarding.facilitation.views.cohorts.buddies"), name="buddies"),
    path(
        "buddies/<int:pk>/remove/", lazy_view("onboarding.facilitation.views.cohorts.buddy_remove"), name="buddy-remove"
    ),
    # starter prompts
    path("cohorts/<slug:slug>/prompts/", lazy_view("onboarding.facilitation.views.prompts.schedule"), name="schedule"),
    path(
        "cohorts/<slug:slug>/prompts/new/",
        lazy_view("onboarding.facilitation.views.prompts.prompt_create"),
        name="prompt-create",
    ),
    path("prompts/<int:pk>/edit/", lazy_view("onboarding.facilitation.views.prompts.prompt_edit"), name="prompt-edit"),
    path(
        "prompts/<int:pk>/cancel/",
        lazy_view("onboarding.facilitation.views.prompts.prompt_cancel"),
        name="prompt-cancel",
    ),
    path("prompts/<int:pk>/move/", lazy_view("onboarding.facilitation.views.prompts.prompt_move"), name="prompt-move"),
    path(
        "prompts/<int:pk>/release/",
        lazy_view("onboarding.facilitation.views.prompts.prompt_release"),
        name="prompt-release",
    ),
    path("prompts/<int:pk>/save/", lazy_view("onboarding.facilitation.views.prompts.prompt_save"), name="prompt-save"),
    # the library
    path("library/", lazy_view("onboarding.facilitation.views.prompts.library"), name="library"),
    path("library/new/", lazy_view("onboarding.facilitation.views.prompts.template_create"), name="template-create"),
    path(
        "library/<int:pk>/edit/", lazy_view("onboarding.facilitation.views.prompts.template_edit"), name="template-edit"
    ),
    path(
        "library/<int:pk>/delete/",
        lazy_view("onboarding.facilitation.views.prompts.template_delete"),
        name="template-delete",
    ),
    path(
        "library/<int:pk>/clone/",
        lazy_view("onboarding.facilitation.views.prompts.library_clone"),
        name="library-clone",
    ),
    # first posts
    path("first-posts/", lazy_view("onboarding.facilitation.views.queue.first_timers"), name="first-timers"),
    path(
        "first-posts/<int:pk>/reply/",
        lazy_view("onboarding.facilitation.views.queue.first_timer_reply"),
        name="first-timer-reply",
    ),
    # private review
    path("reviews/", lazy_view("onboarding.facilitation.views.reviews.reviews"), name="reviews"),
    path("reviews/new/", lazy_view("onboarding.facilitation.views.reviews.review_create"), name="review-create"),
    path("reviews/<int:pk>/", lazy_view("onboarding.facilitation.views.reviews.review_detail"), name="review-detail"),
    path("reviews/<int:pk>/edit/", lazy_view("onboarding.facilitation.views.reviews.review_edit"), name="review-edit"),
    path(
        "reviews/<int:pk>/comment/",
        lazy_view("onboarding.facilitation.views.reviews.review_comment"),
        name="review-comment",
    ),
    path(
        "reviews/<int:pk>/publish/",
        lazy_view("onboarding.facilitation.views.reviews.review_publish"),
        name="review-publish",
    ),
    path(
        "reviews/<int:pk>/withdraw/",
        lazy_view("onboarding.facilitation.views.reviews.review_withdraw"),
        name="review-withdraw",
    ),
]
