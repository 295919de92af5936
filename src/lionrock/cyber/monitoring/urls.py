from django.urls import path

from lionrock.cyber.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("runs/", views.runs, name="runs"),
    path("runs/<str:run_id>/", views.run_detail, name="run"),
    path("watched/", views.watched, name="watched"),
    path("indicators/<str:indicator_id>/", views.indicator, name="indicator"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
