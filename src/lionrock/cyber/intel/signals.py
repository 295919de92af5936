"""What the store tells other apps, so they can follow it without the store knowing them."""

from django.dispatch import Signal

# Sent after objects_add's transaction commits (docs/decisions/0004-hooks-between-apps.md), with `rows`
# (the StixObject rows just stored), `actor` and `collection`. Nothing is sent for a store that rolls back.
# Receivers write in their own transactions: a failure is logged and never undoes the stored objects.
objects_added = Signal()
