from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "lionrock.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self) -> None:
        from lionrock.publishing import panels

        panels.register()
