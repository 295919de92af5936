"""A report's history keeps facts, not sentences, so it reads in the language of whoever opens it.

Entries written before stored the sentence in the writer's language ("Normal → High", "一般 → 高").
Each is read back against the labels in English and in Traditional Chinese, its facts are moved to
`data`, and `detail` keeps only what an officer typed (the note given when closing). An entry that
matches no known form is left as it was: it still shows its text.
"""

import re

from django.db import migrations, models
from django.utils import translation

LANGUAGES = ("en", "zh-hant")


def _labels(choices, languages=LANGUAGES):
    """Every label of a choices class in every language, mapped back to its value."""
    found = {}
    for language in languages:
        with translation.override(language):
            for value, label in choices.choices:
                found[str(label)] = value
    return found


def _facts(kind, detail, maps):
    channels, priorities, outcomes, nobody, merged, unlinked = maps
    if kind == "received" and detail in channels:
        return {"channel": channels[detail]}, ""
    if kind == "assigned":
        if detail in nobody:
            return {"assignee": None, "name": ""}, ""
        return {"assignee": 0, "name": detail}, ""
    if kind == "prioritised" and " → " in detail:
        before, _arrow, after = detail.partition(" → ")
        if before in priorities and after in priorities:
            return {"before": priorities[before], "after": priorities[after]}, ""
    if kind == "closed":
        # Written as the outcome's label, then ": " and the officer's note when there was one.
        for label, value in outcomes.items():
            if detail == label:
                return {"outcome": value}, ""
            if detail.startswith(label + ": "):
                return {"outcome": value}, detail[len(label) + 2 :]
    if kind == "duplicate" and detail:
        return {"original": detail}, ""
    if kind == "linked" and detail:
        return {"operation": detail}, ""
    if kind == "note":
        for key, sentences in (("merged", merged), ("unlinked", unlinked)):
            for pattern in sentences:
                match = pattern.fullmatch(detail)
                if match:
                    return {key: match.group("value")}, ""
    return None, detail


def _sentence_patterns(template):
    patterns = []
    for language in LANGUAGES:
        with translation.override(language):
            text = translation.gettext(template)
        pattern = re.escape(text)
        for placeholder in re.findall(r"%\(\w+\)s", text):
            pattern = pattern.replace(re.escape(placeholder), r"(?P<value>.+?)")
        patterns.append(re.compile(pattern))
    return patterns


def forwards(apps, schema_editor):
    from lionrock.immigration.enforcement.models import Report

    ReportEvent = apps.get_model("enforcement", "ReportEvent")
    nobody = set()
    for language in LANGUAGES:
        with translation.override(language):
            nobody.add(translation.gettext("nobody"))
    maps = (
        _labels(Report.Channel),
        _labels(Report.Priority),
        _labels(Report.Outcome),
        nobody,
        _sentence_patterns("%(ref)s merged into this report"),
        _sentence_patterns("Unlinked from operation %(codename)s"),
    )
    for event in ReportEvent.objects.filter(data={}).exclude(detail="").iterator():
        data, detail = _facts(event.kind, event.detail, maps)
        if data is not None:
            if event.kind == "assigned" and data["name"]:
                data["assignee"] = _user_pk(apps, event, data["name"])
            event.data, event.detail = data, detail
            event.save(update_fields=["data", "detail"])


def _user_pk(apps, event, name):
    """The officer the report was given to, by the name then written; None when no one has it now."""
    User = apps.get_model("accounts", "User")
    return User.objects.filter(full_name=name).values_list("pk", flat=True).first()


def backwards(apps, schema_editor):
    """Back to sentences, in English."""
    from lionrock.immigration.enforcement.models import ReportEvent as LiveEvent

    ReportEvent = apps.get_model("enforcement", "ReportEvent")
    with translation.override("en"):
        for event in ReportEvent.objects.exclude(data={}).iterator():
            live = LiveEvent(kind=event.kind, detail=event.detail, data=event.data)
            event.detail = live.detail_display()
            event.save(update_fields=["detail"])


class Migration(migrations.Migration):
    dependencies = [
        ("enforcement", "0008_offence_section_chinese"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportevent",
            name="data",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forwards, backwards),
    ]
