"""Issue 13 (worker memory): gunicorn as production starts it (``--config python:portal.gunicorn_conf``).

The master imports the application once and its workers share those pages with it. Two sync workers serve a
leader's topic page to four clients at once, each on its own database connection; then each worker's memory is
read from /proc: most of what it maps is shared with the master rather than its own copy.
"""

import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import ROOT, _free_port, database_url, descendants
from tests.factories import TopicFactory, reply_to

BIN = Path(sys.executable).parent


def memory(pid: int) -> dict[str, float]:
    """MB from /proc/PID/smaps_rollup: Rss, Pss, Shared_Dirty, Private_Dirty and the rest."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value, *_ = line.split()
        fields[key.rstrip(":")] = int(value) / 1024
    fields["Private"] = fields["Private_Clean"] + fields["Private_Dirty"]
    return fields


@pytest.mark.django_db(transaction=True)
def test_workers_share_the_preloaded_application_and_serve_on_their_own_connections(client, leader, settings, tmp_path):
    settings.SECRET_KEY = "k" * 60  # the server's: the session cookie is signed with it
    topic = TopicFactory(author=leader, title="Preloaded workers, one topic")
    for _ in range(5):
        reply_to(topic, leader)
        topic.refresh_from_db()
    client.force_login(leader)
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(connection.settings_dict),
        "PYTHONPATH": str(ROOT),
    }
    cmd = [str(BIN / "gunicorn"), "portal.wsgi", "--config", "python:portal.gunicorn_conf", "--workers", "2"]
    cmd += ["--worker-class", "sync", "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning"]
    log = tmp_path / "gunicorn.log"  # a file, not a pipe nobody reads until the end
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    url = f"http://127.0.0.1:{port}{topic.get_absolute_url()}"
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    def get() -> tuple[int, str]:
        request = urllib.request.Request(url, headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, response.read().decode()

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                get()
                if len(descendants(server.pid)) == 2:
                    break
            except OSError:
                pass
            assert server.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)

        answers: list[tuple[int, str]] = []

        def reader() -> None:
            for _ in range(25):
                answers.append(get())

        readers = [threading.Thread(target=reader) for _ in range(4)]
        for thread in readers:
            thread.start()
        for thread in readers:
            thread.join()
        assert len(answers) == 100
        assert {status for status, _ in answers} == {200}
        assert all("Preloaded workers, one topic" in body for _, body in answers)

        master = memory(server.pid)
        workers = [memory(pid) for pid in descendants(server.pid)]
        assert len(workers) == 2
        # The application was imported by the master, not by each worker.
        assert master["Rss"] > 50, master
        for worker in workers:
            # Written pages still shared with the master (the Python objects of the preloaded application; a
            # worker that imported it itself shares ≈ 3 MB of them, one preloaded without gc.freeze 15 to 18 MB).
            assert worker["Shared_Dirty"] > 20, worker
            # So one more worker costs much less than a whole application (without the config: ≈ 0.75).
            assert worker["Private"] < 0.65 * worker["Rss"], worker
    finally:
        server.terminate()
        server.wait(timeout=30)
