from django.contrib import admin

from lionrock.core.shell.inspection import InspectionAdmin
from lionrock.immigration.enforcement.models import Offence, Report


@admin.register(Offence)
class OffenceAdmin(InspectionAdmin):
    list_display = (
        "code",
        "section",
        "max_fine_hkd",
        "max_imprisonment_months",
        "effective_from",
        "effective_until",
    )


@admin.register(Report)
class ReportAdmin(InspectionAdmin):
    list_display = ("reference", "channel", "category", "status", "priority", "received_at")
    list_filter = ("channel", "status", "category")
    exclude = ("reporter_name", "reporter_contact", "submitter_digest", "submission_key")
