"""The fictional demo organisation: facts shared by `seed_demo` and `make run`'s banner.

`seed_demo` creates people and cohorts, then calls ``seed(org)`` in each app's ``demo`` module
(demo.forums, demo.blogs, demo.facilitation, demo.onboarding, demo.metrics, in that order)
when it exists. Every app's seed must be idempotent and must write through its services, travelling back in
time with ``time_machine`` so the 90 days of history are written by the real code paths.

While the seed runs, Celery tasks run eagerly (a follow-up registered with ``on_commit`` runs when
its transaction commits, so inside a ``time_machine.travel`` block it is back-dated too) and e-mail
goes to Django's in-memory backend (the history's e-mails are not delivered). ``seed_demo`` does not
wrap ``seed(org)`` in a transaction: open your own (per event, so ``on_commit`` follow-ups happen at
the travelled time, or one for all-or-nothing).

An app's ``demo`` module may also define ``reset()``: ``seed_demo --reset`` calls it before deleting
the demo people and cohorts, to remove what the app seeded that does not cascade from them.

To stay consistent with the people history, place an app's events on the days a person was around
(``org.sign_ins[user.pk]``) or draw them with ``org.propensity(user, when)``: both follow the same
curve (growth over the 90 days, the quiet cohort flat, management levels taking part unevenly).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

DEMO_PASSWORD = "keystone-demo"  # noqa: S105  (fictional demo accounts only)
DEMO_DOMAIN = "harbourview.example"
DEMO_ORG_NAME = "Harbourview Logistics (fictional)"
DEMO_DAYS = 90
DEMO_LOGINS = [
    ("admin", f"admin@{DEMO_DOMAIN}"),
    ("analyst", f"analyst@{DEMO_DOMAIN}"),
    ("facilitator", f"facilitator1@{DEMO_DOMAIN}"),
    ("leader", f"leader1@{DEMO_DOMAIN}"),
]
# onboarding.facilitation comes before onboarding: its released starter prompts and the replies to them are
# what onboarding's "reply to a starter prompt" practice step and goals are computed from.
SEED_APPS = ("forums", "blogs", "onboarding.facilitation", "onboarding", "metrics", "lms.lti")
# Each app's seeding lives in the demo app, beside this module (the product carries none of it).
DEMO_MODULES = {
    "forums": "demo.forums",
    "blogs": "demo.blogs",
    "onboarding.facilitation": "demo.facilitation",
    "onboarding": "demo.onboarding",
    "metrics": "demo.metrics",
    "lms.lti": "demo.lti",
}
# The seed of every random choice in the demo: the same organisation and history every time.
DEMO_SEED = 20_240_917
# Facilitators and the admin must use TOTP. The demo staff accounts share this authenticator secret
# (base32), published here on purpose: add it to any authenticator app, or run
# `python manage.py seed_demo --totp` for the current code. `seed_demo` refuses production settings.
DEMO_TOTP_SECRET = "KEYSTONEDEMOHARBOURVIEWLOGISTICS"  # noqa: S105  (fictional demo accounts only)
# Index of the deliberately quiet cohort in DemoOrg.cohorts.
QUIET_COHORT = 2


def demo_rng() -> random.Random:
    """A generator seeded with DEMO_SEED: the same choices on every run."""
    return random.Random(DEMO_SEED)  # noqa: S311  (a reproducible demo, not a secret)


def totp_code(at: datetime | None = None) -> tuple[str, int]:
    """The demo staff accounts' current TOTP code and the seconds it stays valid."""
    import time as _time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    now = at.timestamp() if at is not None else _time.time()
    period = app_settings.TOTP_PERIOD
    code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(now) // period))
    return code, period - int(now) % period


def totp_uri(email: str) -> str:
    """An otpauth:// URI an authenticator app can import (as a QR code or pasted)."""
    from urllib.parse import quote

    from django.conf import settings

    issuer = quote(getattr(settings, "MFA_TOTP_ISSUER", "") or "Keystone")
    return f"otpauth://totp/{issuer}:{quote(email)}?secret={DEMO_TOTP_SECRET}&issuer={issuer}"


