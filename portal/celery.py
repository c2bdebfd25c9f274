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
