from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "lionrock.cyber.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from lionrock.cyber.monitoring import panels, receivers  # noqa: F401  (connects the sighting receiver)

        panels.register()
