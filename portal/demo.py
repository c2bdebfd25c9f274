"""The fictional demo organisation: facts shared by `seed_demo` and `make run`'s banner.

`seed_demo` creates people and cohorts, then calls ``seed(org)`` in each app's ``demo`` module
(forums.demo, blogs.demo, onboarding.demo, metrics.demo, in that order) when it exists. Every app's
seed must be idempotent and must write through its services, travelling back in time with
``time_machine`` so the 90 days of history are written by the real code paths.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

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
SEED_APPS = ("forums", "blogs", "onboarding", "metrics")


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
