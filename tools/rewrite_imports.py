"""Rewrite imports after the architecture split (issue 14).

portal -> portal.people / portal.notifications, */demo.py -> demo.

Usage: python tools/rewrite_imports.py FILE_OR_DIR ...
(rewrites in place; run `ruff check --fix` and `ruff format` after)

Merging a branch written against the old layout: run this over the files the branch touched. It maps every
``from portal.x import y`` / ``import portal.x`` (and relative imports inside portal/) to the new modules,
splitting ``from portal.models import ...`` by model, and rewrites dotted strings such as
``"portal.services.notifications.notify"`` (mock targets, settings) the same way.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

# Old module -> new module (longest prefix wins).
MODULES = {
    "portal.permissions": "portal.people.permissions",
    "portal.adapters": "portal.people.adapters",
    "portal.signals": "portal.people.signals",
    "portal.services.accounts": "portal.people.services.accounts",
    "portal.services.cohorts": "portal.people.services.cohorts",
    "portal.services.invitations": "portal.people.services.invitations",
    "portal.services.people": "portal.people.services.people",
    "portal.selectors.cohorts": "portal.people.selectors.cohorts",
    "portal.selectors.invitations": "portal.people.selectors.invitations",
    "portal.selectors.people": "portal.people.selectors.people",
    "portal.forms": "portal.people.forms",
    "portal.views.cohorts": "portal.people.views.cohorts",
    "portal.views.invitations": "portal.people.views.invitations",
    "portal.views.people": "portal.people.views.people",
    "portal.urls_people": "portal.people.urls",
    "portal.urls_invitations": "portal.people.urls_invitations",
    "portal.notifications_tasks": "portal.notifications.tasks",
    "portal.email": "portal.notifications.email",
    "portal.services.notifications": "portal.notifications.services",
    "portal.selectors.notifications": "portal.notifications.selectors",
    "portal.views.notifications": "portal.notifications.views",
    "portal.urls_notifications": "portal.notifications.urls",
    "portal.admin_notifications": "portal.notifications.admin",
    "portal.templatetags.notification_tags": "portal.notifications.templatetags.notification_tags",
    "portal.templatetags": "portal.notifications.templatetags",
    "portal.demo": "demo.org",
    "portal.services.demo": "demo.people",
    "portal.management.commands.seed_demo": "demo.management.commands.seed_demo",
    "forums.demo": "demo.forums",
    "blogs.demo": "demo.blogs",
    "onboarding.demo": "demo.onboarding",
    "onboarding.facilitation.demo": "demo.facilitation",
    "metrics.demo": "demo.metrics",
}
NOTIFICATION_MODELS = {
    "Notification",
    "Delivery",
    "NotificationPreference",
    "EmailDelivery",
    "DigestRun",
    "UndeliverableAddress",
}
PORTAL_MODELS = {"JobHeartbeat"}

# Files moved by the split: new path -> old module (relative imports resolve against the old place).
MOVED: dict[str, str] = {}


def map_module(module: str) -> str:
    best = ""
    for old in MODULES:
        if (module == old or module.startswith(old + ".")) and len(old) > len(best):
            best = old
    return MODULES[best] + module[len(best) :] if best else module


def models_module_for(name: str) -> str:
    if name in NOTIFICATION_MODELS:
        return "portal.notifications.models"
    if name in PORTAL_MODELS:
        return "portal.models"
    return "portal.people.models"


def module_exists(module: str, root: Path) -> bool:
    path = root / module.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def resolve(package: str, level: int, module: str | None) -> str:
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)] if level > 1 else parts
    return ".".join([*base, module] if module else base)


def render(module: str, names: list[ast.alias], indent: str) -> str:
    items = ", ".join(a.name + (f" as {a.asname}" if a.asname else "") for a in names)
    return f"{indent}from {module} import {items}"


def rewrite_from(node: ast.ImportFrom, package: str, root: Path, indent: str) -> list[str] | None:
    absolute = resolve(package, node.level, node.module) if node.level else node.module or ""
    top = absolute.split(".")[0]
    if top not in {"portal", "forums", "blogs", "onboarding", "metrics", "demo"}:
        return None
    groups: dict[str, list[ast.alias]] = {}
    for alias in node.names:
        if absolute == "portal.models":
            target = models_module_for(alias.name)
            groups.setdefault(target, []).append(alias)
            continue
        # `from portal import demo` / `from portal.services import notifications`: a submodule by name.
        as_module = map_module(f"{absolute}.{alias.name}")
        if as_module != f"{absolute}.{alias.name}":
            parent, _, leaf = as_module.rpartition(".")
            groups.setdefault(parent, []).append(
                ast.alias(name=leaf, asname=alias.asname or (alias.name if leaf != alias.name else None))
            )
            continue
        groups.setdefault(map_module(absolute), []).append(alias)
    if list(groups) == [absolute] and [a.name for a in groups[absolute]] == [a.name for a in node.names]:
        return None  # nothing moved
    return [render(module, names, indent) for module, names in groups.items()]


def rewrite_file(path: Path, root: Path, old_package: str | None = None) -> bool:
    text = path.read_text()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    package = old_package or ".".join(parts[:-1])
    lines = text.split("\n")
    edits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            start, end = node.lineno - 1, node.end_lineno - 1
            indent = re.match(r"\s*", lines[start]).group(0)
            new = rewrite_from(node, package, root, indent)
            if new is None:
                if node.level and old_package:
                    absolute = resolve(package, node.level, node.module)
                    new = [render(absolute, node.names, indent)]
                else:
                    continue
            tail = lines[end][node.end_col_offset :]
            new[-1] += tail
            edits.append((start, end, new))
        elif isinstance(node, ast.Import):
            start, end = node.lineno - 1, node.end_lineno - 1
            changed = False
            names = []
            for alias in node.names:
                mapped = map_module(alias.name)
                if alias.name == "portal.models":
                    mapped = "portal.people.models"
                changed |= mapped != alias.name
                names.append(mapped + (f" as {alias.asname}" if alias.asname else ""))
            if changed:
                indent = re.match(r"\s*", lines[start]).group(0)
                edits.append((start, end, [f"{indent}import {', '.join(names)}" + lines[end][node.end_col_offset :]]))
    for start, end, new in sorted(edits, reverse=True):
        lines[start : end + 1] = new
    out = "\n".join(lines)

    # Dotted strings: mock targets, settings values, lazy imports by name.
    def repl(match: re.Match) -> str:
        return match.group(1) + map_module(match.group(2)) + match.group(1)

    out = re.sub(r"([\"'])((?:portal|forums|blogs|onboarding|metrics)\.[A-Za-z_][\w.]*)\1", repl, out)
    if out != text:
        path.write_text(out)
        return True
    return False


def main(argv: list[str]) -> None:
    root = Path.cwd()
    moved = {}
    if argv and argv[0].startswith("--moved="):
        for line in Path(argv.pop(0).split("=", 1)[1]).read_text().splitlines():
            old, new = line.split()
            moved[new] = ".".join(Path(old).with_suffix("").parts[:-1])
    files = []
    for arg in argv:
        p = Path(arg)
        files += sorted(p.rglob("*.py")) if p.is_dir() else [p]
    for f in files:
        if "migrations" in f.parts or ".venv" in f.parts:
            continue
        rel = str(f.resolve().relative_to(root))
        if rewrite_file(f.resolve(), root, moved.get(rel)):
            print("rewrote", rel)


if __name__ == "__main__":
    main(sys.argv[1:])
