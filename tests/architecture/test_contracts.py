"""The import contracts in pyproject.toml hold for the code, and a forbidden import makes `lint-imports` fail.

Each case copies the application packages into a temporary folder, adds one fixture module with an
import a contract forbids, and runs the real `lint-imports` (as `make lint` does) against the
repository's own contract file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("portal", "metrics", "forums", "blogs", "onboarding", "lms", "demo", "tools")
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "pyproject.toml", "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """A copy of the code and the contract file, to add forbidden imports to."""
    root = tmp_path_factory.mktemp("tree")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "templates", "static", "migrations")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, root / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_code_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "broken"),
    [
        # The publish gate the wrong way round: forums calling onboarding directly.
        ("forums/_fixture_gate.py", "from onboarding import gate\n", "forums and blogs never import onboarding"),
        # Onboarding reading the Activity table instead of metrics' read API.
        (
            "onboarding/_fixture_activity.py",
            "from metrics.models import Activity\n",
            "Other apps use only metrics' public API",
        ),
        # The foundation depending on a feature.
        ("portal/_fixture_home.py", "import blogs.models\n", "portal never imports the feature apps"),
        # A feature depending on the learning stack (which sits on top of everything).
        (
            "forums/_fixture_lms.py",
            "import lms.xapi.services\n",
            "Nothing in the product imports the learning stack (lms)",
        ),
        # The product importing demo seeding.
        ("metrics/_fixture_seed.py", "from demo import org\n", "Nothing in the product imports the demo app"),
        # Another app's private module and private name.
        (
            "onboarding/facilitation/fixture_private.py",
            "from forums.services._common import RAW_HTML_FACTOR\n",
            "No app imports another app's underscore names or modules",
        ),
        (
            "blogs/fixture_private_name.py",
            "from portal.richtext import _attribute_filter\n",
            "No app imports another app's underscore names or modules",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tree, module, source, broken):
    path = tree / module
    path.write_text(source)
    try:
        result = lint_imports(tree)
    finally:
        path.unlink()
    assert result.returncode != 0
    assert f"{broken} BROKEN" in result.stdout
    # Only the contract that forbids this import is broken; the others still hold.
    assert "1 broken" in result.stdout, result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "package", "siblings"),
    [
        # A service importing its app's tasks again (tasks import services): enqueue by name instead.
        ("forums/services/fixture_tasks.py", "from forums import tasks\n", "forums", ("services", "tasks")),
        # An import inside a function still closes the cycle.
        (
            "onboarding/facilitation/services/fixture_lazy.py",
            "def later():\n    from onboarding.facilitation.tasks import prompt_released_notify\n",
            "onboarding.facilitation",
            ("services", "tasks"),
        ),
        # People calling notifications back (notifications build on people): people's hooks instead.
        (
            "portal/people/fixture_notify.py",
            "from portal.notifications.services import notify\n",
            "portal",
            ("people", "notifications"),
        ),
    ],
)
def test_a_cycle_between_sibling_modules_breaks_the_acyclic_contract(tree, module, source, package, siblings):
    path = tree / module
    path.write_text(source)
    try:
        result = lint_imports(tree)
    finally:
        path.unlink()
    assert result.returncode != 0
    assert "No import cycles between sibling modules BROKEN" in result.stdout
    assert "1 broken" in result.stdout, result.stdout
    assert f"No cycles are allowed in {package}." in result.stdout
    # lint-imports names an arrow whose removal breaks the cycle (either direction of it).
    a, b = siblings
    assert f".{a} -> .{b}" in result.stdout or f".{b} -> .{a}" in result.stdout, result.stdout
