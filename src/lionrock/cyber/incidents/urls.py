from django.urls import path

from lionrock.cyber.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("report/", views.incident_report, name="report"),
    path("drill-reports/", views.drill_reports, name="drill_reports"),
    path("clocks/", views.clocks, name="clocks"),
    path("clocks/regimes/", views.regime_create, name="regime_create"),
    path("clocks/regimes/<int:pk>/", views.regime_edit, name="regime_edit"),
    path("times/", views.handling_times, name="times"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/edit/", views.incident_edit, name="edit"),
    path("<int:pk>/act/<str:action>/", views.incident_act, name="act"),
    path("<int:pk>/indicators/", views.indicators_share, name="indicators"),
    path("<int:pk>/stix/", views.incident_stix, name="stix"),
    path("<int:pk>/misp/", views.incident_misp, name="misp"),
]
