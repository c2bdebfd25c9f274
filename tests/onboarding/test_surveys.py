"""Readiness surveys: validation, one response per round, own results, rounds, the programme diagnostic."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.models import Survey, SurveyResponse, SurveyRound
from onboarding.selectors.surveys import diagnostic_results, leader_survey_for, my_results
from onboarding.services.surveys import survey_round_schedule, survey_rounds_open, survey_save, survey_submit
from portal.notifications.models import Notification
from tests.factories import UserFactory, member_of

pytestmark = pytest.mark.django_db
ONE_MINUTE = timedelta(minutes=1)


@pytest.fixture
def survey():
    return Survey.objects.get(slug="leader-readiness")


def all_fours(survey):
    return {item.pk: 4 for item in survey.items.all()}


def test_default_surveys_are_shipped(survey):
    assert survey.items.count() >= 8
    assert all(i.low_label and i.high_label for i in survey.items.all())
    diagnostic = Survey.objects.get(slug="programme-readiness-diagnostic")
    assert diagnostic.audience == "programme" and diagnostic.is_diagnostic
    themes = set(diagnostic.items.values_list("theme", flat=True))
    assert themes == {
        "Strategy",
        "Accountability",
        "Measurement",
        "Team fluency",
        "Platform and IT support",
        "Forum timing",
    }


def test_submit_records_scores_per_item_and_never_the_comment(leader, survey):
    scores = all_fours(survey)
    response = survey_submit(actor=leader, survey=survey, round="before", scores=scores, free_text="I am nervous.")
    assert response.answers.count() == len(scores)
    activity = Activity.objects.get(actor=leader, verb=Verb.SURVEY_ANSWERED)
    assert activity.data["survey"] == survey.pk and activity.data["round"] == "before"
    assert activity.data["scores"] == {str(k): 4 for k in scores}
    assert "nervous" not in str(activity.data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("missing", "Please choose a rating from 1 to 5."),
        ("zero", "Ratings go from 1 to 5."),
        ("six", "Ratings go from 1 to 5."),
        ("text", "Ratings are whole numbers from 1 to 5."),
    ],
)
def test_bad_answers_are_refused_with_a_clear_error_and_nothing_is_written(leader, survey, change, message):
    scores = all_fours(survey)
    first = next(iter(scores))
    if change == "missing":
        del scores[first]
    else:
        scores[first] = {"zero": 0, "six": 6, "text": "lots"}[change]
    with pytest.raises(ValidationError) as exc:
        survey_submit(actor=leader, survey=survey, round="before", scores=scores)
    assert exc.value.message_dict[f"item_{first}"] == [message]
    assert not SurveyResponse.objects.exists()
    assert not Activity.objects.filter(verb=Verb.SURVEY_ANSWERED).exists()


def test_one_response_per_member_per_round(leader, survey):
    survey_submit(actor=leader, survey=survey, round="before", scores=all_fours(survey))
    with pytest.raises(ValidationError, match="already answered the before round"):
        survey_submit(actor=leader, survey=survey, round="before", scores=all_fours(survey))
    assert SurveyResponse.objects.count() == 1


def test_after_round_opens_only_when_scheduled(leader, cohort, facilitator, survey):
    with pytest.raises(ValidationError, match="has not opened"):
        survey_submit(actor=leader, survey=survey, round="after", scores=all_fours(survey))
    survey_round_schedule(
        actor=facilitator, survey=survey, cohort=cohort, opens_at=timezone.now() - timedelta(minutes=1)
    )
    survey_submit(actor=leader, survey=survey, round="before", scores={k: 2 for k in all_fours(survey)})
    survey_submit(actor=leader, survey=survey, round="after", scores=all_fours(survey))
    results = my_results(survey, leader)
    assert all(r.before == 2 and r.after == 4 and r.change == 2 for r in results)


def test_after_round_invitations_go_out_once(cohort, facilitator, survey):
    waiting, answered = member_of(cohort), member_of(cohort)
    elsewhere = UserFactory()
    survey_round_schedule(
        actor=facilitator, survey=survey, cohort=cohort, opens_at=timezone.now() - timedelta(minutes=1)
    )
    survey_submit(actor=answered, survey=survey, round="after", scores=all_fours(survey))
    assert survey_rounds_open() == 1
    assert survey_rounds_open() == 0
    note = Notification.objects.get(recipient=waiting, event="survey")
    assert note.url == reverse("onboarding:survey-take", args=[survey.slug, "after"])
    assert not Notification.objects.filter(recipient__in=[answered, elsewhere]).exists()
    with pytest.raises(ValidationError, match="already gone out"):
        survey_round_schedule(actor=facilitator, survey=survey, cohort=cohort, opens_at=timezone.now())


def test_round_scheduling_is_for_the_cohorts_own_facilitators(cohort, other_facilitator, survey):
    with pytest.raises(PermissionDenied):
        survey_round_schedule(actor=other_facilitator, survey=survey, cohort=cohort, opens_at=timezone.now())
    assert not SurveyRound.objects.exists()


def test_leaders_cannot_take_the_programme_diagnostic(leader):
    diagnostic = Survey.objects.get(slug="programme-readiness-diagnostic")
    with pytest.raises(PermissionDenied):
        survey_submit(actor=leader, survey=diagnostic, round="before", scores={})


def test_a_cohort_survey_replaces_the_default_for_its_members(cohort, other_cohort, analyst):
    own = survey_save(
        actor=analyst,
        title="Northern readiness",
        intro="",
        audience="leaders",
        cohort=cohort,
        items=[{"text": "I am ready."}],
    )
    assert leader_survey_for(member_of(cohort)) == own
    assert leader_survey_for(member_of(other_cohort)).slug == "leader-readiness"


def test_survey_items_are_fixed_once_answered(leader, analyst, survey):
    items = [{"text": i.text, "theme": i.theme} for i in survey.items.order_by("position")]
    survey_submit(actor=leader, survey=survey, round="before", scores=all_fours(survey))
    with pytest.raises(ValidationError, match="cannot change"):
        survey_save(
            actor=analyst,
            survey=survey,
            title=survey.title,
            intro="",
            audience="leaders",
            items=[*items, {"text": "A new statement"}],
        )
    items[0]["theme"] = "Renamed theme"
    survey_save(actor=analyst, survey=survey, title="Renamed", intro="", audience="leaders", items=items)
    survey.refresh_from_db()
    assert survey.title == "Renamed" and survey.items.get(position=1).theme == "Renamed theme"


def test_only_l_and_d_author_surveys(facilitator, leader):
    for person in (facilitator, leader):
        with pytest.raises(PermissionDenied):
            survey_save(actor=person, title="x", intro="", audience="leaders", items=[{"text": "y"}])


def test_diagnostic_shows_gaps_and_early_wins_per_theme_once_enough_answered(settings):
    settings.ONBOARDING_DIAGNOSTIC_MIN_RESPONSES = 3
    diagnostic = Survey.objects.get(slug="programme-readiness-diagnostic")
    team = [UserFactory(roles=("facilitator",)) for _ in range(3)]
    by_theme = {"Strategy": 1, "Accountability": 2, "Measurement": 3, "Team fluency": 4, "Platform and IT support": 5}
    for n, person in enumerate(team):
        scores = {item.pk: by_theme.get(item.theme, 3) for item in diagnostic.items.all()}
        survey_submit(actor=person, survey=diagnostic, round="before", scores=scores)
        result = diagnostic_results(diagnostic)
        assert result["enough"] is (n == 2)
    verdicts = {t.theme: t.verdict for t in result["themes"]}
    assert verdicts["Strategy"] == verdicts["Accountability"] == "gap"
    assert verdicts["Measurement"] == verdicts["Forum timing"] == "early_win"
    assert verdicts["Team fluency"] == verdicts["Platform and IT support"] == "strength"
    strategy = next(t for t in result["themes"] if t.theme == "Strategy")
    assert strategy.mean == 1 and strategy.advice.startswith("Write one page")


def test_survey_page_shows_errors_and_keeps_answers(client, leader, survey):
    client.force_login(leader)
    url = reverse("onboarding:survey-take", args=[survey.slug, "before"])
    items = list(survey.items.order_by("position"))
    data = {f"item_{i.pk}": "3" for i in items[1:]}
    response = client.post(url, data)
    assert response.status_code == 400
    assert b"Please choose a rating from 1 to 5." in response.content
    assert response.content.count(b'value="3"') == len(items)  # every radio group re-rendered
    assert response.content.count(b" checked") == len(items) - 1  # the answers given are kept
    data[f"item_{items[0].pk}"] = "5"
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == reverse("onboarding:survey-mine", args=[survey.slug])
    again = client.post(url, data)
    assert b"You answered the before round" in again.content
    assert SurveyResponse.objects.count() == 1
