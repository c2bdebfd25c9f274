"""Flags, automatic hiding, the review queue and its resolutions; the registry other apps hook into."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forums.models import Board, Flag, ModerationAction
from forums.selectors import review_queue, review_queue_count
from forums.services import flag_create, flag_resolve, post_reply
from forums.services.flags import _BY_KEY, _BY_MODEL, FlagHooks, ReviewItem, register_flaggable
from metrics.models import Activity
from metrics.verbs import Verb
from portal.notifications import Event
from portal.notifications.models import Notification
from tests.factories import BoardFactory, TopicFactory, member_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_now")]


@pytest.fixture
def reply(topic, other_leader):
    # The coach warns about the figure; this writer posts anyway (which is why it gets flagged).
    return post_reply(actor=other_leader, topic=topic, body="<p>Our client Acme pays 3m a year.</p>", post_anyway=True)


def test_flag_is_recorded_and_routed_to_the_cohorts_facilitators(reply, leader, facilitator, other_facilitator, cohort):
    flag = flag_create(actor=leader, target=reply, reason=Flag.Reason.CONFIDENTIAL)
    assert flag.cohort == cohort and flag.status == Flag.Status.OPEN
    activity = Activity.objects.get(verb=Verb.FLAGGED)
    assert activity.target_id == reply.pk and activity.data == {"reason": "confidential"}
    assert review_queue_count(facilitator) == 1
    assert review_queue_count(other_facilitator) == 0
    assert review_queue_count(leader) == 0
    entry = review_queue(facilitator).object_list[0]
    assert entry.review.obj == reply and entry.can_moderate
    assert entry.reasons == [("Confidential information", 1)]
    # the post is shown in context: the opening post comes before it
    assert [c["label"] for c in entry.review.context] == ["Before"]


def test_flag_rules(reply, leader, other_leader, other_facilitator):
    with pytest.raises(ValidationError):
        flag_create(actor=other_leader, target=reply, reason=Flag.Reason.OFF_TOPIC)  # own post
    with pytest.raises(ValidationError) as error:
        flag_create(actor=leader, target=reply, reason=Flag.Reason.OTHER, text="hm")
    assert "text" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        flag_create(actor=other_facilitator, target=reply, reason=Flag.Reason.OFF_TOPIC)  # cannot see it
    flag_create(actor=leader, target=reply, reason=Flag.Reason.OFF_TOPIC)
    with pytest.raises(ValidationError) as error:
        flag_create(actor=leader, target=reply, reason=Flag.Reason.INAPPROPRIATE)
    assert "already flagged" in error.value.messages[0]
    assert Flag.objects.count() == 1


def test_enough_distinct_flaggers_hide_the_post_pending_review(reply, cohort, settings, facilitator):
    settings.FORUM_AUTO_HIDE_FLAGS = 3
    flaggers = [member_of(cohort) for _ in range(3)]
    flag_create(actor=flaggers[0], target=reply, reason=Flag.Reason.CONFIDENTIAL)
    flag_create(actor=flaggers[1], target=reply, reason=Flag.Reason.CONFIDENTIAL)
    reply.refresh_from_db()
    assert reply.hidden_at is None
    flag_create(actor=flaggers[2], target=reply, reason=Flag.Reason.OTHER, text="Client figures")
    reply.refresh_from_db()
    assert reply.hidden_at is not None and reply.hidden_by is None
    entry = ModerationAction.objects.get(action="auto_hide")
    assert entry.actor is None and "3 people" in entry.reason
    # dismissing brings it back, and the flaggers hear the outcome
    flag_resolve(actor=facilitator, target=reply, action="dismiss")
    reply.refresh_from_db()
    assert reply.hidden_at is None
    assert Flag.objects.filter(status=Flag.Status.DISMISSED).count() == 3
    for person in flaggers:
        note = Notification.objects.get(recipient=person, event=Event.FLAG_RESOLVED)
        assert "left it up" in note.text


def test_hide_and_message_tells_the_author_and_closes_every_flag(reply, leader, cohort, facilitator, other_leader):
    second = member_of(cohort)
    flag_create(actor=leader, target=reply, reason=Flag.Reason.CONFIDENTIAL)
    flag_create(actor=second, target=reply, reason=Flag.Reason.INAPPROPRIATE)
    with pytest.raises(ValidationError):
        flag_resolve(actor=facilitator, target=reply, action="hide_message", message="")
    closed = flag_resolve(
        actor=facilitator, target=reply, action="hide_message", message="Client names and figures stay out, please."
    )
    assert closed == 2
    reply.refresh_from_db()
    assert reply.hidden_by == facilitator and "Client names" in reply.hidden_reason
    author_note = Notification.objects.get(recipient=other_leader, event=Event.FLAG_RESOLVED)
    assert "Client names and figures stay out" in author_note.text
    assert "hid it" in Notification.objects.get(recipient=leader, event=Event.FLAG_RESOLVED).text
    assert ModerationAction.objects.filter(action="flag_hide_message", actor=facilitator).exists()
    assert Activity.objects.filter(verb=Verb.MODERATED, data__action="flag_hide_message").exists()
    # a second reviewer learns it was already handled
    with pytest.raises(ValidationError):
        flag_resolve(actor=facilitator, target=reply, action="dismiss")
    assert review_queue_count(facilitator) == 0


def test_confirming_an_automatic_hide_makes_the_moderator_its_owner(reply, cohort, settings, facilitator):
    settings.FORUM_AUTO_HIDE_FLAGS = 1
    flag_create(actor=member_of(cohort), target=reply, reason=Flag.Reason.OFF_TOPIC)
    flag_resolve(actor=facilitator, target=reply, action="hide")
    reply.refresh_from_db()
    assert reply.hidden_by == facilitator


def test_facilitators_of_other_cohorts_cannot_resolve(reply, leader, other_facilitator):
    flag_create(actor=leader, target=reply, reason=Flag.Reason.OFF_TOPIC)
    with pytest.raises(PermissionDenied):
        flag_resolve(actor=other_facilitator, target=reply, action="hide")


def test_org_wide_flags_go_to_admins(org_board, leader, other_leader, admin_user, facilitator):
    topic = TopicFactory(board=org_board, author=other_leader)
    flag_create(actor=leader, target=topic.first_post, reason=Flag.Reason.OFF_TOPIC)
    assert review_queue_count(admin_user) == 1
    assert review_queue_count(facilitator) == 0


def test_any_registered_content_type_uses_the_same_queue(cohort, leader, facilitator, settings):
    """The registry is how the blogs make comments flaggable; a Board stands in for any model here."""
    hidden: set[int] = set()

    def hide(*, actor, obj, reason, action):
        hidden.add(obj.pk)

    hooks = FlagHooks(
        label="board",
        cohort=lambda b: b.cohort,
        can_view=lambda user, b: True,
        can_moderate=lambda user, b: user.pk == facilitator.pk,
        author_id=lambda b: None,
        url=lambda b: b.get_absolute_url(),
        describe=lambda b: f"Board {b.title}",
        is_hidden=lambda b: b.pk in hidden,
        is_auto_hidden=lambda b: False,
        hide=hide,
        unhide=lambda **kwargs: None,
        review=lambda ids: {
            b.pk: ReviewItem(obj=b, title=b.title, url=b.get_absolute_url(), author=None, body_html="<p>desc</p>")
            for b in Board.objects.filter(pk__in=ids)
        },
    )
    register_flaggable("board-test", Board, hooks)
    try:
        board = BoardFactory(cohort=cohort)
        flag_create(actor=leader, target=board, reason=Flag.Reason.OFF_TOPIC)
        entry = review_queue(facilitator).object_list[0]
        assert entry.key == "board-test" and entry.label == "board" and entry.can_moderate
        flag_resolve(actor=facilitator, target=board, action="hide")
        assert board.pk in hidden
        assert ModerationAction.objects.filter(action="flag_hide").count() == 0  # the hook logs its own hide
        assert Flag.objects.get().status == Flag.Status.UPHELD
    finally:
        _BY_KEY.pop("board-test", None)
        _BY_MODEL.pop(Board, None)
