"""Re-sealing every encrypted value after a key change: fields, registered columns, module hooks."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from lionrock.core.audit import services as audit
from lionrock.core.crypto import (
    EncryptedTextField,
    decrypt,
    encrypt,
    rotation_hooks,
    sealed_columns,
)


@transaction.atomic
def keys_rotate() -> dict[str, int]:
    """Reads every encrypted value with any configured key and writes it back with the current one.

    Covers every ``EncryptedTextField`` of every installed app, every column registered with
    ``sealed_column_register`` (feed secrets), and runs every rotation hook (encrypted files, keyed
    hashes). Run after moving the old secrets to the ``..._PREVIOUS`` settings; afterwards they can be
    dropped. Returns counts by part; one audit entry.
    """
    counts: dict[str, int] = {"fields": 0, "sealed": 0}
    for model in apps.get_models():
        fields = [field.name for field in model._meta.fields if isinstance(field, EncryptedTextField)]
        if not fields:
            continue
        for row in model._default_manager.values("pk", *fields).iterator(chunk_size=500):
            values = {name: row[name] for name in fields if row[name]}
            if values:
                # The field opens each value with any key and seals it again with the current one.
                model._default_manager.filter(pk=row["pk"]).update(**values)
                counts["fields"] += len(values)
    for (label, field), keyring in sealed_columns().items():
        model = apps.get_model(label)
        rows = model._default_manager.exclude(**{field: ""}).values_list("pk", field)
        for pk, sealed in rows.iterator(chunk_size=500):
            model._default_manager.filter(pk=pk).update(**{field: encrypt(decrypt(sealed, keyring), keyring)})
            counts["sealed"] += 1
    for name, hook in sorted(rotation_hooks().items()):
        counts[name] = hook()
    audit.record(actor=None, actor_label="key rotation", action="crypto.keys.rotate", changes=dict(counts))
    return counts
