from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "lionrock.cyber.exchange"
    label = "exchange"
    verbose_name = _("Intelligence imports, exports and feeds")

    def ready(self) -> None:
        from lionrock.cyber.exchange import panels

        panels.register()
