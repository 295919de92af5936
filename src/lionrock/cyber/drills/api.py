"""REST: plan and run drills, fetch a team's artefacts, read the scoreboard and the report.

Tokens need drills:read to read and drills:write to plan and run, on top of the owner's roles. Evidence
never comes in here: sightings and incidents use the TAXII, monitoring and incident APIs.
"""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Status

from lionrock.core.accounts import selectors as account_selectors
from lionrock.core.accounts.access import Actor, NotFound, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role, Scope
from lionrock.core.errors import ValidationFailed
from lionrock.core.files.responses import attachment_response
from lionrock.cyber.drills import downloads, report, selectors, services
from lionrock.cyber.drills.models import Exercise
from lionrock.cyber.drills.scenarios import templates
from lionrock.cyber.drills.schemas import (
    ExerciseIn,
    ExerciseOut,
    InjectIn,
    InjectOut,
    ResultOut,
    ScoreboardOut,
    TeamOut,
    TeamScoreOut,
    TemplateOut,
)
from lionrock.cyber.drills.scoring import Scoreboard

# GETs need drills:read, everything else drills:write: checked at the door by the router.
router = ScopedRouter(read=Scope.DRILLS_READ, write=Scope.DRILLS_WRITE, tags=["drills"])


def _actor(request: HttpRequest) -> Actor:
    return actor_for_api(request)


def exercise_out(exercise: Exercise) -> ExerciseOut:
    selectors.exercise_teams_read([exercise])  # a no-op for a listed exercise, read with its list
    return ExerciseOut(
        id=exercise.pk,
        name_en=exercise.name_en,
        name_zh=exercise.name_zh,
        template=exercise.template,
        template_version=exercise.template_version,
        status=exercise.status,
        organiser=exercise.organiser.slug,
        starts_at=exercise.starts_at,
        ends_at=exercise.ends_at,
        time_zone=exercise.time_zone,
        started_at=exercise.started_at,
        ended_at=exercise.ended_at,
        taxii_collection=str(exercise.collection_id) if exercise.collection_id else None,
        teams=[
            TeamOut(
                organisation=t.organisation.slug,
                name_en=t.organisation.name_en,
                name_zh=t.organisation.name_zh,
            )
            for t in exercise.teams.all()
        ],
    )


def scoreboard_out(board: Scoreboard) -> ScoreboardOut:
    return ScoreboardOut(
        exercise=board.exercise.pk,
        status=board.exercise.status,
        teams=[
            TeamScoreOut(
                organisation=team.team.organisation.slug,
                total=team.total,
                possible=team.possible,
                time_to_detect_minutes=team.minutes_to("detect"),
                time_to_report_minutes=team.minutes_to("report"),
                time_to_share_minutes=team.minutes_to("share"),
                false_positives=len(team.false_positives),
                false_positive_values=[c.value for c in team.false_positives],
                canaries_detected=team.detected_canaries,
                canaries_missed=len(team.missed_canaries),
                results=[
                    ResultOut(
                        inject=row.expectation.inject.number,
                        expectation=row.expectation.text_en,
                        capability=row.expectation.capability,
                        status=row.status,
                        delivered_at=row.delivered_at,
                        validated_at=row.validated_at,
                        minutes_taken=row.minutes,
                        deadline_minutes=row.expectation.deadline_minutes,
                        score=row.score,
                        max_score=row.expectation.score,
                        evidence=row.evidence,
                        comment=row.comment,
                    )
                    for row in team.rows
                ],
            )
            for team in board.teams
        ],
    )


@router.get("/templates", response=list[TemplateOut], summary="Scenario templates (versioned)")
def template_list(request: HttpRequest) -> list[TemplateOut]:
    _actor(request)
    return [
        TemplateOut(
            slug=t.slug,
            version=t.version,
            name_en=t.name_en,
            name_zh=t.name_zh,
            duration_minutes=t.duration_minutes,
            injects=len(t.injects),
            techniques=t.techniques,
        )
        for t in templates().values()
    ]


def _organisation(slug: str) -> Organisation:
    found = Organisation.objects.filter(slug=slug, is_active=True).first()
    if found is None:
        raise ValidationFailed(_("There is no organisation “%(slug)s”.") % {"slug": slug[:80]})
    return found


@router.post("/exercises", response={201: ExerciseOut}, summary="Plan an exercise from a template")
def exercise_create(request: HttpRequest, payload: ExerciseIn) -> Status[ExerciseOut]:
    actor = _actor(request)
    if payload.organiser:
        organiser = account_selectors.organisations_of(actor=actor).filter(slug=payload.organiser).first()
    else:
        primary = actor.primary_organisation_id
        organiser = Organisation.objects.filter(pk=primary).first() if primary is not None else None
    if organiser is None or not actor.has_role(Role.DRILL_PLANNER, organiser):
        raise NotFound
    exercise = services.exercise_create(
        actor=actor,
        organiser=organiser,
        template=payload.template,
        teams=[_organisation(slug) for slug in payload.teams],
        starts_at=payload.starts_at,
        name_en=payload.name_en,
        name_zh=payload.name_zh,
        time_zone=payload.time_zone,
        lines_per_team=payload.lines_per_team,
    )
    return Status(201, exercise_out(exercise))


