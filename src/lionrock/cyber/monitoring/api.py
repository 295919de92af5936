"""REST: upload logs to match, follow runs, post sightings from `lionrock match`, read the dashboard."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Status
from ninja.files import UploadedFile

from lionrock.core.accounts import selectors as account_selectors
from lionrock.core.accounts.access import Actor, NotFound, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter, scoped
from lionrock.core.accounts.roles import Scope
from lionrock.cyber.intel import selectors as intel_selectors
from lionrock.cyber.monitoring import selectors, services
from lionrock.cyber.monitoring.models import MatchRun
from lionrock.cyber.monitoring.schemas import IndicatorActivityOut, RunOut, SightingsIn, SightingsOut

router = ScopedRouter(read=Scope.MONITORING_READ, write=Scope.MONITORING_WRITE, tags=["monitoring"])


def _actor(request: HttpRequest) -> Actor:
    return actor_for_api(request)


def _run_out(run: MatchRun) -> RunOut:
    return RunOut(
        id=str(run.pk),
        organisation=run.organisation.slug,
        status=run.status,
        created_at=run.created_at,
        finished_at=run.finished_at,
        indicators_used=run.indicators_used,
        files_done=run.files_done,
        files_total=run.files.count(),
        hits=run.hits,
        sightings=run.sightings,
    )


@router.post("/runs", response={202: RunOut}, summary="Upload log files to be matched by the worker")
def run_create(
    request: HttpRequest,
    organisation: Form[str],
    collection: Form[str],
    tlp: Form[str],
    logs: File[list[UploadedFile]],
) -> Status[RunOut]:
    actor = _actor(request)
    org = account_selectors.organisations_of(actor=actor).filter(slug=organisation).first()
    target = selectors.sighting_collections(actor=actor).filter(alias=collection).first()
    if org is None or target is None:
        raise NotFound
    run = services.match_run_create(
        actor=actor,
        organisation=org,
        collection=target,
        tlp=tlp,
        uploads=[(f.name or "log", f) for f in logs],
    )
    run.refresh_from_db()
    return Status(202, _run_out(run))


@router.get("/runs", response=list[RunOut], summary="Recent match runs of the caller's organisations")
def run_list(request: HttpRequest) -> list[RunOut]:
    actor = _actor(request)
    return [
        _run_out(run) for run in selectors.match_runs_visible(actor=actor).prefetch_related("files")[:100]
    ]


@router.get("/runs/{run_id}", response=RunOut, summary="One match run and its progress")
def run_get(request: HttpRequest, run_id: str) -> RunOut:
    return _run_out(selectors.match_run_get(actor=_actor(request), run_id=run_id))


@router.post(
    "/sightings", response={201: SightingsOut}, summary="Store a sightings bundle made by `lionrock match`"
)
def sightings_post(request: HttpRequest, payload: SightingsIn) -> Status[SightingsOut]:
    actor = _actor(request)
    target = intel_selectors.collections_visible(actor=actor).filter(alias=payload.collection).first()
    if target is None:
        raise NotFound
    stored = services.sightings_submit(actor=actor, collection=target, bundle=payload.bundle, tlp=payload.tlp)
    return Status(201, SightingsOut(stored=stored))


@router.get(
    "/indicators",
    auth=scoped(Scope.INTEL_READ),
    response=list[IndicatorActivityOut],
    summary="Indicators sighted, newest first",
)
def indicators(request: HttpRequest, days: int = 30) -> list[IndicatorActivityOut]:
    actor = _actor(request)
    rows = selectors.indicators_sighted(actor=actor, days=min(max(days, 1), 365))
    return [IndicatorActivityOut(**row.__dict__) for row in rows]
