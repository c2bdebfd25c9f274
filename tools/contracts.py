"""A custom import-linter contract: no app imports another app's underscore names or modules.

import-linter's graph knows which *modules* import which; it does not know *names*. This contract
reads each module of the root packages (the same files import-linter analyses) and reports every
``from x import _name`` where ``x`` belongs to a different app than the importer, and every import of
another app's private module (``forums.services._common``). Within one app both are fine. ``apps`` lists the
app packages, nested ones first (``onboarding.facilitation`` before ``onboarding``): a module belongs to
the longest listed package that contains it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
from importlinter import Contract, ContractCheck, fields, output


def _app_of(module: str, apps: list[str]) -> str | None:
    best = None
    for app in apps:
        if (module == app or module.startswith(app + ".")) and (best is None or len(app) > len(best)):
            best = app
    return best


def _source_path(module: str, root: Path) -> Path | None:
    """The file of ``module`` under ``root`` (the repository, where lint-imports runs), without importing it."""
    base = root.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def private_name_imports(
    modules: list[str], apps: list[str], root: Path | None = None
) -> list[tuple[str, str, str, int]]:
    """(importer, imported module, name or "", line) for each cross-app import of a private name or module."""
    root = root or Path.cwd()
    found = []
    for module in sorted(modules):
        importer_app = _app_of(module, apps)
        path = _source_path(module, root)
        if importer_app is None or path is None:
            continue
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    app = _app_of(alias.name, apps)
                    if app not in (None, importer_app) and any(map(_is_private, alias.name.split("."))):
                        found.append((module, alias.name, "", node.lineno))
                continue
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                imported = ".".join([*base, node.module] if node.module else base)
            else:
                imported = node.module or ""
            imported_app = _app_of(imported, apps)
            if imported_app is None or imported_app == importer_app:
                continue
            if any(map(_is_private, imported.split("."))):
                found.append((module, imported, "", node.lineno))
                continue
            for alias in node.names:
                if _is_private(alias.name):
                    found.append((module, imported, alias.name, node.lineno))
    return found


class PrivateNamesContract(Contract):
    """Configuration: ``apps`` = the app packages (nested ones included)."""

    type_name = "private_names"
    apps = fields.ListField(subfield=fields.StringField())

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        apps = [str(app) for app in self.apps]  # type: ignore[attr-defined]
        illegal = private_name_imports(sorted(graph.modules), apps)
        return ContractCheck(kept=not illegal, warnings=[], metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("These modules import another app's private (underscore) names:", bold=False)
        output.new_line()
        for importer, imported, name, line in check.metadata["illegal"]:
            target = f"{imported}.{name}" if name else imported
            output.print_error(f"- {importer} -> {target} (l.{line})", bold=False)
            output.new_line()
