from django.contrib import admin

from lionrock.core.shell.inspection import InspectionAdmin
from lionrock.cyber.monitoring.models import MatchRun, WatchedDirectory


@admin.register(MatchRun)
class MatchRunAdmin(InspectionAdmin):
    list_display = ("pk", "organisation", "status", "files_done", "hits", "sightings", "created_at")
    list_filter = ("status",)


@admin.register(WatchedDirectory)
class WatchedDirectoryAdmin(InspectionAdmin):
    list_display = ("path", "organisation", "is_active", "last_scan_at")
