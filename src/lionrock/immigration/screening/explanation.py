"""The recommendation in plain words: which dimensions and indicators drove it, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lionrock.immigration.screening.models import Indicator


def _dimension_label(code: str) -> str:
    try:
        return str(Indicator.Dimension(code).label)
    except ValueError:
        return code


def _names(codes: list[str], indicators: Mapping[str, Indicator], language: str) -> str:
    return "; ".join(
        f"{indicators[code].text(language)} ({_strength(indicators[code])})" if code in indicators else code
        for code in codes
    )


def _strength(indicator: Indicator) -> str:
    return str(Indicator.Strength(indicator.strength).label) if indicator.strength else ""


def explanation_sentences(
    explanation: Mapping[str, Any], indicators: Mapping[str, Indicator], language: str
) -> list[str]:
    """One sentence per dimension, then the trafficking rule, forced labour and the unknown answers."""
    if not explanation:
        return []
    lines: list[str] = []
    for dimension, facts in explanation.get("dimensions", {}).items():
        codes = facts.get("codes", [])
        label = _dimension_label(dimension)
        if facts.get("present"):
            lines.append(
                _("%(dimension)s: present, because of %(indicators)s.")
                % {"dimension": label, "indicators": _names(codes, indicators, language)}
            )
        elif codes:
            lines.append(
                _("%(dimension)s: not present; %(indicators)s alone do not meet the rule.")
                % {"dimension": label, "indicators": _names(codes, indicators, language)}
            )
        else:
            lines.append(_("%(dimension)s: no indicator present.") % {"dimension": label})
    groups = explanation.get("groups", [])
    if groups:
        parts = []
        for group in groups:
            names = " / ".join(_dimension_label(d) for d in group["dimensions"])
            parts.append(
                (_("%(group)s — met") if group["met"] else _("%(group)s — not met")) % {"group": names}
            )
        verdict = (
            _("The trafficking rule is met: every element is present.")
            if explanation.get("trafficking")
            else _("The trafficking rule is not met: each element needs a present dimension.")
        )
        lines.append(verdict + " " + "; ".join(parts) + ".")
    forced = explanation.get("forced_labour", {})
    present = forced.get("present", [])
    if present:
        via = []
        for code in present:
            sources = forced.get("sources", {}).get(code, [])
            name = indicators[code].text(language) if code in indicators else code
            if sources:
                via.append(
                    _("%(indicator)s (from %(sources)s)") % {"indicator": name, "sources": ", ".join(sources)}
                )
            else:
                via.append(name)
        lines.append(
            ngettext(
                "%(count)s ILO forced-labour indicator is present: %(list)s.",
                "%(count)s ILO forced-labour indicators are present: %(list)s.",
                len(present),
            )
            % {"count": len(present), "list": "; ".join(via)}
        )
    else:
        lines.append(_("No ILO forced-labour indicator is present."))
    unknown = explanation.get("unknown", [])
    could = explanation.get("unknown_could_change", {})
    if unknown:
        if could.get("trafficking") or could.get("forced_labour"):
            lines.append(
                ngettext(
                    "%(count)s answer is unknown (%(codes)s); if confirmed, it could change the outcome.",
                    "%(count)s answers are unknown (%(codes)s); if confirmed, they could change the outcome.",
                    len(unknown),
                )
                % {"count": len(unknown), "codes": ", ".join(unknown)}
            )
        else:
            lines.append(
                ngettext(
                    "%(count)s answer is unknown; it would not change the outcome.",
                    "%(count)s answers are unknown; they would not change the outcome.",
                    len(unknown),
                )
                % {"count": len(unknown)}
            )
    return lines
