"""django.contrib.staticfiles' app, collecting only what pages load (INSTALLED_APPS names this config).

Kept out of portal/apps.py: Django picks an app's config from its apps.py only when it defines one.
"""

from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class StaticFilesConfig(BaseStaticFilesConfig):
    """django.contrib.staticfiles, collecting only what pages load (issue 13 worker RSS).

    Every collected file is indexed by whitenoise in every web worker (≈ 5 KB each with its compressed variants).
    django-htmx's own copies of htmx and its extensions (≈ 80 files) are never served: the pages load the
    vendored htmx in static/vendor, and django-htmx is installed for its middleware only. The vendor folder's
    maintenance files (update.sh, its checksums and versions) are for the repository, not for browsers.
    """

    ignore_patterns = [
        *BaseStaticFilesConfig.ignore_patterns,
        "django_htmx",
        "vendor/update.sh",
        "vendor/SHA256SUMS",
        "vendor/VERSIONS",
    ]
