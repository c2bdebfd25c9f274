"""Learn: lessons, the guided path, the policy, surveys, goals, the coach, and authoring (under manage/)."""

from django.urls import path

from .views import authoring, coach, learn, policy, surveys

app_name = "onboarding"

urlpatterns = [
    path("", learn.index, name="index"),
    path("start/", learn.path, name="path"),
    path("start/welcome/", learn.welcome, name="welcome"),
    path("start/next/", learn.path_next, name="path-next"),
    path("start/skip/<slug:step>/", learn.path_skip, name="path-skip"),
    path("start/practice/", learn.practice, name="practice"),
    path("lessons/<slug:slug>/", learn.lesson_detail, name="lesson-detail"),
    path("lessons/<slug:slug>/complete/", learn.lesson_complete, name="lesson-complete"),
    path("goals/", learn.goals, name="goals"),
    path("policy/", policy.policy, name="policy"),
    path("policy/versions/<int:pk>/", policy.policy_version, name="policy-version"),
    path("policy/acknowledge/", policy.policy_acknowledge, name="policy-acknowledge"),
    path("policy/publish/", policy.policy_publish, name="policy-publish"),
    path("policy/acknowledgements.csv", policy.policy_export, name="policy-export"),
    path("surveys/<slug:slug>/mine/", surveys.survey_mine, name="survey-mine"),
    path("surveys/<slug:slug>/<slug:round>/", surveys.survey_take, name="survey-take"),
    path("coach/check/", coach.coach_check, name="coach-check"),
    path("cohorts/<slug:slug>/goals/", authoring.cohort_goals, name="cohort-goals"),
    # authoring
    path("manage/", authoring.manage, name="manage"),
    path("manage/lessons/new/", authoring.lesson_create, name="lesson-create"),
    path("manage/lessons/<slug:slug>/", authoring.lesson_edit, name="lesson-edit"),
    path("manage/curriculum/", authoring.curriculum_edit, name="curriculum-edit"),
    path("manage/goals/", authoring.ladder_edit, name="ladder-edit"),
    path("manage/goals/stages/<int:pk>/", authoring.stage_edit, name="stage-edit"),
    path("manage/goals/stages/<int:pk>/add/", authoring.goal_add, name="goal-add"),
    path("manage/goals/<int:pk>/", authoring.goal_edit, name="goal-edit"),
    path("manage/goals/<int:pk>/delete/", authoring.goal_delete, name="goal-delete"),
    path("manage/cohorts/<slug:slug>/", authoring.cohort_settings, name="cohort-settings"),
    path("manage/coach/", coach.coach_rules, name="coach-rules"),
    path("manage/coach/rules/<slug:key>/", coach.coach_rule_update, name="coach-rule-update"),
    path("manage/coach/terms/", coach.coach_terms, name="coach-terms"),
    path("manage/coach/terms/<int:pk>/delete/", coach.coach_term_delete, name="coach-term-delete"),
    path("manage/surveys/", surveys.survey_list, name="survey-list"),
    path("manage/surveys/new/", surveys.survey_create, name="survey-create"),
    path("manage/surveys/<slug:slug>/", surveys.survey_edit, name="survey-edit"),
    path("manage/surveys/<slug:slug>/results/", surveys.survey_results, name="survey-results"),
    path("manage/surveys/<slug:slug>/round/", surveys.survey_round, name="survey-round"),
]
