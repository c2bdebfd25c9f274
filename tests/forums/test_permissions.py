"""The permission matrix: every forum view by every role, on the facilitator's own cohort, another cohort and
organisation-wide boards. Adding a URL to forums.urls without a row here fails ``test_every_url_has_a_row``.

Roles (tests/conftest.py): leader (member of ``cohort``, author of the topic), facilitator (of ``cohort``),
other_facilitator (of ``other_cohort`` only), analyst (reads everything, writes only org-wide), admin.
A board someone may not see answers 404; a visible thing they may not do answers 403.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import reverse

from forums import urls as forum_urls
from forums.models import Flag
from forums.services import flag_create, post_delete, post_hide, post_reply, topic_create
from tests.conftest import ROLES
from tests.factories import BoardFactory, member_of


@dataclass
class Row:
    name: str
    method: str
    target: str  # what the URL points at (see World)
    expected: dict  # role -> status
    data: dict = field(default_factory=dict)
    query: str = ""
    setup: str = ""  # "flagged", "deleted", "hidden", "question"
    label: str = ""


def everyone(status, **overrides):
    """Same status for every signed-in role (anonymous is always sent to sign in), with exceptions."""
    return {"anonymous": 302, **dict.fromkeys(ROLES[1:], status), **overrides}


def members_only(status, **overrides):
    """Cohort content: the other cohort's facilitator cannot see it (404)."""
    return everyone(status, other_facilitator=404, **overrides)


WRITE = {"analyst": 403}  # analysts read cohort boards but do not write there
MOD = {"leader": 403, "analyst": 403}  # moderation: facilitators of the cohort and admins

ROWS = [
    Row("index", "get", "none", everyone(200)),
    Row("latest", "get", "none", everyone(200)),
    Row("search", "get", "none", everyone(200), query="?q=week"),
    Row("board-create", "get", "none", everyone(200, leader=403, analyst=403)),
    Row("review-queue", "get", "none", everyone(200, leader=403, analyst=403)),
    Row(
        "review-resolve",
        "post",
        "reply_flag",
        members_only(302, leader=403, analyst=403),
        data={"action": "dismiss"},
        setup="flagged",
    ),
    Row("audit-log", "get", "none", everyone(200, leader=403, analyst=403)),
    Row("flag-create", "get", "reply_flag", members_only(200)),
    Row("draft-save", "post", "none", members_only(200, **WRITE), data={"board": "lounge", "body": "<p>Draft</p>"}),
    Row("draft-discard", "post", "none", members_only(200, **WRITE), data={"board": "lounge"}),
    Row("attachment-upload", "post", "none", members_only(400, **WRITE), data={"board": "lounge"}),
    Row("mention-autocomplete", "get", "none", members_only(200, **WRITE), query="?board=lounge&q=ol"),
    Row("topic-detail", "get", "topic", members_only(200)),
    Row("topic-unread", "get", "topic", members_only(302)),
    Row("topic-reply", "get", "topic", members_only(200, **WRITE)),
    Row("topic-watch", "post", "topic", members_only(302), data={"watching": "1"}),
    Row("topic-moderate", "post", "topic", members_only(302, **MOD), data={"action": "pin"}),
    Row("topic-move", "get", "topic", members_only(200, **MOD)),
    Row("post-detail", "get", "reply", members_only(302)),
    Row("post-edit", "get", "opening", members_only(200, **WRITE)),
    Row("post-history", "get", "reply", members_only(200)),
    Row("post-quote", "get", "reply", members_only(200)),
    Row("post-delete", "post", "reply", members_only(302, **MOD)),
    Row("post-restore", "post", "reply", members_only(302, **MOD), setup="deleted"),
    Row("post-hide", "get", "reply", members_only(200, **MOD)),
    Row("post-unhide", "post", "reply", members_only(302, **MOD), setup="hidden"),
    Row("post-react", "post", "reply", members_only(302, **WRITE), data={"kind": "like"}),
    Row("topic-post-button", "post", "topic", members_only(302, **WRITE), data={"like:{reply}": ""}),
    Row("editor-config", "get", "none", everyone(200)),
    Row("post-accept", "post", "reply", members_only(302, **WRITE), setup="question"),
    Row("board-detail", "get", "board", members_only(200)),
    Row("topic-create", "get", "board", members_only(200, **WRITE)),
    Row("board-edit", "get", "board", members_only(200, **MOD)),
    Row("board-move", "post", "board", members_only(302, **MOD), data={"direction": "down"}),
    Row("board-watch", "post", "board", members_only(302), data={"watching": "1"}),
    # another cohort's content: the roles swap
    Row(
        "topic-detail",
        "get",
        "other_topic",
        everyone(200, leader=404, facilitator=404),
        label="other cohort",
    ),
    Row(
        "topic-moderate",
        "post",
        "other_topic",
        everyone(302, leader=404, facilitator=404, analyst=403),
        data={"action": "lock"},
        label="other cohort",
    ),
    Row("board-edit", "get", "other_board", everyone(200, leader=404, facilitator=404, analyst=403), label="other"),
    # organisation-wide boards: everyone reads and writes, only admins moderate
    Row("topic-reply", "get", "org_topic", everyone(200), label="org-wide"),
    Row(
        "topic-moderate",
        "post",
        "org_topic",
        everyone(403, admin=302),
        data={"action": "pin"},
        label="org-wide",
    ),
    Row("board-edit", "get", "org_board", everyone(403, admin=200), label="org-wide"),
    # issue 17 (feat): a person's own pages, bookmarks, mutes, polls
    Row("saved", "get", "none", everyone(200)),
    Row("my-drafts", "get", "none", everyone(200)),
    Row("mutes", "get", "none", everyone(200)),
    Row("bookmark", "post", "reply_save", members_only(302), data={"saved": "1"}),
    Row("topic-mute", "post", "topic", members_only(302), data={"muted": "1"}),
    Row("person-mute", "post", "person", everyone(302), data={"muted": "1"}),
    Row("poll-vote", "post", "topic", members_only(302, **WRITE), data={"option": "first"}, setup="poll"),
]


