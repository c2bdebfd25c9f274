"""Services enqueue their own app's tasks by registered name (no services -> tasks import, no cycle):
every name written in the code must be a task the registry knows, or the job would fail at run time."""

from __future__ import annotations

import ast

from portal.jobs import task_registry
from tests.conftest import ROOT

APPS = ("portal", "metrics", "forums", "blogs", "onboarding", "lms", "demo")


def _enqueued_names() -> dict[str, str]:
    found: dict[str, str] = {}
    for package in APPS:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                if called == "enqueue_on_commit" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found[first.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_task_enqueued_by_name_is_registered():
    names = _enqueued_names()
    assert len(names) >= 15  # the services of forums, blogs, facilitation, people, notifications, lti
    registry = task_registry()
    assert {name: where for name, where in names.items() if name not in registry} == {}
