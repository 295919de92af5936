from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "lionrock.core.jobs"
    label = "jobs"
    verbose_name = _("Periodic jobs")

    def ready(self) -> None:
        from lionrock.core.accounts.roles import Module
        from lionrock.core.jobs import recording
        from lionrock.core.shell.registry import NavEntry, nav_register

        recording.connect()
        nav_register(NavEntry(Module.PLATFORM, _("Periodic jobs"), "jobs:list", order=960))