class World:
    def __init__(self, request, setup: str):
        cohort = request.getfixturevalue("cohort")
        other_cohort = request.getfixturevalue("other_cohort")
        leader = request.getfixturevalue("leader")
        other_leader = request.getfixturevalue("other_leader")
        facilitator = request.getfixturevalue("facilitator")
        request.getfixturevalue("other_facilitator")
        self.board = BoardFactory(cohort=cohort, slug="lounge")
        BoardFactory(cohort=cohort, slug="second")
        self.other_board = BoardFactory(cohort=other_cohort, slug="corner")
        self.org_board = BoardFactory(cohort=None, slug="everyone")
        kind = "question" if setup == "question" else "discussion"
        self.topic = topic_create(
            actor=leader, board=self.board, title="How do you start your week?", body="<p>Coffee</p>", kind=kind
        )
        self.reply = post_reply(actor=other_leader, topic=self.topic, body="<p>With a walk.</p>")
        outsider = member_of(other_cohort)
        self.other_topic = topic_create(actor=outsider, board=self.other_board, title="Their topic", body="<p>x</p>")
        self.org_topic = topic_create(actor=outsider, board=self.org_board, title="Everyone's topic", body="<p>x</p>")
        if setup == "flagged":
            flag_create(actor=leader, target=self.reply, reason=Flag.Reason.OFF_TOPIC)
        elif setup == "deleted":
            post_delete(actor=other_leader, post=self.reply)
        elif setup == "hidden":
            post_hide(actor=facilitator, post=self.reply, reason="test")
        elif setup == "poll":
            from forums.services import poll_create

            self.poll = poll_create(actor=leader, topic=self.topic, question="Which day?", options=["Mon", "Fri"])
        self.person = other_leader

    def url(self, row: Row) -> str:
        args = {
            "none": [],
            "board": [self.board.slug],
            "other_board": [self.other_board.slug],
            "org_board": [self.org_board.slug],
            "topic": [self.topic.pk],
            "other_topic": [self.other_topic.pk],
            "org_topic": [self.org_topic.pk],
            "reply": [self.reply.pk],
            "opening": [self.topic.first_post.pk],
            "reply_flag": ["post", self.reply.pk],
            "reply_save": ["post", self.reply.pk],
            "person": [self.person.pk],
        }[row.target]
        return reverse(f"forums:{row.name}", args=args) + row.query


CASES = [
    pytest.param(row, role, id=f"{row.name}{'-' + row.label if row.label else ''}-{role}")
    for row in ROWS
    for role in ROLES
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), CASES)
def test_matrix(row, role, as_role, request):
    world = World(request, row.setup)
    client, _ = as_role(role)
    url = world.url(row)
    data = {key.format(reply=world.reply.pk): value for key, value in row.data.items()}
    if data.get("option") == "first":
        data["option"] = world.poll.options.first().pk
    response = getattr(client, row.method)(url, data)
    assert response.status_code == row.expected[role], f"{row.method.upper()} {url} as {role}"


def test_every_url_has_a_row():
    names = {pattern.name for pattern in forum_urls.urlpatterns}
    covered = {row.name for row in ROWS}
    assert names - covered == set(), f"URL names without a permission row: {sorted(names - covered)}"
    for row in ROWS:
        assert set(row.expected) == set(ROLES), f"{row.name} must list every role"
