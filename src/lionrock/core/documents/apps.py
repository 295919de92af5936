from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """No models: installed so that ``documents/base.html`` is found by the template loader."""

    name = "lionrock.core.documents"
    label = "documents"
    verbose_name = _("Documents")
