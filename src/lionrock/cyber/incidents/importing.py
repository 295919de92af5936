"""Incidents arriving as STIX 2.1: other CERTs' tools send `incident` objects (with the OASIS incident core
extension) and their observables. All or nothing: one bad object refuses the bundle, naming it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor
from lionrock.cyber.incidents import services
from lionrock.cyber.incidents.models import Incident
from lionrock.cyber.incidents.services import IncidentDraft, IncidentInvalid, ObservableIn
from lionrock.cyber.incidents.stix import INCIDENT_CORE_EXTENSION
from lionrock.cyber.incidents.taxonomy import classification_choices, classification_get
from lionrock.cyber.intel.tlp import Tlp, tlp_of_object
from lionrock.cyber.intel.validation import parse_timestamp

_SCO_TYPES = {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"}
_HASHES = {"SHA-256": "file-sha256", "SHA-1": "file-sha1", "MD5": "file-md5"}
MAX_BUNDLE_OBJECTS = 5_000


def _classification(obj: Mapping[str, Any], name: str) -> str:
    """The RSIT machine tag: an external reference or label naming it, or the extension's incident type."""
    candidates = [
        str(ref.get("external_id", ""))
        for ref in obj.get("external_references") or []
        if isinstance(ref, Mapping) and ref.get("source_name") == "rsit"
    ]
    candidates += [str(label) for label in obj.get("labels") or [] if str(label).startswith("rsit:")]
    for tag in candidates:
        if classification_get(tag):
            return tag
    extension = (obj.get("extensions") or {}).get(INCIDENT_CORE_EXTENSION) or {}
    wanted = {str(t) for t in extension.get("incident_types") or []}
    for _group, entries in classification_choices():
        for tag, _label in entries:
            if tag.rsplit("=", 1)[-1].strip('"') in wanted:
                return tag
    raise IncidentInvalid(
        f"{name}.incident_types",
        _("No classification in the Reference Security Incident Taxonomy could be found for this incident."),
    )


def _observables(obj: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> list[ObservableIn]:
    extension = (obj.get("extensions") or {}).get(INCIDENT_CORE_EXTENSION) or {}
    found = []
    for ref in extension.get("other_object_refs") or []:
        sco = by_id.get(str(ref))
        if sco is None:
            continue
        if sco.get("type") in _SCO_TYPES and isinstance(sco.get("value"), str):
            found.append(ObservableIn(type=str(sco["type"]), value=sco["value"], ioc=True))
        elif sco.get("type") == "file" and isinstance(sco.get("hashes"), Mapping):
            for algorithm, digest in sco["hashes"].items():
                if algorithm in _HASHES and isinstance(digest, str):
                    found.append(ObservableIn(type=_HASHES[algorithm], value=digest, ioc=True))
    return found


def _moment(obj: Mapping[str, Any], key: str, name: str) -> datetime:
    try:
        return parse_timestamp(str(obj.get(key, "")))
    except (TypeError, ValueError):
        raise IncidentInvalid(
            f"{name}.{key}", _("Give a STIX timestamp, e.g. 2025-11-09T02:15:00Z.")
        ) from None


@transaction.atomic
def incidents_import_stix(*, actor: Actor, bundle: Any, submit: bool = True) -> list[Incident]:
    """Stores every incident of a STIX bundle as a report of the actor's organisation, or none of them."""
    from stix2validator import ValidationOptions, validate_instance

    if (
        not isinstance(bundle, Mapping)
        or bundle.get("type") != "bundle"
        or not isinstance(bundle.get("objects"), list)
    ):
        raise IncidentInvalid(
            "bundle", _("Send a STIX 2.1 bundle: an object of type “bundle” with “objects”.")
        )
    objects = bundle["objects"]
    if len(objects) > MAX_BUNDLE_OBJECTS:
        raise IncidentInvalid(
            "objects", _("At most %(max)s objects per bundle.") % {"max": MAX_BUNDLE_OBJECTS}
        )
    try:
        result = validate_instance(dict(bundle), ValidationOptions(version="2.1"))
    except Exception as exc:  # the validator's own errors on input it cannot read at all
        raise IncidentInvalid("bundle", _("This is not a STIX 2.1 bundle Lionrock can read.")) from exc
    if not result.is_valid:
        raise IncidentInvalid("bundle", "; ".join(str(error) for error in result.errors[:3]))
    by_id = {str(o.get("id")): o for o in objects if isinstance(o, Mapping)}
    incidents = [
        (index, o)
        for index, o in enumerate(objects)
        if isinstance(o, Mapping) and o.get("type") == "incident"
    ]
    if not incidents:
        raise IncidentInvalid("objects", _("The bundle holds no incident object."))
    stored = []
    for index, obj in incidents:
        name = f"objects[{index}]"
        created = _moment(obj, "created", name)
        extension = (obj.get("extensions") or {}).get(INCIDENT_CORE_EXTENSION) or {}
        draft = IncidentDraft(
            title=str(obj.get("name", "")),
            classification=_classification(obj, name),
            detected_at=created,
            aware_at=created,
            description=str(obj.get("description", "")),
            severity=_severity(extension.get("criticality")),
            tlp=tlp_of_object(obj, {}) or Tlp.AMBER,
            observables=_observables(obj, by_id),
        )
        try:
            stored.append(services.incident_create(actor=actor, draft=draft, submit=submit, source="stix"))
        except IncidentInvalid as exc:
            raise IncidentInvalid(f"{name}.{exc.field}", exc.message) from None
    return stored


def _severity(criticality: Any) -> str:
    if not isinstance(criticality, int):
        return Incident.Severity.MEDIUM
    if criticality >= 90:
        return Incident.Severity.CRITICAL
    if criticality >= 65:
        return Incident.Severity.HIGH
    return Incident.Severity.MEDIUM if criticality >= 35 else Incident.Severity.LOW
