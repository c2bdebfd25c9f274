"""Creating, grouping and reading notifications; preferences and unsubscribing."""

import pytest
from django.core.exceptions import ValidationError

from metrics.models import Activity
from portal.notifications import Event, default_delivery, grouped_text, permissions
from portal.notifications import selectors as sel
from portal.notifications import services as svc
from portal.notifications.models import Delivery, Notification, NotificationPreference
from portal.people.models import Membership
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _react(recipient, actor, post_id=7):
    return svc.notify(
        recipient=recipient,
        event=Event.REACTION,
        text=f"{actor.display_name} reacted to your post",
        url=f"/boards/t/1/#post-{post_id}",
        actor=actor,
        group_key=f"reaction:post:{post_id}",
    )


def test_several_reactions_before_reading_are_one_notification_that_reads_naturally(leader):
    people = [UserFactory() for _ in range(3)]
    for person in people:
        _react(leader, person)
    rows = Notification.objects.filter(recipient=leader)
    assert rows.count() == 1
    n = rows.get()
    assert n.count == 3
    assert n.headline == "3 people reacted to your post"
    assert n.actor == people[-1]  # the latest actor


def test_a_read_group_starts_a_new_notification(leader, other_leader):
    first = _react(leader, other_leader)
    svc.notification_mark_read(user=leader, notification=first)
    newcomer = UserFactory(profile__display_name="Nia Newcomer")
    second = _react(leader, newcomer)
    assert second.pk != first.pk
    assert second.count == 1
    assert second.headline == "Nia Newcomer reacted to your post"


def test_group_text_given_by_the_creator_replaces_the_default(leader, other_leader):
    for _ in range(2):
        svc.notify(
            recipient=leader,
            event=Event.TOPIC_REPLY,
            text="Olive replied to “Budget season”",
            actor=other_leader,
            group_key="topic:9",
            group_text="{count} new replies to “Budget season”",
        )
    assert Notification.objects.get(recipient=leader).headline == "2 new replies to “Budget season”"


def test_grouped_text_never_formats_user_content():
    # A title with braces must not break or expand anything.
    assert grouped_text("topic_reply", 2, "{count} replies to “{0.__class__}”") == "2 replies to “{0.__class__}”"
    assert grouped_text("unknown_event", 4) == "4 new notifications"


def test_no_notification_for_your_own_action_or_when_inactive(leader):
    assert _react(leader, leader) is None
    leader.is_active = False
    leader.save()
    assert _react(leader, UserFactory()) is None
    assert not Notification.objects.exists()


def test_event_switched_off_creates_nothing(leader, other_leader):
    svc.notification_preferences_update(user=leader, choices={Event.REACTION.value: Delivery.OFF})
    assert _react(leader, other_leader) is None
    assert not Notification.objects.filter(recipient=leader).exists()


def test_no_notification_about_a_cohort_the_recipient_is_not_in(leader, other_cohort, other_leader):
    made = svc.notify(
        recipient=leader, event=Event.STARTER_PROMPT, text="A new prompt", actor=other_leader, target=other_cohort
    )
    assert made is None


def test_defaults_mentions_and_replies_immediately_the_rest_daily():
    assert default_delivery(Event.MENTION) == "immediate"
    assert default_delivery(Event.TOPIC_REPLY) == "immediate"
    assert default_delivery(Event.POST_REPLY) == "immediate"
    assert default_delivery(Event.REACTION) == "daily"
    assert default_delivery(Event.STARTER_PROMPT) == "daily"


def test_preferences_update_writes_only_changes_and_records_activity(leader):
    changed = svc.notification_preferences_update(
        user=leader, choices={Event.MENTION.value: Delivery.DAILY, Event.TOPIC_REPLY.value: Delivery.IMMEDIATE}
    )
    assert changed == {Event.MENTION.value: Delivery.DAILY}
    assert NotificationPreference.objects.get(user=leader, event=Event.MENTION).delivery == Delivery.DAILY
    assert sel.delivery_for(leader, Event.MENTION) == Delivery.DAILY
    assert Activity.objects.filter(actor=leader, verb="notification_settings_changed").count() == 1


def test_preferences_update_refuses_unknown_values_and_writes_nothing(leader):
    with pytest.raises(ValidationError):
        svc.notification_preferences_update(
            user=leader, choices={Event.MENTION.value: Delivery.DAILY, Event.REACTION.value: "carrier-pigeon"}
        )
    assert not NotificationPreference.objects.filter(user=leader).exists()


def test_unsubscribe_from_an_event_keeps_it_in_the_portal(leader):
    svc.notification_unsubscribe(user=leader, scope=Event.MENTION.value)
    assert sel.delivery_for(leader, Event.MENTION) == Delivery.IN_APP
    # A second use is harmless.
    svc.notification_unsubscribe(user=leader, scope=Event.MENTION.value)
    assert sel.delivery_for(leader, Event.MENTION) == Delivery.IN_APP


def test_unsubscribe_from_the_daily_digest_moves_every_daily_event_to_the_portal(leader):
    svc.notification_unsubscribe(user=leader, scope="digest:daily")
    choices = sel.delivery_choices(leader)
    assert Delivery.DAILY not in choices.values()
    assert choices[Event.MENTION.value] == Delivery.IMMEDIATE  # untouched


def test_mark_all_read_only_touches_my_notifications(leader, other_leader):
    NotificationFactory.create_batch(3, recipient=leader)
    NotificationFactory(recipient=other_leader)
    assert svc.notifications_mark_all_read(user=leader) == 3
    assert Notification.objects.filter(recipient=other_leader, read_at__isnull=True).count() == 1


def test_marking_someone_elses_notification_is_refused(leader, other_leader):
    theirs = NotificationFactory(recipient=other_leader)
    with pytest.raises(ValidationError):
        svc.notification_mark_read(user=leader, notification=theirs)


def test_opening_records_that_a_notification_brought_someone_back(leader):
    n = NotificationFactory(recipient=leader)
    svc.notification_open(user=leader, notification=n)
    svc.notification_open(user=leader, notification=n)  # opening again is not a second return
    assert Activity.objects.filter(actor=leader, verb="notification_opened").count() == 1
    n.refresh_from_db()
    assert n.read_at is not None


def test_removed_from_cohort_hides_existing_notification_everywhere(leader, cohort, other_leader):
    n = svc.notify(
        recipient=leader,
        event=Event.STARTER_PROMPT,
        text="New prompt in Northern Lights",
        actor=other_leader,
        target=cohort,
        url="/people/cohorts/northern-lights/",
    )
    assert n is not None
    assert sel.bell_summary(leader).count == 1
    Membership.objects.filter(user=leader, cohort=cohort).delete()
    leader = type(leader).objects.get(pk=leader.pk)  # a fresh request: no cached memberships
    assert sel.bell_summary(leader).count == 0
    assert sel.latest_with_bell(leader)[0] == []
    assert list(sel.notification_page_with_bell(leader)[0].object_list) == []


def test_a_deleted_target_hides_the_notification(other_cohort, admin_user):
    # Admins see every cohort; once the cohort is gone there is nothing to show.
    n = svc.notify(recipient=admin_user, event=Event.STARTER_PROMPT, text="x", target=other_cohort)
    assert permissions.notification_visible(admin_user, n)
    other_cohort.delete()
    assert not permissions.notification_visible(admin_user, n)
    assert sel.bell_summary(admin_user).count == 0
