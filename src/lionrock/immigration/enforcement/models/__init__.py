"""Enforcement records: the offence catalogue, reports and their history, operations, persons, arrests.

One module per kind of record; every model is importable from here, as Django and the app expect."""

from lionrock.immigration.enforcement.models.employer import EmployerCheckRecord
from lionrock.immigration.enforcement.models.offences import ORDINANCE_NAMES, Offence
from lionrock.immigration.enforcement.models.operations import Operation, Premises
from lionrock.immigration.enforcement.models.persons import Arrest, IdentityDocument, Person, ScreeningOwed
from lionrock.immigration.enforcement.models.places import District, PremisesType
from lionrock.immigration.enforcement.models.reports import Report, ReportAttachment, ReportEvent

__all__ = [
    "ORDINANCE_NAMES",
    "Arrest",
    "District",
    "EmployerCheckRecord",
    "IdentityDocument",
    "Offence",
    "Operation",
    "Person",
    "Premises",
    "PremisesType",
    "Report",
    "ReportAttachment",
    "ReportEvent",
    "ScreeningOwed",
]
