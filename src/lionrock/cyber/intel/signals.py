"""What the store tells other apps, so they can follow it without the store knowing them."""

from django.dispatch import Signal

# Sent inside objects_add's transaction with `rows` (the StixObject rows just stored) and `actor`.
# Receivers write in the same transaction: if they fail, nothing is stored.
objects_added = Signal()
