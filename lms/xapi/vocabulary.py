"""Which activities become xAPI statements, with which verb and which kind of object.

Verbs come from the ADL vocabulary (http://adlnet.gov/expapi/verbs/) where one fits; reacting has no
ADL verb, so it uses Activity Streams' "like" from the xAPI registry. Activity types come from the ADL
and Tin Can registries. Changing an entry here changes statements not yet sent only: statements already
in the LRS keep their ids and content (resending differing content under the same id is refused by an
LRS with 409), so edit with care and never reuse an object kind for something else.
"""

from __future__ import annotations

from dataclasses import dataclass

ADL = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITIES = "http://adlnet.gov/expapi/activities/"
TINCAN = "http://id.tincanapi.com/activitytype/"
ACTIVITY_STREAMS = "http://activitystrea.ms/schema/1.0/"


@dataclass(frozen=True)
class VerbSpec:
    iri: str
    display: str
    # The object's kind: the path segment of its IRI (never renamed) and its activity type.
    kind: str
    # Where the object's id comes from: "target", "context" or a key of Activity.data.
    object_from: str = "target"
    # The parent activity (e.g. the topic of a reply): "context" or "".
    parent_kind: str = ""


OBJECT_TYPES: dict[str, str] = {
    "topic": TINCAN + "discussion",
    "post": TINCAN + "forum-reply",
    "entry": TINCAN + "blog",
    "comment": ACTIVITY_STREAMS + "comment",
    "lesson": ADL_ACTIVITIES + "lesson",
    "goal": ADL_ACTIVITIES + "objective",
    "survey": TINCAN + "survey",
}

STATEMENT_VERBS: dict[str, VerbSpec] = {
    "topic_created": VerbSpec(ADL + "shared", "shared", "topic"),
    "post_created": VerbSpec(ADL + "responded", "responded", "post", parent_kind="topic"),
    "reacted": VerbSpec(ACTIVITY_STREAMS + "like", "reacted to", "post", parent_kind="topic"),
    "entry_published": VerbSpec(ADL + "shared", "shared", "entry"),
    "entry_read": VerbSpec(ADL + "experienced", "experienced", "entry"),
    "commented": VerbSpec(ADL + "commented", "commented", "comment", parent_kind="entry"),
    "lesson_started": VerbSpec(ADL + "attempted", "attempted", "lesson", object_from="lesson"),
    "lesson_completed": VerbSpec(ADL + "completed", "completed", "lesson", object_from="lesson"),
    "goal_completed": VerbSpec(ADL + "completed", "completed", "goal", object_from="goal"),
    "survey_answered": VerbSpec(ADL + "completed", "completed", "survey", object_from="survey"),
}
