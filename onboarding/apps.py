from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Onboarding and coach"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
