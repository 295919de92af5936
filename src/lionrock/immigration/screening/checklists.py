"""Checklist definitions as data: parsing and validating a JSON (or YAML) document before it is stored.

Pure: takes text, returns a ChecklistDefinition or raises ChecklistInvalid with every problem found, so an
import either goes in whole or not at all. The shipped default lives in data/default_checklist.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from lionrock.immigration.screening import rules

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "default_checklist.json"
MAX_BYTES = 1024 * 1024

STAGES = ("initial", "debriefing", "forced_labour")
DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "recruitment_abuse_of_vulnerability",
    "exploitative_conditions",
    "coercion_at_destination",
    "abuse_of_vulnerability_at_destination",
)
STAGE_DIMENSIONS = {"initial": ("initial",), "debriefing": DIMENSIONS, "forced_labour": ("forced_labour",)}


class ChecklistInvalid(ValueError):
    """The document cannot be loaded; `problems` lists each reason in plain words."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    stage: str
    dimension: str
    strength: str
    text_en: str
    text_zh: str
    questions_en: tuple[str, ...]
    questions_zh: tuple[str, ...]
    maps_to: tuple[str, ...]
    help_en: str = ""
    help_zh: str = ""


@dataclass(frozen=True)
class ChecklistDefinition:
    code: str
    version: str
    title_en: str
    title_zh: str
    source: str
    rules: dict[str, Any]
    indicators: tuple[IndicatorDefinition, ...]

    def count(self, stage: str) -> int:
        return sum(1 for item in self.indicators if item.stage == stage)


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        return tuple(item.strip() for item in value if isinstance(item, str) and item.strip())
    return ()


