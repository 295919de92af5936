from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "lionrock.cyber.drills"
    label = "drills"
    verbose_name = _("Drills")

    def ready(self) -> None:
        from lionrock.core.files import access_register
        from lionrock.cyber.drills import downloads, panels, receivers  # noqa: F401  (connects the receivers)

        panels.register()
        access_register("drills.team", downloads.team_files_visible)
