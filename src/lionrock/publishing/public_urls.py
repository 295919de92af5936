"""Public pages: no sign-in. /press/ (releases, feeds, PDFs) and /statistics/."""

from django.urls import path

from lionrock.publishing import feeds, public_views

press_urlpatterns = [
    path("", public_views.press_index, name="index"),
    path("feed/<str:language>.atom", feeds.ReleasesFeed(), name="feed"),
    path("<str:reference>/", public_views.press_release, name="release"),
    path("<str:reference>/<str:language>.pdf", public_views.press_release_pdf, name="release_pdf"),
]

statistics_urlpatterns = [
    path("", public_views.statistics, name="index"),
    path("<str:table>.csv", public_views.statistics_csv, name="csv"),
]
