from django.urls import path

from lionrock.cyber.drills import views

app_name = "drills"

urlpatterns = [
    path("", views.exercise_list, name="list"),
    path("<int:pk>/", views.exercise_detail, name="detail"),
    path("<int:pk>/step/<str:step>/", views.exercise_step, name="step"),
    path("<int:pk>/injects/", views.inject_add, name="inject_add"),
    path("<int:pk>/scores/", views.score_set, name="score_set"),
    path("<int:pk>/findings/", views.finding_add, name="finding_add"),
    path("<int:pk>/approve/", views.report_approve, name="approve"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/teams/<slug:organisation>/", views.play, name="play"),
    path("<int:pk>/teams/<slug:organisation>/artefacts/", views.artefacts, name="artefacts"),
    path("<int:pk>/teams/<slug:organisation>/hotwash/", views.hotwash, name="hotwash"),
    path("<int:pk>/findings/<int:finding>/", views.finding_move, name="finding_move"),
]
