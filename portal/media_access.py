"""Protected media: Django decides who may see an uploaded file, the reverse proxy sends it.

Each app registers the folder of ``MEDIA_ROOT`` it owns with a check ``(user, name) -> bool`` (name is
the storage name, e.g. ``forums/2026/05/abc.webp``). A file nobody registered, or that no row knows,
is refused. ``/_media-auth`` answers Caddy's ``forward_auth`` (204 or 403/404, from the original URI
in ``X-Forwarded-Uri``); ``/media/<name>`` (``settings.MEDIA_ACCEL_REDIRECT``) answers an nginx-style
``X-Accel-Redirect`` instead, for proxies that have that.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

Check = Callable[[object, str], bool]
_REGISTRY: dict[str, Check] = {}


def register_media(prefix: str, check: Check) -> None:
    """The app that stores files under ``prefix/`` says who may read each one."""
    _REGISTRY[prefix.strip("/") + "/"] = check


def media_name(path: str, media_url: str = "/media/") -> str | None:
    """The storage name of a ``/media/...`` path, or None for anything outside it or escaping it."""
    path = unquote(urlsplit(path).path)
    if not path.startswith(media_url):
        return None
    name = path[len(media_url) :]
    normal = posixpath.normpath(name)
    if not name or normal != name or normal.startswith(("../", "/")) or "\x00" in name:
        return None
    return name


def may_read(user, name: str) -> bool:
    for prefix, check in _REGISTRY.items():
        if name.startswith(prefix):
            return bool(check(user, name))
    return False