@dataclass
class DemoOrg:
    """What the people seed created, handed to each app's ``demo.seed(org)``."""

    start: datetime  # the first day of the history (DEMO_DAYS ago, 09:00 site time)
    now: datetime
    rng: random.Random  # seeded: the same demo every time
    cohorts: list = field(default_factory=list)  # [Cohort]; cohorts[2] is the deliberately quiet one
    leaders: list = field(default_factory=list)  # [User], ~60, levels 1-3
    leaders_by_cohort: dict = field(default_factory=dict)  # {cohort.pk: [User]}
    facilitators: list = field(default_factory=list)  # [User], facilitators[i] runs cohorts[i]
    analyst: object = None
    admin: object = None
    influencers: list = field(default_factory=list)  # [User] leaders many others follow (blog authors)
    # Added later (additive): the formal sessions and when each person was around.
    sessions: dict = field(default_factory=dict)  # {cohort.pk: [CohortSession]} in order
    sign_ins: dict = field(default_factory=dict)  # {user.pk: [datetime]} back-dated sign-ins, sorted
    joined: dict = field(default_factory=dict)  # {user.pk: datetime} when each demo person signed up
    traits: dict = field(default_factory=dict)  # {user.pk: PersonTraits} what drives their activity

    def day(self, n: int, hour: int = 9, minute: int = 0) -> datetime:
        """Day ``n`` of the history (0 = the first) at a local wall-clock time."""
        first = self.start.date()
        return datetime.combine(first + timedelta(days=n), time(hour, minute), tzinfo=self.start.tzinfo)

    def day_of(self, when: datetime) -> int:
        """Which day of the history ``when`` falls on (0 = the first)."""
        return (when.astimezone(self.start.tzinfo).date() - self.start.date()).days

    def propensity(self, user, when: datetime) -> float:
        """How likely this person is to take part on the day of ``when`` (0..1).

        The curve behind the sign-ins: it grows over the 90 days in the active cohorts, stays flat in
        the quiet one, differs by management level and person, rises around formal sessions and drops
        at weekends. People not in the demo (or before they joined) get 0.
        """
        traits = self.traits.get(user.pk)
        joined = self.joined.get(user.pk)
        if traits is None or joined is None or when < joined:
            return 0.0
        day = self.day_of(when)
        session_days = set()
        if traits.cohort_index is not None and traits.cohort_index < len(self.cohorts):
            cohort = self.cohorts[traits.cohort_index]
            session_days = {self.day_of(s.starts_at) for s in self.sessions.get(cohort.pk, [])}
        weekday = self.day(day).weekday()
        return daily_propensity(traits, day, weekday, session_days)


@dataclass(frozen=True)
class PersonTraits:
    """The fixed character of one demo person: the inputs of ``daily_propensity``."""

    kind: str  # "leader", "facilitator", "analyst" or "admin"
    cohort_index: int | None  # index into DemoOrg.cohorts (None for the analyst and the admin)
    level: int | None  # management level 1-3
    engagement: float  # this person's appetite, around 1.0 (0.3 shy .. 1.6 keen)


LEVEL_FACTOR = {1: 0.5, 2: 1.1, 3: 0.8}
STAFF_RATE = {"facilitator": 0.85, "analyst": 0.5, "admin": 0.3}


def daily_propensity(traits: PersonTraits, day: int, weekday: int, session_days: set[int]) -> float:
    """The chance (0..1) that a person takes part on history day ``day``; see DemoOrg.propensity."""
    weekend = weekday >= 5
    if traits.kind != "leader":
        return 0.0 if weekend else STAFF_RATE[traits.kind]
    if traits.cohort_index == QUIET_COHORT:
        rate = 0.07  # flat: the quiet cohort never got going
        bump = 0.12
    else:
        rate = (0.10 + 0.40 * day / DEMO_DAYS) * (1.0 if traits.cohort_index == 0 else 0.85)
        bump = 0.35
    rate *= LEVEL_FACTOR.get(traits.level or 2, 1.0) * traits.engagement
    if weekend:
        rate *= 0.2
    if day in session_days or day - 1 in session_days:
        rate += bump
    return max(0.0, min(0.95, rate))


