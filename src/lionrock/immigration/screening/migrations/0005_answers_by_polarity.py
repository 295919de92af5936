"""Answers mean what was asked: every stored answer gets the indicator's presence it has always recorded.

Before this version a Yes always recorded the indicator as present, whatever the question's wording, so
every checklist already loaded keeps the polarity "yes" (the field's default) and every stored answer is
converted under that meaning: yes -> present, no -> absent, unknown -> unknown. Nothing changes meaning;
each converted screening or debriefing gets one audit entry. The shipped version 2026.2, which states the
polarity of each question, is loaded and put in use where the shipped 2026.1 was in use, and a debriefing
not yet started (no answers) moves to it; one already answered keeps the version it was answered with.
"""

from django.db import migrations

PRESENCE = {"yes": "present", "no": "absent", "unknown": "unknown"}


def forwards(apps, schema_editor):
    from lionrock.core.audit import services as audit
    from lionrock.immigration.screening.checklists import default_definition
    from lionrock.immigration.screening.services import checklist_store

    Checklist = apps.get_model("screening", "Checklist")
    Indicator = apps.get_model("screening", "Indicator")
    Answer = apps.get_model("screening", "Answer")
    Debriefing = apps.get_model("screening", "Debriefing")
    Indicator.objects.filter(stage="forced_labour").update(indicated_by="")
    interviews = {}
    for answer in Answer.objects.filter(presence="").only("pk", "value", "screening_id", "debriefing_id"):
        presence = PRESENCE.get(answer.value, "unknown")
        Answer.objects.filter(pk=answer.pk).update(presence=presence)
        key = (
            ("screening.initialscreening", answer.screening_id)
            if answer.screening_id
            else (
                "screening.debriefing",
                answer.debriefing_id,
            )
        )
        counts = interviews.setdefault(key, {"present": 0, "absent": 0, "unknown": 0})
        counts[presence] += 1
    for target, counts in sorted(interviews.items()):
        audit.record(
            actor=None,
            actor_label="system",
            action="screening.answers.polarity_migrate",
            target=target,
            changes={"rule": "yes = indicator present", **counts},
            summary="answers converted to indicator present/absent/unknown; no meaning changed",
        )
    definition = default_definition()
    latest = Checklist.objects.filter(code=definition.code, version=definition.version).first()
    if latest is None:
        old_default_in_use = Checklist.objects.filter(
            is_active=True, code="lionrock-default", version="2026.1"
        ).exists()
        active = old_default_in_use or not Checklist.objects.filter(is_active=True).exists()
        if active:
            Checklist.objects.filter(is_active=True).update(is_active=False)
        latest = checklist_store(
            definition, checklist_model=Checklist, indicator_model=Indicator, active=active
        )
    unstarted = Debriefing.objects.filter(
        checklist__code="lionrock-default",
        checklist__version="2026.1",
        state="assigned",
        answers__isnull=True,
    )
    for debriefing in unstarted:
        Debriefing.objects.filter(pk=debriefing.pk).update(checklist=latest)
        audit.record(
            actor=None,
            actor_label="system",
            action="screening.debriefing.checklist_update",
            target=("screening.debriefing", debriefing.pk),
            changes={"from": "lionrock-default 2026.1", "to": f"{definition.code} {definition.version}"},
            summary="not yet started; moved to the checklist version that states each question's polarity",
        )


def backwards(apps, schema_editor):
    """The presence column goes with the schema migration; the 2026.2 version stays if it was used."""
    Checklist = apps.get_model("screening", "Checklist")
    Debriefing = apps.get_model("screening", "Debriefing")
    InitialScreening = apps.get_model("screening", "InitialScreening")
    latest = Checklist.objects.filter(code="lionrock-default", version="2026.2").first()
    if latest is None:
        return
    used = (
        Debriefing.objects.filter(checklist=latest).exists()
        or InitialScreening.objects.filter(checklist=latest).exists()
    )
    if not used:
        was_active = latest.is_active
        latest.indicators.all().delete()
        latest.delete()
        if was_active:
            Checklist.objects.filter(code="lionrock-default", version="2026.1").update(is_active=True)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("screening", "0004_polarity_presence_review_by_draft"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
