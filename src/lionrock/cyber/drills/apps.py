from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "lionrock.cyber.drills"
    label = "drills"
    verbose_name = _("Drills")

    def ready(self) -> None:
        from lionrock.cyber.drills import panels, receivers  # noqa: F401  (connects the evidence receivers)

        panels.register()
