"""Views imported by their first request (issue 13 worker RSS).

A web worker imports every view module its URLconf names before it answers anything. For URL families only some
people open (the LMS's launches and admin pages, the calendar feeds, the dashboards, the facilitators' tools,
allauth's MFA stage), ``lazy_view("package.module.view")`` stands in for the view in ``path()``: the module is
imported by the first request to one of its URLs, so a worker that serves only members' pages never holds it.

Django's middleware reads some attributes from a view before calling it (``csrf_exempt`` for CsrfViewMiddleware,
``login_required`` for LoginRequiredMiddleware); a proxy carries the real view's values, given here and checked
against the real views by tests/portal/test_lazyviews.py for every lazy view of the URLconf.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string

VIEW_FLAGS = ("csrf_exempt", "login_required")


def lazy_view(dotted: str, **flags: bool) -> Callable:
    """A view that imports ``dotted`` (a function view) on its first call and hands every request to it."""
    unknown = set(flags) - set(VIEW_FLAGS)
    if unknown:
        raise TypeError(f"lazy_view: unknown flags {sorted(unknown)}")
    module, _, name = dotted.rpartition(".")
    found: list[Callable] = []

    def view(request, *args, **kwargs):
        if not found:
            found.append(import_string(dotted))
        return found[0](request, *args, **kwargs)

    view.lazy_view = dotted  # type: ignore[attr-defined]
    view.__name__ = view.__qualname__ = name
    view.__module__ = module
    for flag, value in flags.items():
        setattr(view, flag, value)
    return view
