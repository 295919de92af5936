from __future__ import annotations

from datetime import date, datetime, time

from ninja import Field, Schema


class OffenceOut(Schema):
    code: str
    ordinance: str
    section: str
    section_zh: str
    title_en: str
    title_zh: str
    max_fine_hkd: int | None
    max_imprisonment_months: int | None
    penalty_as_principal: bool
    effective_from: date | None
    effective_until: date | None


class ReportOut(Schema):
    reference: str
    channel: str
    category: str
    description: str
    address: str
    district: str
    premises_type: str
    business_name: str
    observed_on: date | None
    observed_time: time | None
    status: str
    priority: int
    outcome: str
    assignee: str | None
    received_at: datetime
    anonymous: bool


class ScreeningOwedOut(Schema):
    id: int
    person_id: int
    arrest_id: int
    operation: str
    reasons: list[str]
    due_at: datetime
    arrested_at: datetime


class OperationOut(Schema):
    id: int
    codename: str
    kind: str
    status: str
    planned_start: datetime
    actual_start: datetime | None
    premises: int
    arrests: int


class OperationDetailOut(OperationOut):
    summary: str


class EmployerCheckIn(Schema):
    hkid: str = Field("", max_length=20)
    zone: str = Field("", max_length=200)


class EmployerRecordIn(EmployerCheckIn):
    business_name: str = Field("", max_length=200)
    job_seeker_name: str = Field("", max_length=200)
    enquiries: str = Field("", max_length=2000)
    duties_done: list[int] = Field(
        default_factory=list, description="Positions (from 0) in employer_duties of the steps already taken"
    )


class EmployerRecordSavedOut(Schema):
    reference: str
    code: str = Field(description="Shown once; needed with the reference to download the record again")
    kept_until: date


class EmployerRecordCodeIn(Schema):
    code: str = Field(max_length=40)


class ErrorOut(Schema):
    detail: str


class CheckLineOut(Schema):
    label: str
    ok: bool
    detail: str


class DocumentCheckOut(Schema):
    kind: str
    well_formed: bool
    message: str
    document_type: str
    document_number: str
    issuing_country: str
    expiry: date | None
    expired: bool | None
    checks: list[CheckLineOut]


class EmployerCheckOut(Schema):
    checked_on: date
    documents: list[DocumentCheckOut]
    employer_duties: list[str]


class ReportIn(Schema):
    channel: str
    category: str
    description: str
    address: str
    district: str = ""
    premises_type: str = ""
    business_name: str = ""
    people_involved: str = ""
    observed_on: date | None = None
    observed_time: time | None = None
    reporter_name: str = ""
    reporter_contact: str = ""
    received_at: datetime | None = None
