from django.urls import path
from django.views.generic import RedirectView

from lionrock.immigration.enforcement import operation_views, person_views, views

app_name = "enforcement"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="enforcement:reports"), name="home"),
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_log, name="report_log"),
    path("reports/<str:reference>/", views.report_detail, name="report"),
    path("reports/<str:reference>/contact/", views.report_contact, name="report_contact"),
    path(
        "reports/<str:reference>/attachments/<int:attachment_id>/",
        views.report_attachment,
        name="report_attachment",
    ),
    path("reports/<str:reference>/link/", views.report_link, name="report_link"),
    path(
        "reports/<str:reference>/<slug:action>/",
        views.report_action,
        name="report_action",
    ),
    path("offences/", views.offences, name="offences"),
    path("operations/", views.operations, name="operations"),
    path("operations/new/", views.operation_new, name="operation_new"),
    path("operations/<int:operation_id>/", views.operation_detail, name="operation"),
    path("operations/<int:operation_id>/status/", views.operation_status, name="operation_status"),
    path("operations/<int:operation_id>/premises/", views.premises_add, name="premises_add"),
    path("operations/<int:operation_id>/arrests/", views.arrest_add, name="arrest_add"),
    path("operations/<int:operation_id>/edit/", operation_views.operation_edit, name="operation_edit"),
    path(
        "operations/<int:operation_id>/premises/<int:premises_id>/",
        operation_views.premises_edit,
        name="premises_edit",
    ),
    path(
        "operations/<int:operation_id>/premises/<int:premises_id>/remove/",
        operation_views.premises_remove,
        name="premises_remove",
    ),
    path(
        "operations/<int:operation_id>/reports/",
        operation_views.operation_report_link,
        name="operation_report_link",
    ),
    path(
        "operations/<int:operation_id>/reports/<str:reference>/unlink/",
        operation_views.operation_report_unlink,
        name="operation_report_unlink",
    ),
    path(
        "operations/<int:operation_id>/person-search/",
        operation_views.person_search,
        name="person_search",
    ),
    path("persons/<int:person_id>/", views.person_detail, name="person"),
    path("persons/<int:person_id>/documents/", views.identity_document_add, name="document_add"),
    path("persons/<int:person_id>/export/", person_views.person_export, name="person_export"),
    path("arrests/<int:arrest_id>/case/", views.arrest_case, name="arrest_case"),
    path("screening-owed/", views.screenings_owed, name="screenings_owed"),
    path("statistics/", views.statistics, name="statistics"),
]

# Mounted at /employer-check/ without a namespace: employers need no account.
employer_check_urlpatterns = [
    path("", views.employer_check, name="employer_check"),
    path("record/", views.employer_check_record, name="employer_check_record"),
    path("records/", views.employer_record_download, name="employer_record_download"),
]

# Mounted at /public/ without a namespace: the public's start page, where the public pages' logo leads.
public_home_urlpatterns = [path("", views.public_home, name="public_home")]

# Mounted at /report/ without a namespace: the public pages need no account.
public_urlpatterns = [
    path("", views.report_form, name="report_form"),
    path("status/", views.report_status, name="report_status_lookup"),
    path("status/<str:reference>/", views.report_status, name="report_status"),
]
