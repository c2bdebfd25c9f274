"""Scale-out and outages, run for real: two gunicorn instances and a Celery worker behind Debian's Caddy,
one PostgreSQL, one (private) Redis, one media folder, one mail server; Redis and the mail server are
stopped and restarted as processes. Marked ``ops``; PostgreSQL only."""

from __future__ import annotations

import time
import uuid
from email.utils import parseaddr

import pytest
import requests
from django.utils import timezone

from forums.models import Attachment, Post
from forums.services import post_reply, topic_create
from portal.jobs import ID_PREFIX, enqueue_on_commit, outbox_sweep
from portal.models import JobHeartbeat
from portal.notifications import Event
from portal.notifications.models import EmailDelivery, Notification
from portal.outbox import OutboxJob
from tests.conftest import wait_for
from tests.factories import BoardFactory, CohortFactory, member_of, reply_to
from tests.factories.portal import PASSWORD
from tests.ops.tasks import slow_job

from .conftest import csrf_of, sign_in

pytestmark = [pytest.mark.ops, pytest.mark.django_db(transaction=True)]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf000000030101001825dd6b0000000049454e44ae426082"
)


@pytest.fixture
def people():
    cohort = CohortFactory(name="Lighthouse keepers", slug="lighthouse")
    author = member_of(cohort, email="author@harbourview.example")
    replier = member_of(cohort, email="replier@harbourview.example")
    outsider = member_of(CohortFactory(name="Inland", slug="inland"), email="outsider@harbourview.example")
    board = BoardFactory(cohort=cohort, title="Lamp room", slug="lamp-room")
    topic = topic_create(actor=author, board=board, title="What keeps the light on?", body="<p>Oil.</p>")
    return {"author": author, "replier": replier, "outsider": outsider, "topic": topic}


def _reply(session: requests.Session, base: str, topic, text: str) -> requests.Response:
    url = f"{base}/boards/t/{topic.pk}/reply/"
    token = csrf_of(session, f"{base}/boards/t/{topic.pk}/")
    return session.post(
        url,
        data={"body": text, "csrfmiddlewaretoken": token, "client_key": uuid.uuid4().hex},
        headers={"Referer": url},
        allow_redirects=False,
        timeout=30,
    )


