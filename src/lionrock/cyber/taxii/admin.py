"""Upload statuses are shown for inspection only: counts and state, never the envelopes or object ids."""

from django.contrib import admin

from lionrock.core.shell.inspection import InspectionAdmin
from lionrock.cyber.taxii.models import Status


@admin.register(Status)
class StatusAdmin(InspectionAdmin):
    list_display = (
        "id",
        "collection",
        "user",
        "status",
        "request_timestamp",
        "success_count",
        "failure_count",
    )
    exclude = ("payload", "successes", "failures")
