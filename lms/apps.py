from django.apps import AppConfig


class LmsConfig(AppConfig):
    """The learning stack: LTI 1.3 (lms.lti), xAPI statements to the organisation's LRS, calendar feeds."""

    name = "lms"
    label = "lms"
    verbose_name = "Learning stack"
    default_auto_field = "django.db.models.BigAutoField"
