"""Issue 13 (worker RSS): what a fresh production web process imports while it serves a leader's pages.

A child process with the production settings (on the test database) serves the pages a leader opens, through the
WSGI application as gunicorn calls it, and reports which heavy modules it has imported. Modules only a few views
need are imported by those views: after the leader's pages they are not loaded, and the view that needs them still
works in the same process (it imports them then).
"""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.conftest import ROOT, database_url
from tests.factories import BlogFactory, EntryFactory, TopicFactory

# Imported only by views and jobs that need them (each cut is measured in its commit).
NOT_FOR_A_LEADERS_PAGES = {
    "fido2": "allauth's WebAuthn (imported by allauth.mfa.base.views: TOTP sign-in and 2FA settings only)",
    "allauth.mfa.stages": "allauth's MFA sign-in stage",
    "lms.lti.views": "LTI launches and the LMS platforms' pages (pylti1p3's Django adapters)",
    "lms.views.calendars": "calendar feeds",
    "lms.views.xapi": "the xAPI page",
    "metrics.views": "dashboards and My progress",
    "onboarding.facilitation.views.cohorts": "the facilitators' cohort tools",
    "onboarding.facilitation.views.prompts": "the prompt library",
    "onboarding.facilitation.views.queue": "the first-timer queue",
}
# Pages that need some of them, opened after the leader's pages in the same process.
LATER = {"/accounts/2fa/": {"fido2", "allauth.mfa.stages"}, "/dashboards/me/": {"metrics.views"}}

PROBE = """
import io, json, sys
import portal.settings.production as production
# The test database has no collected static files: plain static storage instead of the manifest (no imports moved).
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
production.STORAGES = {**production.STORAGES, "staticfiles": plain}
from portal.wsgi import application

def get(path, cookie):
    path, _, query = path.partition("?")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http",
               "wsgi.errors": sys.stderr, "HTTP_COOKIE": cookie, "REMOTE_ADDR": "127.0.0.1"}
    status = []

    def start_response(line, headers, *exc):
        status.append(" ".join([line] + [v for k, v in headers if k == "Location"]))

    b"".join(application(environ, start_response))
    return status[0]

question = json.loads(sys.argv[1])
answer = {"pages": {p: get(p, question["cookie"]) for p in question["pages"]}}
answer["loaded"] = sorted(m for m in question["modules"] if m in sys.modules)
answer["later"] = {p: get(p, question["cookie"]) for p in question["later"]}
answer["loaded_later"] = sorted(m for m in question["modules"] if m in sys.modules)
print(json.dumps(answer))
"""


@pytest.mark.django_db(transaction=True)
def test_a_leaders_pages_leave_the_heavy_modules_unimported(client, leader, settings):
    settings.SECRET_KEY = "k" * 60  # the child's: a session is signed with it
    topic = TopicFactory(author=leader)
    entry = EntryFactory(blog=BlogFactory(owner=leader))
    client.force_login(leader)
    pages = ["/", "/boards/", "/boards/latest/", topic.board.get_absolute_url(), topic.get_absolute_url()]
    pages += ["/blogs/", entry.get_absolute_url(), "/notifications/", "/people/", f"/people/{leader.pk}/"]
    pages += ["/search/?q=topic", "/learn/", "/boards/drafts/", "/boards/saved/"]
    question = {
        "cookie": f"sessionid={client.cookies['sessionid'].value}",
        "pages": pages,
        "modules": sorted(NOT_FOR_A_LEADERS_PAGES),
        "later": list(LATER),
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url(connection.settings_dict),
        "ALLOW_NON_POSTGRES": "True",
        "ALLOW_NO_REDIS": "True",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(ROOT / "var"),
        "PYTHONPATH": str(ROOT),
    }
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", PROBE, json.dumps(question)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    assert answer["pages"] == {page: "200 OK" for page in pages}
    assert answer["loaded"] == []
    assert answer["later"] == {page: "200 OK" for page in LATER}
    assert set(answer["loaded_later"]) == set().union(*LATER.values())
