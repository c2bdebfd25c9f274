"""The guided first steps: done by doing the real thing, resumable, optional steps skippable, on the home page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from metrics.verbs import Verb
from onboarding.models import Lesson, Survey
from onboarding.selectors.path import path_state
from onboarding.services.lessons import lesson_complete
from onboarding.services.path import cohort_onboarding_update, path_mark_seen, path_skip
from onboarding.services.policy import policy_acknowledge
from onboarding.services.surveys import survey_submit
from tests.factories.forums import BoardFactory, TopicFactory
from tests.onboarding.helpers import record

pytestmark = pytest.mark.django_db


def keys(state):
    return [s.key for s in state.steps if s.finished]


def test_the_path_follows_real_progress(cohort, facilitator):
    from tests.factories import member_of

    leader = member_of(cohort, policy_acknowledged=False)
    leader.profile.completed_at = None
    leader.profile.save()
    state = path_state(leader)
    assert [s.key for s in state.steps] == ["welcome", "survey", "policy", "profile", "lesson", "practice", "goals"]
    assert state.next_step.key == "welcome" and keys(state) == []
    path_mark_seen(user=leader, step="welcome")
    survey = Survey.objects.get(slug="leader-readiness")
    survey_submit(actor=leader, survey=survey, round="before", scores={i.pk: 3 for i in survey.items.all()})
    policy_acknowledge(actor=leader)
    assert path_state(leader).next_step.key == "profile"
    leader.profile.completed_at = leader.date_joined
    leader.profile.save()
    lesson_complete(actor=leader, lesson=Lesson.objects.get(slug="how-a-discussion-board-works"))
    assert path_state(leader).next_step.key == "practice"
    prompt = TopicFactory(board=BoardFactory(cohort=cohort), author=facilitator)
    record(facilitator, Verb.TOPIC_CREATED, target=prompt, cohort=cohort)
    record(leader, Verb.POST_CREATED, target=prompt.first_post, context=prompt, cohort=cohort)
    assert path_state(leader).next_step.key == "goals"
    path_mark_seen(user=leader, step="goals")
    assert path_state(leader).complete


def test_only_steps_the_cohort_made_optional_can_be_skipped(leader, cohort, facilitator, other_facilitator):
    with pytest.raises(ValidationError):
        path_skip(user=leader, step="survey")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        cohort_onboarding_update(actor=other_facilitator, cohort=cohort, optional_steps=["survey"])
    with pytest.raises(ValidationError):
        cohort_onboarding_update(actor=facilitator, cohort=cohort, optional_steps=["policy"])
    cohort_onboarding_update(actor=facilitator, cohort=cohort, optional_steps=["survey", "practice"])
    path_skip(user=leader, step="survey")
    state = path_state(leader)
    survey_step = next(s for s in state.steps if s.key == "survey")
    assert survey_step.skipped and survey_step.finished and not survey_step.done
    with pytest.raises(ValidationError):
        path_skip(user=leader, step="policy")


def test_home_page_shows_the_next_step_and_the_goals(client, leader):
    client.force_login(leader)
    html = client.get(reverse("home")).content.decode()
    assert "Getting started · 2 of 7 steps done" in html and "Next: Welcome" in html
    assert "Your goals: Crawl" in html and "Connect with 10 colleagues" in html
    client.post(reverse("onboarding:welcome"))
    html = client.get(reverse("home")).content.decode()
    assert "Next: Readiness survey" in html


def test_path_page_offers_skip_only_for_optional_steps(client, leader, cohort, facilitator):
    cohort_onboarding_update(actor=facilitator, cohort=cohort, optional_steps=["lesson"])
    client.force_login(leader)
    html = client.get(reverse("onboarding:path")).content.decode()
    assert html.count("Skip for now") == 1
    response = client.post(reverse("onboarding:path-skip", args=["lesson"]))
    assert response.status_code == 302
    assert client.post(reverse("onboarding:path-skip", args=["policy"])).status_code == 302
    state = path_state(leader)
    assert next(s for s in state.steps if s.key == "lesson").skipped
    assert not next(s for s in state.steps if s.key == "policy").skipped


def _step(state, key):
    return next(s for s in state.steps if s.key == key)


def test_survey_and_lesson_steps_link_to_the_cohorts_own_else_the_default(cohort, facilitator):
    """The path reads its cohort's facts in one query (issue 13); the links are the ones each selector names."""
    from onboarding.models import Curriculum, CurriculumItem
    from tests.factories import SurveyFactory, UserFactory, member_of

    newcomer = member_of(cohort, policy_acknowledged=False)
    outsider = UserFactory()  # in no cohort: the surveys and curriculum for every cohort
    first_default = CurriculumItem.objects.filter(curriculum__cohort=None, lesson__is_published=True)
    default_lesson = first_default.order_by("position").first().lesson
    for person in (newcomer, outsider):
        state = path_state(person)
        assert _step(state, "survey").url == reverse("onboarding:survey-take", args=["leader-readiness", "before"])
        assert _step(state, "lesson").url == reverse("onboarding:lesson-detail", args=[default_lesson.slug])

    # The cohort's own survey (the newest) and its own curriculum, whose first published lesson comes first.
    SurveyFactory(slug="older-own", cohort=cohort)
    SurveyFactory(slug="own-readiness", cohort=cohort)
    other = Lesson.objects.filter(is_published=True).exclude(pk=default_lesson.pk).first()
    own = Curriculum.objects.create(cohort=cohort, name="Harbour Pilots")
    CurriculumItem.objects.create(curriculum=own, lesson=other, position=1)
    state = path_state(newcomer)
    assert _step(state, "survey").url == reverse("onboarding:survey-take", args=["own-readiness", "before"])
    assert _step(state, "lesson").url == reverse("onboarding:lesson-detail", args=[other.slug])
    assert _step(path_state(outsider), "survey").url.endswith("/leader-readiness/before/")

    # Answering the cohort's survey finishes the step; completing any lesson finishes the lesson step.
    survey = Survey.objects.get(slug="own-readiness")
    survey_submit(actor=newcomer, survey=survey, round="before", scores={i.pk: 3 for i in survey.items.all()})
    lesson_complete(actor=newcomer, lesson=default_lesson)
    state = path_state(newcomer)
    assert _step(state, "survey").done and _step(state, "lesson").done
    assert _step(state, "lesson").url == reverse("onboarding:index") + "#curriculum"
    assert not _step(state, "policy").done
    policy_acknowledge(actor=newcomer)
    assert _step(path_state(newcomer), "policy").done
