# Columns copied out of the stored JSON for browsing and the object page; filled by 0003, indexed by 0004.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intel", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="stixobject",
            name="valid_until",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="stixobject",
            name="source_ref",
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name="stixobject",
            name="target_ref",
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.AddField(
            model_name="stixobject",
            name="sighting_of_ref",
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.CreateModel(
            name="ObjectLabel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("label", models.CharField(max_length=250)),
                (
                    "stix_object",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="label_rows",
                        to="intel.stixobject",
                    ),
                ),
            ],
        ),
    ]
