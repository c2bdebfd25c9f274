from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = "Discussion boards"

    def ready(self) -> None:
        from .models import Post
        from .services.flags import POST_HOOKS, register_flaggable

        register_flaggable("post", Post, POST_HOOKS)
