"""The environment is prepared by lionrock.config.testing (see pyproject's DJANGO_SETTINGS_MODULE)."""
