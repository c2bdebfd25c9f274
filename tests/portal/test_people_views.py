"""People pages: directory search and filters (with and without htmx), profiles, follow buttons, lists, home."""

import pytest
from django.urls import reverse

from portal.people.models import Follow, ManagementLevel, Membership
from tests.factories import FollowFactory, MembershipFactory, UserFactory, member_of

HTMX = {"HTTP_HX_REQUEST": "true"}


def _names(response) -> list[str]:
    return [person.display_name for person in response.context["page_obj"]]


@pytest.fixture
def org(cohort, other_cohort):
    """A few people spread over cohorts, departments and levels."""
    people = {
        "priya": member_of(
            cohort,
            profile__display_name="Priya Port",
            profile__job_title="Head of Customs",
            profile__department="Compliance",
            profile__management_level=ManagementLevel.SENIOR,
        ),
        "omar": member_of(
            cohort,
            profile__display_name="Omar Quay",
            profile__job_title="Shift Manager",
            profile__department="Operations",
            profile__management_level=ManagementLevel.FRONT_LINE,
        ),
        "ines": member_of(
            other_cohort,
            profile__display_name="Ines Dock",
            profile__job_title="Operations Director",
            profile__department="Operations",
            profile__management_level=ManagementLevel.SENIOR,
        ),
    }
    gone = member_of(cohort, profile__display_name="Gone Away", profile__department="Compliance")
    gone.is_active = False
    gone.save()
    return people


# ---------------------------------------------------------------- directory
@pytest.mark.django_db
def test_directory_lists_active_people_by_name(client, leader, org):
    client.force_login(leader)
    response = client.get(reverse("people:directory"))
    assert response.status_code == 200
    assert _names(response) == ["Ines Dock", "Lee Leader", "Omar Quay", "Priya Port"]
    assert b"Gone Away" not in response.content


@pytest.mark.django_db
def test_search_matches_name_or_job_title_word_by_word(client, leader, org):
    client.force_login(leader)
    assert _names(client.get(reverse("people:directory"), {"q": "priya"})) == ["Priya Port"]
    assert _names(client.get(reverse("people:directory"), {"q": "operations"})) == ["Ines Dock"]
    assert _names(client.get(reverse("people:directory"), {"q": "shift quay"})) == ["Omar Quay"]
    response = client.get(reverse("people:directory"), {"q": "nobody-by-this-name"})
    assert _names(response) == []
    assert b"No one matches that yet" in response.content


@pytest.mark.django_db
def test_filters_combine_and_show_in_a_shareable_url(client, leader, org, cohort):
    client.force_login(leader)
    url = reverse("people:directory")
    assert _names(client.get(url, {"cohort": cohort.slug, "department": "Compliance"})) == ["Priya Port"]
    assert _names(client.get(url, {"department": "Operations"})) == ["Ines Dock", "Lee Leader", "Omar Quay"]
    assert _names(client.get(url, {"level": "1"})) == ["Ines Dock", "Priya Port"]
    response = client.get(url, {"cohort": cohort.slug, "level": "3"})
    assert _names(response) == ["Omar Quay"]
    # The form is filled in from the URL, so the page can be bookmarked or shared.
    assert b'<option value="northern-lights" selected>' in response.content


@pytest.mark.django_db
def test_unknown_filter_values_are_reported_and_ignored(client, leader, org):
    client.force_login(leader)
    response = client.get(reverse("people:directory"), {"level": "9", "cohort": "no-such-cohort", "q": "port"})
    assert response.status_code == 200
    assert _names(response) == ["Priya Port"]
    assert b"Some filters were not understood" in response.content


