# Indexes for browsing newest first under each filter, expiry, and the object page's references.
# Made after 0003 filled the columns, so the backfill does not maintain them row by row.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("intel", "0003_browse_backfill"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="stixobject",
            index=models.Index(fields=["date_added", "id"], name="stix_added"),
        ),
        migrations.AddIndex(
            model_name="stixobject",
            index=models.Index(fields=["type", "date_added", "id"], name="stix_type_added"),
        ),
        migrations.AddIndex(
            model_name="stixobject",
            index=models.Index(fields=["tlp", "date_added", "id"], name="stix_tlp_added"),
        ),
        migrations.AddIndex(
            model_name="stixobject",
            index=models.Index(fields=["created_by_org", "date_added", "id"], name="stix_org_added"),
        ),
        migrations.AddIndex(
            model_name="stixobject",
            index=models.Index(
                condition=models.Q(("valid_until__isnull", False)),
                fields=["valid_until"],
                name="stix_valid_until",
            ),
        ),
        migrations.AddIndex(
            model_name="stixobject",
            index=models.Index(
                condition=models.Q(("source_ref__isnull", False)),
                fields=["source_ref"],
                name="stix_source_ref",
            ),
        ),
        migrations.AddIndex(
            model_name="stixobject",
            index=models.Index(
                condition=models.Q(("target_ref__isnull", False)),
                fields=["target_ref"],
                name="stix_target_ref",
            ),
        ),
        migrations.AddIndex(
            model_name="stixobject",
            index=models.Index(
                condition=models.Q(("sighting_of_ref__isnull", False)),
                fields=["sighting_of_ref"],
                name="stix_sighting_of",
            ),
        ),
        migrations.AddIndex(
            model_name="objectlabel",
            index=models.Index(fields=["label", "stix_object"], name="intel_label_object"),
        ),
    ]
