"""Key rotation for enforcement: the keyed hashes of identity documents (see lionrock.core.crypto)."""

from __future__ import annotations

from lionrock.core.crypto import blind_index
from lionrock.core.crypto.rotation import keys_rotate
from lionrock.immigration.enforcement.models import IdentityDocument

__all__ = ["document_indexes_recompute", "encrypted_values_rotate"]


def encrypted_values_rotate() -> int:
    """Re-seals every encrypted value of every module (``keys_rotate``); returns the fields re-sealed.

    Kept for ``enforcement_keys_rotate``; the one command for all is ``keys_rotate``.
    """
    return keys_rotate()["fields"]


def document_indexes_recompute() -> int:
    """Recomputes each identity document's keyed hash with the current key; registered as a rotation hook
    so duplicates are still found after the old key goes."""
    changed = 0
    rows = IdentityDocument.objects.values_list("pk", "kind", "number", "number_index")
    for pk, kind, number, stored in rows.iterator(chunk_size=500):
        index = blind_index(f"{kind}:{number}")
        if index != stored:
            IdentityDocument.objects.filter(pk=pk).update(number_index=index)
            changed += 1
    return changed
