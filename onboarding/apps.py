from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_defaults(sender, apps=None, **kwargs):
    """Re-install the shipped defaults after migrate and after a flush (idempotent, never overwrites).

    The data migration installs them once; a database flush (e.g. between transactional tests, or an
    operator's `manage.py flush`) removes them, and post_migrate is what Django emits afterwards.
    """
    from django.apps import apps as global_apps

    from .defaults import install

    install(apps or global_apps)


class OnboardingConfig(AppConfig):
    name = "onboarding"
    verbose_name = "Onboarding and coach"
    # The jobs this app's tasks module registers: a name is checked here before a job is written
    # (portal.outbox_tasks; a web process does not load Celery's registry).
    job_names = frozenset(
        {
            "onboarding.tasks.goal_reminders",
            "onboarding.tasks.goals_refresh",
            "onboarding.tasks.survey_rounds",
        }
    )

    def ready(self):
        from metrics.api import register_record_hook
        from portal.selectors.home import register_home_card

        from . import gate, signals
        from .selectors.home import home_onboarding

        # The policy check and the coach join portal's publishing pipeline; goals follow new activity.
        gate.register()
        register_home_card("onboarding", home_onboarding)
        register_record_hook("onboarding.goals", signals.activity_recorded)

        post_migrate.connect(_install_defaults, sender=self, dispatch_uid="onboarding-defaults")
