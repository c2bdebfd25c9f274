"""An independent LTI 1.3 platform for the tests, built on ``lti1p3platform`` (a PyPI platform library).

It runs over HTTP on a free loopback port, as an LMS would: it publishes its JWKS, answers OIDC
authorisation requests with a signed id_token (auto-posted to the tool), issues access tokens to
the tool's signed client assertions (verifying them against the tool's own JWKS URL), serves the
Names and Role Provisioning roster, the Assignment and Grade Services line items and scores, a
course page that frames the tool, a deep-linking return endpoint, and a gradebook page.

Keystone's code never imports this module: the tool sees only HTTP, keys and JWTs.
"""

from __future__ import annotations

import html
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from jwcrypto.jwk import JWK
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
ADMINISTRATOR = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


def new_rsa_pem() -> tuple[str, str]:
    key = JWK.generate(kty="RSA", size=2048)
    return key.export_to_pem().decode(), key.export_to_pem(private_key=True, password=None).decode()


@dataclass
class Person:
    sub: str
    name: str
    email: str
    roles: list[str]
    status: str = "Active"


@dataclass
class Course:
    id: str
    title: str
    label: str
    members: dict[str, Person] = field(default_factory=dict)
    lineitems: dict[str, dict] = field(default_factory=dict)  # id (URL) → line item
    scores: dict[tuple[str, str], dict] = field(default_factory=dict)  # (line item URL, userId) → last score
    links: dict[str, dict] = field(default_factory=dict)  # resource link id → {title, custom}


class _PlainRequest(Request):
    def build_metadata(self, request: Any):
        return request


class _Config(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs):
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs) -> Registration:
        return self._registration


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def get_preflight_response(self):
        return self._request.get_data

    def render_launch_form(self, launch_data, **kwargs):
        return launch_data

    def prepare_launch(self, preflight_response):
        pass

    def get_redirect(self, url):
        return url


