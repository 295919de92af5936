"""REST endpoints of the incident desk, for stakeholders' own tools.

Tokens need incidents:write to report and incidents:read to read (the router checks the scope and
answers 403 without it), on top of the owner's roles; the reporting organisation is the token's.
Reads go through the same selectors as the web pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Status

from lionrock.core.accounts.access import Actor, NotFound, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter
from lionrock.core.accounts.roles import Scope
from lionrock.cyber.incidents import selectors, services, stix
from lionrock.cyber.incidents.models import Incident
from lionrock.cyber.incidents.schemas import (
    Bundle,
    ErrorOut,
    IncidentCreatedOut,
    IncidentIn,
    IncidentListOut,
    IncidentOut,
    ObservableSchema,
)
from lionrock.cyber.incidents.services import IncidentDraft, IncidentInvalid, ObservableIn

router = ScopedRouter(read=Scope.INCIDENTS_READ, write=Scope.INCIDENTS_WRITE, tags=["incidents"])
NOT_FOUND: dict[int, Any] = {404: ErrorOut}


def _actor(request: HttpRequest, scope: Scope) -> Actor:
    actor = actor_for_api(request, scope)
    if not selectors.incident_organisations(actor, write=scope == Scope.INCIDENTS_WRITE):
        raise NotFound
    return actor


def _out(incident: Incident) -> IncidentOut:
    return IncidentOut(
        id=incident.pk,
        reference=incident.reference,
        stix_id=incident.stix_id,
        title=incident.title,
        description=incident.description,
        classification=incident.classification,
        severity=incident.severity,
        serious=incident.serious,
        status=incident.status,
        tlp=incident.tlp,
        pap=incident.pap,
        reporting_organisation=incident.reporting_organisation.slug,
        handling_organisation=incident.handling_organisation.slug,
        regime=incident.regime.code,
        detected_at=incident.detected_at,
        aware_at=incident.aware_at,
        submitted_at=incident.submitted_at,
        notify_by=incident.notify_by,
        written_report_by=incident.written_report_by,
        acknowledged_at=incident.acknowledged_at,
        contained_at=incident.contained_at,
        resolved_at=incident.resolved_at,
        closed_at=incident.closed_at,
        affected_services=incident.affected_services,
        affected_systems=incident.affected_systems,
        impact_users=incident.impact_users,
        impact_minutes=incident.impact_minutes,
        impact_data=incident.impact_data,
        observables=[
            ObservableSchema(type=o.type, value=o.value, ioc=o.ioc) for o in incident.observables.all()
        ],
        is_exercise=incident.is_exercise,
        exercise=incident.exercise_number,
        recipients=[r.user.email for r in incident.recipients.select_related("user")]
        if incident.tlp == "red"
        else [],
    )


@router.post(
    "/",
    response={201: IncidentCreatedOut, 404: ErrorOut, 422: ErrorOut},
    summary="Report an incident for the token's organisation",
    description="Submitted at once (a reference and the notification deadline come back) unless `draft` "
    "is true. A refusal names the field at fault and stores nothing.",
)
def incident_create(request: HttpRequest, payload: IncidentIn) -> Status[Any]:
    actor = _actor(request, Scope.INCIDENTS_WRITE)
    draft = IncidentDraft(
        title=payload.title,
        classification=payload.classification,
        detected_at=payload.detected_at,
        aware_at=payload.aware_at,
        description=payload.description,
        serious=payload.serious,
        severity=payload.severity,
        affected_services=payload.affected_services,
        affected_systems=payload.affected_systems,
        impact_users=payload.impact_users,
        impact_minutes=payload.impact_minutes,
        impact_data=payload.impact_data,
        tlp=payload.tlp.lower().removeprefix("tlp:"),
        pap=payload.pap.lower().removeprefix("pap:"),
        observables=[ObservableIn(type=o.type, value=o.value, ioc=o.ioc) for o in payload.observables],
        recipients=payload.recipients,
    )
    try:
        incident = services.incident_create(
            actor=actor, draft=draft, submit=not payload.draft, source="api", exercise=payload.exercise
        )
    except IncidentInvalid as exc:
        return Status(422, ErrorOut(detail=exc.message, field=exc.field))
    return Status(
        201,
        IncidentCreatedOut(
            id=incident.pk,
            reference=incident.reference,
            status=incident.status,
            notify_by=incident.notify_by,
            written_report_by=incident.written_report_by,
            is_exercise=incident.is_exercise,
        ),
    )


@router.post(
    "/stix",
    response={201: IncidentListOut, 404: ErrorOut, 422: ErrorOut},
    summary="Report incidents sent as a STIX 2.1 bundle (incident core extension)",
    description="Every `incident` object becomes a report of the token's organisation, with the observables "
    "its extension refers to; one bad object refuses the bundle, naming it, and nothing is stored.",
)
def incident_import(request: HttpRequest, payload: Body[dict[str, Any]]) -> Status[Any]:
    from lionrock.cyber.incidents.importing import incidents_import_stix

    actor = _actor(request, Scope.INCIDENTS_WRITE)
    try:
        stored = incidents_import_stix(actor=actor, bundle=payload)
    except IncidentInvalid as exc:
        return Status(422, ErrorOut(detail=exc.message, field=exc.field))
    return Status(201, IncidentListOut(results=[_out(incident) for incident in stored]))


@router.get("/", response=IncidentListOut, summary="Incidents the token may see, newest first")
def incident_list(request: HttpRequest, status: str = "", limit: int = 100) -> IncidentListOut:
    actor = _actor(request, Scope.INCIDENTS_READ)
    rows = selectors.incidents_desk(
        actor=actor, filters=selectors.DeskFilter(status=status), limit=max(1, min(limit, 500))
    )
    ids = [row.pk for row in rows]
    full = (
        selectors.incidents_visible(actor=actor)
        .filter(pk__in=ids)
        .select_related("regime", "reporting_organisation", "handling_organisation")
        .prefetch_related("observables")
        .order_by("-aware_at", "-id")
    )
    return IncidentListOut(results=[_out(row) for row in full])


@router.get("/{incident_id}", response={200: IncidentOut, **NOT_FOUND}, summary="One incident")
def incident_detail(request: HttpRequest, incident_id: int) -> IncidentOut:
    actor = _actor(request, Scope.INCIDENTS_READ)
    return _out(selectors.incident_get(actor=actor, pk=incident_id))


@router.get(
    "/{incident_id}/stix",
    response={200: Bundle, **NOT_FOUND},
    summary="The incident as a STIX 2.1 bundle (incident core extension)",
)
def incident_stix(request: HttpRequest, incident_id: int) -> Bundle:
    actor = _actor(request, Scope.INCIDENTS_READ)
    incident = selectors.incident_get(actor=actor, pk=incident_id)
    observables = list(selectors.incident_observables(actor=actor, incident=incident))
    return stix.incident_bundle(incident, observables)


@router.get(
    "/{incident_id}/misp", response={200: Bundle, **NOT_FOUND}, summary="The incident as a MISP event"
)
def incident_misp(request: HttpRequest, incident_id: int) -> Bundle:
    actor = _actor(request, Scope.INCIDENTS_READ)
    incident = selectors.incident_get(actor=actor, pk=incident_id)
    observables = list(selectors.incident_observables(actor=actor, incident=incident))
    return stix.incident_misp_event(incident, observables)
