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
