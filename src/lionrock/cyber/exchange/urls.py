from django.urls import path

from lionrock.cyber.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.home, name="home"),
    path("imports/<uuid:run_id>/", views.import_detail, name="import"),
    path("export/", views.export, name="export"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<int:feed_id>/", views.feed_detail, name="feed"),
]
