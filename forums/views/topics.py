"""Starting topics, reading them, replying, watching, and the moderators' topic tools."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal.content import pipeline

from .. import permissions, selectors, services
from ..forms import ReasonForm, ReplyForm, SlowModeForm, TopicForm, TopicMoveForm
from ..forms_polls import PollForm
from ..models import Draft, Post
from ..selectors.posts import page_of, page_topic, post_rows, visible_topic
from ..templatetags.post_tags import attach_cached_html
from ._composer import composer_context, reply_composer
from ._helpers import add_service_errors, page_param, plain_user, visible_post


def _with_images(request, form, board) -> tuple[str, bool]:
    """Store the images sent with a composer and append them to the body: (body, all images stored).

    Runs even when other fields failed, and stored images stay in the re-shown body, so a failed
    submit never loses text or photos (a file input cannot be refilled by the server).
    """
    body = form.cleaned_data.get("body") or form.data.get("body", "") or ""
    for upload in form.cleaned_data.get("images") or []:
        try:
            attachment = services.attachment_create(actor=request.user, board=board, upload=upload)
        except ValidationError as error:
            form.add_error("images", f"{upload.name}: {' '.join(error.messages)}")
            return body, False
        body += services.attachment_html(attachment)
    return body, True


def _keep_body(form, body: str) -> None:
    """Put the body (with any stored images) back into a bound form that failed, so no text is lost."""
    data = form.data.copy()
    data["body"] = body
    form.data = data


@login_required
def topic_create(request, slug):
    board = selectors.visible_board(request.user, slug)
    if not permissions.can_post_in_board(request.user, board):
        raise PermissionDenied("You can read this board but not start topics on it.")
    draft = Draft.objects.filter(user=request.user, board=board, topic__isnull=True).first()
    if request.method == "POST":
        form = TopicForm(request.POST, request.FILES)
        poll_form = PollForm(request.POST)  # issue 17 (feat): the optional poll
        valid = form.is_valid() & poll_form.is_valid()
        body, stored = _with_images(request, form, board)
        if valid and stored:
            try:
                topic = _create_topic(request, form, poll_form, board, body)
            except services.DuplicateSubmission as duplicate:
                messages.info(request, "That topic was already posted; here it is.")
                return redirect(duplicate.existing)
            except pipeline.PublishRefused as refusal:
                pipeline.apply_to_form(form, refusal)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your topic is up. Colleagues watching this board will hear about it.")
                return redirect(topic)
        _keep_body(form, body)
    else:
        initial = {"title": draft.title, "body": draft.body, "kind": draft.kind} if draft else {}
        form = TopicForm(initial=initial)
        poll_form = PollForm()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "forums/topic_form.html",
        composer_context(board, form=form, draft=draft, poll_form=poll_form),
        status=status,
    )


def _create_topic(request, form, poll_form, board, body):
    """The topic, with its poll when the author added one (issue 17): both commit or neither."""
    common = {
        "actor": request.user,
        "board": board,
        "title": form.cleaned_data["title"],
        "body": body,
        "kind": form.cleaned_data["kind"],
        "client_key": form.cleaned_data["client_key"],
        "post_anyway": form.cleaned_data.get("post_anyway", False),
    }
    if not poll_form.cleaned_data.get("poll_enabled"):
        return services.topic_create(**common)
    try:
        return services.topic_create_with_poll(
            **common,
            question=poll_form.cleaned_data["poll_question"],
            options=poll_form.options,
            multiple=poll_form.cleaned_data.get("poll_multiple", False),
            closes_at=poll_form.cleaned_data.get("poll_closes_at"),
        )
    except ValidationError as error:
        poll_fields = set(getattr(error, "error_dict", {})) & set(poll_form.fields)
        if poll_fields:
            add_service_errors(poll_form, error)
            raise ValidationError("Check the poll below.") from error
        raise


@login_required
def topic_detail(request, pk):
    user = plain_user(request)
    topic = page_topic(user, pk)
    everyday = _everyday_context(user, topic)
    page = selectors.topic_page(user, topic, page=page_param(request), flagged_ids=everyday.pop("flagged_post_ids"))
    if page.posts and (page.last_read is None or page.last_number_on_page > page.last_read):
        services.read_state_mark(user=user, topic=topic, number=page.last_number_on_page)
    context = {"page": page, "topic": topic, "board": topic.board, **everyday}
    context["rows"] = post_rows(page, user, saved_ids=context["saved_post_ids"], muted_people=context["muted"].people)
    attach_cached_html(context["rows"])
    if request.htmx and request.GET.get("fragment") == "posts":
        return render(request, "forums/partials/posts_page.html", context)
    context["composer"] = reply_composer(request, topic, draft=page.draft) if page.can_reply else None
    if page.moderator:
        context["slow_mode_form"] = SlowModeForm(initial={"minutes": topic.slow_mode_minutes})
    return render(request, "forums/topic_detail.html", context)


def _everyday_context(user, topic) -> dict:
    """Issue 17 (feat): the reader's saved and flagged posts, mutes and whether there is a poll cost one query;
    a poll, when there is one, four more."""
    from ..selectors.personal import topic_reader_state
    from ..selectors.polls import topic_poll

    state = topic_reader_state(user, topic)
    return {
        "poll_view": topic_poll(user, topic, poll_id=state.poll_id),
        "saved_post_ids": state.saved_post_ids,
        "muted": state.mutes,
        "flagged_post_ids": state.flagged_post_ids,
    }


@login_required
def topic_unread(request, pk):
    """Jump to the first post this person has not read (or the last post when all is read)."""
    topic = visible_topic(request.user, pk)
    page = selectors.topic_page(request.user, topic, page=1)
    number = page.first_unread or max(topic.last_post_number, 1)
    if page.last_read is None:
        number = 1
    return redirect(f"{reverse('forums:topic-detail', args=[topic.pk])}?page={page_of(number)}#post-{number}")


@login_required
def post_detail(request, pk):
    """A post's permanent address: the topic page it is on, scrolled to it."""
    post = visible_post(request.user, pk)
    return redirect(
        f"{reverse('forums:topic-detail', args=[post.topic_id])}?page={page_of(post.number)}#post-{post.number}"
    )


