"""Re-sealing encrypted values after a key rotation (see encryption.py for the procedure)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from lionrock.core.audit import services as audit
from lionrock.immigration.enforcement.encryption import EncryptedTextField

__all__ = ["encrypted_values_rotate"]


@transaction.atomic
def encrypted_values_rotate() -> int:
    """Reads every encrypted value with any configured key and writes it back with the current one.

    Run after moving the old key to LIONROCK_FIELD_KEYS_PREVIOUS; afterwards the old key can be dropped.
    Returns the number of values re-sealed.
    """
    count = 0
    for model in apps.get_app_config("enforcement").get_models():
        fields = [field.name for field in model._meta.fields if isinstance(field, EncryptedTextField)]
        if not fields:
            continue
        for row in model._default_manager.values("pk", *fields).iterator(chunk_size=500):
            values = {name: row[name] for name in fields if row[name]}
            if values:
                model._default_manager.filter(pk=row["pk"]).update(**values)
                count += len(values)
    audit.record(
        actor=None,
        actor_label="key rotation",
        action="enforcement.encryption.rotate",
        changes={"values": count},
    )
    return count
