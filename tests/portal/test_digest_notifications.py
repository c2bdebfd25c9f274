"""Daily and weekly digests: 08:00 in each person's own time zone, once per period, only when there is news."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal.notifications import Event
from portal.notifications import services as svc
from portal.notifications.models import Delivery, DigestRun, EmailDelivery, Notification
from portal.notifications.selectors import due_digests, latest_period_start
from portal.notifications.tasks import send_due_digests
from portal.people.models import Membership
from tests.factories import UserFactory, member_of

pytestmark = pytest.mark.django_db

TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def at(tz, *args):
    return datetime(*args, tzinfo=tz)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://keystone.harbourview.example"
    settings.NOTIFICATION_DIGEST_HOUR = 8
    settings.NOTIFICATION_WEEKLY_DIGEST_DAY = 0


@pytest.fixture
def run_job(django_capture_on_commit_callbacks):
    """Run the beat job as the worker would: e-mails queued on commit are sent too."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_due_digests()

    return run


def _person(tz: str, cohort, name: str):
    return member_of(cohort, profile__timezone=tz, profile__display_name=name)


def _react(recipient, actor, post: int):
    return svc.notify(
        recipient=recipient,
        event=Event.REACTION,
        text=f"{actor.display_name} reacted to your post {post}",
        url=f"/boards/t/1/#post-{post}",
        actor=actor,
        group_key=f"reaction:{post}",
    )


def test_latest_period_start_daily_and_weekly():
    # Wednesday 2026-03-04 07:59 and 08:00
    assert latest_period_start("daily", at(TOKYO, 2026, 3, 4, 7, 59)) == date(2026, 3, 3)
    assert latest_period_start("daily", at(TOKYO, 2026, 3, 4, 8, 0)) == date(2026, 3, 4)
    assert latest_period_start("weekly", at(TOKYO, 2026, 3, 4, 9)) == date(2026, 3, 2)
    # Monday before 08:00 still belongs to the previous week
    assert latest_period_start("weekly", at(TOKYO, 2026, 3, 2, 7, 30)) == date(2026, 2, 23)
    assert latest_period_start("weekly", at(TOKYO, 2026, 3, 2, 8, 0)) == date(2026, 3, 2)


def test_digest_goes_at_08_00_in_each_persons_own_time_zone(cohort, other_leader):
    tokyo = _person("Asia/Tokyo", cohort, "Tomo Tokyo")
    new_york = _person("America/New_York", cohort, "Nell NewYork")
    with time_machine.travel(at(TOKYO, 2026, 3, 4, 6, 0), tick=False):  # 2026-03-03 16:00 in New York
        _react(tokyo, other_leader, 1)
        _react(new_york, other_leader, 2)
    with time_machine.travel(at(TOKYO, 2026, 3, 4, 7, 59), tick=False):
        # Tokyo's 08:00 has not come; New York's last 08:00 was before the reaction arrived.
        assert due_digests() == []
    with time_machine.travel(at(TOKYO, 2026, 3, 4, 8, 5), tick=False):  # New York: 18:05 the day before
        due = due_digests()
    assert (tokyo.pk, "daily", date(2026, 3, 4)) in due
    assert not any(uid == new_york.pk and start == date(2026, 3, 3) for uid, _, start in due)
    with time_machine.travel(at(NEW_YORK, 2026, 3, 4, 8, 1), tick=False):
        assert (new_york.pk, "daily", date(2026, 3, 4)) in due_digests()


