from django.contrib import admin

from lionrock.core.audit.models import AuditEntry
from lionrock.core.shell.inspection import InspectionAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(InspectionAdmin):
    list_display = ("sequence", "at", "actor_label", "action", "outcome", "target_type", "target_id")
    list_filter = ("outcome", "target_type")
    search_fields = ("action", "actor_label", "target_id")
