"""The fictional demo organisation's people, cohorts and 90 days of history (for ``seed_demo``).

The plan (who exists, when each person signs in, whom they follow) is drawn from a seeded random
generator, so it is the same every time; the writes go through the real services
(``user_create``, ``membership_add``, ``account_signed_up``/``account_signed_in``, ``profile_update``,
``follow_create``/``follow_delete``) while ``time_machine`` travels to each moment, so every
Activity row, ``date_joined`` and ``created_at`` is back-dated consistently.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from demo import org as demo
from demo.org import DEMO_DAYS, DEMO_DOMAIN, QUIET_COHORT, DemoOrg, PersonTraits, daily_propensity
from portal.people.models import Cohort, CohortSession, Membership, Role, User
from portal.people.services.accounts import account_signed_in, account_signed_up
from portal.people.services.people import follow_create, follow_delete, membership_add, profile_update, user_create


class PartialDemoError(Exception):
    """Some demo people or cohorts exist but not all: the demo cannot be completed safely."""


# ---------------------------------------------------------------- the plan (pure, deterministic)
@dataclass(frozen=True)
class PersonPlan:
    email: str
    display_name: str
    job_title: str
    department: str
    traits: PersonTraits
    join_day: int
    profile_day: int | None  # days after joining that the profile is completed; None: never
    bio: str
    influencer: bool = False
    sponsor_of: int | None = None  # cohort index

    @property
    def kind(self) -> str:
        return self.traits.kind


@dataclass
class HistoryPlan:
    people: list[PersonPlan]
    joins: dict[str, datetime] = field(default_factory=dict)  # email -> moment of sign-up
    sign_ins: dict[str, list[datetime]] = field(default_factory=dict)  # email -> later sign-ins, sorted
    profiles: dict[str, datetime] = field(default_factory=dict)  # email -> moment of profile completion
    follows: list[tuple[datetime, str, str]] = field(default_factory=list)  # (when, follower, followee)
    unfollows: list[tuple[datetime, str, str]] = field(default_factory=list)


def demo_start(now: datetime) -> datetime:
    """The first moment of the history: DEMO_DAYS ago at 09:00 site time."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = timezone.localtime(now, zone).date() - timedelta(days=DEMO_DAYS)
    return datetime.combine(first, time(9, 0), tzinfo=zone)


def session_days(cohort_index: int) -> list[int]:
    return [day + 2 * cohort_index for day, _title in demo.SESSIONS]


