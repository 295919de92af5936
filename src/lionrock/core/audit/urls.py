from django.urls import path

from lionrock.core.audit import views

app_name = "audit"

urlpatterns = [path("", views.entries, name="entries")]