def document_load(text: str | bytes, *, filename: str = "") -> dict[str, Any]:
    """JSON, or YAML when the file says so and PyYAML is installed."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ChecklistInvalid([_("The file is larger than 1 MB.")])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ChecklistInvalid([_("The file is not UTF-8 text.")]) from exc
    if filename.lower().endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError as exc:
            raise ChecklistInvalid([_("YAML files cannot be read on this server; upload JSON.")]) from exc
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ChecklistInvalid([_("The file is not valid YAML.")]) from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ChecklistInvalid(
                [_("The file is not valid JSON (line %(line)s).") % {"line": exc.lineno}]
            ) from exc
    if not isinstance(data, dict):
        raise ChecklistInvalid([_("The file must hold one checklist object.")])
    return data


def _rules_check(data: Any, problems: list[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        problems.append(_("The checklist has no rules."))
        return {}
    alternatives = data.get("dimension_present")
    if not isinstance(alternatives, list) or not alternatives:
        problems.append(_("The rules must say when a dimension is present (dimension_present)."))
    else:
        for alternative in alternatives:
            if (
                not isinstance(alternative, dict)
                or not alternative
                or not set(alternative) <= rules.COUNT_KEYS
                or not all(isinstance(v, int) and v >= 0 for v in alternative.values())
            ):
                problems.append(
                    _(
                        "Each dimension_present alternative maps strong, medium, weak or medium_or_weak "
                        "to a whole number."
                    )
                )
                break
    groups = data.get("trafficking")
    if not isinstance(groups, list) or not groups:
        problems.append(_("The rules must list the trafficking groups of dimensions."))
    else:
        for group in groups:
            if not isinstance(group, list) or not group:
                problems.append(_("Each trafficking group is a list of dimensions."))
                break
            unknown = [d for d in group if d not in DIMENSIONS]
            if unknown:
                problems.append(
                    _("Unknown dimension in the trafficking rule: %(names)s.")
                    % {"names": ", ".join(map(str, unknown))}
                )
    initial = data.get("initial", {})
    needed = initial.get("debriefing_when_present_at_least", 1) if isinstance(initial, dict) else None
    if not isinstance(needed, int) or needed < 1:
        problems.append(_("initial.debriefing_when_present_at_least must be a whole number of at least 1."))
    forced = data.get("forced_labour", {})
    threshold = forced.get("present_at_least", 1) if isinstance(forced, dict) else None
    if not isinstance(threshold, int) or threshold < 1:
        problems.append(_("forced_labour.present_at_least must be a whole number of at least 1."))
    return data


def checklist_parse(data: dict[str, Any]) -> ChecklistDefinition:
    """Validates a whole document; every problem is reported at once."""
    problems: list[str] = []
    code, version = _text(data.get("code"), 60), _text(data.get("version"), 30)
    if not code:
        problems.append(_("The checklist needs a code."))
    if not version:
        problems.append(_("The checklist needs a version."))
    title_en = _text(data.get("title_en"), 300)
    if not title_en:
        problems.append(_("The checklist needs an English title (title_en)."))
    rule_data = _rules_check(data.get("rules"), problems)
    raw = data.get("indicators")
    if not isinstance(raw, list) or not raw:
        problems.append(_("The checklist has no indicators."))
        raw = []
    seen: set[str] = set()
    indicators: list[IndicatorDefinition] = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            problems.append(_("Indicator %(n)s is not an object.") % {"n": position})
            continue
        item_code = _text(item.get("code"), 30)
        label = item_code or f"#{position}"
        if not item_code:
            problems.append(_("Indicator %(n)s has no code.") % {"n": position})
        elif item_code in seen:
            problems.append(_("The code %(code)s is used more than once.") % {"code": item_code})
        seen.add(item_code)
        stage = item.get("stage", "debriefing")
        if stage not in STAGES:
            problems.append(
                _("Indicator %(code)s: unknown stage “%(stage)s”.") % {"code": label, "stage": stage}
            )
            continue
        dimension = item.get("dimension", STAGE_DIMENSIONS[stage][0] if stage != "debriefing" else "")
        if dimension not in STAGE_DIMENSIONS[stage]:
            problems.append(
                _("Indicator %(code)s: unknown dimension “%(dimension)s”.")
                % {"code": label, "dimension": dimension}
            )
        strength = item.get("strength", "") or ""
        if stage == "debriefing" and strength not in rules.STRENGTHS:
            problems.append(
                _("Indicator %(code)s: strength must be strong, medium or weak.") % {"code": label}
            )
        text_en, text_zh = _text(item.get("text_en"), 300), _text(item.get("text_zh"), 300)
        if not text_en or not text_zh:
            problems.append(_("Indicator %(code)s needs wording in English and Chinese.") % {"code": label})
        indicators.append(
            IndicatorDefinition(
                code=item_code,
                stage=stage,
                dimension=str(dimension),
                strength=str(strength) if stage == "debriefing" else "",
                text_en=text_en,
                text_zh=text_zh,
                questions_en=_strings(item.get("questions_en")),
                questions_zh=_strings(item.get("questions_zh")),
                maps_to=_strings(item.get("maps_to")),
                help_en=_text(item.get("help_en"), 1000),
                help_zh=_text(item.get("help_zh"), 1000),
            )
        )
    by_code = {item.code: item for item in indicators}
    expected = {"initial": "debriefing", "debriefing": "forced_labour"}
    for item in indicators:
        for target in item.maps_to:
            if item.stage not in expected or by_code.get(target) is None:
                problems.append(
                    _("Indicator %(code)s maps to %(target)s, which is not in the checklist.")
                    % {"code": item.code, "target": target}
                )
            elif by_code[target].stage != expected[item.stage]:
                problems.append(
                    _("Indicator %(code)s maps to %(target)s, which belongs to another stage.")
                    % {"code": item.code, "target": target}
                )
    if indicators and not any(item.stage == "initial" for item in indicators):
        problems.append(_("The checklist needs at least one initial-screening indicator."))
    if indicators and not any(item.stage == "debriefing" for item in indicators):
        problems.append(_("The checklist needs at least one debriefing indicator."))
    if problems:
        raise ChecklistInvalid(problems)
    return ChecklistDefinition(
        code=code,
        version=version,
        title_en=title_en,
        title_zh=_text(data.get("title_zh"), 300),
        source=_text(data.get("source"), 1000),
        rules=rule_data,
        indicators=tuple(indicators),
    )


def default_definition() -> ChecklistDefinition:
    return checklist_parse(document_load(DEFAULT_PATH.read_text(encoding="utf-8")))