def test_digest_is_sent_once_per_period_even_if_the_job_runs_twice(smtp_server, cohort, other_leader, run_job):
    tokyo = _person("Asia/Tokyo", cohort, "Tomo Tokyo")
    with time_machine.travel(at(TOKYO, 2026, 3, 4, 6, 0), tick=False):
        _react(tokyo, other_leader, 1)
        _react(tokyo, UserFactory(profile__display_name="Pat Peer"), 1)
        _react(tokyo, other_leader, 2)
        svc.notify(recipient=tokyo, event=Event.STARTER_PROMPT, text="A new prompt: your first 90 days", url="/l/")
    with time_machine.travel(at(TOKYO, 2026, 3, 4, 8, 15), tick=False):
        assert run_job() == 1
        assert run_job() == 0  # the second run finds the period settled
    with time_machine.travel(at(TOKYO, 2026, 3, 4, 8, 30), tick=False):
        assert run_job() == 0
    assert DigestRun.objects.filter(user=tokyo).count() == 1
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]["message"]
    assert smtp_server.messages[0]["to"] == [tokyo.email]
    assert message["Subject"].strip() == "[Keystone] Your daily digest: 3 new things waiting for you"
    assert str(message["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for part in (text, html):
        assert "2 people reacted to your post" in part
        assert "reacted to your post 2" in part
        assert "A new prompt: your first 90 days" in part
        assert "https://keystone.harbourview.example/notifications/" in part
    assert "PROMPTS WAITING FOR YOUR ANSWER" in text and "EVERYTHING ELSE" in text
    assert "Wednesday 4 March, 06:00" in html  # times in the person's own zone


def test_nothing_to_say_sends_nothing(smtp_server, cohort, other_leader, run_job):
    quiet = _person("Europe/London", cohort, "Quinn Quiet")
    with time_machine.travel(at(ZoneInfo("Europe/London"), 2026, 3, 4, 6, 0), tick=False):
        n = _react(quiet, other_leader, 1)
        svc.notification_mark_read(user=quiet, notification=n)  # read already: nothing to tell
        svc.notify(recipient=quiet, event=Event.MENTION, text="A mention", actor=other_leader)  # immediate, not digest
    with time_machine.travel(at(ZoneInfo("Europe/London"), 2026, 3, 4, 9, 0), tick=False):
        assert run_job() == 0
    assert smtp_server.messages == []


def test_content_the_person_can_no_longer_see_is_left_out(smtp_server, cohort, other_cohort, other_leader, run_job):
    leaver = _person("Europe/London", cohort, "Lou Leaver")
    with time_machine.travel(at(ZoneInfo("Europe/London"), 2026, 3, 4, 6, 0), tick=False):
        svc.notify(recipient=leaver, event=Event.STARTER_PROMPT, text="Secret prompt", target=cohort)
    Membership.objects.filter(user=leaver, cohort=cohort).delete()
    with time_machine.travel(at(ZoneInfo("Europe/London"), 2026, 3, 4, 9, 0), tick=False):
        run_job()
    run = DigestRun.objects.get(user=leaver)
    assert run.item_count == 0 and run.delivery is None
    assert smtp_server.messages == []


def test_next_days_digest_holds_only_what_is_new(smtp_server, cohort, other_leader, run_job):
    person = _person("Europe/London", cohort, "Dee Daily")
    london = ZoneInfo("Europe/London")
    with time_machine.travel(at(london, 2026, 3, 4, 6, 0), tick=False):
        _react(person, other_leader, 1)
    with time_machine.travel(at(london, 2026, 3, 4, 8, 0), tick=False):
        run_job()
    with time_machine.travel(at(london, 2026, 3, 4, 12, 0), tick=False):
        _react(person, other_leader, 5)  # after today's send time: waits for tomorrow
        run_job()
    with time_machine.travel(at(london, 2026, 3, 5, 8, 0), tick=False):
        run_job()
    subjects = [str(m["message"]["Subject"]).strip() for m in smtp_server.messages]
    assert subjects == [
        "[Keystone] Your daily digest: 1 new thing waiting for you",
        "[Keystone] Your daily digest: 1 new thing waiting for you",
    ]
    second = smtp_server.messages[1]["message"].get_body(preferencelist=("plain",)).get_content()
    assert "reacted to your post 5" in second and "reacted to your post 1" not in second


def test_weekly_digest_on_monday_for_events_set_to_weekly(smtp_server, cohort, other_leader, run_job):
    person = _person("America/New_York", cohort, "Wes Weekly")
    svc.notification_preferences_update(user=person, choices={Event.REACTION.value: Delivery.WEEKLY})
    with time_machine.travel(at(NEW_YORK, 2026, 3, 4, 10, 0), tick=False):  # Wednesday
        _react(person, other_leader, 1)
    with time_machine.travel(at(NEW_YORK, 2026, 3, 5, 8, 30), tick=False):  # Thursday: no daily for weekly events
        run_job()
    assert smtp_server.messages == []
    with time_machine.travel(at(NEW_YORK, 2026, 3, 9, 8, 0), tick=False):  # Monday 08:00
        assert run_job() == 1
    run = DigestRun.objects.get(user=person, kind="weekly")
    assert run.period_start == date(2026, 3, 9) and run.item_count == 1
    assert str(smtp_server.messages[0]["message"]["Subject"]).strip().startswith("[Keystone] Your weekly digest")


def test_unsubscribing_from_the_digest_stops_it(smtp_server, cohort, other_leader, client, run_job):
    from urllib.parse import urlsplit

    person = _person("Europe/London", cohort, "Una Unsub")
    london = ZoneInfo("Europe/London")
    with time_machine.travel(at(london, 2026, 3, 4, 6, 0), tick=False):
        _react(person, other_leader, 1)
    with time_machine.travel(at(london, 2026, 3, 4, 8, 0), tick=False):
        run_job()
    link = str(smtp_server.messages[0]["message"]["List-Unsubscribe"]).strip().strip("<>")
    assert client.post(urlsplit(link).path).status_code == 200
    with time_machine.travel(at(london, 2026, 3, 4, 18, 0), tick=False):
        _react(person, other_leader, 2)
    with time_machine.travel(at(london, 2026, 3, 5, 8, 0), tick=False):
        assert run_job() == 0
    assert len(smtp_server.messages) == 1
    # Still in the portal.
    assert Notification.objects.filter(recipient=person, read_at__isnull=True).count() == 2


def test_digest_email_is_idempotent_by_key(cohort, other_leader):
    person = _person("Europe/London", cohort, "Ida Idem")
    london = ZoneInfo("Europe/London")
    with time_machine.travel(at(london, 2026, 3, 4, 6, 0), tick=False):
        _react(person, other_leader, 1)
    run = svc.digest_send(user_id=person.pk, kind="daily", period_start=date(2026, 3, 4))
    assert run is not None
    assert svc.digest_send(user_id=person.pk, kind="daily", period_start=date(2026, 3, 4)) is None
    assert EmailDelivery.objects.filter(key=f"digest:{person.pk}:daily:2026-03-04").count() == 1
