"""`lionrock manage keys_rotate`: re-seal every encrypted value with the current keys."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lionrock.core.crypto.rotation import keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypts every encrypted value (identity documents, reporters' details, screening records, "
        "encrypted attachments with LIONROCK_FIELD_KEY; feed secrets with LIONROCK_FEED_KEY) and recomputes "
        "the keyed lookup hashes. Keep the old secrets in LIONROCK_FIELD_KEYS_PREVIOUS and "
        "LIONROCK_FEED_KEYS_PREVIOUS until this has run."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = keys_rotate()
        parts = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(f"Re-sealed with the current keys ({parts}).")
