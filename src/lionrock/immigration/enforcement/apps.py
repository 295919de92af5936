from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "lionrock.immigration.enforcement"
    label = "enforcement"
    verbose_name = _("Immigration enforcement")

    def ready(self) -> None:
        from lionrock.core import crypto
        from lionrock.immigration.enforcement import panels
        from lionrock.immigration.enforcement.services.keys import document_indexes_recompute

        panels.register()
        crypto.rotation_hook_register("document_indexes", document_indexes_recompute)
