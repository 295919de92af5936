"""`lionrock manage enforcement_keys_rotate`: the former name of `keys_rotate`, which covers every module."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lionrock.immigration.enforcement import services


class Command(BaseCommand):
    help = (
        "Re-encrypts every encrypted field (identity-document numbers, reporters' details, screening "
        "records) with LIONROCK_FIELD_KEY and recomputes the document-number indexes. "
        "Keep the old key in LIONROCK_FIELD_KEYS_PREVIOUS until this has run. "
        "The same as keys_rotate, which also re-seals feed secrets and encrypted attachments."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.encrypted_values_rotate()
        self.stdout.write(f"{count} encrypted values re-sealed with the current key.")
