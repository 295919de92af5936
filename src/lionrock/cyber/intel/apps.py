from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntelConfig(AppConfig):
    name = "lionrock.cyber.intel"
    label = "intel"
    verbose_name = _("Threat intelligence")

    def ready(self) -> None:
        from lionrock.cyber.intel import panels

        panels.register()
