from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "lionrock.cyber.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from lionrock.cyber.intel.models import StixObject
        from lionrock.cyber.intel.signals import objects_added
        from lionrock.cyber.monitoring import panels, receivers

        panels.register()
        objects_added.connect(
            receivers.sightings_follow, sender=StixObject, dispatch_uid="monitoring.sightings"
        )
