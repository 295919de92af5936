from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "lionrock.cyber.events"
    label = "events"
    verbose_name = _("Major events")

    def ready(self) -> None:
        from lionrock.core.files import access_register
        from lionrock.cyber.events import panels, selectors

        panels.register()
        # Readiness evidence: the event's coordinators and the organisation that gave it.
        access_register("events.readinessentry", selectors.readiness_evidence_visible)
