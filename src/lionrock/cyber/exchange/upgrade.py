"""STIX 2.0 content upgraded to 2.1, so older feeds and bundles enter the 2.1 store.

The changes are the ones STIX 2.1 section 1.4 lists for producers moving from 2.0: every SDO, SRO and
marking definition carries `spec_version`; `labels` that named a type's vocabulary move to the new
`<type>_types` properties; indicators gain `pattern_type`; malware gains `is_family`. Anything else is
kept exactly as it was (2.0 `observed-data.objects` stays valid, if deprecated, in 2.1).
"""

from __future__ import annotations

import copy
from typing import Any

# 2.0 `labels` were the open vocabulary that 2.1 moved to these properties.
_LABELS_BECOME = {
    "indicator": "indicator_types",
    "malware": "malware_types",
    "report": "report_types",
    "threat-actor": "threat_actor_types",
    "tool": "tool_types",
}


def is_stix20(document: dict[str, Any]) -> bool:
    """A 2.0 bundle says so on the bundle; its objects carry no spec_version of their own."""
    if document.get("spec_version") == "2.0":
        return True
    objects = document.get("objects")
    if not isinstance(objects, list) or "spec_version" in document:
        return False
    typed = [obj for obj in objects if isinstance(obj, dict) and "type" in obj]
    return bool(typed) and all("spec_version" not in obj for obj in typed) and "id" in document


def object_upgrade(obj: dict[str, Any]) -> dict[str, Any]:
    """One 2.0 object in its 2.1 form (a copy; the input is left alone)."""
    if not isinstance(obj, dict) or obj.get("spec_version") == "2.1":
        return obj
    upgraded = copy.deepcopy(obj)
    stix_type = upgraded.get("type")
    upgraded["spec_version"] = "2.1"
    target = _LABELS_BECOME.get(str(stix_type))
    if target and isinstance(upgraded.get("labels"), list) and target not in upgraded:
        upgraded[target] = upgraded.pop("labels")
    if stix_type == "indicator":
        upgraded.setdefault("pattern_type", "stix")
    if stix_type == "malware":
        # In 2.0 a malware object named a family or a sample without saying which; families were the norm.
        upgraded.setdefault("is_family", True)
    return upgraded


def bundle_upgrade(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The objects of a 2.0 bundle, each upgraded to 2.1."""
    return [object_upgrade(obj) for obj in document.get("objects") or []]
