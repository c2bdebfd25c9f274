"""Fixtures of the reliability tests (issue 16)."""

import pytest

from tests.factories import BoardFactory


@pytest.fixture
def board(cohort):
    return BoardFactory(cohort=cohort, title="Harbour view lounge", slug="harbour")


@pytest.fixture
def topic(board, leader):
    from forums.services import topic_create

    return topic_create(actor=leader, board=board, title="What did you try this week?", body="<p>I posted.</p>")


@pytest.fixture
def broker_down(settings):
    """The broker is unreachable: a real Redis client pointed at a loopback port where nothing listens."""
    from portal.celery import app
    from tests.conftest import _free_port, _reset_producer_pool

    saved = (app.conf.broker_url, app.conf.task_always_eager, dict(app.conf.broker_transport_options or {}))
    app.conf.broker_url = f"redis://127.0.0.1:{_free_port()}/0"
    settings.CELERY_BROKER_URL = app.conf.broker_url  # what a web process hands jobs to (portal.outbox_send)
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    app.conf.task_always_eager = False
    _reset_producer_pool(app)
    yield
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = saved
    _reset_producer_pool(app)
    from portal.jobs import broker_pause_reset

    broker_pause_reset()  # the broker is back: the next commit hands its jobs over at once
