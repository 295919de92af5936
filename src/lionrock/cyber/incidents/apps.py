from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "lionrock.cyber.incidents"
    label = "incidents"
    verbose_name = _("Incidents")

    def ready(self) -> None:
        from lionrock.core.files import access_register
        from lionrock.cyber.incidents import panels, selectors

        panels.register()
        # An incident's evidence is downloaded by exactly those who may see the incident.
        access_register(
            "incidents.incident",
            lambda actor, incident: (
                selectors.incidents_visible(actor=actor, exercises=True).filter(pk=incident.pk).exists()
            ),
        )
