"""REST endpoints: the offence catalogue, and the report queue for enforcement officers' tools."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import Status

from lionrock.core.accounts.access import Actor, NotFound, actor_for_api
from lionrock.core.accounts.authentication import ScopedRouter
from lionrock.core.accounts.models import Organisation
from lionrock.core.accounts.roles import Role, Scope
from lionrock.core.accounts.schemas import IsoDate, RowId
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement import selectors, services
from lionrock.immigration.enforcement.employer_check import (
    EMPLOYER_DUTIES,
    DocumentCheck,
    hkid_check,
    zone_check,
)
from lionrock.immigration.enforcement.inspection_record import (
    InspectionRecord,
    PdfUnavailable,
    record_filename,
    record_make,
    record_pdf,
)
from lionrock.immigration.enforcement.lookups import lookup_failure_count, lookup_refused
from lionrock.immigration.enforcement.models import Offence, Report
from lionrock.immigration.enforcement.schemas import (
    CheckLineOut,
    DocumentCheckOut,
    EmployerCheckIn,
    EmployerCheckOut,
    EmployerRecordCodeIn,
    EmployerRecordIn,
    EmployerRecordSavedOut,
    ErrorOut,
    OffenceOut,
    OperationDetailOut,
    OperationOut,
    ReportIn,
    ReportOut,
    ScreeningOwedOut,
)
from lionrock.immigration.enforcement.summary import operation_summary

router = ScopedRouter(read=Scope.ENFORCEMENT_READ, write=Scope.ENFORCEMENT_WRITE, tags=["enforcement"])


def _actor(request: HttpRequest) -> Actor:
    return actor_for_api(request)


def _offence_out(offence: Offence) -> OffenceOut:
    return OffenceOut.model_validate(offence, from_attributes=True)


def _report_out(report: Report) -> ReportOut:
    return ReportOut(
        reference=report.reference,
        channel=report.channel,
        category=report.category,
        description=report.description,
        address=report.address,
        district=report.district,
        premises_type=report.premises_type,
        business_name=report.business_name,
        observed_on=report.observed_on,
        observed_time=report.observed_time,
        status=report.status,
        priority=report.priority,
        outcome=report.outcome,
        assignee=report.assignee.email if report.assignee else None,
        received_at=report.received_at,
        anonymous=report.is_anonymous,
    )


@router.get(
    "/offences", response=list[OffenceOut], summary="The offence catalogue, or the rows in force on a date"
)
def offence_list(request: HttpRequest, on: IsoDate | None = None) -> list[OffenceOut]:
    _actor(request)
    rows = selectors.offences_in_force(on=on) if on else selectors.offences_catalogue()
    return [_offence_out(offence) for offence in rows]


@router.get(
    "/reports",
    response=list[ReportOut],
    summary="Open reports in the triage queue (reporter details omitted)",
)
def report_list(request: HttpRequest, status: str = "open", limit: int = 100) -> list[ReportOut]:
    actor = _actor(request)
    limit = max(1, min(limit, 500))
    return [_report_out(report) for report in selectors.reports_queue(actor=actor, status=status)[:limit]]


@router.get("/reports/{reference}", response=ReportOut, summary="One report (reporter details omitted)")
def report_detail(request: HttpRequest, reference: str) -> ReportOut:
    actor = _actor(request)
    return _report_out(selectors.report_get(actor=actor, reference=reference))


@router.post("/reports", response={201: ReportOut}, summary="Log a report received by hotline, fax or email")
def report_log(request: HttpRequest, payload: ReportIn) -> tuple[int, ReportOut]:
    actor = _actor(request)
    organisation_ids = sorted(actor.organisations_with(Role.ENFORCEMENT_OFFICER))
    if not organisation_ids:
        raise NotFound
    data = payload.dict()
    channel = data.pop("channel")
    received_at = data.pop("received_at")
    report = services.report_log(
        actor=actor,
        organisation=Organisation.objects.get(pk=organisation_ids[0]),
        channel=channel,
        details=services.ReportDetails(**data),
        received_at=received_at,
    )
    return 201, _report_out(report)


@router.get("/operations", response=list[OperationOut], summary="Operations, latest first")
def operation_list(request: HttpRequest, status: str = "", limit: int = 100) -> list[OperationOut]:
    actor = _actor(request)
    rows = selectors.operations_list(actor=actor, status=status)[: max(1, min(limit, 500))]
    return [
        OperationOut(
            id=op.pk,
            codename=op.codename,
            kind=op.kind,
            status=op.status,
            planned_start=op.planned_start,
            actual_start=op.actual_start,
            premises=op.premises_count,  # type: ignore[attr-defined]
            arrests=op.arrests_count,  # type: ignore[attr-defined]
        )
        for op in rows
    ]


@router.get(
    "/operations/{operation_id}", response=OperationDetailOut, summary="One operation and its summary"
)
def operation_detail(request: HttpRequest, operation_id: RowId) -> OperationDetailOut:
    actor = _actor(request)
    operation = selectors.operation_get(actor=actor, operation_id=operation_id)
    premises = list(operation.premises.all())
    arrests = selectors.operation_arrests(actor=actor, operation=operation, purpose="api operation summary")
    return OperationDetailOut(
        id=operation.pk,
        codename=operation.codename,
        kind=operation.kind,
        status=operation.status,
        planned_start=operation.planned_start,
        actual_start=operation.actual_start,
        premises=len(premises),
        arrests=len(arrests),
        summary=operation_summary(operation, premises, arrests),
    )


@router.get(
    "/screenings-owed",
    response=list[ScreeningOwedOut],
    summary="Arrested vulnerable persons awaiting an initial TIP / forced-labour screening",
)
def screening_owed_list(request: HttpRequest) -> list[ScreeningOwedOut]:
    actor = _actor(request)
    return [
        ScreeningOwedOut(
            id=owed.pk,
            person_id=owed.person_id,
            arrest_id=owed.arrest_id,
            operation=owed.arrest.operation.codename,
            reasons=owed.reasons,
            due_at=owed.due_at,
            arrested_at=owed.arrest.arrested_at,
        )
        for owed in selectors.screenings_owed_read(actor=actor, purpose="api screening list")
    ]


@router.get("/persons/{person_id}/export", summary="Everything held on one person (subject access); audited")
def person_export(request: HttpRequest, person_id: RowId) -> dict[str, object]:
    actor = _actor(request)
    return selectors.person_export(actor=actor, person_id=person_id)


def _employer_checks(payload: EmployerCheckIn) -> list[DocumentCheck]:
    if not (payload.hkid.strip() or payload.zone.strip()):
        raise ValidationFailed("Give hkid, zone or both.")
    today = timezone.localdate()
    results = []
    if payload.hkid.strip():
        results.append(hkid_check(payload.hkid, today=today))
    if payload.zone.strip():
        results.append(zone_check(payload.zone, today=today))
    return results


@router.post(
    "/employer-check",
    auth=None,
    response=EmployerCheckOut,
    summary="Format checks on a job seeker's identity card or travel-document zone; no account, nothing kept",
)
def employer_check(request: HttpRequest, payload: EmployerCheckIn) -> EmployerCheckOut:
    results = _employer_checks(payload)
    return EmployerCheckOut(
        checked_on=timezone.localdate(),
        documents=[
            DocumentCheckOut(
                kind=result.kind,
                well_formed=result.well_formed,
                message=result.message,
                document_type=result.document_type,
                document_number=result.document_number,
                issuing_country=result.issuing_country,
                expiry=result.expiry,
                expired=result.expired,
                checks=[
                    CheckLineOut(label=line.label, ok=line.ok, detail=line.detail) for line in result.lines
                ],
            )
            for result in results
        ],
        employer_duties=[str(duty) for duty in EMPLOYER_DUTIES],
    )


_PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The inspection record (PDF), in the language of the Accept-Language header",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _record_from(payload: EmployerRecordIn) -> InspectionRecord:
    results = _employer_checks(payload)
    if not all(result.well_formed for result in results):
        raise ValidationFailed(
            "No inspection record was made: a number or zone did not pass the format checks "
            "(POST /api/enforcement/employer-check says which)."
        )
    if not all(result.usable for result in results):
        raise ValidationFailed(
            "No inspection record was made: the travel document has expired "
            "(POST /api/enforcement/employer-check gives its expiry date)."
        )
    if any(not 0 <= index < len(EMPLOYER_DUTIES) for index in payload.duties_done):
        raise ValidationFailed(f"duties_done holds positions 0 to {len(EMPLOYER_DUTIES) - 1}.")
    return record_make(
        checks=results,
        checked_at=timezone.now(),
        duties_done=payload.duties_done,
        business_name=payload.business_name,
        job_seeker_name=payload.job_seeker_name,
        enquiries=payload.enquiries,
    )


def _pdf(request: HttpRequest, record: InspectionRecord) -> HttpResponse:
    try:
        pdf = record_pdf(record)
    except PdfUnavailable:
        return JsonResponse({"detail": "This server cannot make PDF files at the moment."}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{record_filename(record)}"'
    return response


@router.post(
    "/employer-check/record.pdf",
    auth=None,
    response={200: None, 422: ErrorOut, 503: ErrorOut},
    openapi_extra=_PDF_RESPONSE,
    summary="The employer's dated inspection record as a PDF; nothing kept",
)
def employer_check_record(request: HttpRequest, payload: EmployerRecordIn) -> HttpResponse:
    return _pdf(request, _record_from(payload))


@router.post(
    "/employer-check/records",
    auth=None,
    response={201: EmployerRecordSavedOut, 422: ErrorOut},
    summary="Save the inspection record (encrypted); the retrieval code in the answer is shown only once",
)
def employer_record_save(request: HttpRequest, payload: EmployerRecordIn) -> Status[EmployerRecordSavedOut]:
    _row, code, saved = services.employer_record_save(record=_record_from(payload))
    assert saved.kept_until is not None
    return Status(
        201, EmployerRecordSavedOut(reference=saved.reference, code=code, kept_until=saved.kept_until)
    )


@router.post(
    "/employer-check/records/{reference}/record.pdf",
    auth=None,
    response={200: None, 404: ErrorOut, 429: ErrorOut, 503: ErrorOut},
    openapi_extra=_PDF_RESPONSE,
    summary="A saved inspection record again, for its reference and retrieval code (wrong code: 404)",
)
def employer_record_download(
    request: HttpRequest, reference: str, payload: EmployerRecordCodeIn
) -> HttpResponse:
    address = request.META.get("REMOTE_ADDR", "")
    if lookup_refused(scope="employer-record", address=address):
        return JsonResponse(
            {"detail": "Too many failed attempts from this address; try again later."}, status=429
        )
    try:
        record = selectors.employer_record_get(reference=reference, code=payload.code)
    except NotFound:
        lookup_failure_count(scope="employer-record", address=address)
        raise
    return _pdf(request, record)
