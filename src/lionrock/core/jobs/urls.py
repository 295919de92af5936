from django.urls import path

from lionrock.core.jobs import views

app_name = "jobs"

urlpatterns = [path("", views.jobs, name="list")]
