"""Signals other modules listen to; sent only after the transaction that caused them commits."""

from __future__ import annotations

from django.dispatch import Signal

# Sent with `screening_owed_id` when an arrest of a vulnerable person opens an owed initial screening.
# The screening module (issue 5) connects here to create its own record and reminders.
screening_owed_opened = Signal()
