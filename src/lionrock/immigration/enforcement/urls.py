from django.urls import path
from django.views.generic import RedirectView

from lionrock.immigration.enforcement.views import (
    arrests,
    employer,
    offences,
    operations,
    persons,
    reports,
    statistics,
)

app_name = "enforcement"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="enforcement:reports"), name="home"),
    path("reports/", reports.reports, name="reports"),
    path("reports/new/", reports.report_log, name="report_log"),
    path("reports/<str:reference>/", reports.report_detail, name="report"),
    path("reports/<str:reference>/contact/", reports.report_contact, name="report_contact"),
    path(
        "reports/<str:reference>/attachments/<int:attachment_id>/",
        reports.report_attachment,
        name="report_attachment",
    ),
    path("reports/<str:reference>/link/", reports.report_link, name="report_link"),
    path(
        "reports/<str:reference>/<slug:action>/",
        reports.report_action,
        name="report_action",
    ),
    path("offences/", offences.offences, name="offences"),
    path("operations/", operations.operations, name="operations"),
    path("operations/new/", operations.operation_new, name="operation_new"),
    path("operations/<int:operation_id>/", operations.operation_detail, name="operation"),
    path("operations/<int:operation_id>/status/", operations.operation_status, name="operation_status"),
    path("operations/<int:operation_id>/premises/", arrests.premises_add, name="premises_add"),
    path("operations/<int:operation_id>/arrests/", arrests.arrest_add, name="arrest_add"),
    path("operations/<int:operation_id>/edit/", operations.operation_edit, name="operation_edit"),
    path(
        "operations/<int:operation_id>/premises/<int:premises_id>/",
        arrests.premises_edit,
        name="premises_edit",
    ),
    path(
        "operations/<int:operation_id>/premises/<int:premises_id>/remove/",
        arrests.premises_remove,
        name="premises_remove",
    ),
    path(
        "operations/<int:operation_id>/reports/",
        operations.operation_report_link,
        name="operation_report_link",
    ),
    path(
        "operations/<int:operation_id>/reports/<str:reference>/unlink/",
        operations.operation_report_unlink,
        name="operation_report_unlink",
    ),
    path(
        "operations/<int:operation_id>/person-search/",
        arrests.person_search,
        name="person_search",
    ),
    path("persons/<int:person_id>/", persons.person_detail, name="person"),
    path("persons/<int:person_id>/documents/", persons.identity_document_add, name="document_add"),
    path("persons/<int:person_id>/export/", persons.person_export, name="person_export"),
    path("arrests/<int:arrest_id>/case/", persons.arrest_case, name="arrest_case"),
    path("screening-owed/", persons.screenings_owed, name="screenings_owed"),
    path("statistics/", statistics.statistics, name="statistics"),
]

# Mounted at /employer-check/ without a namespace: employers need no account.
employer_check_urlpatterns = [
    path("", employer.employer_check, name="employer_check"),
    path("record/", employer.employer_check_record, name="employer_check_record"),
    path("records/", employer.employer_record_download, name="employer_record_download"),
]

# Mounted at /public/ without a namespace: the public's start page, where the public pages' logo leads.
public_home_urlpatterns = [path("", reports.public_home, name="public_home")]

# Mounted at /report/ without a namespace: the public pages need no account.
public_urlpatterns = [
    path("", reports.report_form, name="report_form"),
    path("status/", reports.report_status, name="report_status_lookup"),
    path("status/<str:reference>/", reports.report_status, name="report_status"),
]
