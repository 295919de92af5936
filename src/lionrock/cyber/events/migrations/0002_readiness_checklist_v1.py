"""The first version of the readiness checklist: data, so a later version never rewrites an old event's."""

from django.db import migrations

ITEMS = (
    (
        "ddos-tested",
        "DDoS protection tested",
        "DDoS 防護已測試",
        "Scrubbing or upstream filtering exercised against the event's services.",
        14,
    ),
    (
        "contacts-confirmed",
        "Emergency contacts confirmed",
        "緊急聯絡人已確認",
        "Duty contacts for the watch period confirmed and entered in the roster.",
        7,
    ),
    (
        "patches-applied",
        "Critical patches applied",
        "重要修補程式已安裝",
        "Internet-facing systems of the event's services patched.",
        7,
    ),
    (
        "backups-restored",
        "Backups restored in a test",
        "備份已作還原測試",
        "A restore from backup was tested for each critical service.",
        14,
    ),
    (
        "emergency-plan-current",
        "Emergency response plan current",
        "應急計劃為最新版本",
        "The emergency response plan was reviewed for the event.",
        14,
    ),
    (
        "drill-taken-part",
        "Took part in the drill",
        "已參與演練",
        "The organisation took part in the pre-event drill.",
        7,
    ),
)


def checklist_load(apps, schema_editor):
    ReadinessItem = apps.get_model("events", "ReadinessItem")
    for order, (code, title_en, title_zh, guidance, days) in enumerate(ITEMS):
        ReadinessItem.objects.get_or_create(
            version=1,
            code=code,
            defaults={
                "title_en": title_en,
                "title_zh": title_zh,
                "guidance": guidance,
                "days_before": days,
                "order": order,
            },
        )


def backwards(apps, schema_editor):
    apps.get_model("events", "ReadinessItem").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]
    operations = [migrations.RunPython(checklist_load, backwards)]
