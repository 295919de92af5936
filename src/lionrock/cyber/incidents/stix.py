"""Incidents as STIX 2.1: the core `incident` object with the OASIS CTI TC's incident core extension.

Other CERTs' tools read determination, investigation status, incident types and impacted entity counts
from the extension; the observables travel as STIX cyber-observables referenced from it.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from lionrock.cyber.incidents.models import Incident, Observable
from lionrock.cyber.incidents.taxonomy import classification_get, incident_type_of
from lionrock.cyber.intel.services import stix_timestamp
from lionrock.cyber.intel.tlp import MARKING_ID_FOR, Tlp

INCIDENT_CORE_EXTENSION = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
_NAMESPACE = uuid.UUID("7a9c2a51-4a0b-4c59-8f83-6a3d7b1b5e10")

_INVESTIGATION = {
    Incident.Status.DRAFT: "new",
    Incident.Status.SUBMITTED: "new",
    Incident.Status.ACKNOWLEDGED: "open",
    Incident.Status.INVESTIGATING: "open",
    Incident.Status.CONTAINED: "open",
    Incident.Status.RESOLVED: "open",
    Incident.Status.CLOSED: "closed",
}
_CRITICALITY = {"low": 25, "medium": 50, "high": 75, "critical": 100}
_HASH_NAMES = {"file-md5": "MD5", "file-sha1": "SHA-1", "file-sha256": "SHA-256"}


def _identity(incident: Incident) -> dict[str, Any]:
    org = incident.reporting_organisation
    return {
        "type": "identity",
        "spec_version": "2.1",
        # The same id for the same organisation in every export; SDO ids must have the UUIDv4 form.
        "id": f"identity--{uuid.UUID(bytes=hashlib.sha256(org.slug.encode()).digest()[:16], version=4)}",
        "created": stix_timestamp(org.created_at),
        "modified": stix_timestamp(org.updated_at),
        "name": org.name_en,
        "identity_class": "organization",
    }


def observable_sco(observable: Observable) -> dict[str, Any]:
    """The cyber-observable for one value; ids are deterministic (UUIDv5 of the value) as STIX wants."""
    import stix2

    if observable.type in _HASH_NAMES:
        sco: Any = stix2.File(hashes={_HASH_NAMES[observable.type]: observable.normalised})
    else:
        builders = {
            "ipv4-addr": stix2.IPv4Address,
            "ipv6-addr": stix2.IPv6Address,
            "domain-name": stix2.DomainName,
            "url": stix2.URL,
            "email-addr": stix2.EmailAddress,
        }
        sco = builders[observable.type](value=observable.normalised)
    data: dict[str, Any] = json.loads(sco.serialize())
    return data


def incident_object(incident: Incident, *, identity_id: str, observable_ids: list[str]) -> dict[str, Any]:
    classification = classification_get(incident.classification)
    extension: dict[str, Any] = {
        "extension_type": "property-extension",
        "determination": "confirmed" if incident.status == Incident.Status.CLOSED else "suspected",
        "investigation_status": _INVESTIGATION[Incident.Status(incident.status)],
        "criticality": _CRITICALITY.get(incident.severity, 50),
        "incident_types": [incident_type_of(incident.classification)],
    }
    if incident.impact_users is not None:
        extension["impacted_entity_counts"] = {"individual": incident.impact_users}
    if observable_ids:
        extension["other_object_refs"] = observable_ids
    labels = [incident.classification]
    if incident.serious:
        labels.append("serious")
    obj: dict[str, Any] = {
        "type": "incident",
        "spec_version": "2.1",
        "id": incident.stix_id,
        "created": stix_timestamp(incident.created_at),
        "modified": stix_timestamp(incident.updated_at),
        "created_by_ref": identity_id,
        "name": incident.title,
        "labels": labels,
        "object_marking_refs": [MARKING_ID_FOR[Tlp(incident.tlp)]],
        "extensions": {INCIDENT_CORE_EXTENSION: extension},
        "external_references": [
            {"source_name": "lionrock", "external_id": incident.reference or str(incident.pk)},
            {"source_name": "rsit", "external_id": incident.classification}
            | ({"description": classification.label} if classification else {}),
        ],
    }
    if incident.description:
        obj["description"] = incident.description
    return obj


def incident_bundle(incident: Incident, observables: list[Observable]) -> dict[str, Any]:
    """A STIX 2.1 bundle: the reporter's identity, the incident and its observables."""
    identity = _identity(incident)
    scos = [observable_sco(obs) for obs in observables]
    unique = {sco["id"]: sco for sco in scos}
    obj = incident_object(incident, identity_id=identity["id"], observable_ids=list(unique))
    return {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid4()}",
        "objects": [identity, obj, *unique.values()],
    }


def incident_misp_event(incident: Incident, observables: list[Observable]) -> dict[str, Any]:
    """The incident as a MISP event (JSON), for MISP-speaking partners."""
    misp_types = {
        "ipv4-addr": "ip-dst",
        "ipv6-addr": "ip-dst",
        "domain-name": "domain",
        "url": "url",
        "email-addr": "email-src",
        "file-md5": "md5",
        "file-sha1": "sha1",
        "file-sha256": "sha256",
    }
    tlp_tag = "tlp:clear" if incident.tlp == Tlp.CLEAR else f"tlp:{incident.tlp}"
    return {
        "Event": {
            "uuid": incident.stix_id.split("--", 1)[1],
            "info": f"{incident.reference}: {incident.title}",
            "date": incident.aware_at.date().isoformat(),
            "threat_level_id": {"critical": "1", "high": "1", "medium": "2", "low": "3"}[incident.severity],
            "analysis": "2" if incident.status == Incident.Status.CLOSED else "1",
            "distribution": "0",
            "Orgc": {"name": incident.reporting_organisation.name_en},
            "Tag": [
                {"name": incident.classification},
                {"name": tlp_tag},
                {"name": f"PAP:{incident.pap.upper()}"},
            ],
            "Attribute": [
                {
                    "type": misp_types[obs.type],
                    "category": "Network activity" if obs.kind != "hash" else "Payload delivery",
                    "value": obs.normalised,
                    "to_ids": obs.ioc,
                    "uuid": str(uuid.uuid5(_NAMESPACE, f"{incident.stix_id}/{obs.pk}")),
                }
                for obs in observables
            ],
        }
    }
