from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "lionrock.cyber.drills"
    label = "drills"
    verbose_name = _("Drills")

    def ready(self) -> None:
        from lionrock.core.files import access_register
        from lionrock.cyber.drills import downloads, panels, receivers  # (importing receivers connects them)
        from lionrock.cyber.intel.store_checks import store_check_register

        panels.register()
        access_register("drills.team", downloads.team_files_visible)
        store_check_register(receivers.exercise_open)
