"""The benchmark's Keystone: production settings (PostgreSQL, Redis, whitenoise's manifest storage) plus
one bare view, so "at most ten times a bare Django view in the same gunicorn" has its yardstick."""

import os

# Importing portal runs portal.celery, which reads settings while this module is still half-built:
# let that nested read resolve to the production settings, then this module (the outer import) wins.
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
from portal.settings.production import *  # noqa: F403

os.environ["DJANGO_SETTINGS_MODULE"] = "keystone_site.settings"
ROOT_URLCONF = "keystone_site.urls"
