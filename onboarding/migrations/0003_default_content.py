"""Install the default curriculum, coach lists, first policy version, surveys and goal ladder."""

from django.db import migrations


def forwards(apps, schema_editor):
    from onboarding.defaults import install

    install(apps)


class Migration(migrations.Migration):
    dependencies = [("onboarding", "0002_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
