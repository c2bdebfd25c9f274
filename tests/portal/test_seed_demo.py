"""`manage.py seed_demo`: the fictional organisation, its 90 days of history, idempotency, demo sign-in."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from demo import org as demo
from demo.management.commands import seed_demo as seed_demo_command
from metrics.models import Activity
from portal.people.models import Cohort, Follow, Membership, Role, User

# A fixed "today", so the history (dated back from it) is the same on every run; its 90 days
# cross the change to summer time in the site's time zone.
TODAY = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
DEMO_SLUGS = [c["slug"] for c in demo.COHORTS]


@pytest.fixture
def people_only(monkeypatch):
    """Seed the people and history only (the apps' content has its own tests)."""
    monkeypatch.setattr(demo, "SEED_APPS", ())


def seed(*args):
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", *args, stdout=_Sink(), stderr=_Sink())


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def demo_people():
    return User.objects.filter(email__endswith=f"@{demo.DEMO_DOMAIN}")


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_seed_creates_the_fictional_organisation_and_its_history(people_only):
    seed()

    cohorts = list(Cohort.objects.filter(slug__in=DEMO_SLUGS).order_by("slug"))
    assert len(cohorts) == 3
    start = TODAY - timedelta(days=demo.DEMO_DAYS + 1)
    for cohort in cohorts:
        assert cohort.sponsor.profile.management_level == 1, "each cohort's sponsor is a senior executive"
        sessions = list(cohort.sessions.order_by("number"))
        assert [s.number for s in sessions] == [1, 2, 3]
        assert all(start < s.starts_at < TODAY for s in sessions)
        assert sessions[2].starts_at - sessions[0].starts_at > timedelta(days=60), "spread over the 90 days"
    assert len({c.sponsor_id for c in cohorts}) == 3

    leaders = [u for u in demo_people().select_related("profile") if u.email.startswith("leader")]
    assert 55 <= len(leaders) <= 65
    levels = Counter(u.profile.management_level for u in leaders)
    assert 0 < levels[1] < levels[2] < levels[3], "few senior executives, many front-line managers"
    names = [u.profile.display_name for u in leaders]
    assert len(set(names)) == len(names) and all(" " in n for n in names)
    assert all(u.profile.job_title and u.profile.department for u in leaders)
    for cohort in cohorts:
        members = Membership.objects.filter(cohort=cohort, kind=Membership.Kind.MEMBER).count()
        assert 15 <= members <= 25

    for index, slug in enumerate(DEMO_SLUGS, start=1):
        facilitator = User.objects.get(email=f"facilitator{index}@{demo.DEMO_DOMAIN}")
        assert facilitator.groups.filter(name=Role.FACILITATOR).exists()
        facilitated = Membership.objects.filter(user=facilitator, kind=Membership.Kind.FACILITATOR)
        assert [m.cohort.slug for m in facilitated] == [slug]
    analyst = User.objects.get(email=f"analyst@{demo.DEMO_DOMAIN}")
    assert analyst.groups.filter(name=Role.ANALYST).exists()
    admin = User.objects.get(email=f"admin@{demo.DEMO_DOMAIN}")
    assert admin.is_superuser and admin.is_staff and admin.groups.filter(name=Role.ADMIN).exists()
    assert demo_people().count() == len(leaders) + 5
    assert all(u.check_password(demo.DEMO_PASSWORD) for u in demo_people()[:5])

    # Follows, with a few influencers whom many follow.
    followers = Counter(Follow.objects.filter(follower__in=demo_people()).values_list("followee__email", flat=True))
    assert sum(followers.values()) > 200
    assert len([email for email, n in followers.items() if n >= 15]) >= 4

    # ---- the 90 days of history: back-dated, growing, with a quiet cohort
    activities = Activity.objects.filter(actor__in=demo_people())
    first = activities.order_by("created_at").first().created_at
    last = activities.order_by("-created_at").first().created_at
    assert TODAY - timedelta(days=demo.DEMO_DAYS + 1) < first < TODAY - timedelta(days=demo.DEMO_DAYS - 1)
    assert last <= TODAY

    def window(days_ago_from: int, days_ago_to: int):
        return activities.filter(
            created_at__gte=TODAY - timedelta(days=days_ago_from), created_at__lt=TODAY - timedelta(days=days_ago_to)
        )

    first_30, last_30 = window(90, 60), window(30, 0)
    assert last_30.count() > first_30.count() * 1.2, "participation grows over the 90 days"
    # Sign-ins only (the first days also hold every sign-up): the lively cohorts grow, the quiet one stays flat.
    by_cohort_first = Counter(first_30.filter(verb="signed_in").values_list("cohort__slug", flat=True))
    by_cohort_last = Counter(last_30.filter(verb="signed_in").values_list("cohort__slug", flat=True))
    quiet, lively = DEMO_SLUGS[demo.QUIET_COHORT], DEMO_SLUGS[0]
    assert by_cohort_last[lively] > 2 * by_cohort_first[lively]
    assert by_cohort_last[quiet] < 1.5 * max(by_cohort_first[quiet], 1)
    for slug in DEMO_SLUGS[:2]:
        assert by_cohort_last[quiet] < by_cohort_last[slug] / 2

    # Levels take part unevenly: per person, senior executives sign in far less than middle managers.
    per_level = Counter(activities.filter(verb="signed_in").values_list("management_level", flat=True))
    people_per_level = Counter(
        u.profile.management_level for u in demo_people().select_related("profile") if u.email.startswith("leader")
    )
    assert per_level[1] / people_per_level[1] < 0.7 * per_level[2] / people_per_level[2]

    # Every activity is stamped with its actor's cohort and level, as the real services do.
    leader_rows = activities.filter(actor__email__startswith="leader")
    assert not leader_rows.filter(cohort__isnull=True).exists()
    assert not leader_rows.filter(management_level__isnull=True).exists()
    verbs = set(activities.values_list("verb", flat=True))
    assert {"signed_up", "signed_in", "profile_completed", "followed"} <= verbs
    # Nobody did anything before they joined.
    joined = dict(demo_people().values_list("pk", "date_joined"))
    assert all(created >= joined[actor] for actor, created in activities.values_list("actor_id", "created_at"))


@pytest.mark.django_db(transaction=True)  # the seed's commits are real, so its follow-up jobs run as in make run
def test_the_history_is_written_in_backfill_mode(people_only):
    """Goals recomputed once per person per batch (``portal.jobs.backfill``), with what a refresh after every
    event gives: progress from the whole history, each goal completed when it was met (the e-mails part of
    the mode is in tests/portal/test_backfill.py: people-only history notifies nobody by e-mail)."""
    from onboarding.models import GoalProgress

    seed()

    leaders = demo_people().filter(email__startswith="leader")
    follows = Counter(Follow.objects.filter(follower__in=leaders).values_list("follower_id", flat=True))
    progress = dict(
        GoalProgress.objects.filter(user__in=leaders, goal__criterion="follow_colleagues").values_list(
            "user_id", "current"
        )
    )
    assert {pk: progress.get(pk, 0) for pk in leaders.values_list("pk", flat=True)} == {
        pk: follows[pk] for pk in leaders.values_list("pk", flat=True)
    }
    done = GoalProgress.objects.filter(user__in=leaders, goal__criterion="follow_colleagues", current__gte=10)
    for row in done:
        tenth = Follow.objects.filter(follower_id=row.user_id).order_by("created_at")[9].created_at
        assert row.completed_at == tenth, "completed when the tenth follow happened, not when the seed ran"
    assert done.exists()


@pytest.mark.django_db
def test_running_twice_adds_nothing_and_reset_recreates_the_same_demo():
    seed()
    after_first = row_counts()
    assert after_first["people.User"] >= 65

    seed()
    assert row_counts() == after_first

    seed("--reset")
    assert row_counts() == after_first


@pytest.mark.django_db
def test_a_partial_demo_is_refused_rather_than_duplicated(people_only):
    seed()
    User.objects.get(email=f"leader7@{demo.DEMO_DOMAIN}").delete()
    before = row_counts()
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert row_counts() == before, "nothing is added to a partial demo"


@pytest.mark.django_db
def test_refuses_production_settings(settings, people_only):
    settings.SETTINGS_MODULE = "portal.settings.production"
    with pytest.raises(CommandError, match="production"):
        seed()
    assert not demo_people().exists()


@pytest.mark.django_db
def test_each_apps_seed_gets_the_org_and_a_failure_is_reported(monkeypatch):
    calls = []

    def fake_module(label, fail=False):
        def seed_app(org):
            calls.append((label, org))
            if fail:
                raise RuntimeError("broken seed")

        return SimpleNamespace(seed=seed_app)

    modules = {"forums": fake_module("forums", fail=True), "blogs": fake_module("blogs")}
    monkeypatch.setattr(demo, "SEED_APPS", ("forums", "blogs", "onboarding"))
    monkeypatch.setattr(
        seed_demo_command.Command, "_app_demo_module", lambda self, label: modules.get(label), raising=True
    )
    with pytest.raises(CommandError, match="forums"):
        seed()
    assert [label for label, _ in calls] == ["forums", "blogs"], "a failing app does not stop the others"
    org = calls[1][1]
    assert [c.slug for c in org.cohorts] == DEMO_SLUGS
    assert len(org.leaders) >= 55 and len(org.facilitators) == 3 and org.analyst and org.admin
    assert org.influencers and all(u in org.leaders for u in org.influencers)
    assert sum(len(v) for v in org.leaders_by_cohort.values()) == len(org.leaders)
    assert all(len(org.sessions[c.pk]) == 3 for c in org.cohorts)
    assert org.start < org.now - timedelta(days=demo.DEMO_DAYS - 1)
    leader = org.leaders[0]
    assert org.sign_ins[leader.pk] and all(org.start <= t <= org.now for t in org.sign_ins[leader.pk])
    # The propensity curve is the one behind the sign-ins: growth, and nothing before joining.
    early = next(org.day(n, 11) for n in range(14, 21) if org.day(n).weekday() < 5)
    late = next(org.day(n, 11) for n in range(89, 84, -1) if org.day(n).weekday() < 5)
    assert org.propensity(leader, late) > 2 * org.propensity(leader, early)
    assert org.propensity(leader, late.replace(hour=12) + timedelta(days=(5 - late.weekday()) % 7 or 7)) < (
        org.propensity(leader, late)
    ), "quieter at weekends"
    assert org.propensity(leader, org.start - timedelta(days=1)) == 0

    # The second run hands the apps an equivalent organisation (loaded, not re-created).
    calls.clear()
    with pytest.raises(CommandError):
        seed()
    again = calls[1][1]
    assert [u.pk for u in again.leaders] == [u.pk for u in org.leaders]
    assert [u.pk for u in again.influencers] == [u.pk for u in org.influencers]
    assert again.start == org.start
    assert again.sign_ins[leader.pk] == org.sign_ins[leader.pk]


@pytest.mark.django_db
def test_demo_sign_in_facilitators_with_the_published_totp_code_leaders_with_the_password(client, people_only):
    seed()
    email = f"facilitator1@{demo.DEMO_DOMAIN}"
    response = client.post(reverse("account_login"), {"login": email, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate"), "facilitators must give a second factor"

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and not wrong.wsgi_request.user.is_authenticated

    response = client.post(reverse("mfa_authenticate"), {"code": demo.totp_code()[0]})
    if response.status_code == 200:  # the 30-second step rolled over between reading and sending the code
        response = client.post(reverse("mfa_authenticate"), {"code": demo.totp_code()[0]})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)
    home = client.get(reverse("home"))
    assert reverse("mfa_activate_totp") not in home.get("Location", ""), "TOTP is already set up for demo staff"
    assert home.wsgi_request.user.email == email

    # A leader needs the password alone.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": f"leader1@{demo.DEMO_DOMAIN}", "password": demo.DEMO_PASSWORD}
    )
    assert response.status_code == 302 and response.url != reverse("mfa_authenticate")
    assert client.session["_auth_user_id"] == str(User.objects.get(email=f"leader1@{demo.DEMO_DOMAIN}").pk)


def test_totp_option_prints_the_code_an_authenticator_app_would_show(capsys):
    moment = datetime(2026, 4, 15, 12, 0, 5, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", "--totp")
    out = capsys.readouterr().out
    # RFC 6238 by hand, independent of allauth: HMAC-SHA1 over the 30-second step counter.
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(demo.DEMO_TOTP_SECRET)
    digest = hmac.new(key, struct.pack(">Q", int(moment.timestamp()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    expected = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    assert out.split()[0] == f"{expected:06d}"
    assert "25 more seconds" in out and demo.DEMO_TOTP_SECRET in out
