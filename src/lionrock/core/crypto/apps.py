from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CryptoConfig(AppConfig):
    """No models: the home of ``keys_rotate``, the one rotation command for every encrypted value."""

    name = "lionrock.core.crypto"
    label = "crypto"
    verbose_name = _("Encryption keys")
