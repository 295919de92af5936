from django.urls import path

from lionrock.cyber.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
]
