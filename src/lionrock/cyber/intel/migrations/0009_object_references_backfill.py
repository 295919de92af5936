# Lists the references of objects stored before ObjectReference existed, a batch at a time.

import json
from typing import Any

from django.db import migrations, transaction
from django.db.models import Max

from lionrock.cyber.intel.columns import refs_of

BATCH = 5000


def backfill(apps: Any, schema_editor: Any) -> None:
    """Reads only rows whose JSON names a list of references; running it again gives the same rows."""
    stix_object = apps.get_model("intel", "StixObject")
    object_reference = apps.get_model("intel", "ObjectReference")
    top = stix_object.objects.aggregate(top=Max("pk"))["top"] or 0
    for low in range(0, top, BATCH):
        rows = stix_object.objects.filter(raw__contains='_refs"', pk__gt=low, pk__lte=low + BATCH)
        found = []
        for pk, raw in rows.values_list("pk", "raw"):
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if isinstance(data, dict):
                found += [object_reference(stix_object_id=pk, ref_id=ref) for ref in refs_of(data)]
        with transaction.atomic():
            object_reference.objects.filter(stix_object_id__gt=low, stix_object_id__lte=low + BATCH).delete()
            object_reference.objects.bulk_create(found, batch_size=1000)


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch: a large store is not rewritten in one go

    dependencies = [
        ("intel", "0008_object_references"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