def test_either_instance_serves_the_same_session_limits_media_and_jobs(stack, people):
    author, replier, outsider, topic = people["author"], people["replier"], people["outsider"], people["topic"]

    # A session made through one instance is valid on both (sessions in PostgreSQL).
    session = sign_in(stack.web(0), replier.email, PASSWORD)
    for i in (0, 1):
        home = session.get(f"{stack.web(i)}/", allow_redirects=False, timeout=30)
        assert home.status_code == 200 and "Sign out" in home.text

    # Sign-in limits are counted in the shared Redis: failures spread over both instances add up.
    for i in (0, 1, 0):
        guesser = requests.Session()
        login = f"{stack.web(i)}/accounts/login/"
        data = {"login": author.email, "password": "wrong", "csrfmiddlewaretoken": csrf_of(guesser, login)}
        assert guesser.post(login, data=data, headers={"Referer": login}, timeout=30).status_code == 200
    blocked = requests.Session()
    token = csrf_of(blocked, f"{stack.web(1)}/accounts/login/")
    response = blocked.post(
        f"{stack.web(1)}/accounts/login/",
        data={"login": author.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{stack.web(1)}/accounts/login/"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 200 and "Too many failed login attempts" in response.text

    # A cohort-only image: Caddy sends it only after Django said yes.
    name = f"forums/ops/{uuid.uuid4().hex}.png"
    path = stack.media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(PNG)
    post = reply_to(topic, author)
    Attachment.objects.create(uploader=author, post=post, image=name, thumb=name)
    url = f"{stack.url}/media/{name}"
    try:
        assert requests.get(url, timeout=30).status_code == 401
        outsider_session = sign_in(stack.url, outsider.email, PASSWORD)
        assert outsider_session.get(url, timeout=30).status_code == 404
        member = session.get(url, timeout=30)
        assert member.status_code == 200 and member.content == PNG
        assert requests.get(f"{stack.url}/media/forums/ops/../../../etc/passwd", timeout=30).status_code in (
            401,
            404,
        )
    finally:
        path.unlink(missing_ok=True)

    # A follow-up job: a reply through Caddy notifies the topic's author via the worker.
    assert _reply(session, stack.url, topic, "Reply through the proxy").status_code == 302
    wait_for(lambda: Notification.objects.filter(recipient=author, event=Event.TOPIC_REPLY).exists(), timeout=60)


def test_redis_down_pages_and_writes_work_and_every_follow_up_runs_once_after(stack, people, settings):
    settings.OUTBOX_PUBLISH_GRACE_SECONDS = 0  # as the web processes (no wait for a publisher here)
    # This process plays beat's sweeper below, with the stack's settings (5 s; production: 300 s).
    settings.OUTBOX_STALE_SECONDS = 5
    author, replier, topic = people["author"], people["replier"], people["topic"]
    session = sign_in(stack.url, replier.email, PASSWORD)
    # A job handed to Redis just before it went down and lost with it (Redis keeps nothing here; in
    # production the last second of writes): a row marked sent that no message carries any more. The race
    # that made this test fail since the LTI merge, made certain: the worker enqueues a score sync after
    # each goal refresh, and the sign-in's refresh runs while Redis is being stopped.
    lost_key = f"lost-{uuid.uuid4().hex[:8]}"
    now = timezone.now()
    lost = OutboxJob.objects.create(task=slow_job.name, args=[lost_key, 0], sent_at=now, due_at=now, attempts=1)
    # A job the worker holds, unacknowledged, waiting out its countdown when Redis goes (as an e-mail waits
    # NOTIFICATION_EMAIL_DELAY): losing Redis then made the worker exit (see portal.celery.RedisTransport).
    held_key = f"held-{uuid.uuid4().hex[:8]}"
    enqueue_on_commit(slow_job, held_key, 0, countdown=20)
    held = OutboxJob.objects.get(args__0=held_key)
    wait_for(lambda: f"[{ID_PREFIX}{held.pk}] received" in stack.logs["worker"].read_text(), timeout=30)
    stack.stop("redis")
    try:
        statuses = [session.get(f"{stack.url}/", timeout=30).status_code for _ in range(6)]
        statuses += [session.get(f"{stack.url}/boards/t/{topic.pk}/", timeout=30).status_code for _ in range(4)]
        assert statuses == [200] * 10
        replies = [_reply(session, stack.url, topic, f"Written while Redis was down #{n}") for n in range(5)]
        assert [r.status_code for r in replies] == [302] * 5  # the normal page, never a 500
        assert Post.objects.filter(topic=topic, body__contains="while Redis was down").count() == 5
        jobs = OutboxJob.objects.filter(task="forums.tasks.post_created_notify", done_at__isnull=True)
        assert jobs.count() == 5 and not jobs.filter(sent_at__isnull=False).exists()
        # Signing in still works (limits count per process meanwhile).
        sign_in(stack.url, people["author"].email, PASSWORD)
    finally:
        stack.start_redis()
    restarted = time.monotonic()
    time.sleep(1)
    # The lost job is re-sent once it is OUTBOX_STALE_SECONDS overdue: with writes during the outage now
    # quick (one broker timeout per process, not one per job), the outage can be shorter than that.
    overdue = (timezone.now() - lost.due_at).total_seconds()
    time.sleep(max(0.0, settings.OUTBOX_STALE_SECONDS + 1 - overdue))
    # Everything the outage held back: the 5 reply notifications and the goal refreshes of sign-ins and replies.
    waiting = set(OutboxJob.objects.filter(sent_at__isnull=True, done_at__isnull=True).values_list("pk", flat=True))
    assert len(waiting) >= 5
    # What beat's sweeper does every minute: it sends them all, and again the one lost with Redis.
    assert outbox_sweep()["sent"] >= len(waiting) + 1
    assert not OutboxJob.objects.filter(pk__in=[*waiting, lost.pk], sent_at__isnull=True).exists()
    # The worker reconnects to the restarted Redis with back-off (up to 30 s), then works through the jobs;
    # the sweeper keeps re-sending what is sent but not done after OUTBOX_STALE_SECONDS (every minute in
    # production; every 10 s here).
    swept = restarted
    while OutboxJob.objects.filter(done_at__isnull=True).exists():
        pending = list(OutboxJob.objects.filter(done_at__isnull=True).values_list("pk", "task", "sent_at", "attempts"))
        assert time.monotonic() - restarted < 180, f"not done 180 s after Redis came back: {pending}"
        if time.monotonic() - swept >= 10:
            outbox_sweep()
            swept = time.monotonic()
        time.sleep(0.5)
    print(f"every held-back job done {time.monotonic() - restarted:.0f} s after Redis came back")
    note = Notification.objects.get(recipient=author, event=Event.TOPIC_REPLY)
    assert note.count == 5  # every follow-up ran, each once
    assert [JobHeartbeat.objects.filter(name__startswith=f"{k}:").count() for k in (lost_key, held_key)] == [1, 1]
    assert stack.procs["worker"].poll() is None  # the same worker, still running
    assert outbox_sweep()["sent"] == 0


def test_smtp_down_every_email_arrives_once_within_5_minutes_of_its_return(stack):
    # The stack's e-mails wait NOTIFICATION_EMAIL_DELAY = 5 s (production: 60 s) before they are rendered;
    # the send's back-off is the product's own (1, 2, 4, 8, then every 10 minutes), so the first retry after
    # a refused connection comes 60 s later.
    cohort = CohortFactory(name="Harbour pilots", slug="pilots")
    replier = member_of(cohort, email="pilot@harbourview.example")
    authors = [member_of(cohort, email=f"skipper{n}@harbourview.example") for n in range(3)]
    board = BoardFactory(cohort=cohort, title="Tides", slug="tides")
    topics = [
        topic_create(actor=author, board=board, title=f"Spring tide #{n}", body="<p>When?</p>")
        for n, author in enumerate(authors)
    ]
    wait_for(lambda: not OutboxJob.objects.filter(done_at__isnull=True).exists(), timeout=60)
    addresses = {author.email for author in authors}
    replies = EmailDelivery.objects.filter(to_email__in=addresses, notification__event=Event.TOPIC_REPLY)

    def arrived() -> list[str]:
        return [a for a in (parseaddr(m["To"])[1] for m in stack.mails()) if a in addresses]

    stack.stop("smtp")
    try:
        for topic in topics:
            post_reply(actor=replier, topic=topic, body="<p>Half past six.</p>")
        # The worker tried each e-mail once; the refused connection left it pending for its retry.
        wait_for(lambda: replies.filter(status=EmailDelivery.Status.PENDING, attempts=1).count() == 3, timeout=90)
        assert not arrived()
    finally:
        stack.start_smtp()
    returned = time.monotonic()

    wait_for(lambda: len(arrived()) >= 3, timeout=300)
    after = time.monotonic() - returned
    wait_for(lambda: replies.filter(status=EmailDelivery.Status.SENT).count() == 3, timeout=30)
    # Once a delivery row is sent no chain can claim it again, so what arrived is final: one each.
    assert sorted(arrived()) == sorted(addresses)
    assert list(replies.values_list("attempts", flat=True)) == [2, 2, 2]
    print(f"every e-mail arrived {after:.0f} s after the mail server came back")
