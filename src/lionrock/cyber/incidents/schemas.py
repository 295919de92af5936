"""Pydantic shapes of the incident REST API (django-ninja)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str
    field: str = Field("", description="The input at fault, e.g. `aware_at` or `observables[2].value`")


class ObservableSchema(Schema):
    type: str = Field(
        description="ipv4-addr, ipv6-addr, domain-name, url, email-addr, file-md5, file-sha1, file-sha256"
    )
    value: str
    ioc: bool = False


class IncidentIn(Schema):
    title: str
    classification: str = Field(description='An RSIT machine tag, e.g. rsit:availability="ddos"')
    serious: bool = False
    detected_at: datetime = Field(description="ISO 8601 with its offset from UTC")
    aware_at: datetime = Field(description="ISO 8601 with its offset from UTC; starts the notification clock")
    description: str = ""
    tlp: str = "amber"
    pap: str = "amber"
    severity: str = "medium"
    affected_services: str = ""
    affected_systems: str = ""
    impact_users: int | None = None
    impact_minutes: int | None = None
    impact_data: str = ""
    observables: list[ObservableSchema] = Field(default_factory=list)
    draft: bool = Field(False, description="Keep as a draft instead of submitting (no reference yet)")
    recipients: list[str] = Field(
        default_factory=list,
        description="TLP:RED only: e-mail addresses of the people who may see it (people of the reporting "
        "organisation and handlers of the handling CERT; name at least one handler). The token's owner is "
        "always one.",
    )
    exercise: int | None = Field(
        None,
        description="A drill report: the id of a running exercise the token's organisation is a team of. "
        "A report naming a live canary of the organisation's team is a drill report even without it.",
    )


class IncidentCreatedOut(Schema):
    id: int
    reference: str | None
    status: str
    notify_by: datetime | None = Field(description="The deadline to notify under the regime in force")
    written_report_by: datetime | None
    is_exercise: bool = Field(False, description="A drill report: never on the real desk")


class IncidentOut(Schema):
    id: int
    reference: str | None
    stix_id: str
    title: str
    description: str
    classification: str
    severity: str
    serious: bool
    status: str
    tlp: str
    pap: str
    reporting_organisation: str
    handling_organisation: str
    regime: str
    detected_at: datetime
    aware_at: datetime
    submitted_at: datetime | None
    notify_by: datetime | None
    written_report_by: datetime | None
    acknowledged_at: datetime | None
    contained_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    affected_services: str
    affected_systems: str
    impact_users: int | None
    impact_minutes: int | None
    impact_data: str
    observables: list[ObservableSchema]
    is_exercise: bool = False
    exercise: int | None = None
    recipients: list[str] = Field(default_factory=list, description="TLP:RED: the people named to see it")


class IncidentListOut(Schema):
    results: list[IncidentOut]


Bundle = dict[str, Any]
