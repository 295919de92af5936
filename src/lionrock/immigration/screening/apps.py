from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "lionrock.immigration.screening"
    label = "screening"
    verbose_name = _("Victim screening")

    def ready(self) -> None:
        from lionrock.immigration.enforcement.person_retention import person_retention_hook_register
        from lionrock.immigration.enforcement.signals import screening_owed_opened
        from lionrock.immigration.screening import panels, receivers, retention

        panels.register()
        person_retention_hook_register(retention.SCREENING_RETENTION_HOOK)
        screening_owed_opened.connect(receivers.case_open_for_owed, dispatch_uid="screening.case_for_owed")
