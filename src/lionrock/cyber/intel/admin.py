"""Collections and groups only: object bodies and ids stay behind TLP, out of the admin."""

from django.contrib import admin

from lionrock.core.shell.inspection import InspectionAdmin
from lionrock.cyber.intel.models import Collection, SharingGroup


@admin.register(Collection)
class CollectionAdmin(InspectionAdmin):
    list_display = ("alias", "title", "owner", "default_tlp", "max_tlp", "is_active")


@admin.register(SharingGroup)
class SharingGroupAdmin(InspectionAdmin):
    list_display = ("slug", "name")
