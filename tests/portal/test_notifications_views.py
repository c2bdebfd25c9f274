"""The bell, the dropdown, the list, opening, marking read and the preferences page."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.notifications import Event
from portal.notifications import selectors as sel
from portal.notifications.email import unsubscribe_token
from portal.notifications.models import Delivery, Notification, NotificationPreference
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _bulk(recipient, n, *, actors=(None,), targets=(None,), event="mention"):
    """``n`` notifications, cycling through actors and targets so every page holds each kind."""
    now = timezone.now()
    rows = []
    for i in range(n):
        actor = actors[i % len(actors)]
        target = targets[i % len(targets)]
        rows.append(
            Notification(
                recipient=recipient,
                event=event,
                actor=actor,
                text=f"Notification {i}",
                url="/people/",
                target_type=ContentType.objects.get_for_model(target) if target is not None else None,
                target_id=target.pk if target is not None else None,
                created_at=now,
                updated_at=now,
            )
        )
    Notification.objects.bulk_create(rows)


def test_bell_shows_the_unread_count_on_every_page(client, leader, other_leader):
    NotificationFactory.create_batch(3, recipient=leader, actor=other_leader)
    NotificationFactory(recipient=leader, read_at=timezone.now())
    client.force_login(leader)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert 'class="bell__count" aria-hidden="true">3<' in html
    assert ": 3 unread" in html
    assert 'data-hx-trigger="every 60s"' in html


def test_bell_caps_at_99(client, leader):
    _bulk(leader, 120)
    client.force_login(leader)
    html = client.get(reverse("notifications:bell")).content.decode()
    assert ">99+<" in html


def test_dropdown_lists_the_latest_and_links_through_open(client, leader, other_leader):
    n = NotificationFactory(recipient=leader, actor=other_leader, text="Olive mentioned you", url="/people/")
    client.force_login(leader)
    html = client.get(reverse("notifications:dropdown"), HTTP_HX_REQUEST="true").content.decode()
    assert "Olive mentioned you" in html
    assert reverse("notifications:open", args=[n.pk]) in html
    assert 'data-hx-swap-oob="true"' in html  # the count refreshes with it


def test_opening_marks_read_and_lands_on_the_exact_content(client, leader):
    n = NotificationFactory(recipient=leader, url="/people/?q=budget#post-42")
    client.force_login(leader)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/people/?q=budget#post-42"
    n.refresh_from_db()
    assert n.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/phish", "//evil.example/x", "javascript:alert(1)", ""])
def test_opening_never_redirects_off_site(client, leader, url):
    n = NotificationFactory(recipient=leader, url=url)
    client.force_login(leader)
    response = client.get(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 404
    assert "no longer available" in response.content.decode()


def test_someone_elses_notification_does_not_exist_for_me(client, leader, other_leader):
    theirs = NotificationFactory(recipient=other_leader, url="/people/")
    client.force_login(leader)
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_about_a_cohort_i_left_is_hidden_and_does_not_open(client, leader, cohort):
    n = NotificationFactory(recipient=leader, text="Prompt in Northern Lights", url="/people/")
    Notification.objects.filter(pk=n.pk).update(
        target_type=ContentType.objects.get_for_model(cohort), target_id=cohort.pk
    )
    client.force_login(leader)
    assert "Prompt in Northern Lights" in client.get(reverse("notifications:list")).content.decode()
    leader.memberships.all().delete()
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Prompt in Northern Lights" not in page
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 404


def test_list_filters_unread_and_event(client, leader):
    NotificationFactory(recipient=leader, event="mention", text="A mention")
    NotificationFactory(recipient=leader, event="reaction", text="A reaction")
    NotificationFactory(recipient=leader, event="mention", text="An old mention", read_at=timezone.now())
    client.force_login(leader)
    unread = client.get(reverse("notifications:list"), {"show": "unread"}).content.decode()
    assert "A mention" in unread and "A reaction" in unread and "An old mention" not in unread
    mentions = client.get(reverse("notifications:list"), {"event": "mention"}).content.decode()
    assert "A mention" in mentions and "An old mention" in mentions and "A reaction" not in mentions
    # Nonsense filters fall back to everything rather than failing.
    assert client.get(reverse("notifications:list"), {"show": "x", "event": "nope", "page": "zz"}).status_code == 200


def test_mark_read_without_js_redirects_back_and_with_htmx_swaps_the_item(client, leader):
    a, b = NotificationFactory.create_batch(2, recipient=leader)
    client.force_login(leader)
    response = client.post(reverse("notifications:mark-read", args=[a.pk]), {"next": "/notifications/?show=unread"})
    assert response.status_code == 302 and response["Location"] == "/notifications/?show=unread"
    response = client.post(reverse("notifications:mark-read", args=[b.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:list")
    c = NotificationFactory(recipient=leader)
    html = client.post(reverse("notifications:mark-read", args=[c.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert f'id="notification-{c.pk}"' in html and "notification--unread" not in html
    assert Notification.objects.filter(recipient=leader, read_at__isnull=True).count() == 0


def test_mark_all_read(client, leader):
    NotificationFactory.create_batch(4, recipient=leader)
    client.force_login(leader)
    response = client.post(reverse("notifications:mark-all-read"), follow=True)
    assert "Marked 4 notifications as read." in response.content.decode()
    assert sel.bell_summary(leader).count == 0


def test_preferences_page_saves_a_choice(client, leader):
    client.force_login(leader)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="delivery-mention"' in page and "E-mail straight away (default)" in page
    response = client.post(reverse("notifications:preferences"), {"delivery-mention": "daily"}, follow=True)
    assert "Your notification settings are saved." in response.content.decode()
    assert NotificationPreference.objects.get(user=leader, event="mention").delivery == Delivery.DAILY
    # Unposted rows keep what they had.
    assert sel.delivery_for(leader, Event.TOPIC_REPLY) == Delivery.IMMEDIATE


def test_preferences_bad_value_is_a_form_error_and_nothing_is_saved(client, leader):
    client.force_login(leader)
    response = client.post(
        reverse("notifications:preferences"), {"delivery-mention": "daily", "delivery-reaction": "smoke-signals"}
    )
    assert response.status_code == 400
    assert "Choose one of the options." in response.content.decode()
    assert not NotificationPreference.objects.filter(user=leader).exists()


def test_unsubscribe_without_signing_in_get_confirms_post_applies():
    user = UserFactory(email="lee@harbourview.example")
    anonymous = Client(enforce_csrf_checks=True)
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(user, "mention")])
    page = anonymous.get(url)
    assert page.status_code == 200
    assert "Stop these e-mails?" in page.content.decode()
    assert "lee@harbourview.example" not in page.content.decode()  # masked
    assert sel.delivery_for(user, "mention") == Delivery.IMMEDIATE  # a GET (link preview) changes nothing
    # RFC 8058: the mail provider POSTs this body, with no cookie and no CSRF token.
    done = anonymous.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    assert sel.delivery_for(user, "mention") == Delivery.IN_APP


@pytest.mark.parametrize("token", ["garbage", "eyJ1IjoxLCJzIjoibWVudGlvbiJ9:forged:sig"])
def test_unsubscribe_with_a_broken_or_forged_token_is_refused(client, token):
    response = client.post(reverse("notifications:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["notifications:list", "notifications:bell", "notifications:dropdown"])
def test_query_count_is_the_same_with_5_and_500_notifications(
    client, leader, other_leader, cohort, name, django_assert_num_queries
):
    client.force_login(leader)
    _bulk(leader, 5, actors=(other_leader, None), targets=(cohort, None))
    url = reverse(name)
    small = _queries(client, url)
    _bulk(leader, 495, actors=(other_leader, UserFactory(), None), targets=(cohort, None))
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


def test_ordinary_pages_reuse_the_count_and_the_poll_refreshes_it(client, leader, other_leader):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    NotificationFactory(recipient=leader, actor=other_leader)
    client.force_login(leader)
    page = reverse("notifications:unsubscribe", args=[unsubscribe_token(leader, "mention")])  # not a bell view
    assert 'class="bell__count" aria-hidden="true">1<' in client.get(page).content.decode()
    NotificationFactory(recipient=leader, actor=other_leader)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(page).content.decode()
    assert not [q for q in ctx.captured_queries if "notifications_notification" in q["sql"]]
    assert 'class="bell__count" aria-hidden="true">1<' in html  # remembered for a few seconds
    assert ">2<" in client.get(reverse("notifications:bell")).content.decode()  # the poll counts afresh
    assert 'class="bell__count" aria-hidden="true">2<' in client.get(page).content.decode()


def test_a_poll_after_signing_out_swaps_nothing_into_the_header(client):
    response = client.get(reverse("notifications:bell"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response.content == b""
    assert client.get(reverse("notifications:dropdown"), HTTP_HX_REQUEST="true").status_code == 204
