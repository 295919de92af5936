"""TAXII 2.1 URLs, mounted at /taxii2/: discovery, then one API root named `api`. Every path ends in /."""

from django.urls import path, re_path

from lionrock.cyber.taxii import views

app_name = "taxii"

COLLECTION = "api/collections/<str:collection_id>/"

urlpatterns = [
    path("", views.discovery, name="discovery"),
    path("api/", views.api_root, name="api_root"),
    path("api/status/<str:status_id>/", views.status, name="status"),
    path("api/collections/", views.collections, name="collections"),
    path(COLLECTION, views.collection, name="collection"),
    path(COLLECTION + "manifest/", views.manifest, name="manifest"),
    path(COLLECTION + "objects/", views.objects, name="objects"),
    path(COLLECTION + "objects/<str:object_id>/", views.object_detail, name="object"),
    path(COLLECTION + "objects/<str:object_id>/versions/", views.versions, name="versions"),
    # Last: whatever else is asked under /taxii2/ is answered as TAXII, not as a web page.
    re_path(r"^(?P<path>.*)$", views.unknown, name="unknown"),
]