@login_required
def topic_reply(request, pk):
    topic = visible_topic(request.user, pk)
    if not permissions.can_reply(request.user, topic):
        if not (topic.is_locked and permissions.can_post_in_board(request.user, topic.board)):
            raise PermissionDenied("You cannot reply here.")
        if request.method != "POST":
            messages.error(request, "This topic is locked: it takes no more replies.")
            return redirect(topic)
        # Locked while this person was writing: show their text again so nothing is lost.
        form = ReplyForm(request.POST)
        form.add_error(
            None,
            "A facilitator locked this topic while you were writing, so it takes no more replies. "
            "Your text is below: copy it if you would like to use it elsewhere.",
        )
        return render(request, "forums/reply.html", composer_context(topic.board, form=form, topic=topic), status=409)
    board = topic.board
    reply_to = None
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        valid = form.is_valid()
        body, stored = _with_images(request, form, board)
        if valid and stored:
            if form.cleaned_data.get("reply_to"):
                reply_to = Post.objects.filter(pk=form.cleaned_data["reply_to"], topic=topic).first()
            try:
                post = services.post_reply(
                    actor=request.user,
                    topic=topic,
                    body=body,
                    reply_to=reply_to,
                    client_key=form.cleaned_data["client_key"],
                    post_anyway=form.cleaned_data.get("post_anyway", False),
                )
            except services.DuplicateSubmission as duplicate:
                messages.info(request, "That reply was already posted; here it is.")
                return redirect(duplicate.existing)
            except pipeline.PublishRefused as refusal:
                pipeline.apply_to_form(form, refusal)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(post)
        _keep_body(form, body)
        status = 400
    else:
        initial = {}
        draft = Draft.objects.filter(user=request.user, topic=topic).first()
        if draft:
            initial["body"] = draft.body
        quote_id = request.GET.get("quote")
        to_id = request.GET.get("to")
        if quote_id and quote_id.isdigit():
            quoted = Post.objects.filter(pk=quote_id, topic=topic).select_related("author__profile").first()
            if quoted is not None and permissions.can_view_post_body(request.user, quoted, moderator=False):
                initial["body"] = (initial.get("body") or "") + _quote_html(quoted, request.GET.get("text", ""))
                initial["reply_to"] = quoted.pk
        elif to_id and to_id.isdigit():
            reply_to = Post.objects.filter(pk=to_id, topic=topic).select_related("author__profile").first()
            initial["reply_to"] = reply_to.pk if reply_to else None
        form = ReplyForm(initial=initial)
        status = 200
    if reply_to is None and form["reply_to"].value():
        reply_to = (
            Post.objects.filter(pk=form["reply_to"].value(), topic=topic).select_related("author__profile").first()
        )
    return render(
        request,
        "forums/reply.html",
        composer_context(board, form=form, topic=topic, reply_to=reply_to),
        status=status,
    )


