"""Reading a record's history of states."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from lionrock.core.workflow.models import Transition


def transitions_for(*, record: models.Model) -> QuerySet[Transition]:
    """The steps of ``record``, oldest first.

    The caller has already obtained ``record`` through its own module's selector for the acting user:
    whoever may see the record may see how it got to its state.
    """
    return Transition.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    ).select_related("actor_user")
