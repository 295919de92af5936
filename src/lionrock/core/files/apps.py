from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "lionrock.core.files"
    label = "files"
    verbose_name = _("Attachments")

    def ready(self) -> None:
        from lionrock.core import crypto
        from lionrock.core.files import receivers, rotation

        assert receivers  # connected on import
        crypto.rotation_hook_register("files", rotation.encrypted_files_reseal)
