"""The topic page's reply composer: rendered through the form machinery once per topic and process, then
filled in per request (issue 13: the form's widgets, the editor's textarea and the coach panel cost ≈ 3 ms a
page, and every reader of a topic gets the same markup but for four things).

Guarantees:
- the HTML is byte for byte what ``forums/partials/composer.html`` renders for an unbound ReplyForm with the
  reader's draft (tests/forums/test_topic_cache.py compares the two);
- what differs per request is never cached: the CSRF token, the form's fresh idempotency key
  (``client_key``), the reader's draft text (escaped as the textarea would) and its "Draft restored" note;
- what the cached markup depends on is its key: the board (id and slug: the mention and coach URLs), the
  topic, the composer's settings (post length, autosave interval), the script prefix and the language; the
  templates are the process's own. Under DEBUG nothing is kept (templates may change).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.memo import ProcessMemo

from ..forms import ReplyForm

# Marks rendered in place of what differs per request, then replaced (each must occur exactly once).
_CSRF = "ks0csrf0mark0c4b1e9"
_KEY = "ks0key0mark07d2a5f3"
_BODY = "ks0body0mark0e81c6a"
_DRAFT_EMPTY = 'data-draft-status aria-live="polite"></p>'
_kept = ProcessMemo(512)  # topics per process


def composer_context(board, **extra) -> dict:
    return {
        "board": board,
        "mention_url": reverse("forums:mention-autocomplete") + f"?board={board.slug}",
        "max_chars": settings.FORUM_POST_MAX_CHARS,
        "autosave_seconds": settings.FORUM_DRAFT_AUTOSAVE_SECONDS,
        **extra,
    }


def _render(topic, *, body: str, client_key: str, csrf_token: str, draft=None) -> str:
    form = ReplyForm(initial={"body": body, "client_key": client_key} if body else {"client_key": client_key})
    context = composer_context(
        topic.board,
        form=form,
        topic=topic,
        draft=draft,
        csrf_token=csrf_token,
        action=reverse("forums:topic-reply", args=[topic.pk]),
        submit_label="Post reply",
        autosave=True,
        composer_id="reply-composer",
        lazy_editor=True,
    )
    return render_to_string("forums/partials/composer.html", context)


def _marked(topic) -> str | None:
    """The composer with marks where the per-request parts go; None when a mark is not found exactly once."""
    key = (
        topic.pk,
        topic.board_id,
        topic.board.slug,
        settings.FORUM_POST_MAX_CHARS,
        settings.FORUM_DRAFT_AUTOSAVE_SECONDS,
        get_script_prefix(),
        get_language(),
    )
    html = _kept.get(key)
    if html is None:
        html = _render(topic, body=_BODY, client_key=_KEY, csrf_token=_CSRF)
        if any(html.count(mark) != 1 for mark in (_CSRF, _KEY, _BODY, _DRAFT_EMPTY)):
            return None
        if settings.DEBUG:
            return html
        _kept.put(key, html)
    return html


def reply_composer(request, topic, *, draft) -> SafeString:
    """The reply composer of ``topic`` for this request, with ``draft`` (the reader's Draft or None) restored."""
    client_key = uuid.uuid4().hex
    html = _marked(topic)
    if html is None:  # the markup changed shape: render it the slow way
        body = draft.body if draft else ""
        return mark_safe(_render(topic, body=body, client_key=client_key, csrf_token=get_token(request), draft=draft))
    html = html.replace(_CSRF, get_token(request)).replace(_KEY, client_key)
    html = html.replace(_BODY, escape(draft.body) if draft else "")
    if draft is not None:
        status = get_template("forums/partials/draft_status.html").render({"draft": draft})
        html = html.replace(_DRAFT_EMPTY, f'data-draft-status aria-live="polite">{status}</p>')
    return mark_safe(html)
