"""Template tags other apps' pages include: the facilitation panel on a board, the prompt note on a topic.

    {% load facilitation_tags %}{% facilitation_board_panel board %}   (forums board page)
    {% load facilitation_tags %}{% facilitation_topic_note topic %}    (forums topic page)

Each renders nothing for people it does not concern, and costs a fixed number of queries.
"""

from __future__ import annotations

from django import template

from portal.people import permissions as portal_permissions

from .. import permissions, selectors
from ..models import ScheduledPrompt

register = template.Library()


def _is_member(user, cohort_id: int | None) -> bool:
    return (
        cohort_id is not None
        and cohort_id in portal_permissions.member_cohort_ids(user)
        and cohort_id not in portal_permissions.facilitated_cohort_ids(user)
    )


@register.inclusion_tag("facilitation/partials/board_panel.html", takes_context=True)
def facilitation_board_panel(context, board):
    """Facilitators: what goes out next on this board, or a "queue a prompt" call to action.
    Members: a way to ask a facilitator to look at a draft first."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if board is None or board.cohort_id is None or user is None or not user.is_authenticated:
        return {"show": False}
    if permissions.can_facilitate(user, board.cohort_id):
        return {"show": True, "facilitator": True, "board": board, "panel": selectors.board_panel(board)}
    if _is_member(user, board.cohort_id):
        return {"show": True, "member": True, "board": board}
    return {"show": False}


@register.inclusion_tag("facilitation/partials/topic_note.html", takes_context=True)
def facilitation_topic_note(context, topic):
    """On a released prompt: which session it belongs to. For members: ask for a review of a reply."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if topic is None or user is None or not user.is_authenticated:
        return {"show": False}
    prompt = (
        ScheduledPrompt.objects.filter(released_topic=topic)
        .only("released_session_number", "released_timing", "released_early", "cohort_id")
        .first()
    )
    member = _is_member(user, topic.board.cohort_id) and not topic.is_locked
    return {"show": bool(prompt or member), "prompt": prompt, "member": member, "topic": topic}
