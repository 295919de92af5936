"""The offence catalogue names each section in Chinese too, as the ordinance's Chinese text cites it.

The Chinese titles also take the statute's own word for an identity card, 身分證 (the Registration of
Persons Ordinance, Cap. 177, and s.17J of Cap. 115), the word the rest of Lionrock uses.
"""

from django.db import migrations, models

SECTIONS_ZH = {
    "s17i": "第17I條",
    "s17i-officer": "第17I條（公司高級人員）",
    "s17j": "第17J條",
    "s38aa": "第38AA條",
    "s41": "第41條",
    "aiding-abetting": "協助及教唆",
    "forged-id-card": "偽造身分證（相關罪行）",
}


def name_sections(apps, schema_editor):
    Offence = apps.get_model("enforcement", "Offence")
    for offence in Offence.objects.all():
        offence.section_zh = SECTIONS_ZH.get(offence.code, offence.section_zh)
        offence.title_zh = offence.title_zh.replace("身份", "身分")
        offence.save(update_fields=["section_zh", "title_zh"])


def unname_sections(apps, schema_editor):
    Offence = apps.get_model("enforcement", "Offence")
    for offence in Offence.objects.all():
        offence.title_zh = offence.title_zh.replace("身分", "身份")
        offence.save(update_fields=["title_zh"])


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0007_arrest_concluded_at")]

    operations = [
        migrations.AddField(
            model_name="offence",
            name="section_zh",
            field=models.CharField(blank=True, max_length=60, verbose_name="section (Chinese)"),
        ),
        migrations.RunPython(name_sections, unname_sections),
    ]
