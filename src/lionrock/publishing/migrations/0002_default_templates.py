"""Version 1 of each default release template (publishing/template_defaults.py), as data an agency changes.

The defaults module is the one place the starting wording lives; an agency's changes are new versions.
"""

from django.db import migrations

from lionrock.publishing.template_defaults import DEFAULTS


def seed(apps, schema_editor):
    ReleaseTemplate = apps.get_model("publishing", "ReleaseTemplate")
    for kind, language, title, body, phrases in DEFAULTS:
        ReleaseTemplate.objects.get_or_create(
            organisation=None,
            kind=kind,
            language=language,
            version=1,
            defaults={"title": title, "body": body, "phrases": dict(phrases), "note": "Lionrock default"},
        )


def unseed(apps, schema_editor):
    ReleaseTemplate = apps.get_model("publishing", "ReleaseTemplate")
    ReleaseTemplate.objects.filter(organisation=None, version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
