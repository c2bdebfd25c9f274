"""The push job is on beat's timetable and registered with the worker's app."""

from portal.celery import app


def test_beat_runs_the_xapi_push_every_minute_by_default():
    entry = app.conf.beat_schedule["lms-xapi-push"]
    assert entry["task"] == "lms.tasks.xapi_push"
    assert entry["schedule"].minute == set(range(60))
    app.loader.import_default_modules()
    assert "lms.tasks.xapi_push" in app.tasks
