from django.urls import path

from lionrock.publishing import views

app_name = "publishing"

urlpatterns = [
    path("", views.releases, name="releases"),
    path("new/", views.release_new, name="release_new"),
    path("releases/<int:release_id>/", views.release_detail, name="release"),
    path("releases/<int:release_id>/edit/", views.release_edit, name="release_edit"),
    path("releases/<int:release_id>/action/", views.release_action, name="release_action"),
    path("operations/<int:operation_id>/source/", views.operation_source, name="operation_source"),
    path("drills/<int:exercise_id>/source/", views.drill_source, name="drill_source"),
    path("events/<int:event_id>/source/", views.event_source, name="event_source"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("templates/", views.templates, name="templates"),
    path("templates/<int:template_id>/", views.template_edit, name="template"),
]
