from django.urls import path

from lionrock.core.shell import views

app_name = "shell"

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/language/", views.set_language, name="set_language"),
]
