"""Private review: a draft goes to the cohort's facilitators, they comment privately, the author revises and
publishes through the forums or blogs (or withdraws). Activities record what happened, never the text."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from blogs.models import Entry
from forums.models import Post, Topic
from forums.services import topic_create, topic_lock_set
from metrics.models import Activity
from metrics.verbs import Verb
from onboarding.facilitation import services
from onboarding.facilitation.models import ReviewRequest
from portal.notifications import Event
from portal.notifications.models import Notification
from tests.factories import facilitator_of

pytestmark = pytest.mark.django_db

DRAFT = "<p>Our depot missed its target this month and I want to explain why.</p>"


def ask(leader, cohort, board, **kwargs):
    return services.review_request(
        actor=leader,
        cohort=cohort,
        kind=kwargs.pop("kind", "topic"),
        title=kwargs.pop("title", "Why we missed the target"),
        body=kwargs.pop("body", DRAFT),
        board=board,
        **kwargs,
    )


def test_asking_tells_the_cohorts_facilitators_and_records_no_text(
    leader, facilitator, other_facilitator, cohort, board, on_commit_now
):
    review = ask(leader, cohort, board, note="Is it too defensive?")

    assert review.status == "open" and review.revision == 1
    assert review.revisions.get().body == DRAFT
    note = Notification.objects.get(recipient=facilitator, event=Event.REVIEW_COMMENT)
    assert "Lee Leader asked you to look at a draft" in note.text
    assert not Notification.objects.filter(recipient=other_facilitator).exists()
    activity = Activity.objects.get(verb=Verb.REVIEW_REQUESTED)
    assert activity.actor == leader and activity.cohort == cohort
    assert activity.data == {"kind": "topic"}


def test_only_members_ask_and_only_for_their_cohorts_boards(leader, facilitator, cohort, board, other_board):
    with pytest.raises(PermissionDenied):
        ask(facilitator, cohort, board)
    with pytest.raises(ValidationError) as error:
        ask(leader, cohort, other_board)
    assert "board" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        ask(leader, cohort, board, body="<p>   </p>")
    assert "body" in error.value.message_dict
    assert not ReviewRequest.objects.exists()


def test_comments_go_both_ways_privately(leader, facilitator, cohort, board, on_commit_now):
    review = ask(leader, cohort, board)
    services.review_comment(actor=facilitator, review=review, body="Lead with what you will change next month.")
    assert Notification.objects.filter(recipient=leader, event=Event.REVIEW_COMMENT).exists()
    services.review_comment(actor=leader, review=review, body="Thank you, trying that now.")
    facilitator_note = Notification.objects.get(recipient=facilitator, event=Event.REVIEW_COMMENT)
    assert facilitator_note.count == 2  # the request and the author's answer, grouped per review
    assert Activity.objects.filter(verb=Verb.REVIEW_COMMENTED).count() == 2


def test_other_people_cannot_comment(leader, other_leader, other_facilitator, analyst, admin_user, cohort, board):
    review = ask(leader, cohort, board)
    for person in (other_leader, other_facilitator, analyst, admin_user):
        with pytest.raises(PermissionDenied):
            services.review_comment(actor=person, review=review, body="I should not see this.")


def test_a_colleague_facilitator_added_later_sees_it_too(leader, cohort, board):
    review = ask(leader, cohort, board)
    colleague = facilitator_of(cohort)
    services.review_comment(actor=colleague, review=review, body="Looks good to me.")
    assert review.comments.count() == 1


def test_revising_keeps_every_version(leader, cohort, board, on_commit_now, facilitator):
    review = ask(leader, cohort, board)
    services.review_revise(actor=leader, review=review, title="What we will change", body="<p>Next month we will…</p>")
    review.refresh_from_db()
    assert review.revision == 2 and review.title == "What we will change"
    assert [r.number for r in review.revisions.all()] == [1, 2]
    assert review.revisions.get(number=1).body == DRAFT
    # Saving the same text again adds nothing.
    services.review_revise(actor=leader, review=review, title="What we will change", body="<p>Next month we will…</p>")
    assert ReviewRequest.objects.get(pk=review.pk).revision == 2
    assert "revised" in Notification.objects.filter(recipient=facilitator).latest("updated_at").text


def test_publishing_a_topic_goes_through_the_forums_and_closes_the_review(leader, cohort, board):
    review = ask(leader, cohort, board, topic_kind="question")
    url = services.review_publish(actor=leader, review=review)

    topic = Topic.objects.get(board=board)
    assert url == topic.get_absolute_url()
    assert (topic.title, topic.author, topic.kind) == ("Why we missed the target", leader, "question")
    assert topic.first_post.body == DRAFT
    review.refresh_from_db()
    assert review.status == "published" and review.published_url == url and review.closed_at
    assert Activity.objects.filter(verb=Verb.TOPIC_CREATED, actor=leader).count() == 1
    published = Activity.objects.get(verb=Verb.REVIEW_PUBLISHED)
    assert published.data == {"kind": "topic", "revisions": 1, "comments": 0}
    with pytest.raises(PermissionDenied):
        services.review_publish(actor=leader, review=review)
    assert Topic.objects.count() == 1


def test_publishing_a_reply(leader, other_leader, cohort, board):
    topic = topic_create(actor=other_leader, board=board, title="How do you run handovers?", body="<p>Tips?</p>")
    review = services.review_request(
        actor=leader, cohort=cohort, kind="reply", body="<p>We use a five-minute stand-up.</p>", topic=topic
    )
    services.review_publish(actor=leader, review=review)
    reply = Post.objects.get(topic=topic, number=2)
    assert reply.author == leader and "five-minute stand-up" in reply.body


def test_a_refusal_by_the_forums_publishes_nothing_and_keeps_the_draft_open(
    leader, other_leader, facilitator, cohort, board
):
    topic = topic_create(actor=other_leader, board=board, title="A topic about to be locked", body="<p>x</p>")
    review = services.review_request(actor=leader, cohort=cohort, kind="reply", body="<p>My reply.</p>", topic=topic)
    topic_lock_set(actor=facilitator, topic=topic, locked=True)

    with pytest.raises(ValidationError, match="locked"):
        services.review_publish(actor=leader, review=review)
    review.refresh_from_db()
    assert review.status == "open"
    assert topic.posts.count() == 1
    assert not Activity.objects.filter(verb=Verb.REVIEW_PUBLISHED).exists()


def test_publishing_a_blog_entry(leader, cohort, board):
    review = services.review_request(
        actor=leader, cohort=cohort, kind="entry", title="A week on the night shift", body="<p>What I learned.</p>",
        visibility="cohort",
    )  # fmt: skip
    url = services.review_publish(actor=leader, review=review)
    entry = Entry.objects.get(author=leader)
    assert entry.status == "published" and entry.visibility == "cohort" and entry.cohort == cohort
    assert url == entry.get_absolute_url()


def test_withdrawing_publishes_nothing(leader, cohort, board, facilitator):
    review = ask(leader, cohort, board)
    services.review_withdraw(actor=leader, review=review)
    review.refresh_from_db()
    assert review.status == "withdrawn"
    assert not Topic.objects.exists()
    assert Activity.objects.filter(verb=Verb.REVIEW_WITHDRAWN).exists()
    with pytest.raises(ValidationError):
        services.review_comment(actor=facilitator, review=review, body="Too late")


def test_only_the_author_revises_publishes_or_withdraws(leader, facilitator, cohort, board):
    review = ask(leader, cohort, board)
    for act in (services.review_publish, services.review_withdraw):
        with pytest.raises(PermissionDenied):
            act(actor=facilitator, review=review)
    with pytest.raises(PermissionDenied):
        services.review_revise(actor=facilitator, review=review, title="Changed by someone else", body="<p>x</p>")


# ---------------------------------------------------------------- the pages
def test_the_whole_flow_through_the_pages(client, leader, facilitator, cohort, board):
    client.force_login(leader)
    response = client.post(
        reverse("facilitation:review-create") + "?kind=topic",
        {"kind": "topic", "board": board.pk, "title": "Why we missed the target", "topic_kind": "discussion",
         "body": DRAFT, "note": "Too defensive?"},
    )  # fmt: skip
    review = ReviewRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()

    client.force_login(facilitator)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "depot missed its target" in page and "Too defensive?" in page
    client.post(reverse("facilitation:review-comment", args=[review.pk]), {"body": "Say what changes next."})

    client.force_login(leader)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Say what changes next." in page and "Publish it now" in page
    response = client.post(reverse("facilitation:review-publish", args=[review.pk]))
    topic = Topic.objects.get()
    assert response["Location"] == topic.get_absolute_url()


def test_a_bad_draft_is_shown_again_with_the_text_kept(client, leader, board):
    client.force_login(leader)
    response = client.post(
        reverse("facilitation:review-create"),
        {"kind": "topic", "board": board.pk, "title": "Hi", "topic_kind": "discussion", "body": DRAFT},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "at least 5 characters" in page
    assert "depot missed its target" in page
    assert not ReviewRequest.objects.exists()


def test_asking_about_a_reply_from_the_topic_page(client, leader, other_leader, board):
    topic = topic_create(actor=other_leader, board=board, title="What keeps you up at night?", body="<p>x</p>")
    client.force_login(leader)
    page = client.get(topic.get_absolute_url()).content.decode()
    link = reverse("facilitation:review-create") + f"?kind=reply&amp;topic={topic.pk}"
    assert link in page
    response = client.get(reverse("facilitation:review-create") + f"?kind=reply&topic={topic.pk}")
    assert "What keeps you up at night?" in response.content.decode()


def test_a_reply_review_for_a_topic_you_cannot_see_is_not_found(client, leader, other_board, other_cohort):
    from tests.factories import member_of

    topic = topic_create(actor=member_of(other_cohort), board=other_board, title="Elsewhere entirely", body="<p>x</p>")
    client.force_login(leader)
    assert client.get(reverse("facilitation:review-create") + f"?kind=reply&topic={topic.pk}").status_code == 404


# ---------------------------------------------------------------- onboarding's publish gate
def test_the_coach_still_has_its_say_when_publishing(client, leader, cohort, board):
    from onboarding import gate

    review = ask(leader, cohort, board, body="<p>The new rota is internal only for now, but here is the idea.</p>")
    with pytest.raises(gate.PublishRefused) as refusal:
        services.review_publish(actor=leader, review=review)
    assert refusal.value.reason == "coach_warn"
    assert ReviewRequest.objects.get(pk=review.pk).status == "open"

    client.force_login(leader)
    url = reverse("facilitation:review-publish", args=[review.pk])
    response = client.post(url)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Not published yet." in page and "Publish anyway" in page
    assert not Topic.objects.exists()
    response = client.post(url, {"post_anyway": "1"})
    assert response.status_code == 302
    assert Topic.objects.get().author == leader


def test_a_leader_who_has_not_acknowledged_the_policy_is_sent_to_it(client, cohort, board):
    from tests.factories import member_of

    newcomer = member_of(cohort, policy_acknowledged=False)
    review = ask(newcomer, cohort, board)
    client.force_login(newcomer)
    page = client.post(reverse("facilitation:review-publish", args=[review.pk])).content.decode()
    assert "acknowledge the social media policy" in page
    assert reverse("onboarding:policy") in page
    assert ReviewRequest.objects.get(pk=review.pk).status == "open"
