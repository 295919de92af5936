from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShellConfig(AppConfig):
    name = "lionrock.core.shell"
    label = "shell"
    verbose_name = _("User interface")

    def ready(self) -> None:
        from lionrock.core.shell import panels
        from lionrock.core.shell.inspection import admin_site_secure

        admin_site_secure()
        panels.register()
