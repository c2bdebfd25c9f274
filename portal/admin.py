"""Django admin for the portal. Each area keeps its admin classes in its own module, imported here."""

from . import admin_notifications  # noqa: F401
