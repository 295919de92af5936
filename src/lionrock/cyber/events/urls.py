from django.urls import path

from lionrock.cyber.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/edit/", views.event_edit, name="edit"),
    path("<slug:slug>/act/<str:action>/", views.event_act, name="act"),
    path("<slug:slug>/readiness/", views.readiness, name="readiness"),
    path("<slug:slug>/watch/", views.watch, name="watch"),
    path("<slug:slug>/watch/board/", views.watch_board, name="board"),
    path("<slug:slug>/sitrep/<str:day>/", views.sitrep, name="sitrep"),
    path("<slug:slug>/summary/", views.summary, name="summary"),
    path("<slug:slug>/summary.json", views.summary_export, name="summary_export"),
]
