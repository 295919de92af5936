from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "lionrock.cyber.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from lionrock.cyber.incidents import panels

        panels.register()
