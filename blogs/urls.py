from django.urls import path, register_converter

from .views import comments, entries, feeds, follows, pages


class FeedFormat:
    regex = "atom|rss"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedFormat, "feedformat")

app_name = "blogs"
urlpatterns = [
    # reading
    path("", pages.index, name="index"),
    path("following/", pages.following, name="following"),
    path("mine/", pages.mine, name="mine"),
    path("b/<slug:slug>/", pages.blog_detail, name="blog-detail"),
    path("b/<slug:blog_slug>/<slug:entry_slug>/", entries.entry_detail, name="entry-detail"),
    path("people/<int:user_id>/", pages.author, name="author"),
    path("tags/<str:slug>/", pages.tag, name="tag"),
    # writing
    path("write/", entries.entry_create, name="entry-create"),
    path("write/autosave/", entries.draft_autosave, name="draft-autosave"),
    path("write/preview/", entries.draft_preview, name="draft-preview"),
    path("entries/<int:pk>/edit/", entries.entry_edit, name="entry-edit"),
    path("entries/<int:pk>/autosave/", entries.entry_autosave, name="entry-autosave"),
    path("entries/<int:pk>/preview/", entries.entry_preview, name="entry-preview"),
    path("entries/<int:pk>/unpublish/", entries.entry_unpublish, name="entry-unpublish"),
    path("entries/<int:pk>/unschedule/", entries.entry_unschedule, name="entry-unschedule"),
    path("entries/<int:pk>/comments-setting/", entries.entry_comments_setting, name="entry-comments-setting"),
    path("entries/<int:pk>/revisions/", entries.entry_revisions, name="entry-revisions"),
    # comments
    path("entries/<int:pk>/comments/", comments.comment_create, name="comment-create"),
    path("comments/<int:pk>/delete/", comments.comment_delete, name="comment-delete"),
    path("comments/<int:pk>/edit/", comments.comment_edit, name="comment-edit"),  # issue 17 (feat)
    path("comments/<int:pk>/history/", comments.comment_history, name="comment-history"),
    path("mentions/", comments.mention_autocomplete, name="mention-autocomplete"),
    # following
    path("people/<int:user_id>/follow/", follows.author_follow, name="author-follow"),
    path("tags/<str:slug>/follow/", follows.tag_follow, name="tag-follow"),
    # feeds
    path("feeds/", feeds.feeds_page, name="feeds"),
    path("feeds/reset/", feeds.feed_token_reset, name="feed-token-reset"),
    path("feeds/subscriptions.opml", feeds.opml_export, name="opml"),
    path("feeds/<str:token>/following/<feedformat:fmt>/", feeds.personal_feed, name="feed-personal"),
    path("feeds/<str:token>/organisation/<feedformat:fmt>/", feeds.org_feed, name="feed-org"),
    path("feeds/<str:token>/people/<int:user_id>/<feedformat:fmt>/", feeds.author_feed, name="feed-author"),
    path("feeds/<str:token>/tags/<str:slug>/<feedformat:fmt>/", feeds.tag_feed, name="feed-tag"),
    path("feeds/<str:token>/cohorts/<slug:cohort_slug>/<feedformat:fmt>/", feeds.cohort_feed, name="feed-cohort"),
]
