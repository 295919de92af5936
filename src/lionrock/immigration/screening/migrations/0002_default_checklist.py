"""Loads the first shipped default checklist (data/default_checklist_2026_1.json) and puts it in use."""

from django.db import migrations


def default_load(apps, schema_editor):
    from lionrock.immigration.screening.checklists import DEFAULT_2026_1_PATH, default_definition
    from lionrock.immigration.screening.services import checklist_store

    Checklist = apps.get_model("screening", "Checklist")
    Indicator = apps.get_model("screening", "Indicator")
    definition = default_definition(DEFAULT_2026_1_PATH)
    if Checklist.objects.filter(code=definition.code, version=definition.version).exists():
        return
    active = not Checklist.objects.filter(is_active=True).exists()
    checklist_store(definition, checklist_model=Checklist, indicator_model=Indicator, active=active)


def default_unload(apps, schema_editor):
    Checklist = apps.get_model("screening", "Checklist")
    Indicator = apps.get_model("screening", "Indicator")
    Indicator.objects.filter(checklist__code="lionrock-default", checklist__version="2026.1").delete()
    Checklist.objects.filter(code="lionrock-default", version="2026.1").delete()


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(default_load, default_unload)]
