"""Create the fictional demo organisation with 90 days of history. Safe to run again: it adds nothing twice."""

from __future__ import annotations

import importlib
import logging
import time
import traceback
from collections import Counter
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from demo import org as demo
from demo import people as demo_services
from demo.seeding import seeding
from metrics.services import actor_memo_clear
from portal.people.models import Follow, User

# Recomputations that give the same result whenever they run (from the activity log): during the seed each
# person's is run once per batch (the people, then each app), not after every event (1,638 times for 60 people).
COALESCED_TASKS = ("onboarding.tasks.goals_refresh",)


@contextmanager
def _history_mode():
    """While the history is written: Celery tasks run in-process (so ``on_commit`` follow-ups happen,
    back-dated, inside the seed) and e-mail stays in memory (the history's e-mails are not sent).
    In ``portal.jobs.backfill`` mode: goal recomputations are coalesced (see ``COALESCED_TASKS``), and
    the history's notifications are settled without rendering e-mails nobody would receive.
    Each in-process task's "succeeded" line is not printed.

    perf (issue 13): ``metrics.actor_memo`` — each activity's actor's memberships and roles are read once,
    not per activity (the same rows; membership and role changes are seen) — and, as under the test
    settings, no query log is kept (``DEBUG`` off: 185,000 queries would each be timed and logged)."""
    from django.core import mail

    import metrics
    from portal.celery import app
    from portal.jobs import backfill

    eager = app.conf.task_always_eager
    trace_log = logging.getLogger("celery.app.trace")
    level = trace_log.level
    app.conf.task_always_eager = True
    trace_log.setLevel(logging.WARNING)
    mail.outbox = []
    from portal.outbox import OutboxJob

    last_job = OutboxJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", DEBUG=False),
            backfill(coalesce=COALESCED_TASKS) as batch,
            metrics.actor_memo(),
        ):
            yield mail, batch
        # The history's jobs ran in-process as each event committed: their outbox rows are bookkeeping the
        # demo does not keep (so a reset recreates the same rows).
        OutboxJob.objects.filter(pk__gt=last_job).delete()
    finally:
        app.conf.task_always_eager = eager
        trace_log.setLevel(level)


class Command(BaseCommand):
    help = (
        f"Create the fictional organisation {demo.DEMO_ORG_NAME}: 3 cohorts, ~60 leaders, the programme team "
        "and 90 days of back-dated activity, then each app's demo content. Running it again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo people, cohorts and content first, then recreate."
        )
        parser.add_argument(
            "--totp",
            action="store_true",
            help="Print the current two-factor code of the demo facilitators and admin, and exit.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even under production settings (the demo accounts have a published password and TOTP secret).",
        )

    def handle(self, *args, reset: bool, totp: bool, allow_production: bool, **options):
        if totp:
            code, seconds = demo.totp_code()
            self.stdout.write(f"{code}  (valid for {seconds} more seconds; secret {demo.DEMO_TOTP_SECRET})")
            return
        if str(settings.SETTINGS_MODULE).endswith(".production") and not allow_production:
            raise CommandError(
                "Refusing to create demo accounts under production settings: their password and two-factor "
                "secret are published. Pass --allow-production if this really is a demonstration site."
            )
        with seeding():  # the running site shows a notice meanwhile (make run serves while this runs)
            self._run(reset=reset)

    def _run(self, *, reset: bool) -> None:
        began = time.monotonic()
        with _history_mode() as (mail, batch):
            if reset:
                self._reset()
            state = demo_services.demo_org_state()
            if state == "partial":
                raise CommandError(
                    "Some of the demo people or cohorts exist but not all (an interrupted or edited demo). "
                    "Run `manage.py seed_demo --reset` to recreate it."
                )
            now = timezone.now()
            if state == "absent":
                org = demo_services.demo_people_seed(now=now)
                batch.flush()
                self.stdout.write(f"People and 90 days of history: {time.monotonic() - began:.1f} s")
            else:
                org = demo_services.demo_org_load(now=now)
                self.stdout.write(f"{demo.DEMO_ORG_NAME} already exists: people and history left as they are.")
            failures = self._seed_apps(org, flush=batch.flush)
            discarded = len(mail.outbox) + batch.counts.get("history e-mails not rendered", 0)
        self._summary(org, discarded=discarded, seconds=time.monotonic() - began)
        if failures:
            raise CommandError(f"The demo seed of {', '.join(failures)} failed (see above); the rest is in place.")

    def _app_demo_module(self, app_label: str):
        """The demo app's module for an installed app (``demo.forums`` for ``forums``), else None."""
        if not apps.is_installed(app_label):
            return None
        return importlib.import_module(demo.DEMO_MODULES[app_label])

    def _reset(self) -> None:
        for app_label in reversed(demo.SEED_APPS):
            module = self._app_demo_module(app_label)
            if module is not None and hasattr(module, "reset"):
                module.reset()
        removed = demo_services.demo_wipe()
        self.stdout.write(f"Removed the demo organisation ({removed} rows).")

    def _seed_apps(self, org, *, flush=lambda: 0) -> list[str]:
        failures = []
        for app_label in demo.SEED_APPS:
            module = self._app_demo_module(app_label)
            if module is None or not hasattr(module, "seed"):
                continue
            began = time.monotonic()
            try:
                module.seed(org)
                flush()  # the app's coalesced follow-ups, before the next app reads what they write
            except Exception:  # report every app's failure, then fail the command
                actor_memo_clear()  # its rolled-back writes may have been remembered
                failures.append(app_label)
                self.stderr.write(f"{app_label}: demo seed failed\n{traceback.format_exc()}")
                continue
            self.stdout.write(f"{app_label}: demo content in place ({time.monotonic() - began:.1f} s)")
        return failures

    def _summary(self, org, *, discarded: int, seconds: float) -> None:
        Activity = apps.get_model("metrics", "Activity")
        people = User.objects.filter(email__iendswith=f"@{demo.DEMO_DOMAIN}")
        levels = Counter(user.profile.management_level for user in org.leaders)
        activities = Activity.objects.filter(actor__in=people)
        first = activities.order_by("created_at").values_list("created_at", flat=True).first()
        lines = [
            "",
            f"{demo.DEMO_ORG_NAME}: {len(org.cohorts)} cohorts ({', '.join(c.name for c in org.cohorts)}),",
            f"  {len(org.leaders)} leaders (level 1: {levels[1]}, level 2: {levels[2]}, level 3: {levels[3]}), "
            f"{len(org.facilitators)} facilitators, 1 L&D analyst, 1 admin;",
            f"  {Follow.objects.filter(follower__in=people).count()} follows, {activities.count()} activities"
            + (f" since {timezone.localtime(first):%d %b %Y}." if first else "."),
        ]
        if discarded:
            lines.append(f"  {discarded} e-mails of the back-dated history were not sent.")
        lines.append(f"Done in {seconds:.1f} s. Sign in with any demo account; password: {demo.DEMO_PASSWORD}")
        self.stdout.write("\n".join(lines))
