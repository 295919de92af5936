# Objects stored without a TLP marking in their JSON took the collection's default TLP, but were served
# with no marking at all. Each gets the TLP 2.0 marking of the level it was stored with, in its JSON, so
# nothing is served unmarked (objects_add now does the same on the way in).

import json
from typing import Any

from django.db import migrations

from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp, tlp_of_marking_definition, tlp_of_object

CHUNK = 2000


def mark(apps: Any, schema_editor: Any) -> None:
    stix_object = apps.get_model("intel", "StixObject")
    definitions: dict[str, Tlp] = {}
    for raw in stix_object.objects.filter(type="marking-definition").values_list("raw", flat=True):
        definition = json.loads(raw)
        level = tlp_of_marking_definition(definition)
        if level is not None and isinstance(definition.get("id"), str):
            definitions[definition["id"]] = level
    changed = []
    rows = stix_object.objects.exclude(type="marking-definition").only("pk", "tlp", "raw")
    for row in rows.order_by("pk").iterator(chunk_size=CHUNK):
        obj = json.loads(row.raw)
        if not isinstance(obj, dict) or tlp_of_object(obj, definitions) is not None:
            continue
        refs = [ref for ref in obj.get("object_marking_refs") or [] if isinstance(ref, str)]
        obj["object_marking_refs"] = [*refs, MARKING_ID_FOR[Tlp(row.tlp)]]
        row.raw = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        changed.append(row)
        if len(changed) >= CHUNK:
            stix_object.objects.bulk_update(changed, ["raw"])
            changed = []
    if changed:
        stix_object.objects.bulk_update(changed, ["raw"])


class Migration(migrations.Migration):
    dependencies = [
        ("intel", "0005_label_date_added"),
    ]

    operations = [
        migrations.RunPython(mark, migrations.RunPython.noop, elidable=False),
    ]
