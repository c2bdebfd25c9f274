"""The Celery application: one for the web process, the worker and beat."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _prepare_filesystem_broker(sender, **kwargs):
    """The embedded broker keeps its queue in folders; make sure they exist."""
    from pathlib import Path

    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder", "processed_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


# The timetable of periodic jobs. Each entry names a task by its dotted name; apps own the tasks.
app.conf.beat_schedule = {
    "broker-heartbeat": {"task": "portal.tasks.heartbeat", "schedule": crontab(minute="*")},
}

# Notifications: immediate e-mails and digests live in portal/notifications_tasks.py.
app.autodiscover_tasks(["portal"], related_name="notifications_tasks")
app.conf.beat_schedule.update(
    {
        # Digests go out at 08:00 in each person's own time zone: check every quarter hour who is due.
        "notification-digests": {"task": "portal.notifications.send_due_digests", "schedule": crontab(minute="*/15")},
        # Restart e-mails whose retries ran out while the mail server was down, or that the broker lost.
        "notification-email-sweep": {"task": "portal.notifications.sweep", "schedule": crontab(minute="*/10")},
    }
)

# Onboarding: goal deadline reminders (each person and stage once) and survey after rounds (each round once).
app.conf.beat_schedule.update(
    {
        "onboarding-goal-reminders": {"task": "onboarding.tasks.goal_reminders", "schedule": crontab(minute=5)},
        "onboarding-survey-rounds": {"task": "onboarding.tasks.survey_rounds", "schedule": crontab(minute="*/15")},
    }
)


# Metrics: incremental rollups every METRICS_ROLLUP_MINUTES; sponsor summaries checked hourly (each sent once a week).
def _metrics_schedule() -> dict:
    from django.conf import settings

    return {
        "metrics-rollup": {
            "task": "metrics.tasks.rollup",
            "schedule": crontab(minute=f"*/{settings.METRICS_ROLLUP_MINUTES}"),
        },
        "metrics-sponsor-summaries": {"task": "metrics.tasks.sponsor_summaries_due", "schedule": crontab(minute=20)},
    }


app.conf.beat_schedule.update(_metrics_schedule())
