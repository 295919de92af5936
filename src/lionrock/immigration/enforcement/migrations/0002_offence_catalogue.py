"""Seeds the offence catalogue from the published penalties (shared/reference/hk-immigration-offences.md).

A change in the law is a new row with its own dates: s.17I has one row up to 31 July 2021 and one from
1 August 2021, when the maximum went from $350,000 and 3 years to $500,000 and 10 years.
"""

from datetime import date

from django.db import migrations

CAP_115 = "Immigration Ordinance (Cap. 115)"
SOURCE = "Immigration Department press releases; Immigration Ordinance (Cap. 115)"

OFFENCES = [
    # code, ordinance, section, English, Chinese, fine, months, as principal, from, until
    (
        "s17i",
        CAP_115,
        "s.17I",
        "Employing a person who is not lawfully employable (illegal immigrant, person under a removal or "
        "deportation order, overstayer, person refused permission to land)",
        "僱用不可合法受僱的人（非法入境者、受遣送離境令或遞解離境令規限的人、逾期居留者、被拒入境者）",
        350_000,
        36,
        False,
        None,
        date(2021, 7, 31),
    ),
    (
        "s17i",
        CAP_115,
        "s.17I",
        "Employing a person who is not lawfully employable (illegal immigrant, person under a removal or "
        "deportation order, overstayer, person refused permission to land)",
        "僱用不可合法受僱的人（非法入境者、受遣送離境令或遞解離境令規限的人、逾期居留者、被拒入境者）",
        500_000,
        120,
        False,
        date(2021, 8, 1),
        None,
    ),
    (
        "s17i-officer",
        CAP_115,
        "s.17I (officers)",
        "Director, manager, secretary or partner of an employing company, where the offence involved their "
        "consent, connivance or neglect",
        "僱主公司的董事、經理、秘書或合夥人，而有關罪行是在其同意、縱容或疏忽下干犯",
        500_000,
        120,
        False,
        date(2021, 8, 1),
        None,
    ),
    (
        "s17j",
        CAP_115,
        "s.17J",
        "Employer failing to inspect a job seeker's identity card, or valid travel document where the job "
        "seeker holds no permanent identity card",
        "僱主沒有查閱求職者的身份證，或在求職者並非持有永久性居民身份證時沒有查閱其有效旅行證件",
        150_000,
        12,
        False,
        None,
        None,
    ),
    (
        "s38aa",
        CAP_115,
        "s.38AA",
        "Illegal immigrant, removee, overstayer or person refused permission to land taking employment or "
        "establishing or joining a business",
        "非法入境者、受遣送離境令規限的人、逾期居留者或被拒入境者接受僱傭工作或開辦或參與業務",
        50_000,
        36,
        False,
        None,
        None,
    ),
    (
        "s41",
        CAP_115,
        "s.41",
        "Breach of a condition of stay (e.g. a visitor taking employment, paid or unpaid, without the "
        "Director's permission)",
        "違反逗留條件（例如旅客未經處長批准而接受有薪或無薪僱傭工作）",
        50_000,
        24,
        False,
        None,
        None,
    ),
    (
        "aiding-abetting",
        "",
        "Aiding and abetting",
        "Aiding and abetting an offence; liable to the penalties of the principal offence",
        "協助及教唆他人犯罪；可處主罪的刑罰",
        None,
        None,
        True,
        None,
        None,
    ),
    (
        "forged-id-card",
        "",
        "Forged identity card (related offence)",
        "Using or possessing a forged identity card",
        "使用或管有偽造身份證",
        100_000,
        120,
        False,
        None,
        None,
    ),
]


def seed(apps, schema_editor):
    Offence = apps.get_model("enforcement", "Offence")
    for code, ordinance, section, title_en, title_zh, fine, months, principal, start, until in OFFENCES:
        Offence.objects.update_or_create(
            code=code,
            effective_from=start,
            defaults={
                "ordinance": ordinance,
                "section": section,
                "title_en": title_en,
                "title_zh": title_zh,
                "max_fine_hkd": fine,
                "max_imprisonment_months": months,
                "penalty_as_principal": principal,
                "effective_until": until,
                "source": SOURCE,
            },
        )


def unseed(apps, schema_editor):
    Offence = apps.get_model("enforcement", "Offence")
    for code, *_rest, start, _until in OFFENCES:
        Offence.objects.filter(code=code, effective_from=start).delete()


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