@router.get("/exercises", response=list[ExerciseOut], summary="Exercises one plans, runs or plays in")
def exercise_list(request: HttpRequest) -> list[ExerciseOut]:
    actor = _actor(request)
    return [exercise_out(e) for e in selectors.exercises_listed(actor=actor)]


@router.get("/exercises/{exercise_id}", response=ExerciseOut)
def exercise_detail(request: HttpRequest, exercise_id: int) -> ExerciseOut:
    return exercise_out(selectors.exercise_get(actor=_actor(request), pk=exercise_id))


def _step(request: HttpRequest, exercise_id: int, step: str) -> ExerciseOut:
    actor = _actor(request)
    exercise = selectors.exercise_get(actor=actor, pk=exercise_id)
    moves = {
        "start": services.exercise_start,
        "pause": services.exercise_pause,
        "resume": services.exercise_resume,
        "end": services.exercise_end,
    }
    return exercise_out(moves[step](actor=actor, exercise=exercise))


@router.post("/exercises/{exercise_id}/start", response=ExerciseOut, summary="Start the clock")
def exercise_start(request: HttpRequest, exercise_id: int) -> ExerciseOut:
    return _step(request, exercise_id, "start")


@router.post("/exercises/{exercise_id}/pause", response=ExerciseOut, summary="Pause the clock")
def exercise_pause(request: HttpRequest, exercise_id: int) -> ExerciseOut:
    return _step(request, exercise_id, "pause")


@router.post("/exercises/{exercise_id}/resume", response=ExerciseOut, summary="Resume the clock")
def exercise_resume(request: HttpRequest, exercise_id: int) -> ExerciseOut:
    return _step(request, exercise_id, "resume")


@router.post("/exercises/{exercise_id}/end", response=ExerciseOut, summary="End the exercise")
def exercise_end(request: HttpRequest, exercise_id: int) -> ExerciseOut:
    return _step(request, exercise_id, "end")


@router.post("/exercises/{exercise_id}/injects", response={201: InjectOut}, summary="Add an inject")
def inject_add(request: HttpRequest, exercise_id: int, payload: InjectIn) -> Status[InjectOut]:
    actor = _actor(request)
    exercise = selectors.exercise_get(actor=actor, pk=exercise_id)
    inject = services.inject_add(
        actor=actor,
        exercise=exercise,
        offset_minutes=payload.offset_minutes,
        title_en=payload.title_en,
        title_zh=payload.title_zh,
        body_en=payload.body_en,
        body_zh=payload.body_zh,
        channel=payload.channel,
        technique=payload.technique,
        targets=[_organisation(slug) for slug in payload.teams],
        expectations=[e.dict() for e in payload.expectations],
    )
    return Status(
        201,
        InjectOut(
            number=inject.number,
            offset_minutes=inject.offset_minutes,
            title_en=inject.title_en,
            channel=inject.channel,
            technique=inject.technique,
        ),
    )


@router.get(
    "/exercises/{exercise_id}/teams/{organisation}/artefacts",
    summary="A zip of the team's logs (that team and the white cell only)",
)
def artefacts(request: HttpRequest, exercise_id: int, organisation: str) -> FileResponse:
    actor = _actor(request)
    exercise = selectors.exercise_get(actor=actor, pk=exercise_id)
    stored = downloads.artefacts_archive(actor=actor, exercise=exercise, organisation=organisation)
    return attachment_response(stored)


@router.get("/exercises/{exercise_id}/scoreboard", response=ScoreboardOut)
def scoreboard(request: HttpRequest, exercise_id: int) -> ScoreboardOut:
    actor = _actor(request)
    exercise = selectors.exercise_get(actor=actor, pk=exercise_id)
    return scoreboard_out(selectors.scoreboard(actor=actor, exercise=exercise))


@router.get("/exercises/{exercise_id}/report.pdf", summary="The after-action report (PDF)")
def report_pdf(request: HttpRequest, exercise_id: int, lang: str = "both") -> HttpResponse:
    """English and Chinese side by side; `lang=en` or `lang=zh-hant` for one language only."""
    actor = _actor(request)
    exercise = selectors.exercise_get(actor=actor, pk=exercise_id)
    language = report.language_of(lang)
    pdf = report.report_pdf(actor=actor, exercise=exercise, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="drill-{exercise.pk}-report-{language}.pdf"'
    return response
