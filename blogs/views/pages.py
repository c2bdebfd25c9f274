"""Reading pages: all blogs, the Following stream, my entries, a blog's home, an author, a tag."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .. import permissions
from ..models import Blog
from ..selectors import discovery, entries, stream
from ..selectors.feeds import alternate_links, blog_alternates
from ..services.feeds import feed_token_ensure
from ._common import paginate


def _token(request) -> str:
    """The viewer's feed token for the pages' <link rel="alternate"> (created on first need, then one query)."""
    return feed_token_ensure(user=request.user).key


@login_required
@require_GET
def index(request):
    context = discovery.all_blogs_context(request.user)
    context["can_write"] = permissions.can_write(request.user)
    context["feed_links"] = alternate_links(request, _token(request), "feed-org", "All organisation-wide entries")
    return render(request, "blogs/index.html", context)


@login_required
@require_GET
def following(request):
    cursor = stream.Cursor.decode(request.GET.get("before"))
    items, next_cursor = stream.following_stream(request.user, cursor=cursor, size=settings.BLOGS_PAGE_SIZE)
    return render(
        request,
        "blogs/following.html",
        {
            "items": items,
            "next_cursor": next_cursor.encode() if next_cursor else "",
            "is_first_page": cursor is None,
            "feed_links": alternate_links(request, _token(request), "feed-personal", "Everything you follow"),
        },
    )


@login_required
@require_GET
def mine(request):
    grouped = entries.my_entries(request.user)
    return render(
        request,
        "blogs/mine.html",
        {
            "drafts": grouped["draft"],
            "scheduled": grouped["scheduled"],
            "published": grouped["published"],
            "blog": Blog.objects.filter(kind=Blog.Kind.PERSONAL, owner=request.user).first(),
        },
    )


@login_required
@require_GET
def blog_detail(request, slug: str):
    blog = entries.blog_by_slug(slug)
    if not permissions.can_view_blog(request.user, blog):
        raise Http404("No such blog.")
    page = paginate(request, entries.blog_entries(request.user, blog))
    return render(
        request,
        "blogs/blog_detail.html",
        {
            "blog": blog,
            "page": page,
            "is_owner": blog.owner_id == request.user.pk,
            "can_write_here": permissions.can_write_to_blog(request.user, blog),
            "can_follow": blog.owner_id is not None and blog.owner_id != request.user.pk,
            "feed_links": blog_alternates(request, _token(request), blog),
            **entries.blog_header(request.user, blog),
        },
    )


@login_required
@require_GET
def author(request, user_id: int):
    person = entries.author_or_404(user_id)
    blog = Blog.objects.filter(kind=Blog.Kind.PERSONAL, owner=person).first()
    if blog is not None:
        return redirect(blog)
    header = entries.follow_header(request.user, person.pk)
    return render(
        request,
        "blogs/author_empty.html",
        {
            "person": person,
            "can_follow": person.pk != request.user.pk,
            "feed_links": alternate_links(
                request, _token(request), "feed-author", person.display_name, user_id=person.pk
            ),
            **header,
        },
    )


@login_required
@require_GET
def tag(request, slug: str):
    the_tag = entries.tag_by_slug(slug)
    page = paginate(request, entries.tag_entries(request.user, the_tag))
    return render(
        request,
        "blogs/tag.html",
        {
            "tag": the_tag,
            "page": page,
            "feed_links": alternate_links(
                request, _token(request), "feed-tag", f"Tag: {the_tag.name}", slug=the_tag.slug
            ),
            **entries.tag_header(request.user, the_tag),
        },
    )
