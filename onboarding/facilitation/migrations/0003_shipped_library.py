"""Install the prompt library shipped with Keystone (idempotent: only keys that do not exist yet)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from onboarding.facilitation.services.library import library_install

    library_install(apps)


class Migration(migrations.Migration):
    dependencies = [("facilitation", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
