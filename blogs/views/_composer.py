"""The entry page's comment composer: rendered through the form machinery once per entry and process, then
filled in per request (issue 13: the form's widgets, the editor's textarea and the coach panel cost about a
tenth of the page, and every reader who may comment gets the same markup but for three things). The idea is
the topic page's (forums/views/_composer.py); blogs do not import forums, so it is its own small copy.

Guarantees:
- the HTML is byte for byte what ``blogs/partials/comment_composer.html`` renders for an unbound CommentForm
  (tests/blogs/test_entry_page_fast.py compares the two for readers with and without a reply target);
- what differs per request is never kept: the CSRF token, the comment replied to (the hidden ``reply_to``
  value) and the "Replying to …" line, rendered per request from its own partial;
- a bound form (a refused comment with its errors and the writer's text) is left to the page's template;
- what the kept markup depends on is its key: the entry (its id: the form's action and the mention URL), the
  coach's debounce setting, the script prefix and the language; the templates are the process's own. Under
  DEBUG nothing is kept (templates may change).
"""

from __future__ import annotations

from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from portal.memo import ProcessMemo

from ..forms import CommentForm

# Marks rendered in place of what differs per request, then replaced (each must occur exactly once).
_CSRF = "ks0csrf0mark0b7d20e"
_REPLY_TO = 987654321987
_REPLY_VALUE = f' value="{_REPLY_TO}"'
_kept = ProcessMemo(512)  # entries per process


def _render(entry, *, form: CommentForm, reply_to, mention_url: str, csrf_token: str) -> str:
    context = {"entry": entry, "comment_form": form, "reply_to": reply_to, "mention_url": mention_url}
    return render_to_string("blogs/partials/comment_composer.html", {**context, "csrf_token": csrf_token})


def _replying(entry, reply_to) -> str:
    return render_to_string("blogs/partials/comment_replying.html", {"entry": entry, "reply_to": reply_to})


def _marked(entry, mention_url: str) -> tuple[str, str] | None:
    """The composer with marks where the per-request parts go, and its "not replying" line; None when a mark
    is not found exactly once."""
    key = (entry.pk, settings.ONBOARDING_COACH_DEBOUNCE_MS, get_script_prefix(), get_language())
    kept = _kept.get(key)
    if kept is None:
        form = CommentForm(initial={"reply_to": _REPLY_TO})
        html = _render(entry, form=form, reply_to=None, mention_url=mention_url, csrf_token=_CSRF)
        idle = _replying(entry, None)
        if any(html.count(mark) != 1 for mark in (_CSRF, _REPLY_VALUE, idle)) or str(_REPLY_TO) in idle:
            return None
        kept = (html, idle)
        if settings.DEBUG:
            return kept
        _kept.put(key, kept)
    return kept


def comment_composer(request, entry, *, form: CommentForm, reply_to, mention_url: str) -> SafeString | None:
    """The comment composer of ``entry`` for this request, ``reply_to`` being the comment replied to or None;
    None when the page must render it through its template (a bound form: a refused comment, with its errors)."""
    kept = None if form.is_bound else _marked(entry, mention_url)
    if kept is None:
        return None
    html, idle = kept
    value = form["reply_to"].value()
    html = html.replace(_CSRF, get_token(request)).replace(_REPLY_VALUE, f' value="{int(value)}"' if value else "")
    if reply_to is not None:
        html = html.replace(idle, _replying(entry, reply_to))
    return mark_safe(html)  # the template engine's output with a token, an integer and its own partial
