from django.urls import path
from django.views.generic import RedirectView

from lionrock.immigration.enforcement import views

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
    path(
        "reports/<str:reference>/<slug:action>/",
        views.report_action,
        name="report_action",
    ),
    path("offences/", views.offences, name="offences"),
]

# Mounted at /report/ without a namespace: the public pages need no account.
public_urlpatterns = [
    path("", views.report_form, name="report_form"),
    path("status/", views.report_status, name="report_status_lookup"),
    path("status/<str:reference>/", views.report_status, name="report_status"),
]
