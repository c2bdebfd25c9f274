"""People directory, profiles, follows and cohorts (URL names under ``people:``)."""

from django.urls import path

from portal.people.views import cohorts, people

urlpatterns = [
    path("", people.directory, name="directory"),
    path("me/edit/", people.profile_edit, name="profile-edit"),
    path("<int:pk>/", people.profile, name="profile"),
    path("<int:pk>/edit/", people.profile_edit_person, name="profile-edit-person"),
    path("<int:pk>/follow/", people.follow, name="follow"),
    path("<int:pk>/unfollow/", people.unfollow, name="unfollow"),
    path("<int:pk>/followers/", people.followers, name="followers"),
    path("<int:pk>/following/", people.following, name="following"),
    path("cohorts/", cohorts.cohort_list, name="cohorts"),
    path("cohorts/new/", cohorts.cohort_create, name="cohort-create"),
    path("cohorts/<slug:slug>/", cohorts.cohort_detail, name="cohort"),
    path("cohorts/<slug:slug>/edit/", cohorts.cohort_edit, name="cohort-edit"),
    path("cohorts/<slug:slug>/sessions/new/", cohorts.session_create, name="session-create"),
    path("cohorts/<slug:slug>/sessions/<int:pk>/edit/", cohorts.session_edit, name="session-edit"),
    path("cohorts/<slug:slug>/sessions/<int:pk>/delete/", cohorts.session_delete, name="session-delete"),
    path("cohorts/<slug:slug>/members/", cohorts.cohort_members, name="cohort-members"),
    path("cohorts/<slug:slug>/members/<int:user_pk>/kind/", cohorts.member_kind, name="cohort-member-kind"),
    path("cohorts/<slug:slug>/members/<int:user_pk>/remove/", cohorts.member_remove, name="cohort-member-remove"),
]
