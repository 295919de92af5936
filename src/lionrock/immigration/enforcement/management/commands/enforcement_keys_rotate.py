"""`lionrock manage enforcement_keys_rotate`: re-seal encrypted personal data with the current key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lionrock.immigration.enforcement import services


class Command(BaseCommand):
    help = (
        "Re-encrypts every encrypted field (identity-document numbers, reporters' details, screening "
        "records) with LIONROCK_FIELD_KEY and recomputes the document-number indexes. "
        "Keep the old key in LIONROCK_FIELD_KEYS_PREVIOUS until this has run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.encrypted_values_rotate()
        self.stdout.write(f"{count} encrypted values re-sealed with the current key.")