class TestPlatform:
    """One LMS with one registration of Keystone, one deployment and one course."""

    __test__ = False  # a helper, not a test class

    def __init__(
        self,
        *,
        tool_base: str,
        client_id: str = "keystone-client",
        deployment_id: str = "deployment-1",
        tool_jwks=None,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.tool_base = tool_base.rstrip("/")
        # How the platform gets the tool's JWKS: over HTTP from the tool's JWKS URL (default), or a callable
        # returning it (tests without a live server read it from the tool's JWKS view instead).
        self.tool_jwks = tool_jwks
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.public_pem, self.private_pem = new_rsa_pem()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self.base = f"http://{host}:{self.server.server_address[1]}"
        self.issuer = self.base
        self.course = Course(id="course-101", title="Leading in the open", label="LIO-101")
        self.tokens_issued = 0
        self.scores_received: list[dict] = []
        self.fail_services = False  # simulate an outage of NRPS/AGS
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # ------------------------------------------------------------ lifecycle
    def start(self) -> TestPlatform:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------ URLs the tool registers
    @property
    def auth_url(self) -> str:
        return f"{self.base}/auth"

    @property
    def token_url(self) -> str:
        return f"{self.base}/token"

    @property
    def jwks_url(self) -> str:
        return f"{self.base}/jwks"

    def registration(self) -> Registration:
        reg = Registration()
        reg.set_iss(self.issuer)
        reg.set_client_id(self.client_id)
        reg.set_deployment_id(self.deployment_id)
        reg.set_launch_url(f"{self.tool_base}/lti/launch/")
        reg.set_deeplink_launch_url(f"{self.tool_base}/lti/launch/")
        reg.set_oidc_login_url(f"{self.tool_base}/lti/login/")
        reg.set_platform_public_key(self.public_pem)
        reg.set_platform_private_key(self.private_pem)
        reg.set_tool_key_set_url(f"{self.tool_base}/lti/jwks/")
        if self.tool_jwks is not None:
            reg.set_tool_key_set(self.tool_jwks())
        return reg

    # ------------------------------------------------------------ people
    def add(self, sub: str, name: str, email: str, roles: list[str], status: str = "Active") -> Person:
        person = Person(sub=sub, name=name, email=email, roles=roles, status=status)
        self.course.members[sub] = person
        return person

    # ------------------------------------------------------------ login initiation (what the LMS links to)
    def login_url(self, sub: str, *, message: str = "resource:link-1") -> str:
        params = {
            "iss": self.issuer,
            "login_hint": sub,
            "target_link_uri": f"{self.tool_base}/lti/launch/",
            "lti_message_hint": message,
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
        }
        return f"{self.tool_base}/lti/login/?{urlencode(params)}"

    # ------------------------------------------------------------ the id_token
    def id_token(
        self,
        preflight: dict[str, str],
        *,
        sign_with: str | None = None,
        aud: str | None = None,
        expires_in: int = 300,
        iat_offset: int = 0,
        deployment_id: str | None = None,
    ) -> dict[str, str]:
        """The form the platform posts to the tool: {"id_token", "state"}; options tamper for tests."""
        sub = preflight["login_hint"]
        message = preflight.get("lti_message_hint", "resource:link-1")
        person = self.course.members[sub]
        reg = self.registration()
        if deployment_id is not None:
            reg.set_deployment_id(deployment_id)
        config = _Config(registration=reg)
        launch = _Launch(_PlainRequest({"get_data": preflight, "form_data": {}}), config)
        launch._registration = reg
        launch.set_user_data(person.sub, person.roles, full_name=person.name, email_address=person.email)
        launch.set_launch_context_claim(
            self.course.id, context_title=self.course.title, context_label=self.course.label
        )
        launch.set_nrps(f"{self.base}/nrps/{self.course.id}")
        launch.set_ags(f"{self.base}/ags/{self.course.id}/lineitems", allow_creating_lineitems=True)
        if message == "deep-link":
            launch.set_dl(f"{self.base}/deep-link-return", title="Keystone", accept_types={"ltiResourceLink"})
        else:
            link_id = message.split(":", 1)[1]
            link = self.course.links.get(link_id, {"title": "Keystone", "custom": {}})
            launch.set_resource_link_claim(link_id, title=link["title"])
            if link["custom"]:
                launch.set_custom_parameters_claim(link["custom"])
        launch.validate_preflight_response(preflight)
        data = launch.generate_launch_request()
        if sign_with is not None or iat_offset or expires_in != 300 or aud is not None:
            import jwt

            body = jwt.decode(data["id_token"], options={"verify_signature": False})
            body["iat"] = int(time.time()) + iat_offset
            body["exp"] = body["iat"] + expires_in
            if aud is not None:
                body["aud"] = body["azp"] = aud
            key = sign_with or self.private_pem
            headers = {"kid": Registration.get_jwk(self.public_pem)["kid"]}
            data["id_token"] = jwt.encode(body, key, algorithm="RS256", headers=headers)
        return data

    def launch_form_html(self, preflight: dict[str, str]) -> str:
        data = self.id_token(preflight)
        action = html.escape(preflight["redirect_uri"])
        return (
            "<!doctype html><html><body><form id='f' method='post' action='" + action + "'>"
            f"<input type='hidden' name='id_token' value='{data['id_token']}'>"
            f"<input type='hidden' name='state' value='{html.escape(data['state'])}'>"
            "<button type='submit'>Continue</button></form>"
            "<script>document.getElementById('f').submit()</script></body></html>"
        )

    # ------------------------------------------------------------ services
    def check_bearer(self, header: str | None, scopes: list[str]) -> bool:
        if not header or not header.startswith("Bearer "):
            return False
        config = _Config(registration=self.registration())
        try:
            return config.validate_token(header[7:], allowed_scopes=scopes)
        except Exception:
            return False

    def access_token(self, form: dict[str, str]) -> dict:
        reg = self.registration()  # a fresh registration: the tool's JWKS is fetched again (rotation)
        config = _Config(registration=reg)
        token = config.get_access_token(form)
        self.tokens_issued += 1
        return token

    def memberships(self) -> dict:
        return {
            "id": f"{self.base}/nrps/{self.course.id}",
            "context": {"id": self.course.id, "label": self.course.label, "title": self.course.title},
            "members": [
                {
                    "status": p.status,
                    "name": p.name,
                    "email": p.email,
                    "user_id": p.sub,
                    "roles": p.roles,
                }
                for p in self.course.members.values()
            ],
        }

    def gradebook_rows(self) -> list[tuple[str, str, dict]]:
        rows = []
        for (item_id, user_id), score in sorted(self.course.scores.items()):
            rows.append((self.course.lineitems[item_id]["label"], user_id, score))
        return rows


def _handler_for(platform: TestPlatform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _send(self, status: int, body: str | bytes | dict | list, content_type: str = "application/json"):
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            if "json" in (self.headers.get("Content-Type") or ""):
                return json.loads(raw or "{}")
            return {k: v[0] for k, v in parse_qs(raw).items()}

        def do_GET(self):
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            path = url.path
            if path == "/jwks":
                return self._send(200, {"keys": platform.registration().get_jwks()})
            if path == "/auth":
                return self._send(200, platform.launch_form_html(query), "text/html")
            if path == f"/nrps/{platform.course.id}":
                if platform.fail_services:
                    return self._send(503, {"error": "down"})
                if not platform.check_bearer(self.headers.get("Authorization"), [NRPS_SCOPE]):
                    return self._send(401, {"error": "unauthorised"})
                container = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
                return self._send(200, platform.memberships(), container)
            if path == f"/ags/{platform.course.id}/lineitems":
                if not platform.check_bearer(self.headers.get("Authorization"), AGS_SCOPES):
                    return self._send(401, {"error": "unauthorised"})
                items = list(platform.course.lineitems.values())
                if "resource_id" in query:
                    items = [i for i in items if i.get("resourceId") == query["resource_id"]]
                if "tag" in query:
                    items = [i for i in items if i.get("tag") == query["tag"]]
                return self._send(200, items, "application/vnd.ims.lis.v2.lineitemcontainer+json")
            if path.startswith("/course/"):
                return self._send(200, _course_page(platform, path, query), "text/html")
            if path == "/gradebook":
                return self._send(200, _gradebook_page(platform), "text/html")
            return self._send(404, {"error": "not found"})

        def do_POST(self):
            path = urlsplit(self.path).path
            form = self._form()
            if path == "/token":
                try:
                    return self._send(200, platform.access_token(form))
                except Exception as exc:
                    return self._send(400, {"error": "invalid_client", "error_description": str(exc)})
            if path == f"/ags/{platform.course.id}/lineitems":
                if not platform.check_bearer(self.headers.get("Authorization"), AGS_SCOPES):
                    return self._send(401, {"error": "unauthorised"})
                item_id = f"{platform.base}/ags/{platform.course.id}/lineitems/{uuid.uuid4().hex[:8]}"
                item = {**form, "id": item_id}
                platform.course.lineitems[item_id] = item
                return self._send(201, item, "application/vnd.ims.lis.v2.lineitem+json")
            if path.startswith(f"/ags/{platform.course.id}/lineitems/") and path.endswith("/scores"):
                if platform.fail_services:
                    return self._send(503, {"error": "down"})
                if not platform.check_bearer(self.headers.get("Authorization"), AGS_SCOPES):
                    return self._send(401, {"error": "unauthorised"})
                item_id = f"{platform.base}{path[: -len('/scores')]}"
                if item_id not in platform.course.lineitems:
                    return self._send(404, {"error": "no such line item"})
                platform.course.scores[(item_id, form["userId"])] = form
                platform.scores_received.append({**form, "lineitem": item_id})
                return self._send(204, b"")
            if path == "/deep-link-return":
                config = _Config(registration=platform.registration())
                items = config.validate_deeplinking_resp(form)
                titles = []
                for item in items:
                    link_id = f"link-{len(platform.course.links) + 1}"
                    platform.course.links[link_id] = {"title": item.get("title", ""), "custom": item.get("custom", {})}
                    titles.append(html.escape(item.get("title", "")))
                body = (
                    "<!doctype html><html><body><h1>Added to the course</h1><ul>"
                    + "".join(f"<li>{t}</li>" for t in titles)
                    + "</ul></body></html>"
                )
                return self._send(200, body, "text/html")
            return self._send(404, {"error": "not found"})

    return Handler


def _course_page(platform: TestPlatform, path: str, query: dict[str, str]) -> str:
    """/course/<sub>: the LMS course as that person sees it; ?open=<link id>|deep-link frames Keystone."""
    sub = path.rsplit("/", 1)[1]
    frame = ""
    if "open" in query:
        message = "deep-link" if query["open"] == "deep-link" else f"resource:{query['open']}"
        frame = (
            f"<iframe title='Keystone' name='tool' src='{html.escape(platform.login_url(sub, message=message))}' "
            "style='width:100%;height:900px;border:1px solid #999'></iframe>"
        )
    links = "".join(
        f"<li><a href='/course/{sub}?open={lid}'>{html.escape(link['title'])}</a></li>"
        for lid, link in platform.course.links.items()
    )
    return (
        f"<!doctype html><html><head><title>{html.escape(platform.course.title)}</title></head><body>"
        f"<h1>{html.escape(platform.course.title)}</h1><ul id='links'>{links}</ul>"
        f"<p><a href='/course/{sub}?open=deep-link'>Add Keystone content</a></p>{frame}</body></html>"
    )


def _gradebook_page(platform: TestPlatform) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(label)}</td><td>{html.escape(user)}</td>"
        f"<td>{score.get('scoreGiven')}/{score.get('scoreMaximum')}</td>"
        f"<td>{html.escape(score.get('activityProgress', ''))}</td>"
        f"<td>{html.escape(score.get('comment', ''))}</td></tr>"
        for label, user, score in platform.gradebook_rows()
    )
    return (
        "<!doctype html><html><head><title>Gradebook</title></head><body><h1>Gradebook</h1>"
        "<table><thead><tr><th>Column</th><th>Learner</th><th>Score</th><th>Progress</th><th>Comment</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></body></html>"
    )