def _weighted_sample(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    """k distinct keys, each drawn with probability proportional to its weight (Efraimidis-Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w), key) for key, w in weights.items() if w > 0), reverse=True)
    return [key for _score, key in keyed[:k]]


def plan_people(rng: random.Random) -> list[PersonPlan]:
    """Everybody in the demo: the programme team first, then leader1..leaderN."""
    people = []
    for local, name, title, department, level in demo.STAFF:
        kind = "facilitator" if local.startswith("facilitator") else local
        cohort_index = int(local.removeprefix("facilitator")) - 1 if kind == "facilitator" else None
        people.append(
            PersonPlan(
                email=f"{local}@{DEMO_DOMAIN}",
                display_name=name,
                job_title=title,
                department=department,
                traits=PersonTraits(kind=kind, cohort_index=cohort_index, level=level, engagement=1.0),
                join_day=0,
                profile_day=0,
                bio=f"{title} on the Keystone programme team.",
            )
        )

    slots = []  # (cohort index, level)
    for level, per_cohort in demo.LEVEL_COUNTS.items():
        for cohort_index, count in enumerate(per_cohort):
            slots += [(cohort_index, level)] * count
    rng.shuffle(slots)
    # leader1 is the demo login: an engaged middle manager in the liveliest cohort.
    first = slots.index((0, 2))
    slots[0], slots[first] = slots[first], slots[0]

    surnames = list(demo.SURNAMES)
    rng.shuffle(surnames)
    # Senior executives' titles go out cohort by cohort, so each cohort's sponsor is its first in the list.
    level_1_titles, offset = [], 0
    for count in demo.LEVEL_COUNTS[1]:
        level_1_titles.append(iter(demo.LEVEL_1_TITLES[offset : offset + count]))
        offset += count
    title_turn: dict[tuple[str, int], int] = defaultdict(int)
    seen_level_1 = set()
    influencer_quota = {(0, 2): 2, (1, 2): 1, (1, 3): 2}  # plus cohort 0's sponsor
    for number, (cohort_index, level) in enumerate(slots, start=1):
        site = demo.SITES[rng.randrange(len(demo.SITES))]
        sponsor_of = None
        if level == 1:
            title, department = next(level_1_titles[cohort_index])
            if cohort_index not in seen_level_1:
                seen_level_1.add(cohort_index)
                sponsor_of = cohort_index
        else:
            department = rng.choice(demo.COHORT_DEPARTMENTS[cohort_index])
            titles = demo.TITLES[department][level - 2]
            turn = title_turn[(department, level)]
            title_turn[(department, level)] += 1
            title = titles[turn % len(titles)]
            if level == 3:
                title = f"{title}, {site}"
        influencer = sponsor_of == 0
        if not influencer and influencer_quota.get((cohort_index, level), 0) > 0 and number > 1:
            influencer_quota[(cohort_index, level)] -= 1
            influencer = True
        engagement = min(1.7, max(0.3, rng.lognormvariate(0.0, 0.35)))
        if influencer:
            engagement = max(engagement, 1.4)
        if number == 1:
            engagement = 1.3
        roll = rng.random()
        if sponsor_of is not None or number == 1:
            join_day = 0 if sponsor_of is not None else 1
        elif roll < 0.7:
            join_day = rng.randint(0, 5)
        elif roll < 0.95:
            join_day = rng.randint(6, 20)
        else:
            join_day = rng.randint(21, 35)
        completes = rng.random() < (0.6 if cohort_index == QUIET_COHORT else 0.92)
        profile_day = 0 if number == 1 or influencer else (rng.randint(0, 6) if completes else None)
        bio = " ".join(
            [
                rng.choice(demo.BIO_OPENINGS).format(years=rng.randint(2, 24), site=site, team=rng.randint(6, 40)),
                rng.choice(demo.BIO_CLOSINGS),
            ]
        )
        people.append(
            PersonPlan(
                email=f"leader{number}@{DEMO_DOMAIN}",
                display_name=f"{demo.FIRST_NAMES[number - 1]} {surnames[number - 1]}",
                job_title=title,
                department=department,
                traits=PersonTraits(kind="leader", cohort_index=cohort_index, level=level, engagement=engagement),
                join_day=join_day,
                profile_day=profile_day,
                bio=bio,
                influencer=influencer,
                sponsor_of=sponsor_of,
            )
        )
    return people


def plan_history(start: datetime, rng: random.Random) -> HistoryPlan:
    """Every back-dated event of the people history, independent of today's date.

    Moments run to the end of day DEMO_DAYS (today); the caller drops those not yet reached.
    """
    people = plan_people(rng)
    plan = HistoryPlan(people=people)
    hours = list(range(7, 20))
    hour_weights = [2, 5, 8, 8, 6, 4, 6, 7, 6, 4, 3, 2, 1]

    def moment(day: int, rng=rng) -> datetime:
        hour = rng.choices(hours, hour_weights)[0]
        local = datetime.combine(start.date() + timedelta(days=day), time(hour, rng.randrange(60)))
        return local.replace(tzinfo=start.tzinfo)

    for person in people:
        # The programme team is there first, then each cohort's sponsor, then the leaders as invited.
        joined = start + timedelta(minutes=1 + len(plan.joins))
        if person.sponsor_of is not None:
            joined = start + timedelta(minutes=20 + person.sponsor_of * 7)
        elif person.kind == "leader":
            # Nobody joins a cohort before it exists (created at the first moment of the history).
            joined = max(moment(person.join_day), start + timedelta(minutes=45))
        plan.joins[person.email] = joined
        sessions = set(session_days(person.traits.cohort_index)) if person.traits.cohort_index is not None else set()
        moments = []
        for day in range(person.join_day + 1, DEMO_DAYS + 1):
            weekday = (start.date() + timedelta(days=day)).weekday()
            if rng.random() < daily_propensity(person.traits, day, weekday, sessions):
                moments.append(moment(day))
        plan.sign_ins[person.email] = sorted(moments)
        if person.profile_day is not None:
            later = [m for m in moments if m >= joined + timedelta(days=person.profile_day)]
            if person.profile_day == 0 or not later:
                plan.profiles[person.email] = joined + timedelta(minutes=4)
            else:
                plan.profiles[person.email] = later[0] + timedelta(minutes=3)

    def around(email: str) -> list[datetime]:
        return [plan.joins[email], *plan.sign_ins[email]]

    by_email = {p.email: p for p in people}
    leaders = [p for p in people if p.kind == "leader"]
    facilitators = {p.traits.cohort_index: p.email for p in people if p.kind == "facilitator"}

    def follow_at(follower: str, followee: str, not_before: datetime | None = None) -> datetime | None:
        earliest = max(plan.joins[followee], not_before or plan.joins[follower])
        options = [m for m in around(follower) if m > earliest]
        if not options:
            return None
        return rng.choice(options) + timedelta(minutes=rng.randint(2, 45))

    for person in leaders:
        quiet = person.traits.cohort_index == QUIET_COHORT
        wanted = round(person.traits.engagement * (3 if quiet else 9) * demo.LEVEL_FACTOR[person.traits.level])
        weights = {}
        for other in people:
            if other.email == person.email or other.kind in ("analyst", "admin"):
                continue
            if other.influencer:
                weights[other.email] = 5.0
            elif other.email == facilitators.get(person.traits.cohort_index):
                weights[other.email] = 2.0
            elif other.traits.cohort_index == person.traits.cohort_index:
                weights[other.email] = 1.2
            else:
                weights[other.email] = 0.3
        for followee in _weighted_sample(rng, weights, wanted):
            when = follow_at(person.email, followee)
            if when is not None:
                plan.follows.append((when, person.email, followee))

    # The programme team models the behaviour: facilitators follow their members in the first
    # fortnight; the analyst follows the influencers and the sponsors.
    for person in people:
        if person.kind == "facilitator":
            targets = [p.email for p in leaders if p.traits.cohort_index == person.traits.cohort_index]
        elif person.kind == "analyst":
            targets = [p.email for p in leaders if p.influencer or p.sponsor_of is not None]
        else:
            continue
        for followee in targets:
            when = follow_at(person.email, followee)
            if when is not None:
                plan.follows.append((when, person.email, followee))

    # A few people change their minds a week or more later.
    candidates = [f for f in plan.follows if by_email[f[1]].kind == "leader" and not by_email[f[2]].influencer]
    for when, follower, followee in rng.sample(candidates, min(5, len(candidates))):
        later = [m for m in plan.sign_ins[follower] if m > when + timedelta(days=7)]
        if later:
            plan.unfollows.append((rng.choice(later) + timedelta(minutes=rng.randint(1, 30)), follower, followee))
    return plan


# ---------------------------------------------------------------- writes (each through the real services)
def demo_cohort_create(*, index: int, starts_on, sessions: list[tuple[int, str, datetime]]) -> Cohort:
    """Create one demo cohort and its formal sessions (``sessions``: number, title, starts_at)."""
    spec = demo.COHORTS[index]
    with transaction.atomic():
        cohort = Cohort.objects.create(
            name=spec["name"], slug=spec["slug"], description=spec["description"], starts_on=starts_on
        )
        CohortSession.objects.bulk_create(
            CohortSession(cohort=cohort, number=number, title=title, starts_at=starts_at)
            for number, title, starts_at in sessions
        )
    return cohort


def demo_person_create(*, plan: PersonPlan, password_hash: str, cohort: Cohort | None) -> User:
    """Create a demo person as if they accepted an invitation: account, profile, verified e-mail,
    roles, cohort membership, the sign-up and first sign-in activities. Staff who must use MFA get
    the published demo TOTP secret; the admin may use Django's admin site."""
    from allauth.account.models import EmailAddress

    roles = {"facilitator": (Role.FACILITATOR,), "analyst": (Role.ANALYST,), "admin": (Role.ADMIN,)}
    with transaction.atomic():
        user = user_create(
            email=plan.email,
            display_name=plan.display_name,
            job_title=plan.job_title,
            department=plan.department,
            management_level=plan.traits.level,
            roles=roles.get(plan.kind, ()),
        )
        user.password = password_hash  # hashed once for everybody: the same demo password
        fields = ["password"]
        if plan.kind == "admin":
            user.is_staff = user.is_superuser = True
            fields += ["is_staff", "is_superuser"]
        user.save(update_fields=fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if cohort is not None:
            kind = Membership.Kind.FACILITATOR if plan.kind == "facilitator" else Membership.Kind.MEMBER
            membership_add(user=user, cohort=cohort, kind=kind)
            if plan.sponsor_of is not None:
                cohort.sponsor = user
                cohort.save(update_fields=["sponsor"])
        if plan.kind in ("facilitator", "admin"):
            demo_totp_activate(user=user)
        account_signed_up(user=user, invitation_token=None)
        demo_sign_in(user=user)
    return user


def demo_totp_activate(*, user: User) -> None:
    """Switch on TOTP (with the published demo secret) and recovery codes, as allauth's setup does."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, demo.DEMO_TOTP_SECRET)
        RecoveryCodes.activate(user)


def demo_sign_in(*, user: User) -> None:
    """What signing in records: the activity (through the real service) and ``last_login``."""
    with transaction.atomic():
        account_signed_in(user=user)
        now = timezone.now()
        User.objects.filter(pk=user.pk).update(last_login=now)
        user.last_login = now


def demo_people_seed(*, now: datetime) -> DemoOrg:
    """Create the demo organisation's people, cohorts and 90-day history in one transaction.

    Guarantees: all or nothing; every write goes through the people/account services at its
    back-dated moment (``time_machine``), in chronological order; nothing is dated after ``now``.
    """
    import time_machine

    start = demo_start(now)
    plan = plan_history(start, demo.demo_rng())
    cutoff = now - timedelta(minutes=1)
    password_hash = make_password(demo.DEMO_PASSWORD)
    by_email = {p.email: p for p in plan.people}
    users: dict[str, User] = {}
    cohorts: list[Cohort] = []

    events: list[tuple[datetime, int, str, tuple]] = []
    for index in range(len(demo.COHORTS)):
        events.append((start, 0, "cohort", (index,)))
    for person in plan.people:
        events.append((plan.joins[person.email], 1, "join", (person.email,)))
        events += [(m, 2, "sign_in", (person.email,)) for m in plan.sign_ins[person.email]]
        if person.email in plan.profiles:
            events.append((plan.profiles[person.email], 3, "profile", (person.email,)))
    events += [(when, 4, "follow", (a, b)) for when, a, b in plan.follows]
    events += [(when, 5, "unfollow", (a, b)) for when, a, b in plan.unfollows]
    events.sort(key=lambda e: (e[0], e[1], e[3]))

    def run(kind: str, args: tuple) -> None:
        if kind == "cohort":
            (index,) = args
            sessions = [
                (n, title, datetime.combine(start.date() + timedelta(days=day), time(10, 0), tzinfo=start.tzinfo))
                for n, (day, (_d, title)) in enumerate(zip(session_days(index), demo.SESSIONS, strict=True), start=1)
            ]
            cohorts.append(demo_cohort_create(index=index, starts_on=start.date(), sessions=sessions))
        elif kind == "join":
            person = by_email[args[0]]
            index = person.traits.cohort_index
            users[person.email] = demo_person_create(
                plan=person, password_hash=password_hash, cohort=cohorts[index] if index is not None else None
            )
        elif kind == "sign_in":
            demo_sign_in(user=users[args[0]])
        elif kind == "profile":
            user = users[args[0]]
            profile_update(actor=user, user=user, bio=by_email[args[0]].bio)
        elif kind == "follow":
            follow_create(actor=users[args[0]], followee=users[args[1]])
        elif kind == "unfollow":
            follow_delete(actor=users[args[0]], followee=users[args[1]])

    with transaction.atomic(), time_machine.travel(start, tick=False) as traveller:
        for when, _order, kind, args in events:
            if when > cutoff:
                continue
            traveller.move_to(when)
            run(kind, args)
    return demo_org_load(now=now)


def demo_org_state() -> str:
    """'absent', 'complete' or 'partial': how much of the demo people and cohorts exist."""
    plan_emails = [p.email for p in plan_people(demo.demo_rng())]
    slugs = [c["slug"] for c in demo.COHORTS]
    people = User.objects.filter(email__in=plan_emails).count()
    cohorts = Cohort.objects.filter(slug__in=slugs).count()
    if people == 0 and cohorts == 0:
        return "absent"
    if people == len(plan_emails) and cohorts == len(slugs):
        return "complete"
    return "partial"


def demo_org_load(*, now: datetime) -> DemoOrg:
    """The DemoOrg of an existing demo (what the people seed created), for the apps' seeds."""
    slugs = [c["slug"] for c in demo.COHORTS]
    cohorts = sorted(Cohort.objects.filter(slug__in=slugs), key=lambda c: slugs.index(c.slug))
    if len(cohorts) != len(slugs):
        raise PartialDemoError("The demo cohorts are incomplete.")
    start = timezone.localtime(cohorts[0].created_at, ZoneInfo(settings.TIME_ZONE))
    plan = plan_history(start, demo.demo_rng())
    emails = [p.email for p in plan.people]
    users = {u.email: u for u in User.objects.filter(email__in=emails).select_related("profile")}
    if len(users) != len(emails):
        raise PartialDemoError("Some demo people are missing.")
    latest = max((u.last_login for u in users.values() if u.last_login), default=now)
    org = DemoOrg(start=start, now=now, rng=demo.demo_rng(), cohorts=cohorts)
    for person in plan.people:
        user = users[person.email]
        org.traits[user.pk] = person.traits
        org.joined[user.pk] = user.date_joined
        org.sign_ins[user.pk] = [user.date_joined] + [m for m in plan.sign_ins[person.email] if m <= latest]
        if person.kind == "leader":
            org.leaders.append(user)
            org.leaders_by_cohort.setdefault(cohorts[person.traits.cohort_index].pk, []).append(user)
            if person.influencer:
                org.influencers.append(user)
        elif person.kind == "facilitator":
            org.facilitators.append(user)
        elif person.kind == "analyst":
            org.analyst = user
        elif person.kind == "admin":
            org.admin = user
    org.facilitators.sort(key=lambda u: u.email)
    for cohort in cohorts:
        org.sessions[cohort.pk] = list(cohort.sessions.order_by("number"))
    return org


def demo_wipe() -> int:
    """Delete the demo people (everyone @harbourview.example) and the demo cohorts, with what cascades.

    Returns how many rows went. All or nothing.
    """
    slugs = [c["slug"] for c in demo.COHORTS]
    with transaction.atomic():
        people, _ = User.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").delete()
        cohorts, _ = Cohort.objects.filter(slug__in=slugs).delete()
    return people + cohorts
