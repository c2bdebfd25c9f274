"""One of each: every permission function is used by the product, one read-only admin base, one
HTML-to-text function, and the forum's two entry points stay short enough to read."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.contrib import admin

from portal.admin import ReadOnlyAdmin
from portal.richtext import html_to_text, plain_text
from tests.conftest import ROOT

APPS = ("portal", "forums", "blogs", "onboarding", "metrics")


def _product_files():
    for app in APPS:
        yield from (p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)
    yield from (ROOT / "templates").rglob("*.html")


def test_every_permission_function_is_called_by_the_product():
    sources = {path: path.read_text() for path in _product_files()}
    unused = []
    for module in (ROOT / app for app in APPS):
        for path in module.rglob("permissions.py"):
            tree = ast.parse(path.read_text())
            for node in tree.body:
                if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                    continue
                word = re.compile(rf"\b{node.name}\b")
                uses = sum(len(word.findall(text)) for text in sources.values())
                if uses <= 1:  # only its own definition
                    unused.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert unused == []


def test_every_read_only_admin_shares_the_one_base():
    ours = {type(model_admin) for model_admin in admin.site._registry.values()}
    read_only = [cls for cls in ours if cls.__module__.split(".")[0] in APPS and issubclass(cls, ReadOnlyAdmin)]
    assert len(read_only) > 30  # forums, blogs, onboarding, facilitation, metrics, notifications
    defined = [
        path.relative_to(ROOT)
        for path in (ROOT / app for app in APPS)
        for path in path.rglob("admin.py")
        if re.search(r"^class ReadOnlyAdmin\(admin\.ModelAdmin\)", path.read_text(), re.M)
    ]
    assert defined == [Path("portal/admin.py")]


@pytest.mark.django_db
def test_the_read_only_admin_refuses_adding_changing_and_deleting(admin_client):
    from metrics.models import Activity

    assert isinstance(admin.site._registry[Activity], ReadOnlyAdmin)
    assert admin_client.get("/admin/metrics/activity/add/").status_code == 403


def test_one_html_to_text_function():
    html = "<p>Revenue &amp; costs.</p><p>Next&nbsp;year</p><ul><li>one</li><li>two</li></ul>"
    assert html_to_text(html) == "Revenue & costs. Next year one two"
    assert html_to_text(html, lines=True) == "Revenue & costs.\nNext year\none\ntwo"
    assert plain_text(html) == html_to_text(html)
    assert plain_text("<p>&nbsp;</p>") == ""
    # No other module strips tags itself.
    stripping = [
        str(p.relative_to(ROOT))
        for p in _product_files()
        if p.suffix == ".py" and "strip_tags(" in p.read_text() and p != ROOT / "portal" / "richtext.py"
    ]
    assert stripping == []


@pytest.mark.parametrize(
    ("path", "name"), [("forums/services/posts.py", "post_reply"), ("forums/services/topics.py", "topic_create")]
)
def test_the_forum_entry_points_are_under_fifty_lines(path, name):
    tree = ast.parse((ROOT / path).read_text())
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    assert node.end_lineno - node.lineno + 1 < 50


def test_every_services_and_selectors_module_is_type_checked():
    """mypy (``make lint``) covers every services/selectors module: a new one must join pyproject's list."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"])
    modules = {
        str(path.relative_to(ROOT))
        for app in ("portal", "metrics", "forums", "blogs", "onboarding", "lms")
        for path in (ROOT / app).rglob("*.py")
        if ("services" in path.parts or "selectors" in path.parts or path.stem in ("services", "selectors"))
        and path.name != "__init__.py"
        and "migrations" not in path.parts
    }
    assert sorted(modules - listed) == []
