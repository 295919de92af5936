"""TLP 2.0 levels and how STIX markings name them (TLP 2.0 definitions and the older TLP 1.0 ids).

An object marked with several TLP markings takes the most restrictive one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lionrock.core.errors import ValidationFailed


class Tlp(models.TextChoices):
    CLEAR = "clear", _("TLP:CLEAR")
    GREEN = "green", _("TLP:GREEN")
    AMBER = "amber", _("TLP:AMBER")
    AMBER_STRICT = "amber+strict", _("TLP:AMBER+STRICT")
    RED = "red", _("TLP:RED")


RANK = {Tlp.CLEAR: 0, Tlp.GREEN: 1, Tlp.AMBER: 2, Tlp.AMBER_STRICT: 3, Tlp.RED: 4}

# The marking-definition objects published with the TLP 2.0 STIX extension.
TLP2_MARKING_IDS: dict[str, Tlp] = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": Tlp.CLEAR,
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": Tlp.GREEN,
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": Tlp.AMBER,
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": Tlp.AMBER_STRICT,
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": Tlp.RED,
}
# STIX 2.1 section 7.2.1.4: the TLP 1.0 marking definitions; WHITE became CLEAR.
TLP1_MARKING_IDS: dict[str, Tlp] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": Tlp.CLEAR,
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": Tlp.GREEN,
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": Tlp.AMBER,
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": Tlp.RED,
}
KNOWN_MARKING_IDS: dict[str, Tlp] = {**TLP2_MARKING_IDS, **TLP1_MARKING_IDS}
MARKING_ID_FOR: dict[Tlp, str] = {level: marking for marking, level in TLP2_MARKING_IDS.items()}

_WORDS = {
    "clear": Tlp.CLEAR,
    "white": Tlp.CLEAR,
    "green": Tlp.GREEN,
    "amber": Tlp.AMBER,
    "amber+strict": Tlp.AMBER_STRICT,
    "red": Tlp.RED,
}


def tlp_from_word(word: str) -> Tlp | None:
    """'TLP:AMBER+STRICT', 'amber', 'tlp:white' and the like."""
    cleaned = word.strip().lower().removeprefix("tlp:").strip()
    return _WORDS.get(cleaned)


def tlp_named(word: str) -> Tlp:
    """tlp_from_word for a level a person or tool gave (an upload's form field): anything that names no
    level is refused with a message quoting it, before anything is stored."""
    level = tlp_from_word(word)
    if level is None:
        raise ValidationFailed(
            gettext("%(tlp)s is not a TLP level; give clear, green, amber, amber+strict or red")
            % {"tlp": repr(word[:40])}
        )
    return level


def tlp_of_marking_definition(obj: Mapping[str, Any]) -> Tlp | None:
    """A marking-definition object's TLP level, whichever form it uses."""
    if obj.get("id") in KNOWN_MARKING_IDS:
        return KNOWN_MARKING_IDS[obj["id"]]
    if obj.get("definition_type") == "tlp" and isinstance(obj.get("definition"), Mapping):
        return tlp_from_word(str(obj["definition"].get("tlp", "")))
    for extension in (obj.get("extensions") or {}).values():
        if isinstance(extension, Mapping) and "tlp_2_0" in extension:
            return tlp_from_word(str(extension["tlp_2_0"]))
    name = obj.get("name")
    if isinstance(name, str) and name.lower().startswith("tlp:"):
        return tlp_from_word(name)
    return None


def most_restrictive(levels: Iterable[Tlp]) -> Tlp | None:
    ranked = sorted(levels, key=lambda level: RANK[level])
    return ranked[-1] if ranked else None


def tlp_of_object(obj: Mapping[str, Any], definitions: Mapping[str, Tlp]) -> Tlp | None:
    """The object's TLP from its object_marking_refs; `definitions` maps custom marking ids to levels."""
    refs = obj.get("object_marking_refs") or []
    levels = [KNOWN_MARKING_IDS.get(ref) or definitions.get(ref) for ref in refs if isinstance(ref, str)]
    return most_restrictive(level for level in levels if level is not None)
