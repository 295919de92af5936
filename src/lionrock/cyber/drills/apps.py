from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "lionrock.cyber.drills"
    label = "drills"
    verbose_name = _("Drills")

    def ready(self) -> None:
        from lionrock.core.files import access_register
        from lionrock.cyber.drills import downloads, panels, receivers, selectors  # (receivers connect)
        from lionrock.cyber.incidents import exercises
        from lionrock.cyber.intel.store_checks import store_check_register

        panels.register()
        access_register("drills.team", downloads.team_files_visible)
        store_check_register(receivers.exercise_open)
        # The incident desk asks which reports are drill reports, and keeps them off the real desk.
        exercises.register(
            running_for=selectors.desk_exercises_running_for, naming=selectors.desk_exercise_named
        )
