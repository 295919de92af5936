"""Hooks other areas (notifications, events, drills) connect to, so the incident desk imports none of them."""

from django.dispatch import Signal

# Sent after commit with incident_id.
incident_submitted = Signal()
incident_information_requested = Signal()
