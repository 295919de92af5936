"""When each arrest's case was concluded: the moment the retention of the person's record counts from."""

from typing import Any

from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone

CONCLUDED_STAGES = ("convicted", "acquitted", "nfa")
BATCH = 2000


def concluded_at_fill(apps: Any, schema_editor: Any) -> None:
    """Dates the end of the cases already concluded from the audit trail, where each case update is
    recorded (`enforcement.arrest.case`); a case with no such entry is dated to the upgrade, so retention
    never counts from a moment earlier than the one it can prove."""
    arrest_model = apps.get_model("enforcement", "Arrest")
    audit_entry_model = apps.get_model("audit", "AuditEntry")
    recorded = dict(
        audit_entry_model.objects.filter(action="enforcement.arrest.case", target_type="enforcement.arrest")
        .values("target_id")
        .annotate(last=Max("at"))
        .values_list("target_id", "last")
    )
    upgraded_at = timezone.now()
    concluded = arrest_model.objects.filter(stage__in=CONCLUDED_STAGES, concluded_at__isnull=True)
    batch = []
    for arrest in concluded.only("pk").iterator(chunk_size=BATCH):
        arrest.concluded_at = recorded.get(str(arrest.pk), upgraded_at)
        batch.append(arrest)
        if len(batch) == BATCH:
            arrest_model.objects.bulk_update(batch, ["concluded_at"])
            batch = []
    if batch:
        arrest_model.objects.bulk_update(batch, ["concluded_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("enforcement", "0006_employer_check_record"),
    ]

    operations = [
        migrations.AddField(
            model_name="arrest",
            name="concluded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="case concluded"),
        ),
        migrations.RunPython(concluded_at_fill, migrations.RunPython.noop),
    ]
