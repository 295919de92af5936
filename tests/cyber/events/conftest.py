from importlib import import_module

import pytest


@pytest.fixture(autouse=True)
def readiness_checklist(db: None) -> None:
    """The checklist a data migration stores; a flush by an earlier transactional test removes it."""
    from django.apps import apps

    import_module("lionrock.cyber.events.migrations.0002_readiness_checklist_v1").checklist_load(apps, None)
