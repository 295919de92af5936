"""Reporting regimes and their clocks, for inspection; incidents stay out of the admin."""

from django.contrib import admin

from lionrock.core.shell.inspection import InspectionAdmin
from lionrock.cyber.incidents.models import NotificationClock, ReportingRegime


class NotificationClockInline(admin.TabularInline):  # type: ignore[type-arg]
    model = NotificationClock
    extra = 0


@admin.register(ReportingRegime)
class ReportingRegimeAdmin(InspectionAdmin):
    list_display = ("code", "name_en", "handling_organisation", "is_default")
    inlines = (NotificationClockInline,)
