from django.contrib import admin
from django.urls import include, path

from lionrock.config.api import api
from lionrock.core.shell import views as shell_views
from lionrock.immigration.enforcement.urls import employer_check_urlpatterns, public_home_urlpatterns
from lionrock.immigration.enforcement.urls import public_urlpatterns as report_urlpatterns
from lionrock.publishing.public_urls import press_urlpatterns, statistics_urlpatterns

handler400 = "lionrock.core.shell.views.bad_request"
handler404 = "lionrock.core.shell.views.page_not_found"
handler500 = "lionrock.core.shell.views.server_error"

urlpatterns = [
    path("healthz", shell_views.healthz, name="healthz"),
    path("api/", api.urls),
    path("taxii2/", include("lionrock.cyber.taxii.urls")),
    path("monitoring/", include("lionrock.cyber.monitoring.urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("lionrock.core.audit.urls")),
    path("notifications/", include("lionrock.core.notifications.urls")),
    path("files/", include("lionrock.core.files.urls")),
    path("jobs/", include("lionrock.core.jobs.urls")),
    path("intel/", include("lionrock.cyber.intel.urls")),
    path("exchange/", include("lionrock.cyber.exchange.urls")),
    path("incidents/", include("lionrock.cyber.incidents.urls")),
    path("events/", include("lionrock.cyber.events.urls")),
    path("drills/", include("lionrock.cyber.drills.urls")),
    path("public/", include(public_home_urlpatterns)),
    path("report/", include(report_urlpatterns)),
    path("employer-check/", include(employer_check_urlpatterns)),
    path("enforcement/", include("lionrock.immigration.enforcement.urls")),
    path("screening/", include("lionrock.immigration.screening.urls")),
    path("publishing/", include("lionrock.publishing.urls")),
    path("press/", include((press_urlpatterns, "press"))),
    path("statistics/", include((statistics_urlpatterns, "statistics"))),
    path("", include("lionrock.core.accounts.urls")),
    path("", include("lionrock.core.shell.urls")),
]
