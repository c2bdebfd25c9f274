"""portal.mentions: @mentions found in sanitised HTML, linked to profiles; the autocomplete endpoint."""

import pytest
from django.urls import reverse

from portal.mentions import link_mentions, mentioned_ids
from portal.richtext import sanitize
from tests.factories import UserFactory, member_of

pytestmark = pytest.mark.django_db


def test_plain_text_mentions_link_the_longest_matching_name(leader):
    UserFactory(profile__display_name="Lee")
    result = link_mentions("<p>Thanks @Lee Leader, and @lee too.</p>")
    lee = UserFactory._meta.model.objects.get(profile__display_name="Lee")
    assert result.user_ids == [leader.pk, lee.pk]
    assert f'<span data-mention="{leader.pk}"><a href="/people/{leader.pk}/">@Lee Leader</a></span>' in result.html
    assert result.html.endswith(
        f'and <span data-mention="{lee.pk}"><a href="/people/{lee.pk}/">@lee</a></span> too.</p>'
    )


def test_links_from_the_autocomplete_are_mentions_even_with_shared_names(leader, cohort):
    twin = member_of(cohort, profile__display_name="Lee Leader")
    html = sanitize(f'<p>Hi <a href="/people/{twin.pk}/">@Lee Leader</a></p>')
    result = link_mentions(html)
    assert result.user_ids == [twin.pk]
    # a plain "@Lee Leader" is ambiguous: two people have that name, so nobody is linked
    assert link_mentions("<p>@Lee Leader</p>").user_ids == []
    # unless only one of them can see the content
    assert link_mentions("<p>@Lee Leader</p>", audience_ids={leader.pk}).user_ids == [leader.pk]


def test_text_in_code_and_links_and_email_addresses_is_left_alone(leader):
    html = '<p><code>@Lee Leader</code> <a href="https://example.com">@Lee Leader</a> mail lee@Lee Leader</p>'
    assert link_mentions(html).user_ids == []


def test_relinking_is_idempotent_and_survives_the_sanitiser(leader):
    once = link_mentions("<p>@Lee Leader</p>").html
    twice = link_mentions(sanitize(once)).html
    assert sanitize(twice) == sanitize(once)
    assert mentioned_ids(sanitize(once)) == {leader.pk}


def test_inactive_people_and_unknown_names_are_not_linked(leader):
    leader.is_active = False
    leader.save()
    assert link_mentions("<p>@Lee Leader @Nobody Here</p>").user_ids == []


def test_mention_text_is_escaped(leader):
    html = link_mentions("<p>@Lee Leader &lt;script&gt;</p>").html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_autocomplete_offers_only_people_who_can_see_the_board(client, board, leader, other_cohort, cohort):
    member_of(cohort, profile__display_name="Lena Lindqvist")
    member_of(other_cohort, profile__display_name="Leo Elsewhere")
    client.force_login(leader)
    response = client.get(reverse("forums:mention-autocomplete"), {"board": board.slug, "q": "le"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lena Lindqvist" in body and "Leo Elsewhere" not in body
    assert 'role="listbox"' in body and 'data-mention-url="/people/' in body
    assert (
        "No one called"
        in client.get(reverse("forums:mention-autocomplete"), {"board": board.slug, "q": "zz"}).content.decode()
    )
