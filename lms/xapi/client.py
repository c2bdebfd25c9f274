"""Talking to the LRS's statements resource (xAPI 1.0.3, HTTP Basic with the configured key and secret)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings

VERSION_HEADER = {"X-Experience-API-Version": "1.0.3"}


class LrsUnavailable(Exception):
    """The LRS could not take the batch now (down, timing out, 5xx, throttling): try the same batch later."""


@dataclass
class BatchOutcome:
    accepted: list[str]  # statement ids the LRS stored now or already had
    rejected: dict[str, str]  # statement id -> why the LRS refused it for good (400, or 409 differing content)


def statements_url() -> str:
    return settings.XAPI_ENDPOINT.rstrip("/") + "/statements"


def _post(session: requests.Session, payload) -> requests.Response:
    try:
        return session.post(
            statements_url(),
            json=payload,
            headers=VERSION_HEADER,
            auth=(settings.XAPI_KEY, settings.XAPI_SECRET),
            timeout=settings.XAPI_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise LrsUnavailable(f"{type(exc).__name__}: {exc}") from exc


def _refusal(response: requests.Response) -> str:
    return f"HTTP {response.status_code}: {response.text[:300]}"


def send_batch(statements: list[dict]) -> BatchOutcome:
    """POST a batch; on a content refusal (400/409) fall back to one by one so one bad statement blocks nothing.

    Guarantees: returns only when the LRS answered for every statement; raises LrsUnavailable when it
    could not (then nothing may be assumed stored, and the caller sends the same batch again later).
    An LRS answers an already stored id with the same content by 200/204 and stores nothing new.
    """
    with requests.Session() as session:
        response = _post(session, statements)
        if response.status_code in (200, 204):
            return BatchOutcome(accepted=[s["id"] for s in statements], rejected={})
        if response.status_code not in (400, 409):
            raise LrsUnavailable(_refusal(response))
        outcome = BatchOutcome(accepted=[], rejected={})
        for statement in statements:
            one = _post(session, statement)
            if one.status_code in (200, 204):
                outcome.accepted.append(statement["id"])
            elif one.status_code in (400, 409):
                outcome.rejected[statement["id"]] = _refusal(one)
            else:
                raise LrsUnavailable(_refusal(one))
        return outcome


def fetch_statements(*, limit: int = 500) -> list[dict]:
    """Every statement the LRS holds, following ``more`` links (for the admin check and the tests)."""
    found: list[dict] = []
    url: str | None = statements_url() + f"?limit={limit}"
    parts = urlsplit(settings.XAPI_ENDPOINT)
    base = f"{parts.scheme}://{parts.netloc}"
    while url:
        response = requests.get(
            url, headers=VERSION_HEADER, auth=(settings.XAPI_KEY, settings.XAPI_SECRET), timeout=settings.XAPI_TIMEOUT
        )
        response.raise_for_status()
        body = response.json()
        found.extend(body.get("statements", []))
        more = body.get("more") or ""
        url = (more if more.startswith("http") else base + more) if more else None
    return found
