# Labels carry their object's date_added, and are indexed by (label, date_added): a label's objects
# newest first without a sort.

from typing import Any

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps: Any, schema_editor: Any) -> None:
    object_label = apps.get_model("intel", "ObjectLabel")
    stix_object = apps.get_model("intel", "StixObject")
    added = stix_object.objects.filter(pk=OuterRef("stix_object_id")).values("date_added")[:1]
    object_label.objects.filter(date_added=None).update(date_added=Subquery(added))


class Migration(migrations.Migration):
    dependencies = [
        ("intel", "0004_browse_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="objectlabel",
            name="date_added",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="objectlabel",
            name="date_added",
            field=models.DateTimeField(),
        ),
        migrations.RemoveIndex(
            model_name="objectlabel",
            name="intel_label_object",
        ),
        migrations.AddIndex(
            model_name="objectlabel",
            index=models.Index(fields=["label", "date_added", "stix_object"], name="intel_label_added"),
        ),
    ]
