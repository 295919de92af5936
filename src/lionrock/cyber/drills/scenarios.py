"""Scenario templates: versioned data files (scenarios/<slug>.json), read-only, one MSEL each.

A template names its version; an exercise made from it records slug and version and copies the MSEL, so
changing a template later never changes a drill already planned or played.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_DIRECTORY = Path(__file__).parent / "scenarios"


@dataclass(frozen=True)
class Template:
    slug: str
    version: int
    name_en: str
    name_zh: str
    scenario_en: str
    scenario_zh: str
    duration_minutes: int
    objectives: list[dict[str, Any]]
    injects: list[dict[str, Any]]

    @property
    def techniques(self) -> list[str]:
        return sorted({str(inject["technique"]) for inject in self.injects if inject.get("technique")})


@cache
def templates() -> dict[str, Template]:
    """Every template, by slug, in name order."""
    found = [
        Template(**json.loads(path.read_text(encoding="utf-8"))) for path in sorted(_DIRECTORY.glob("*.json"))
    ]
    return {template.slug: template for template in sorted(found, key=lambda t: t.name_en)}


def template_get(slug: str) -> Template | None:
    return templates().get(slug)
