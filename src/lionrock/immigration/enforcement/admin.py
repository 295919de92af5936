"""The read-only inspection admin shows the offence catalogue only.

Reports, persons, identity documents, arrests, owed screenings and employers' saved records are personal
data: their pages check the officer's department and audit each read, and the admin does neither. They are
deliberately not registered here; tests/immigration/enforcement/test_admin.py keeps it so.
"""

from django.contrib import admin

from lionrock.core.shell.inspection import InspectionAdmin
from lionrock.immigration.enforcement.models import Offence


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
