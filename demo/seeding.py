"""Whether ``seed_demo`` is writing the demo organisation right now (``make run`` serves meanwhile).

``seed_demo`` holds a marker file with its process id while it runs; the site shows a notice while that
process is alive. The marker belongs to one database (its name is part of the file name), so two
portals on two SQLite files never see each other's seed. A seed killed outright leaves a marker whose
process is gone: it counts as finished.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings


def marker_path() -> Path:
    database = str(settings.DATABASES["default"].get("NAME", ""))
    digest = hashlib.sha256(database.encode()).hexdigest()[:12]
    return Path(settings.BASE_DIR) / "var" / f"demo-seeding-{digest}"


@contextmanager
def seeding() -> Iterator[None]:
    path = marker_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(str(os.getpid()))
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def in_progress() -> bool:
    try:
        pid = int(marker_path().read_text().strip())
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # is the seeding process still alive?
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True
