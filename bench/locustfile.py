"""Locust users for bench/load.py: leaders who read the board and reply (run by load.py, not alone)."""

from __future__ import annotations

import os
import re
import uuid

from locust import HttpUser, between, task

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOPIC = int(os.environ["LOAD_TOPIC_ID"])
PASSWORD = os.environ["LOAD_PASSWORD"]
JOURNAL = os.environ["LOAD_JOURNAL"]  # one line per reply: "sent <marker>" before, "ok <marker>" on success


def journal(event: str, marker: str) -> None:
    with open(JOURNAL, "a") as f:
        f.write(f"{event} {marker}\n")


_next = iter(range(10_000))


class Leader(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.email = f"load{next(_next):03d}@load.example"
        page = self.client.get("/accounts/login/", name="sign-in page")
        token = TOKEN.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            data={"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
        )

    @task(3)
    def read(self) -> None:
        self.client.get("/", name="home")
        self.client.get(f"/boards/t/{TOPIC}/", name="topic")

    @task(1)
    def reply(self) -> None:
        page = self.client.get(f"/boards/t/{TOPIC}/", name="topic")
        match = TOKEN.search(page.text)
        if not match:
            return
        url = f"/boards/t/{TOPIC}/reply/"
        marker = uuid.uuid4().hex
        journal("sent", marker)
        with self.client.post(
            url,
            data={
                "body": f"Load reply {marker} from leader {self.email.split('@')[0]}",
                "csrfmiddlewaretoken": match.group(1),
                "client_key": uuid.uuid4().hex,
            },
            headers={"Referer": f"{self.host}{url}"},
            allow_redirects=False,
            name="reply (POST)",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                journal("ok", marker)
                response.success()
            else:
                response.failure(f"status {response.status_code}")
