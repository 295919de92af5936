from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "lionrock.cyber.exchange"
    label = "exchange"
    verbose_name = _("Intelligence imports, exports and feeds")

    def ready(self) -> None:
        from lionrock.core import crypto
        from lionrock.cyber.exchange import panels

        panels.register()
        crypto.sealed_column_register("exchange.Feed", "secret_sealed", crypto.FEEDS)
