"""One step from incident to sharing: IOC observables become indicators."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lionrock.core.accounts.access import Actor, NotFound
from lionrock.cyber.incidents import selectors
from lionrock.cyber.incidents.models import Incident, Observable
from lionrock.cyber.incidents.services.common import OBSERVABLE_KINDS, IncidentInvalid, _history
from lionrock.cyber.intel.tlp import Tlp

__all__ = [
    "IndicatorPreview",
    "observables_preview",
    "observables_share",
]


@dataclass(frozen=True)
class IndicatorPreview:
    observable: Observable
    pattern: str
    warninglist: str | None


def observables_preview(
    *, actor: Actor, incident: Incident, observable_ids: Sequence[int]
) -> list[IndicatorPreview]:
    """What sharing would create, with the values MISP warninglists call known-benign flagged."""
    from lionrock.cyber.exchange import flags
    from lionrock.cyber.intel.services import pattern_for_value

    if not (
        selectors.incident_may_handle(actor=actor, incident=incident)
        or selectors.incident_may_edit(actor=actor, incident=incident)
    ):
        raise NotFound
    chosen = incident.observables.filter(pk__in=list(observable_ids), ioc=True, indicator_stix_id="")
    previews = []
    for obs in chosen:
        pattern = pattern_for_value(value_type=OBSERVABLE_KINDS[obs.type][1], value=obs.normalised)
        previews.append(IndicatorPreview(obs, pattern, flags.warninglist_of(obs.kind, obs.normalised)))
    return previews


@transaction.atomic
def observables_share(
    *,
    actor: Actor,
    incident: Incident,
    collection: Any,
    tlp: str,
    observable_ids: Sequence[int],
    include_flagged: bool = False,
) -> list[str]:
    """Creates one STIX indicator per chosen IOC observable in the collection, linked back to the incident."""
    from lionrock.cyber.intel.services import IndicatorDraft, indicator_create

    if tlp not in Tlp.values:
        raise IncidentInvalid("tlp", _("Choose a TLP level."))
    previews = observables_preview(actor=actor, incident=incident, observable_ids=observable_ids)
    if not previews:
        raise IncidentInvalid("observables", _("Choose at least one indicator of compromise not yet shared."))
    created = []
    for preview in previews:
        if preview.warninglist and not include_flagged:
            continue
        obs = preview.observable
        indicator = indicator_create(
            actor=actor,
            collection=collection,
            draft=IndicatorDraft(
                name=f"{incident.reference}: {obs.value}"[:250],
                pattern=preview.pattern,
                valid_from=timezone.now(),
                description=_("Indicator of compromise from incident %(ref)s.") % {"ref": incident.reference},
                labels=["incident", incident.reference or ""],
                tlp=Tlp(tlp),
            ),
            source="incident",
        )
        obs.indicator_stix_id = indicator.stix_id
        obs.save(update_fields=["indicator_stix_id"])
        created.append(indicator.stix_id)
    if created:
        _history(
            actor=actor,
            incident=incident,
            action="incident.share_indicators",
            text=_("Shared %(n)s indicators in %(collection)s at %(tlp)s.")
            % {"n": len(created), "collection": collection, "tlp": Tlp(tlp).label},
            changes={"indicators": created},
        )
    return created
