"""Discussion boards, mounted at /boards/. URL names are kebab-case under ``forums:``."""

from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("", views.index, name="index"),
    path("latest/", views.latest, name="latest"),
    path("search/", views.search, name="search"),
    path("new-board/", views.board_create, name="board-create"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/<slug:key>/<int:pk>/", views.review_resolve, name="review-resolve"),
    path("audit/", views.audit_log, name="audit-log"),
    path("flag/<slug:key>/<int:pk>/", views.flag_create, name="flag-create"),
    path("drafts/save/", views.draft_save, name="draft-save"),
    path("drafts/discard/", views.draft_discard, name="draft-discard"),
    path("attachments/", views.attachment_upload, name="attachment-upload"),
    path("mentions/", views.mention_autocomplete, name="mention-autocomplete"),
    path("editor-config/", views.editor_config, name="editor-config"),
    # issue 17 (feat): polls, saved items, mutes, my drafts
    path("saved/", views.saved, name="saved"),
    path("saved/<slug:key>/<int:pk>/", views.bookmark, name="bookmark"),
    path("drafts/", views.drafts, name="my-drafts"),
    path("muted/", views.mutes, name="mutes"),
    path("people/<int:user_id>/mute/", views.person_mute, name="person-mute"),
    path("t/<int:pk>/mute/", views.topic_mute, name="topic-mute"),
    path("t/<int:pk>/poll/vote/", views.poll_vote, name="poll-vote"),
    path("t/<int:pk>/", views.topic_detail, name="topic-detail"),
    path("t/<int:pk>/unread/", views.topic_unread, name="topic-unread"),
    path("t/<int:pk>/reply/", views.topic_reply, name="topic-reply"),
    path("t/<int:pk>/watch/", views.topic_watch, name="topic-watch"),
    path("t/<int:pk>/moderate/", views.topic_moderate, name="topic-moderate"),
    path("t/<int:pk>/move/", views.topic_move, name="topic-move"),
    path("p/<int:pk>/", views.post_detail, name="post-detail"),
    path("p/<int:pk>/edit/", views.post_edit, name="post-edit"),
    path("p/<int:pk>/history/", views.post_history, name="post-history"),
    path("p/<int:pk>/quote/", views.post_quote, name="post-quote"),
    path("p/<int:pk>/delete/", views.post_delete, name="post-delete"),
    path("p/<int:pk>/restore/", views.post_restore, name="post-restore"),
    path("p/<int:pk>/hide/", views.post_hide, name="post-hide"),
    path("p/<int:pk>/unhide/", views.post_unhide, name="post-unhide"),
    path("p/<int:pk>/react/", views.post_react, name="post-react"),
    path("t/<int:pk>/posts/", views.topic_post_button, name="topic-post-button"),
    path("p/<int:pk>/accept/", views.post_accept, name="post-accept"),
    # Board slugs last: "latest", "search", ... above are not boards.
    path("<slug:slug>/", views.board_detail, name="board-detail"),
    path("<slug:slug>/new/", views.topic_create, name="topic-create"),
    path("<slug:slug>/edit/", views.board_edit, name="board-edit"),
    path("<slug:slug>/move/", views.board_move, name="board-move"),
    path("<slug:slug>/watch/", views.board_watch, name="board-watch"),
]