# ---------------------------------------------------------------- the organisation's facts (all invented)
COHORTS = [
    {
        "name": "Harbour Pilots",
        "slug": "harbour-pilots",
        "description": (
            "Operations and freight leaders learning to steer conversations in the open: sharing decisions, "
            "asking for input across sites and recognising their teams where everyone can see it."
        ),
    },
    {
        "name": "Dockside Leaders",
        "slug": "dockside-leaders",
        "description": (
            "Warehouse, fleet and customer-service managers trying out boards and blogs as a way to hear "
            "from the floor and to explain the why behind changes before the rumours do."
        ),
    },
    {
        "name": "Lighthouse Circle",
        "slug": "lighthouse-circle",
        "description": (
            "Finance, people and technology leaders. A careful group: they read more than they write, "
            "and the programme team is still looking for what will get them talking."
        ),
    },
]
# Three formal sessions per cohort: (history day of the first cohort's session, title). Each later
# cohort runs two days behind the one before it.
SESSIONS = [
    (6, "Why leaders share: listening before posting"),
    (41, "Writing in public: short posts, real decisions"),
    (83, "Leading the conversation: replies, recognition and next steps"),
]

FIRST_NAMES = [
    "Amara", "Bram", "Caelan", "Delphine", "Eero", "Farida", "Gideon", "Hana", "Idris", "Jolene",
    "Kasimir", "Leonie", "Mateo", "Nkechi", "Oskar", "Priya", "Quentin", "Rosalind", "Soren", "Tamsin",
    "Ulla", "Vikram", "Wren", "Xanthe", "Yusuf", "Zofia", "Anselm", "Beatrix", "Cormac", "Dagny",
    "Emeka", "Fenella", "Gunnar", "Hollis", "Ines", "Jarrah", "Keziah", "Lorcan", "Mireille", "Niamh",
    "Orla", "Pascal", "Rafferty", "Saskia", "Thaddeus", "Una", "Valentin", "Winifred", "Yara", "Zebedee",
    "Aurelio", "Bettina", "Cosmo", "Dervla", "Elspeth", "Florian", "Greer", "Hamish", "Isolde", "Jonah",
]  # fmt: skip
# Invented surnames with a coastal flavour, chosen not to belong to anyone well known.
SURNAMES = [
    "Tidewell", "Brackenmoor", "Saltmarsh", "Fenwright", "Kestrelby", "Windlass", "Capstanley", "Mooringdale",
    "Ferrowby", "Bollardson", "Quayhurst", "Anchorby", "Dunmarrow", "Gullwick", "Harrowell", "Inchcombe",
    "Keelson", "Larkmoor", "Marramby", "Oarsworth", "Pellwhistle", "Quillfeather", "Rookhaven", "Seagrove",
    "Trawlingham", "Umberfield", "Vantlow", "Wharfedge", "Yarrowby", "Ashcombe", "Buoyfield", "Cordwell",
    "Driftwood", "Estuarby", "Foghorne", "Galleyford", "Hawserby", "Ironkeel", "Jibsworth", "Kittiwake",
    "Lanternby", "Mizzenby", "Nettleharbour", "Outhaul", "Portwillow", "Rudderham", "Shinglewood", "Tillerton",
    "Undertowe", "Veerwick", "Wavecrest", "Yawlsby", "Breakwater", "Cleatmore", "Dinghyford", "Eddystow",
    "Fathomly", "Gunwhale", "Hullbridge", "Isleworthy",
]  # fmt: skip
STAFF = [
    # (email local part, display name, job title, department, management level)
    ("admin", "Morwenna Pikestaff", "Portal Administrator", "IT & Data", 2),
    ("analyst", "Tobiah Quernsby", "Learning & Development Analyst", "People & Culture", 3),
    ("facilitator1", "Ottoline Brindlecombe", "Leadership Development Facilitator", "People & Culture", 2),
    ("facilitator2", "Caspian Moorfield", "Leadership Development Facilitator", "People & Culture", 2),
    ("facilitator3", "Philippa Strandwick", "Senior Learning Facilitator", "People & Culture", 2),
]
SITES = ["Eastport Terminal", "Millbrook Depot", "Northgate Hub", "Saltcote Cold Store"]
# Senior executives (level 1): one title each.
# Handed out in this order, cohort by cohort; the first of each cohort is its sponsor.
LEVEL_1_TITLES = [
    ("Chief Operating Officer", "Port Operations"),
    ("Managing Director, Freight", "Freight Forwarding"),
    ("Chief Commercial Officer", "Commercial"),
    ("Director of Warehousing", "Warehousing"),
    ("Director of Safety & Compliance", "Safety & Compliance"),
    ("Chief People Officer", "People & Culture"),
    ("Chief Financial Officer", "Finance"),
    ("Chief Information Officer", "IT & Data"),
]
# Leaders per cohort and management level: {level: (cohort 0, cohort 1, cohort 2)}.
LEVEL_COUNTS = {1: (3, 3, 2), 2: (7, 8, 7), 3: (10, 9, 11)}
# Middle (2) and front-line (3) managers: titles per department.
TITLES = {
    "Port Operations": (
        ["Terminal Operations Manager", "Berth Planning Manager"],
        ["Quay Shift Supervisor", "Crane Operations Lead", "Gate Team Leader"],
    ),
    "Freight Forwarding": (
        ["Head of Freight Planning", "Customs Brokerage Manager"],
        ["Dispatch Team Leader", "Documentation Team Lead"],
    ),
    "Warehousing": (
        ["Warehouse General Manager", "Inventory Control Manager"],
        ["Inbound Team Leader", "Night Shift Supervisor", "Pick and Pack Supervisor"],
    ),
    "Fleet & Maintenance": (
        ["Fleet Manager", "Engineering Manager"],
        ["Workshop Supervisor", "Driver Team Leader"],
    ),
    "Customer Service": (
        ["Customer Service Manager", "Key Accounts Manager"],
        ["Customer Care Team Leader", "Claims Team Lead"],
    ),
    "Finance": (
        ["Finance Business Partner", "Head of Payables"],
        ["Accounts Payable Team Lead", "Credit Control Supervisor", "Billing Team Leader"],
    ),
    "People & Culture": (
        ["HR Business Partner", "Talent Manager"],
        ["Payroll Team Lead", "Recruitment Team Lead", "HR Advice Team Leader"],
    ),
    "IT & Data": (
        ["IT Service Manager", "Data Platform Manager"],
        ["Service Desk Team Lead", "Network Operations Lead", "Field Support Supervisor"],
    ),
    "Safety & Compliance": (
        ["Health and Safety Manager", "Compliance Manager"],
        ["Site Safety Lead", "Environmental Compliance Lead"],
    ),
    "Commercial": (["Regional Sales Manager", "Pricing Manager"], ["Inside Sales Team Lead", "Bid Team Leader"]),
}
# Which departments each cohort draws its managers from (the quiet one: the back office).
COHORT_DEPARTMENTS = [
    ["Port Operations", "Freight Forwarding", "Commercial", "Safety & Compliance"],
    ["Warehousing", "Fleet & Maintenance", "Customer Service"],
    ["Finance", "People & Culture", "IT & Data"],
]
BIO_OPENINGS = [
    "{years} years at Harbourview, most of them at {site}.",
    "Joined Harbourview {years} years ago and still learning the quirks of {site}.",
    "Based at {site}; before that {years} years on the road with the fleet.",
    "I look after a team of {team} at {site}.",
]
BIO_CLOSINGS = [
    "Keen to hear how other sites handle peak season.",
    "Happiest when a tricky rota finally works for everyone.",
    "Trying to share more of what my team gets right, not only what went wrong.",
    "Ask me about cold-chain storage or the best tea on the quay.",
    "Here to learn from colleagues I rarely get to meet.",
    "I believe most problems are solved by asking the people doing the work.",
    "Currently reading about how small teams make big decisions.",
    "Not a natural poster, but willing to try.",
]
