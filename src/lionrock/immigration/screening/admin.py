"""The read-only inspection admin shows the checklist versions and the service catalogue: no personal data.

Cases, interviews, answers, debriefings and referrals are never registered here: their pages decide who
may read them and audit each read, which the admin cannot (tests/immigration/screening/test_admin.py).
"""

from django.contrib import admin

from lionrock.core.shell.inspection import InspectionAdmin
from lionrock.immigration.screening.models import Checklist, ServiceOffering


@admin.register(Checklist)
class ChecklistAdmin(InspectionAdmin):
    list_display = ("code", "version", "is_active", "loaded_at")
    exclude = ("definition",)


@admin.register(ServiceOffering)
class ServiceOfferingAdmin(InspectionAdmin):
    list_display = ("kind", "organisation", "is_active")
