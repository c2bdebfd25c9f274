"""Turn one logged activity into one xAPI 1.0.3 statement.

Guarantees: the statement is a pure function of the activity row and the fixed settings
(XAPI_PLATFORM_IRI, XAPI_ACTOR_IDENTITY): the same activity always gives the same id and the same
content, so sending it again is idempotent at the LRS. Nothing read at send time (titles that can be
edited, display names, cohort names) goes into a statement; names come from facts the activity recorded.
Individual survey answers never leave the portal: a survey statement says only that a round was done.
"""

from __future__ import annotations

import uuid
from datetime import UTC

from django.conf import settings

from .source import LoggedActivity
from .vocabulary import OBJECT_TYPES, STATEMENT_VERBS

# Fixed forever: statement ids are uuid5(NAMESPACE, "<platform IRI>/activity/<id>").
NAMESPACE = uuid.UUID("6f0c2a8e-3b1d-5e8f-9a47-4b5e0c1d2a93")
PLATFORM = "Keystone"


def platform_iri() -> str:
    return (settings.XAPI_PLATFORM_IRI or settings.SITE_URL).rstrip("/")


def statement_id(activity_id: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{platform_iri()}/activity/{activity_id}"))


def registration_id(cohort_id: int) -> str:
    """The registration of a cohort's programme: one stable UUID per cohort."""
    return str(uuid.uuid5(NAMESPACE, f"{platform_iri()}/cohort/{cohort_id}"))


def activity_iri(kind: str, object_id) -> str:
    return f"{platform_iri()}/xapi/activities/{kind}/{object_id}"


def _actor(a: LoggedActivity) -> dict:
    if settings.XAPI_ACTOR_IDENTITY == "mbox" and a.actor_email:
        return {"objectType": "Agent", "mbox": f"mailto:{a.actor_email.lower()}"}
    return {"objectType": "Agent", "account": {"homePage": platform_iri(), "name": str(a.actor_id)}}


def _object_id(a: LoggedActivity, source: str):
    if source == "target":
        return a.target_id
    if source == "context":
        return a.context_id
    return a.data.get(source) or (a.target_id if source in ("lesson", "goal") else None)


def _activity(kind: str, object_id, name: str = "") -> dict:
    definition: dict = {"type": OBJECT_TYPES[kind]}
    if name:
        definition["name"] = {"en": name[:250]}
    return {"objectType": "Activity", "id": activity_iri(kind, object_id), "definition": definition}


def _result(a: LoggedActivity) -> dict | None:
    if a.verb == "lesson_completed":
        return {"completion": True}
    if a.verb == "goal_completed":
        late = a.data.get("late")
        if late is None and "on_time" in a.data:
            late = not a.data["on_time"]
        result: dict = {"completion": True}
        if late is not None:
            result["success"] = not late
        return result
    if a.verb == "survey_answered":
        return {"completion": True}
    if a.verb == "reacted" and a.data.get("kind"):
        return {"response": str(a.data["kind"])[:40]}
    return None


def _extensions(a: LoggedActivity) -> dict:
    base = f"{platform_iri()}/xapi/extensions/"
    ext = {}
    if a.verb == "goal_completed" and a.data.get("stage"):
        ext[base + "stage"] = a.data["stage"]
    if a.verb == "goal_completed" and a.data.get("deadline"):
        ext[base + "deadline"] = a.data["deadline"]
    if a.verb == "survey_answered" and a.data.get("round"):
        ext[base + "round"] = a.data["round"]
    return ext


def build_statement(a: LoggedActivity) -> dict | None:
    """The statement for one activity, or None when its verb is not expressed in xAPI (or lacks an object)."""
    spec = STATEMENT_VERBS.get(a.verb)
    if spec is None:
        return None
    object_id = _object_id(a, spec.object_from)
    if object_id is None:
        return None
    statement: dict = {
        "id": statement_id(a.id),
        "actor": _actor(a),
        "verb": {"id": spec.iri, "display": {"en-GB": spec.display}},
        "object": _activity(spec.kind, object_id, str(a.data.get("title") or "")),
        "timestamp": a.created_at.astimezone(UTC).isoformat(timespec="milliseconds"),
    }
    context: dict = {"platform": PLATFORM}
    if a.cohort_id is not None:
        context["registration"] = registration_id(a.cohort_id)
        context["team"] = {
            "objectType": "Group",
            "account": {"homePage": f"{platform_iri()}/cohorts", "name": str(a.cohort_id)},
        }
    if spec.parent_kind and a.context_id is not None:
        context["contextActivities"] = {"parent": [_activity(spec.parent_kind, a.context_id)]}
    extensions = _extensions(a)
    if extensions:
        context["extensions"] = extensions
    statement["context"] = context
    result = _result(a)
    if result is not None:
        statement["result"] = result
    return statement
