"""Checklist definitions as data: parsing and validating a JSON or YAML document before it is stored.

Pure: takes text, returns a ChecklistDefinition or raises ChecklistInvalid with every problem found, so an
import either goes in whole or not at all. The shipped defaults live in data/default_checklist_<version>.json
(the newest is DEFAULT_PATH).
YAML is read into the same plain data as JSON and then passes the same checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext as _

from lionrock.immigration.screening import rules

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_PATH = DATA / "default_checklist_2026_2.json"
# The first shipped version, from before the checklist format stated each question's polarity; kept as
# shipped so that the screenings answered against it keep meaning what they meant.
DEFAULT_2026_1_PATH = DATA / "default_checklist_2026_1.json"
MAX_BYTES = 1024 * 1024
# A checklist is four levels deep (document, indicators, indicator, questions); 20 leaves room.
MAX_DEPTH = 20

STAGES = ("initial", "debriefing", "forced_labour")
DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "recruitment_abuse_of_vulnerability",
    "exploitative_conditions",
    "coercion_at_destination",
    "abuse_of_vulnerability_at_destination",
)
# Stages whose indicators are asked as questions and answered yes, no or unknown.
ASKED_STAGES = ("initial", "debriefing")
# Which answer to an indicator's (first) question means the indicator is present.
POLARITIES = ("yes", "no")
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
    # "yes": a Yes to the question means the indicator is present ("Do you owe money…?");
    # "no": a No means it is present ("Can you leave when you want?"); "" for indicators never asked.
    indicated_by: str = ""


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


def _code(value: Any, limit: int) -> str:
    """A code written as a bare whole number (`code: 7` in YAML) is still that code."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)[:limit]
    return _text(value, limit)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str | int) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, list):
        items = (_code(item, 1000) for item in value)
        return tuple(item for item in items if item)
    return ()


class _Refused(yaml.YAMLError):
    """A YAML construct the checklist loader does not accept, with where it was found."""

    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _json_scalar_resolvers(loader: type[yaml.SafeLoader]) -> None:
    """Plain scalars read as JSON reads them: true/false, null, decimal numbers; everything else is text.

    PyYAML's YAML 1.1 rules would turn an answer such as `no` into False, `on` into True and a version
    such as `2026-01-01` into a date, and an agency's wording would silently change meaning.
    """
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
    )
    loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
        list("-+.0123456789"),
    )


class _ChecklistYamlLoader(yaml.SafeLoader):
    """yaml.safe_load's loader (no Python objects), with aliases refused and nesting bounded.

    An alias repeats a node, so a file of a few hundred bytes can stand for billions of values (the
    "billion laughs"); a checklist never needs one. Deep nesting would exhaust the recursive composer.
    """

    # Its own table, so the resolvers added below leave every other SafeLoader as it was.
    yaml_implicit_resolvers: dict[Any, Any] = {}
    _depth = 0

    def _mark(self) -> yaml.Mark:
        mark: yaml.Mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        return mark

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _Refused(
                _("YAML aliases (*name) are not accepted; write each value out in full."), self._mark()
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(_("The file is nested too deeply."), self._mark())
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: set[tuple[str, str]] = set()
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise _Refused(
                        _("The key “%(key)s” appears twice in the same object.") % {"key": key_node.value},
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_json_scalar_resolvers(_ChecklistYamlLoader)


class _DuplicateKey(ValueError):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _where(mark: yaml.Mark | None) -> dict[str, int]:
    return {"line": mark.line + 1, "column": mark.column + 1} if mark else {"line": 0, "column": 0}


def _yaml_load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_ChecklistYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except _Refused as exc:
        raise ChecklistInvalid(
            [
                _("Line %(line)s, column %(column)s: %(problem)s")
                % {**_where(exc.mark), "problem": exc.message}
            ]
        ) from exc
    except yaml.MarkedYAMLError as exc:
        raise ChecklistInvalid(
            [
                _("The file is not valid YAML (line %(line)s, column %(column)s).")
                % _where(exc.problem_mark or exc.context_mark)
            ]
        ) from exc
    except (yaml.YAMLError, RecursionError) as exc:
        raise ChecklistInvalid([_("The file is not valid YAML.")]) from exc


def _json_load(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        raise ChecklistInvalid(
            [
                _("The file is not valid JSON (line %(line)s, column %(column)s).")
                % {"line": exc.lineno, "column": exc.colno}
            ]
        ) from exc
    except _DuplicateKey as exc:
        raise ChecklistInvalid(
            [_("The key “%(key)s” appears twice in the same object.") % {"key": exc.args[0]}]
        ) from exc
    except RecursionError as exc:
        raise ChecklistInvalid([_("The file is nested too deeply.")]) from exc


def document_format(text: str, filename: str = "") -> str:
    """ "json" or "yaml": the file's extension when it names one, else what the content starts with."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".json":
        return "json"
    return "json" if text.lstrip()[:1] in ("{", "[") else "yaml"


def document_load(text: str | bytes, *, filename: str = "") -> dict[str, Any]:
    """A checklist document from JSON or YAML text; the same checks and messages apply to both."""
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            raise ChecklistInvalid([_("The file is larger than 1 MB.")])
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ChecklistInvalid([_("The file is not UTF-8 text.")]) from exc
    elif len(text.encode("utf-8")) > MAX_BYTES:
        raise ChecklistInvalid([_("The file is larger than 1 MB.")])
    text = text.removeprefix("\ufeff")
    data = _yaml_load(text) if document_format(text, filename) == "yaml" else _json_load(text)
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
                or not all(
                    isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in alternative.values()
                )
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
    if not isinstance(needed, int) or isinstance(needed, bool) or needed < 1:
        problems.append(_("initial.debriefing_when_present_at_least must be a whole number of at least 1."))
    forced = data.get("forced_labour", {})
    threshold = forced.get("present_at_least", 1) if isinstance(forced, dict) else None
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        problems.append(_("forced_labour.present_at_least must be a whole number of at least 1."))
    return data


def checklist_parse(data: dict[str, Any], *, polarity_required: bool = True) -> ChecklistDefinition:
    """Validates a whole document; every problem is reported at once.

    Every indicator asked as a question must say which answer indicates it (`indicated_by`: "yes" or
    "no"). Only the shipped version 2026.1, loaded by migration before the format stated it, is read
    with `polarity_required=False`: in it a Yes always recorded the indicator as present.
    """
    problems: list[str] = []
    code, version = _code(data.get("code"), 60), _code(data.get("version"), 30)
    if isinstance(data.get("version"), float):
        # 2026.10 would be read as 2026.1: a number cannot keep the version the agency wrote.
        problems.append(_('The version must be text in quotes, such as "2026.1", not a number.'))
    elif not version:
        problems.append(_("The checklist needs a version."))
    if not code:
        problems.append(_("The checklist needs a code."))
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
        item_code = _code(item.get("code"), 30)
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
        indicated_by = item.get("indicated_by", "" if polarity_required else "yes")
        if stage not in ASKED_STAGES:
            indicated_by = ""
        elif indicated_by not in POLARITIES:
            problems.append(
                _(
                    "Indicator %(code)s: say which answer to its question means the indicator is present "
                    '(indicated_by: "yes" or "no").'
                )
                % {"code": label}
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
                indicated_by=str(indicated_by or ""),
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


def default_definition(path: Path = DEFAULT_PATH) -> ChecklistDefinition:
    """A shipped default version; 2026.1 predates the polarity field and is read as it was meant."""
    return checklist_parse(
        document_load(path.read_text(encoding="utf-8")), polarity_required=path != DEFAULT_2026_1_PATH
    )
