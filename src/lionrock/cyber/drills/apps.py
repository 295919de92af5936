from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "lionrock.cyber.drills"
    label = "drills"
    verbose_name = _("Drills")

    def ready(self) -> None:
        from lionrock.cyber.drills import panels, receivers, selectors  # noqa: F401  (connects the receivers)
        from lionrock.cyber.incidents import exercises

        panels.register()
        # The incident desk asks which reports are drill reports, and keeps them off the real desk.
        exercises.register(
            running_for=selectors.desk_exercises_running_for, naming=selectors.desk_exercise_named
        )
