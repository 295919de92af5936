"""Re-sealing encrypted values after a key rotation (see encryption.py for the procedure)."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from lionrock.core.audit import services as audit
from lionrock.immigration.enforcement.encryption import EncryptedTextField, blind_index
from lionrock.immigration.enforcement.models import IdentityDocument

__all__ = ["encrypted_values_rotate"]


@transaction.atomic
def encrypted_values_rotate() -> int:
    """Reads every encrypted value with any configured key and writes it back with the current one.

    Every installed app is covered, not only enforcement: screening records use the same field and the
    same keys, and would become unreadable once the old key is dropped. The keyed hashes that find the same
    identity document on two persons are recomputed with the current key too, or duplicates would no
    longer be found after the old key goes.

    Run after moving the old key to LIONROCK_FIELD_KEYS_PREVIOUS; afterwards the old key can be dropped.
    Returns the number of values re-sealed.
    """
    count = 0
    for model in apps.get_models():
        fields = [field.name for field in model._meta.fields if isinstance(field, EncryptedTextField)]
        if not fields:
            continue
        for row in model._default_manager.values("pk", *fields).iterator(chunk_size=500):
            values = {name: row[name] for name in fields if row[name]}
            if values:
                model._default_manager.filter(pk=row["pk"]).update(**values)
                count += len(values)
    indexes = _document_indexes_recompute()
    audit.record(
        actor=None,
        actor_label="key rotation",
        action="enforcement.encryption.rotate",
        changes={"values": count, "document_indexes": indexes},
    )
    return count


def _document_indexes_recompute() -> int:
    changed = 0
    rows = IdentityDocument.objects.values_list("pk", "kind", "number", "number_index")
    for pk, kind, number, stored in rows.iterator(chunk_size=500):
        index = blind_index(f"{kind}:{number}")
        if index != stored:
            IdentityDocument.objects.filter(pk=pk).update(number_index=index)
            changed += 1
    return changed
