"""Read-mostly admin: changes to content go through the services (the editor, moderation), not here."""

from django.contrib import admin

from portal.admin import ReadOnlyAdmin

from .models import Blog, Comment, Entry, EntryRead, EntryRevision, FeedToken, Tag, TagFollow


@admin.register(Blog)
class BlogAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "owner", "cohort", "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "slug", "owner__email", "owner__profile__display_name")
    list_select_related = ("owner", "owner__profile", "cohort")


class RevisionInline(admin.TabularInline):
    model = EntryRevision
    fields = ("number", "editor", "title", "status", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("title", "author", "blog", "status", "visibility", "publish_at", "published_at", "updated_at")
    list_filter = ("status", "visibility")
    search_fields = ("title", "slug", "author__email", "author__profile__display_name")
    list_select_related = ("author", "author__profile", "blog")
    date_hierarchy = "published_at"
    inlines = [RevisionInline]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("pk", "entry", "author", "created_at", "deleted_at", "hidden_at")
    list_select_related = ("entry", "author", "author__profile")
    search_fields = ("body",)


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)


@admin.register(FeedToken)
class FeedTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "used_on")
    exclude = ("key",)  # the secret stays out of the admin


@admin.register(EntryRead, TagFollow)
class LookupAdmin(ReadOnlyAdmin):
    pass
