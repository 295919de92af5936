from django.urls import path

from lionrock.cyber.intel import views

app_name = "intel"

urlpatterns = [
    path("", views.objects, name="objects"),
    path("indicators/new/", views.indicator_new, name="indicator_new"),
    path("reports/new/", views.report_new, name="report_new"),
    path("objects/<str:stix_id>/", views.object_detail, name="object"),
    path("objects/<str:stix_id>/edit/", views.indicator_edit, name="indicator_edit"),
    path("objects/<str:stix_id>/revoke/", views.object_revoke, name="object_revoke"),
    path("collections/", views.collections, name="collections"),
    path("collections/new/", views.collection_new, name="collection_new"),
    path("collections/<slug:alias>/", views.collection_detail, name="collection"),
    path("collections/<slug:alias>/grants/", views.collection_grant, name="collection_grant"),
    path("collections/<slug:alias>/red-recipients/", views.collection_red, name="collection_red"),
    path("groups/", views.groups, name="groups"),
]
