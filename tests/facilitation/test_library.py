"""The prompt library and the schedule: shipped prompts, one-click clones at the suggested time, saved prompts,
reordering, editing and cancelling unreleased prompts."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from onboarding.facilitation import services
from onboarding.facilitation.library import SHIPPED_PROMPTS
from onboarding.facilitation.models import PromptCategory, PromptTemplate, ScheduledPrompt
from onboarding.facilitation.services import When
from tests.factories import BoardFactory, CohortFactory, PromptTemplateFactory, ScheduledPromptFactory

pytestmark = pytest.mark.django_db


def test_the_library_ships_at_least_twenty_prompts_across_every_category():
    shipped = PromptTemplate.objects.filter(key__isnull=False)
    assert shipped.count() == len(SHIPPED_PROMPTS) >= 20
    assert set(shipped.values_list("category", flat=True)) == set(PromptCategory.values)
    assert len(set(shipped.values_list("title", flat=True))) == shipped.count()
    assert not shipped.filter(owner__isnull=False).exists()


def test_installing_again_adds_nothing_and_revives_nothing():
    PromptTemplate.objects.filter(key="input-stop-doing").update(archived_at=timezone.now(), title="Edited")
    assert services.library_install() == 0
    kept = PromptTemplate.objects.get(key="input-stop-doing")
    assert kept.title == "Edited" and kept.archived_at is not None


def test_one_click_clone_times_the_prompt_around_the_session(facilitator, cohort, board, sessions):
    template = PromptTemplate.objects.get(key="reflect-one-idea")  # the morning after, 08:00

    prompt = services.prompt_clone(
        actor=facilitator, template=template, cohort=cohort, board=board, session=sessions[0]
    )

    local = sessions[0].starts_at.astimezone(timezone.get_current_timezone())
    assert prompt.release_at.astimezone(local.tzinfo).date() == local.date() + timedelta(days=1)
    assert prompt.release_at.astimezone(local.tzinfo).time() == time(8, 0)
    assert (prompt.session, prompt.offset_days, prompt.at_time, prompt.source) == (sessions[0], 1, time(8, 0), template)
    assert prompt.title == template.title and prompt.body == template.body


def test_placeholders_are_filled_and_escaped(facilitator, board):
    cohort = board.cohort
    cohort.name = "R&D <Leads>"
    cohort.save()
    template = PromptTemplate.objects.get(key="welcome-three-lines")
    prompt = services.prompt_clone(actor=facilitator, template=template, cohort=cohort, board=board)
    assert prompt.title == "Welcome to Northern Lights lounge: introduce yourself in three lines"
    assert "R&amp;D &lt;Leads&gt;" in prompt.body and "<Leads>" not in prompt.body
    assert prompt.release_at is None and prompt.session is None  # no session: queued without a time


def test_cloning_three_from_the_library_page(client, facilitator, cohort, board, sessions):
    client.force_login(facilitator)
    page = client.get(reverse("facilitation:library") + f"?cohort={cohort.slug}").content.decode()
    assert "Add to Northern Lights" in page
    keys = ["reflect-before-we-meet", "decision-this-week", "reflect-one-idea"]
    for key in keys:
        template = PromptTemplate.objects.get(key=key)
        response = client.post(
            reverse("facilitation:library-clone", args=[template.pk]),
            {"cohort": cohort.pk, "board": board.pk, "session": sessions[0].pk},
        )
        assert response.status_code == 302
    prompts = list(ScheduledPrompt.objects.order_by("release_at"))
    assert [p.source.key for p in prompts] == keys
    assert [p.offset_days for p in prompts] == [-2, 1, 1]
    assert all(p.session == sessions[0] for p in prompts)


def test_facilitators_save_edit_and_remove_their_own_prompts(facilitator, other_facilitator, admin_user):
    template = services.template_save(
        actor=facilitator, title="What did the depot teach you?", body="<p>Tell us.</p>", kind="discussion",
        category="lessons", offset_days=3, at_time=time(9, 0),
    )  # fmt: skip
    assert template.owner == facilitator and not template.is_shipped
    with pytest.raises(PermissionDenied):
        services.template_save(
            actor=other_facilitator, template=template, title="Taken over", body="<p>x</p>", kind="discussion",
            category="lessons",
        )  # fmt: skip
    services.template_save(
        actor=admin_user, template=template, title="Tidied by an admin", body="<p>x</p>", kind="question",
        category="input",
    )  # fmt: skip
    services.template_archive(actor=facilitator, template=template)
    assert PromptTemplate.objects.get(pk=template.pk).archived_at is not None


def test_shipped_prompts_are_read_only(admin_user):
    shipped = PromptTemplate.objects.filter(key__isnull=False).first()
    with pytest.raises(PermissionDenied):
        services.template_archive(actor=admin_user, template=shipped)


def test_saving_a_scheduled_prompt_keeps_its_timing_as_the_suggestion(facilitator, cohort, board, sessions):
    prompt = services.prompt_schedule(
        actor=facilitator, cohort=cohort, board=board, title="Our own good prompt", body="<p>x</p>",
        when=When.relative(sessions[1], -3, time(7, 30)),
    )  # fmt: skip
    template = services.template_from_prompt(actor=facilitator, prompt=prompt)
    assert (template.suggested_offset_days, template.suggested_time) == (-3, time(7, 30))


def test_moving_a_prompt_swaps_it_with_its_neighbour_and_the_times_stay(facilitator, cohort, board):
    soon, later = timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=5)
    a = ScheduledPromptFactory(cohort=cohort, board=board, title="First prompt", release_at=soon)
    b = ScheduledPromptFactory(cohort=cohort, board=board, title="Second prompt", release_at=later)
    queued = ScheduledPromptFactory(cohort=cohort, board=board, title="Whenever", release_at=None)

    services.prompt_move(actor=facilitator, prompt=b, direction="up")

    a.refresh_from_db()
    b.refresh_from_db()
    assert (b.release_at, a.release_at) == (soon, later)
    services.prompt_move(actor=facilitator, prompt=a, direction="down")  # now swaps with the untimed one
    a.refresh_from_db()
    queued.refresh_from_db()
    assert a.release_at is None and queued.release_at == later
    assert services.prompt_move(actor=facilitator, prompt=b, direction="up").release_at == soon  # already first


def test_released_prompts_do_not_move(facilitator, cohort, board):
    released = ScheduledPromptFactory(cohort=cohort, board=board, status="released", released_at=timezone.now())
    with pytest.raises(ValidationError):
        services.prompt_move(actor=facilitator, prompt=released, direction="up")


def test_prompts_only_on_the_cohorts_own_boards(facilitator, cohort, other_board):
    with pytest.raises(ValidationError) as error:
        services.prompt_schedule(
            actor=facilitator, cohort=cohort, board=other_board, title="Wrong board", body="<p>x</p>"
        )
    assert "board" in error.value.message_dict


def test_the_schedule_page_lists_prompts_with_their_timing(client, facilitator, cohort, board, sessions):
    services.prompt_clone(
        actor=facilitator, template=PromptTemplate.objects.get(key="reflect-one-idea"), cohort=cohort, board=board,
        session=sessions[1],
    )  # fmt: skip
    client.force_login(facilitator)
    page = client.get(reverse("facilitation:schedule", args=[cohort.slug])).content.decode()
    assert "One idea from the session you will try this week" in page
    assert "The morning after session 2" in page


def test_the_prompt_form_schedules_and_shows_errors(client, facilitator, cohort, board, sessions):
    client.force_login(facilitator)
    url = reverse("facilitation:prompt-create", args=[cohort.slug])
    data = {
        "board": board.pk, "title": "A question to start the week", "kind": "question", "body": "<p>What is on?</p>",
        "mode": "session", "offset_days": 1, "direction": "after", "session": sessions[1].pk, "at_time": "08:00",
    }  # fmt: skip
    assert client.post(url, {**data, "session": ""}).status_code == 400
    assert client.post(url, {**data, "title": "Hey"}).status_code == 400
    assert not ScheduledPrompt.objects.exists()
    assert client.post(url, data).status_code == 302
    prompt = ScheduledPrompt.objects.get()
    assert (prompt.offset_days, prompt.at_time, prompt.kind) == (1, time(8, 0), "question")

    edit = client.get(reverse("facilitation:prompt-edit", args=[prompt.pk])).content.decode()
    assert "A question to start the week" in edit


def test_an_absolute_time_is_read_in_the_cohorts_zone(client, facilitator, cohort, board):
    from zoneinfo import ZoneInfo

    services.facilitation_settings_update(
        actor=facilitator, cohort=cohort, quiet_days=5, timezone_name="America/New_York", welcome_prompt=True
    )
    client.force_login(facilitator)
    client.post(
        reverse("facilitation:prompt-create", args=[cohort.slug]),
        {"board": board.pk, "title": "At a set moment", "kind": "discussion", "body": "x", "mode": "absolute",
         "release_at": "2031-05-04T09:00", "offset_days": 0, "direction": "before"},
    )  # fmt: skip
    prompt = ScheduledPrompt.objects.get()
    assert prompt.release_at.astimezone(ZoneInfo("America/New_York")).hour == 9


def test_the_library_page_only_offers_cohorts_you_facilitate(client, facilitator, cohort, board):
    elsewhere = CohortFactory(name="Not mine")
    BoardFactory(cohort=elsewhere)
    PromptTemplateFactory(owner=facilitator, title="My own saved prompt")
    client.force_login(facilitator)
    page = client.get(reverse("facilitation:library")).content.decode()
    assert "Not mine" not in page
    assert "My own saved prompt" in page
    assert "saved by Fay Facilitator" in page


def test_the_library_comes_back_after_a_flush():
    """A flush (between transactional tests, or `manage.py flush`) empties the table; post_migrate refills it."""
    from django.core.management.sql import emit_post_migrate_signal

    PromptTemplate.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert PromptTemplate.objects.filter(key__isnull=False).count() == len(SHIPPED_PROMPTS)
