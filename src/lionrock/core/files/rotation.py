"""Key rotation for encrypted attachments (a hook of ``lionrock.core.crypto``)."""

from __future__ import annotations

from lionrock.core.files import store
from lionrock.core.files.models import Attachment


def encrypted_files_reseal() -> int:
    """Re-encrypts every encrypted attachment with the current field key; returns how many."""
    count = 0
    for area, name in Attachment.objects.filter(encrypted=True).values_list("area", "stored_name").iterator():
        store.blob_reseal(area, name)
        count += 1
    return count