def main() -> None:
    """Run the simulator for the demo: ``python -m tests.lti.simulator [--tool http://127.0.0.1:8000]``."""
    import argparse

    parser = argparse.ArgumentParser(description="A fictional LMS that launches Keystone over LTI 1.3.")
    parser.add_argument("--tool", default="http://127.0.0.1:8000", help="Keystone's base URL")
    parser.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (the demo registers 8765)")
    args = parser.parse_args()
    plat = TestPlatform(
        tool_base=args.tool, client_id="keystone-demo", deployment_id="demo-deployment-1", port=args.port
    )
    plat.add("demo-teacher", "Tam Teacher (fictional)", "tam.teacher@lms.demo.invalid", [INSTRUCTOR])
    plat.add("demo-learner", "Lou Learner (fictional)", "lou.learner@lms.demo.invalid", [LEARNER])
    print(f"Demo LMS on {plat.base}")
    print(f"  instructor: {plat.base}/course/demo-teacher?open=link-1   (creates the course's cohort)")
    print(f"  deep link:  {plat.base}/course/demo-teacher?open=deep-link")
    print(f"  learner:    {plat.base}/course/demo-learner?open=link-1")
    print(f"  gradebook:  {plat.base}/gradebook")
    plat.server.serve_forever()


if __name__ == "__main__":
    main()
