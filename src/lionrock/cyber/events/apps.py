from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "lionrock.cyber.events"
    label = "events"
    verbose_name = _("Major events")

    def ready(self) -> None:
        from lionrock.cyber.events import panels

        panels.register()