def _quote_html(post: Post, selected: str = "") -> str:
    from ..selectors.quotes import quote_html

    return quote_html(post, selected)


@login_required
def post_quote(request, pk):
    """The blockquote for quoting a post in the composer (htmx); it links to the exact revision quoted."""
    from django.http import HttpResponse

    post = visible_post(request.user, pk)
    if not permissions.can_view_post_body(request.user, post, moderator=False):
        raise Http404("Nothing to quote.")
    return HttpResponse(_quote_html(post, request.GET.get("text", "")))


@login_required
@require_POST
def topic_watch(request, pk):
    topic = visible_topic(request.user, pk)
    watching = request.POST.get("watching") == "1"
    services.watch_set(user=request.user, topic=topic, watching=watching)
    if request.htmx:
        return render(
            request,
            "forums/partials/watch_button.html",
            {"watch_url": request.path, "watching": watching, "what": "topic"},
        )
    messages.success(
        request, "You will hear about new replies here." if watching else "You stopped watching this topic."
    )
    return redirect(topic)


@login_required
@require_POST
def topic_moderate(request, pk):
    """Pin, unpin, lock, unlock, or set slow mode (moderators of the board only)."""
    topic = visible_topic(request.user, pk)
    if not permissions.can_moderate_board(request.user, topic.board):
        raise PermissionDenied("Only this board's facilitators and admins may do that.")
    action = request.POST.get("action", "")
    reason = ReasonForm(request.POST)
    reason_text = reason.cleaned_data.get("reason", "") if reason.is_valid() else ""
    if action in ("pin", "unpin"):
        services.topic_pin_set(actor=request.user, topic=topic, pinned=action == "pin", reason=reason_text)
        messages.success(request, "Topic pinned to the top of the board." if action == "pin" else "Topic unpinned.")
    elif action in ("lock", "unlock"):
        services.topic_lock_set(actor=request.user, topic=topic, locked=action == "lock", reason=reason_text)
        messages.success(
            request, "Topic locked: members can read but not reply." if action == "lock" else "Topic unlocked."
        )
    elif action == "slow_mode":
        form = SlowModeForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest("Choose a slow mode interval from the list.")
        services.topic_slow_mode_set(
            actor=request.user, topic=topic, minutes=form.cleaned_data["minutes"], reason=form.cleaned_data["reason"]
        )
        minutes = form.cleaned_data["minutes"]
        messages.success(
            request, f"Slow mode: one post every {minutes} minutes per member." if minutes else "Slow mode is off."
        )
    else:
        return HttpResponseBadRequest("Unknown moderation action.")
    return redirect(topic)


@login_required
def topic_move(request, pk):
    topic = visible_topic(request.user, pk)
    if not permissions.can_moderate_board(request.user, topic.board):
        raise PermissionDenied("Only this board's facilitators and admins may move topics.")
    boards = selectors.manageable_boards(request.user).exclude(pk=topic.board_id)
    form = TopicMoveForm(request.POST or None, boards=boards)
    if request.method == "POST" and form.is_valid():
        services.topic_move(
            actor=request.user, topic=topic, board=form.cleaned_data["board"], reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"Moved to {form.cleaned_data['board'].title}.")
        return redirect(topic)
    return render(request, "forums/topic_move.html", {"topic": topic, "form": form, "board": topic.board})
