"""The Celery application: one for the web process, the worker and beat."""

import logging
import os
import uuid
from queue import Empty
from time import monotonic

from celery import Celery
from celery.schedules import crontab
from celery.signals import task_prerun
from kombu.transport import filesystem
from kombu.transport import redis as kombu_redis
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

logger = logging.getLogger(__name__)

# Every task runs a message from the job outbox once per row (portal.jobs, reliability work).
app = Celery("portal", task_cls="portal.outbox_worker:OutboxTask")
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


# --- The embedded broker: kombu's filesystem transport, made safe for several processes.
class _AtomicFilesystemChannel(filesystem.Channel):
    """kombu's filesystem channel with atomic hand-over of each message file.

    kombu writes a message file in place, so a consumer polling at that moment can take the still
    empty file and the message is lost (reproduced: about 1 in 60 messages with two producers and a
    busy consumer); and, with store_processed off, it moves taken files to the system temp folder,
    which is a copy rather than an atomic rename when /tmp is another filesystem, so two consumers
    could both take one message. Here a message is written under a hidden name and renamed into the
    queue only when complete, and a consumer claims a file by renaming it into the broker's own
    processed folder (same filesystem: exactly one consumer wins).
    """

    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        # The leading dot keeps the half-written file out of every listing of the queue.
        partial = os.path.join(self.data_folder_out, f".{name}.partial")
        with open(partial, "wb") as f:
            f.write(str_to_bytes(dumps(payload)))
        os.replace(partial, os.path.join(self.data_folder_out, name))

    def _get(self, queue):
        wanted = f"{queue}.msg"
        # A missing claim folder must not pass for "another consumer took it" below.
        os.makedirs(self.processed_folder, exist_ok=True)
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != wanted:
                continue
            claimed = os.path.join(self.processed_folder, name)
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except FileNotFoundError:
                continue  # another consumer claimed it first
            with open(claimed, "rb") as f:
                payload = f.read()
            if not self.store_processed:
                os.remove(claimed)
            return loads(bytes_to_str(payload))
        raise Empty()


class FilesystemTransport(filesystem.Transport):
    """The embedded profile's broker transport (settings: CELERY_BROKER_TRANSPORT)."""

    Channel = _AtomicFilesystemChannel

    @property
    def default_connection_params(self):
        # No server, so no host: kombu would otherwise warn on every connection that it used "localhost".
        return {}


# --- The Redis broker: kombu's transport, with a worker that survives losing Redis while it holds a message.
class _RedisQoS(kombu_redis.QoS):
    """kombu's Redis QoS that gives up restoring unacknowledged messages when it has no client left.

    When the broker connection is lost, Celery (5.7) first ``collect()``s the connection, which detaches
    the transport from it, and then closes it; closing the channel restores the messages the worker holds
    unacknowledged (an e-mail waiting out its countdown, any retry with a delay) through a client built
    from the detached transport, which raises AttributeError: "Unrecoverable error", the worker exits and
    nothing runs until something restarts it (the ops test of a Redis outage, issue 16). Nothing can be
    restored through a dead connection anyway: the messages stay in Redis's unacknowledged set and come
    back after the visibility timeout, and the job outbox re-sends any job not done by then.
    """

    def restore_unacked(self, client=None):
        transport = self.channel.connection
        if client is None and (transport is None or transport.client is None):
            logger.warning(
                "Broker connection lost: %d unacknowledged message(s) left to the visibility timeout and the "
                "outbox sweeper",
                len(self._delivered),
            )
            self._delivered.clear()
            return None
        return super().restore_unacked(client)


class _RedisChannel(kombu_redis.Channel):
    QoS = _RedisQoS


class RedisTransport(kombu_redis.Transport):
    """The Redis broker's transport (settings: CELERY_BROKER_TRANSPORT for redis:// and rediss:// URLs)."""

    Channel = _RedisChannel


# The timetable of periodic jobs. Each entry names a task by its dotted name; apps own the tasks.
app.conf.beat_schedule = {
    "broker-heartbeat": {"task": "portal.tasks.heartbeat", "schedule": crontab(minute="*")},
}

# Reliability: the job outbox's sweeper sends what the broker missed and re-sends what a dead worker dropped.
app.autodiscover_tasks(["portal"], related_name="outbox_worker")
app.conf.beat_schedule["outbox-sweep"] = {"task": "portal.jobs.sweep", "schedule": crontab(minute="*")}

# Notifications: immediate e-mails and digests live in portal/notifications/tasks.py (found by autodiscovery).
app.conf.beat_schedule.update(
    {
        # Digests go out at 08:00 in each person's own time zone: check every quarter hour who is due.
        "notification-digests": {"task": "portal.notifications.send_due_digests", "schedule": crontab(minute="*/15")},
        # Restart e-mails whose retries ran out while the mail server was down, or that the broker lost.
        "notification-email-sweep": {"task": "portal.notifications.sweep", "schedule": crontab(minute="*/5")},
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

# Blogs: publish scheduled entries whose time has come (each exactly once, however often this runs).
app.conf.beat_schedule.update(
    {"blogs-publish-due": {"task": "blogs.tasks.publish_due_entries", "schedule": crontab(minute="*")}}
)

# Facilitation: starter prompts go out on time (each exactly once, even if two runs overlap); quiet cohort
# boards get their next queued prompt early.
app.conf.beat_schedule.update(
    {
        "facilitation-release-prompts": {"task": "facilitation.release_due_prompts", "schedule": crontab(minute="*")},
        "facilitation-quiet-boards": {"task": "facilitation.release_quiet_boards", "schedule": crontab(minute="*/15")},
    }
)

# Forums: images uploaded in a composer but never posted are removed after a week (daily, idempotent).
app.conf.beat_schedule.update(
    {"forums-attachments-prune": {"task": "forums.tasks.attachments_prune", "schedule": crontab(hour=3, minute=40)}}
)


# lms (xapi): send the activity log to the LRS from the cursor (does nothing unless XAPI_ENDPOINT is set).
def _lms_schedule() -> dict:
    from django.conf import settings

    minutes = getattr(settings, "XAPI_PUSH_MINUTES", 1)
    return {"lms-xapi-push": {"task": "lms.tasks.xapi_push", "schedule": crontab(minute=f"*/{minutes}")}}


app.conf.beat_schedule.update(_lms_schedule())


@task_prerun.connect
def _fresh_content_types(**kwargs):
    """Forget cached ContentType ids before each job when the database may be flushed under the worker.

    The test suite flushes its database between transactional tests and Django then recreates the
    content types with new ids; a long-lived worker process would keep writing the old ids.
    Production never flushes, so it keeps the cache (CLEAR_CONTENT_TYPE_CACHE_PER_TASK is False).
    """
    from django.conf import settings

    if getattr(settings, "CLEAR_CONTENT_TYPE_CACHE_PER_TASK", False):
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()


# LTI: goal-stage scores that changed and were not yet posted to LMS gradebooks (unchanged ones are skipped).
def _lti_schedule() -> dict:
    from django.conf import settings

    return {
        "lti-scores-sync": {
            "task": "lti.tasks.scores_sync_all",
            "schedule": crontab(minute=f"*/{settings.LTI_SCORE_SYNC_MINUTES}"),
        }
    }


app.conf.beat_schedule.update(_lti_schedule())
