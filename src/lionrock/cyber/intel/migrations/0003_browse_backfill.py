# Fills the columns of 0002 from the JSON of objects stored before they existed, a batch at a time.

import json
import time
from typing import Any

from django.db import migrations, transaction
from django.db.models import Max, Q

from lionrock.cyber.intel.columns import REF_COLUMNS, columns_of, labels_of

BATCH = 5000
FIELDS = ["valid_until", *REF_COLUMNS]


def backfill(stix_object: Any, object_label: Any, *, batch: int = BATCH, report: Any = None) -> int:
    """Copies valid_until, the references and the labels of every stored version; returns rows changed.

    Works through primary-key ranges, one transaction each, reading only rows whose JSON can hold
    something to copy, so a store of a million objects is filled without holding it in memory.
    Running it again gives the same result (a range's labels are replaced, not added).
    """
    worth_reading = (
        Q(raw__contains='"labels"')
        | Q(raw__contains='"valid_until"')
        | Q(type__in=["relationship", "sighting"])
    )
    top = stix_object.objects.aggregate(top=Max("pk"))["top"] or 0
    changed = 0
    started = time.monotonic()
    for low in range(0, top, batch):
        rows = stix_object.objects.filter(worth_reading, pk__gt=low, pk__lte=low + batch)
        updates, labels = [], []
        for pk, raw in rows.values_list("pk", "raw"):
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(data, dict):
                continue
            columns = columns_of(data)
            if any(value is not None for value in columns.values()):
                updates.append(stix_object(pk=pk, **columns))
            labels += [object_label(stix_object_id=pk, label=label) for label in labels_of(data)]
        with transaction.atomic():
            object_label.objects.filter(stix_object_id__gt=low, stix_object_id__lte=low + batch).delete()
            stix_object.objects.bulk_update(updates, FIELDS, batch_size=500)
            object_label.objects.bulk_create(labels, batch_size=1000)
        changed += len({row.pk for row in updates} | {label.stix_object_id for label in labels})
        if report is not None:
            report(min(low + batch, top), top, changed, time.monotonic() - started)
    return changed


def forwards(apps: Any, schema_editor: Any) -> None:
    backfill(apps.get_model("intel", "StixObject"), apps.get_model("intel", "ObjectLabel"))


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch: a large store is not rewritten in one go

    dependencies = [
        ("intel", "0002_browse_columns"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
