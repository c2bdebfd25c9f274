"""Lessons authored in the portal, curricula per cohort, progress, and practice tasks from real activity."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.models import Curriculum, Lesson, LessonProgress
from onboarding.selectors.lessons import learn_page, practice_status
from onboarding.services.lessons import (
    curriculum_set,
    lesson_complete,
    lesson_practice_refresh,
    lesson_save,
    lesson_start,
)
from tests.factories import FollowFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

TOPICS = [
    "how-a-discussion-board-works",
    "what-to-ask-and-share",
    "how-to-reply",
    "reading-and-commenting-on-blogs",
    "writing-your-first-blog-entry",
    "policy-and-privileged-information",
    "why-leaders-take-part",
    "following-and-your-feed",
]


def test_default_curriculum_covers_the_eight_topics(leader):
    page = learn_page(leader)
    assert [c.lesson.slug for c in page["cards"]] == TOPICS
    for card in page["cards"]:
        assert card.lesson.steps.count() >= 3
        assert card.status == "not_started"


def test_authoring_sanitises_steps_and_example_and_needs_a_step(facilitator):
    lesson = lesson_save(
        actor=facilitator,
        title="Asking for feedback",
        summary="How to ask colleagues for honest feedback.",
        steps=[("Why", '<p onmouseover="x()">Because <script>alert(1)</script>it helps.</p>'), ("", "")],
        example_html='<p>Could you tell me <a href="javascript:evil()">one thing</a>?</p>',
        example_kind="topic",
        practice_criterion="start_topics",
        practice_params={"n": 1},
    )
    step = lesson.steps.get()
    assert "script" not in step.body_html and "onmouseover" not in step.body_html
    assert "javascript" not in lesson.example_html
    assert lesson.slug == "asking-for-feedback"
    assert lesson.practice_text == "Start 1 topic(s)"
    with pytest.raises(ValidationError) as exc:
        lesson_save(actor=facilitator, title="", summary="", steps=[("Empty", "<p> </p>")])
    assert set(exc.value.message_dict) == {"title", "summary", "steps"}
    with pytest.raises(ValidationError) as exc:
        lesson_save(actor=facilitator, title="T", summary="S", steps=[("a", "<p>b</p>")], practice_criterion="nope")
    assert "practice_criterion" in exc.value.message_dict


def test_leaders_cannot_author(leader):
    with pytest.raises(PermissionDenied):
        lesson_save(actor=leader, title="T", summary="S", steps=[("a", "<p>b</p>")])


def test_progress_is_recorded_once_and_lessons_can_be_revisited(leader):
    lesson = Lesson.objects.get(slug="how-to-reply")
    lesson_start(actor=leader, lesson=lesson)
    lesson_start(actor=leader, lesson=lesson)
    first = lesson_complete(actor=leader, lesson=lesson)
    again = lesson_complete(actor=leader, lesson=lesson)
    assert first.completed_at == again.completed_at
    assert Activity.objects.filter(actor=leader, verb=Verb.LESSON_STARTED).count() == 1
    assert Activity.objects.filter(actor=leader, verb=Verb.LESSON_COMPLETED).count() == 1
    page = learn_page(leader)
    card = next(c for c in page["cards"] if c.lesson == lesson)
    assert card.status == "completed" and page["done_count"] == 1


def test_practice_task_completes_itself_from_real_activity(leader):
    lesson = Lesson.objects.get(slug="following-and-your-feed")  # practice: follow three colleagues
    progress = lesson_start(actor=leader, lesson=lesson)
    assert not practice_status(leader, lesson, progress).done
    for _ in range(3):
        FollowFactory(follower=leader, followee=UserFactory())
    assert practice_status(leader, lesson, progress).done
    assert lesson_practice_refresh(user=leader) == 1
    assert LessonProgress.objects.get(pk=progress.pk).practice_done_at is not None


def test_a_cohort_curriculum_replaces_the_default_for_its_members(cohort, other_cohort, facilitator, analyst):
    chosen = list(Lesson.objects.filter(slug__in=TOPICS[:2]).order_by("-slug"))
    with pytest.raises(PermissionDenied):
        curriculum_set(actor=facilitator, cohort=None, lesson_ids=[x.pk for x in chosen])
    with pytest.raises(PermissionDenied):
        curriculum_set(actor=facilitator, cohort=other_cohort, lesson_ids=[x.pk for x in chosen])
    curriculum_set(actor=facilitator, cohort=cohort, lesson_ids=[x.pk for x in chosen])
    assert [c.lesson for c in learn_page(member_of(cohort))["cards"]] == chosen
    assert len(learn_page(member_of(other_cohort))["cards"]) == 8
    with pytest.raises(ValidationError):
        curriculum_set(actor=analyst, cohort=None, lesson_ids=[999999])
    assert Curriculum.objects.filter(cohort__isnull=True).get().items.count() == 8


def test_lesson_page_shows_steps_example_and_practice(client, leader):
    client.force_login(leader)
    response = client.get(reverse("onboarding:lesson-detail", args=["how-a-discussion-board-works"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Boards, topics, replies" in html and "Example discussion topic" in html
    assert "Reply to this week&#x27;s starter prompt" in html or "starter prompt" in html
    assert LessonProgress.objects.filter(user=leader).count() == 1
    done = client.post(reverse("onboarding:lesson-complete", args=["how-a-discussion-board-works"]))
    assert done.status_code == 302 and done.url == reverse("onboarding:lesson-detail", args=["what-to-ask-and-share"])


def test_unpublished_lessons_are_hidden_from_learners(client, leader, facilitator):
    lesson = lesson_save(actor=facilitator, title="Draft", summary="S", steps=[("a", "<p>b</p>")], is_published=False)
    client.force_login(leader)
    assert client.get(lesson.get_absolute_url()).status_code == 404
    client.force_login(facilitator)
    assert client.get(lesson.get_absolute_url()).status_code == 200


def test_lesson_form_in_the_portal(client, facilitator):
    client.force_login(facilitator)
    data = {
        "title": "Thanking people in public",
        "summary": "Why and how.",
        "example_kind": "",
        "example_title": "",
        "example_html": "",
        "practice_criterion": "reply",
        "practice_n": "2",
        "practice_text": "",
        "is_published": "on",
        "steps-TOTAL_FORMS": "2",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "20",
        "steps-0-title": "Say thank you",
        "steps-0-body": "<p>Name the person and what they did.</p>",
        "steps-1-title": "",
        "steps-1-body": "",
    }
    response = client.post(reverse("onboarding:lesson-create"), data)
    assert response.status_code == 302
    lesson = Lesson.objects.get(slug="thanking-people-in-public")
    assert lesson.practice_params == {"n": 2} and lesson.steps.count() == 1
    data["steps-0-body"] = "<p> </p>"
    response = client.post(reverse("onboarding:lesson-edit", args=[lesson.slug]), data)
    assert response.status_code == 400 and b"has no text" in response.content
    assert lesson.steps.get().body_html == "<p>Name the person and what they did.</p>"