@pytest.mark.django_db
def test_htmx_gets_only_the_results_fragment(client, leader, org):
    client.force_login(leader)
    response = client.get(reverse("people:directory"), {"q": "omar"}, **HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Omar Quay" in response.content
    assert b'id="directory-status" data-hx-swap-oob="innerHTML"' in response.content
    assert "HX-Request" in response["Vary"]


@pytest.mark.django_db
def test_htmx_history_restore_gets_the_whole_page(client, leader, org):
    client.force_login(leader)
    response = client.get(reverse("people:directory"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert b"<html" in response.content


@pytest.mark.django_db
def test_directory_paginates_and_keeps_filters_in_page_links(client, leader, settings):
    settings.PEOPLE_PAGE_SIZE = 2
    for n in range(5):
        UserFactory(profile__display_name=f"Zed {n}", profile__department="Fleet")
    client.force_login(leader)
    response = client.get(reverse("people:directory"), {"department": "Fleet", "page": 2})
    assert _names(response) == ["Zed 2", "Zed 3"]
    assert b'href="?department=Fleet&amp;page=3"' in response.content
    assert b'href="?department=Fleet&amp;page=1"' in response.content
    # An out-of-range page shows the last page rather than an error.
    assert _names(client.get(reverse("people:directory"), {"department": "Fleet", "page": 99})) == ["Zed 4"]


@pytest.mark.django_db
def test_cards_show_follow_state_for_the_viewer(client, leader, org):
    FollowFactory(follower=leader, followee=org["omar"])
    client.force_login(leader)
    response = client.get(reverse("people:directory"))
    states = {p.display_name: p.is_following for p in response.context["page_obj"]}
    assert states == {"Ines Dock": False, "Lee Leader": False, "Omar Quay": True, "Priya Port": False}
    html = response.content.decode()
    assert f'action="{reverse("people:unfollow", args=[org["omar"].pk])}"' in html
    assert f'action="{reverse("people:follow", args=[org["priya"].pk])}"' in html
    assert f'action="{reverse("people:follow", args=[leader.pk])}"' not in html
    assert "This is you" in html


# ---------------------------------------------------------------- profile
@pytest.mark.django_db
def test_profile_shows_what_colleagues_need(client, leader, org, cohort):
    priya = org["priya"]
    FollowFactory(follower=leader, followee=priya)
    FollowFactory(follower=org["omar"], followee=priya)
    FollowFactory(follower=priya, followee=org["ines"])
    priya.profile.bio = "I look after customs.\nAsk me about tariffs."
    priya.profile.timezone = "Asia/Kolkata"
    priya.profile.save()
    client.force_login(leader)

    response = client.get(reverse("people:profile", args=[priya.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Priya Port" in html
    assert "Head of Customs" in html
    assert "Senior executive" in html
    assert "I look after customs.<br>Ask me about tariffs." in html
    assert "Asia/Kolkata" in html
    assert cohort.name in html
    person = response.context["person"]
    assert (person.follower_count, person.following_count, person.is_following) == (2, 1, True)
    assert response.context["can_edit"] is False
    assert reverse("people:profile-edit-person", args=[priya.pk]) not in html


@pytest.mark.django_db
def test_follower_counts_ignore_deactivated_people(client, leader, org):
    gone = UserFactory(is_active=False)
    FollowFactory(follower=gone, followee=org["priya"])
    client.force_login(leader)
    person = client.get(reverse("people:profile", args=[org["priya"].pk])).context["person"]
    assert person.follower_count == 0


@pytest.mark.django_db
def test_own_profile_offers_editing_and_no_follow_button(client, leader):
    client.force_login(leader)
    html = client.get(reverse("people:profile", args=[leader.pk])).content.decode()
    assert reverse("people:profile-edit") in html
    assert reverse("people:follow", args=[leader.pk]) not in html


@pytest.mark.django_db
def test_admin_sees_edit_link_on_someone_elses_profile(client, admin_user, leader):
    client.force_login(admin_user)
    html = client.get(reverse("people:profile", args=[leader.pk])).content.decode()
    assert reverse("people:profile-edit-person", args=[leader.pk]) in html


@pytest.mark.django_db
def test_unknown_and_inactive_people_are_404(client, leader, org):
    client.force_login(leader)
    assert client.get(reverse("people:profile", args=[999999])).status_code == 404
    gone = UserFactory(is_active=False)
    assert client.get(reverse("people:profile", args=[gone.pk])).status_code == 404
    assert client.post(reverse("people:follow", args=[gone.pk])).status_code == 404
    assert client.get(reverse("people:followers", args=[gone.pk])).status_code == 404


# ---------------------------------------------------------------- follow / unfollow
@pytest.mark.django_db
def test_follow_without_javascript_redirects_back_with_a_message(client, leader, org):
    client.force_login(leader)
    omar = org["omar"]
    back = reverse("people:directory") + "?department=Operations"
    response = client.post(reverse("people:follow", args=[omar.pk]), {"next": back}, follow=True)
    assert response.redirect_chain == [(back, 302)]
    assert Follow.objects.filter(follower=leader, followee=omar).exists()
    assert "You now follow Omar Quay" in response.content.decode()

    response = client.post(reverse("people:unfollow", args=[omar.pk]), {"next": back}, follow=True)
    assert not Follow.objects.filter(follower=leader, followee=omar).exists()
    assert "You no longer follow Omar Quay" in response.content.decode()


@pytest.mark.django_db
def test_follow_refuses_to_redirect_off_site(client, leader, org):
    client.force_login(leader)
    response = client.post(reverse("people:follow", args=[org["omar"].pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("people:profile", args=[org["omar"].pk])


@pytest.mark.django_db
def test_follow_with_htmx_swaps_the_button(client, leader, org):
    client.force_login(leader)
    omar = org["omar"]
    response = client.post(reverse("people:follow", args=[omar.pk]), {"next": "/people/"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("people:unfollow", args=[omar.pk]) in html
    assert "Following" in html
    assert 'name="next" value="/people/"' in html
    assert "<html" not in html

    response = client.post(reverse("people:unfollow", args=[omar.pk]), **HTMX)
    assert reverse("people:follow", args=[omar.pk]) in response.content.decode()
    assert not Follow.objects.exists()


@pytest.mark.django_db
def test_follow_from_the_profile_also_updates_the_follower_count(client, leader, org):
    client.force_login(leader)
    omar = org["omar"]
    response = client.post(reverse("people:follow", args=[omar.pk]), {"counts": "1"}, **HTMX)
    html = response.content.decode()
    assert f'id="follower-count-{omar.pk}" data-hx-swap-oob="true"' in html
    assert "<strong>1</strong> follower" in html


@pytest.mark.django_db
def test_following_yourself_is_refused_with_a_message(client, leader):
    client.force_login(leader)
    response = client.post(reverse("people:follow", args=[leader.pk]), follow=True)
    assert "You cannot follow yourself." in response.content.decode()
    assert not Follow.objects.exists()

    response = client.post(reverse("people:follow", args=[leader.pk]), **HTMX)
    assert response.status_code == 200
    assert 'role="alert">You cannot follow yourself.' in response.content.decode()


@pytest.mark.django_db
def test_follow_needs_post(client, leader, org):
    client.force_login(leader)
    assert client.get(reverse("people:follow", args=[org["omar"].pk])).status_code == 405
    assert not Follow.objects.exists()


# ---------------------------------------------------------------- follower / following lists
@pytest.mark.django_db
def test_follower_and_following_lists(client, leader, org):
    priya = org["priya"]
    FollowFactory(follower=org["omar"], followee=priya)
    FollowFactory(follower=org["ines"], followee=priya)
    FollowFactory(follower=priya, followee=leader)
    client.force_login(leader)

    response = client.get(reverse("people:followers", args=[priya.pk]))
    assert response.status_code == 200
    assert sorted(_names(response)) == ["Ines Dock", "Omar Quay"]
    response = client.get(reverse("people:following", args=[priya.pk]))
    assert _names(response) == ["Lee Leader"]
    response = client.get(reverse("people:following", args=[leader.pk]))
    assert _names(response) == []
    assert "You do not follow anyone yet." in response.content.decode()


@pytest.mark.django_db
def test_follower_list_shows_the_newest_first(client, leader, org):
    from datetime import timedelta

    from django.utils import timezone

    priya = org["priya"]
    FollowFactory(follower=org["omar"], followee=priya, created_at=timezone.now() - timedelta(days=3))
    FollowFactory(follower=org["ines"], followee=priya, created_at=timezone.now())
    client.force_login(leader)
    assert _names(client.get(reverse("people:followers", args=[priya.pk]))) == ["Ines Dock", "Omar Quay"]


# ---------------------------------------------------------------- home
@pytest.mark.django_db
def test_home_suggests_cohort_colleagues_not_yet_followed(client, leader, org, cohort):
    FollowFactory(follower=leader, followee=org["priya"])
    FollowFactory(follower=org["omar"], followee=leader)
    other = member_of(cohort, profile__display_name="Aaron Able")
    client.force_login(leader)
    response = client.get(reverse("home"))
    suggested = [p.display_name for p in response.context["people_you_may_know"]]
    # Omar follows the leader already, so he comes first; Priya is followed; Ines is in another cohort.
    assert suggested == ["Omar Quay", other.display_name]
    html = response.content.decode()
    assert "People you may know" in html
    assert "Follows you" in html
    # The leader's profile is complete, so the next steps do not ask for it.
    assert "Complete your profile" not in [step["title"] for step in response.context["next_steps"]]


@pytest.mark.django_db
def test_home_without_cohort_shows_no_strip(client):
    lonely = UserFactory()
    client.force_login(lonely)
    response = client.get(reverse("home"))
    assert response.context["people_you_may_know"] == []
    assert "People you may know" not in response.content.decode()


@pytest.mark.django_db
def test_facilitators_of_the_cohort_are_suggested_too(client, leader, facilitator):
    client.force_login(leader)
    suggested = client.get(reverse("home")).context["people_you_may_know"]
    assert facilitator in suggested
    assert Membership.objects.filter(user=facilitator, kind=Membership.Kind.FACILITATOR).exists()


@pytest.mark.django_db
def test_membership_factory_cohorts_do_not_duplicate_suggestions(client, leader, cohort, other_cohort):
    both = member_of(cohort)
    MembershipFactory(user=both, cohort=other_cohort)
    MembershipFactory(user=leader, cohort=other_cohort)
    client.force_login(leader)
    suggested = client.get(reverse("home")).context["people_you_may_know"]
    assert suggested.count(both) == 1
