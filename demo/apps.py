from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The fictional demo organisation and ``seed_demo``. Installed by the dev and test settings only."""

    name = "demo"
    verbose_name = "Demo data"

    def ready(self) -> None:
        from portal.banner import register_banner_notes

        from .banner import demo_banner_notes

        register_banner_notes(demo_banner_notes)
