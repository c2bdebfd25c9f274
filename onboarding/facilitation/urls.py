"""Facilitation, under /facilitate/: cohort tools, the prompt library, the first-timer queue, private reviews."""

from django.urls import path

from portal.lazyviews import lazy_view

app_name = "facilitation"


def view(name: str):
    """A view of ``onboarding.facilitation.views`` (``"module.function"``), imported by its first request."""
    return lazy_view(f"onboarding.facilitation.views.{name}")


urlpatterns = [
    path("", view("cohorts.index"), name="index"),
    # a cohort's tools
    path("cohorts/<slug:slug>/", view("cohorts.console"), name="console"),
    path("cohorts/<slug:slug>/settings/", view("cohorts.cohort_settings"), name="settings"),
    path("cohorts/<slug:slug>/nudge/", view("cohorts.nudge"), name="nudge"),
    path("cohorts/<slug:slug>/buddies/", view("cohorts.buddies"), name="buddies"),
    path("buddies/<int:pk>/remove/", view("cohorts.buddy_remove"), name="buddy-remove"),
    # starter prompts
    path("cohorts/<slug:slug>/prompts/", view("prompts.schedule"), name="schedule"),
    path("cohorts/<slug:slug>/prompts/new/", view("prompts.prompt_create"), name="prompt-create"),
    path("prompts/<int:pk>/edit/", view("prompts.prompt_edit"), name="prompt-edit"),
    path("prompts/<int:pk>/cancel/", view("prompts.prompt_cancel"), name="prompt-cancel"),
    path("prompts/<int:pk>/move/", view("prompts.prompt_move"), name="prompt-move"),
    path("prompts/<int:pk>/release/", view("prompts.prompt_release"), name="prompt-release"),
    path("prompts/<int:pk>/save/", view("prompts.prompt_save"), name="prompt-save"),
    # the library
    path("library/", view("prompts.library"), name="library"),
    path("library/new/", view("prompts.template_create"), name="template-create"),
    path("library/<int:pk>/edit/", view("prompts.template_edit"), name="template-edit"),
    path("library/<int:pk>/delete/", view("prompts.template_delete"), name="template-delete"),
    path("library/<int:pk>/clone/", view("prompts.library_clone"), name="library-clone"),
    # first posts
    path("first-posts/", view("queue.first_timers"), name="first-timers"),
    path("first-posts/<int:pk>/reply/", view("queue.first_timer_reply"), name="first-timer-reply"),
    # private review
    path("reviews/", view("reviews.reviews"), name="reviews"),
    path("reviews/new/", view("reviews.review_create"), name="review-create"),
    path("reviews/<int:pk>/", view("reviews.review_detail"), name="review-detail"),
    path("reviews/<int:pk>/edit/", view("reviews.review_edit"), name="review-edit"),
    path("reviews/<int:pk>/comment/", view("reviews.review_comment"), name="review-comment"),
    path("reviews/<int:pk>/publish/", view("reviews.review_publish"), name="review-publish"),
    path("reviews/<int:pk>/withdraw/", view("reviews.review_withdraw"), name="review-withdraw"),
]
