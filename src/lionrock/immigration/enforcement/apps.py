from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "lionrock.immigration.enforcement"
    label = "enforcement"
    verbose_name = _("Immigration enforcement")

    def ready(self) -> None:
        from lionrock.immigration.enforcement import panels

        panels.register()
