"""Drafts a release in one language from a record and the template in use: checked, filled, traceable.

The template is checked before use (unknown placeholder, unknown condition, money typed into the wording,
a required part missing: a clear error and no draft). The result keeps the template version and the
source of every figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from lionrock.core.accounts.models import Organisation
from lionrock.core.errors import ValidationFailed
from lionrock.immigration.enforcement.models import Operation
from lionrock.publishing import wording
from lionrock.publishing.cyber_facts import (
    DRILL_CONDITIONS,
    DRILL_PHRASE_PLACEHOLDERS,
    DRILL_PLACEHOLDERS,
    DRILL_REQUIRED,
    EVENT_CONDITIONS,
    EVENT_PHRASE_PLACEHOLDERS,
    EVENT_PLACEHOLDERS,
    EVENT_REQUIRED,
    DrillRecord,
    EventRecord,
    drill_facts,
    event_facts,
)
from lionrock.publishing.meeting_facts import (
    MEETING_CONDITIONS,
    MEETING_PHRASE_PLACEHOLDERS,
    MEETING_PLACEHOLDERS,
    MEETING_REQUIRED,
    meeting_facts,
)
from lionrock.publishing.models import Meeting, ReleaseTemplate, SourceKind
from lionrock.publishing.operation_facts import (
    OPERATION_CONDITIONS,
    OPERATION_PHRASE_PLACEHOLDERS,
    OPERATION_PLACEHOLDERS,
    OPERATION_REQUIRED,
    operation_facts,
    operation_record_read,
)
from lionrock.publishing.placeholders import Rendered, template_check, template_render

__all__ = ["Draft", "Source", "draft_generate", "source_kind", "template_current", "template_validate"]

_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    SourceKind.OPERATION: (
        OPERATION_PLACEHOLDERS,
        OPERATION_CONDITIONS,
        OPERATION_REQUIRED,
        OPERATION_PHRASE_PLACEHOLDERS,
    ),
    SourceKind.MEETING: (
        MEETING_PLACEHOLDERS,
        MEETING_CONDITIONS,
        MEETING_REQUIRED,
        MEETING_PHRASE_PLACEHOLDERS,
    ),
    SourceKind.DRILL: (DRILL_PLACEHOLDERS, DRILL_CONDITIONS, DRILL_REQUIRED, DRILL_PHRASE_PLACEHOLDERS),
    SourceKind.EVENT: (EVENT_PLACEHOLDERS, EVENT_CONDITIONS, EVENT_REQUIRED, EVENT_PHRASE_PLACEHOLDERS),
}

Source = Operation | Meeting | DrillRecord | EventRecord


def source_kind(source: Source) -> str:
    if isinstance(source, Operation):
        return SourceKind.OPERATION
    if isinstance(source, Meeting):
        return SourceKind.MEETING
    if isinstance(source, DrillRecord):
        return SourceKind.DRILL
    return SourceKind.EVENT


@dataclass(frozen=True)
class Draft:
    language: str
    template: ReleaseTemplate
    rendered: Rendered

    def as_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "template_version": self.template.version,
            "title": self.rendered.title,
            "body": self.rendered.body,
            "body_html": self.rendered.body_html,
            "sources": self.rendered.sources,
        }


def language_clean(language: str) -> str:
    value = (language or "").strip().lower().replace("_", "-")
    if value in ("en", "english"):
        return wording.ENGLISH
    if value in ("zh-hant", "zh-hk", "zh-tw", "zh"):
        return wording.CHINESE
    raise ValidationFailed(f"Unknown language {language!r}: use en or zh-hant.")


def template_validate(*, kind: str, title: str, body: str, phrases: dict[str, str]) -> None:
    """The check a template passes before it is saved and before it is used."""
    placeholders, conditions, required, phrase_placeholders = _RULES[kind]
    if not isinstance(phrases, dict) or not all(isinstance(v, str) for v in phrases.values()):
        raise ValidationFailed("The phrases must map names to text.")
    template_check(
        title=title,
        body=body,
        phrases=phrases,
        known=placeholders,
        conditions=conditions,
        required=required,
        phrase_known=phrase_placeholders,
    )


def template_current(*, kind: str, language: str, organisation: Organisation | None) -> ReleaseTemplate:
    """The newest version of the agency's own template, or of the default when it has none."""
    templates = ReleaseTemplate.objects.filter(kind=kind, language=language)
    own = templates.filter(organisation=organisation).order_by("-version").first() if organisation else None
    template = own or templates.filter(Q(organisation__isnull=True)).order_by("-version").first()
    if template is None:
        raise ValidationFailed(f"No {kind} template in {language}.")
    return template


def draft_generate(
    *,
    source: Source,
    language: str,
    release_at: datetime,
    place: str = "",
    template: ReleaseTemplate | None = None,
) -> Draft:
    """The release text for one language; raises ValidationFailed and drafts nothing on a bad template."""
    language = language_clean(language)
    kind = source_kind(source)
    template = template or template_current(kind=kind, language=language, organisation=source.organisation)
    phrases = {str(k): str(v) for k, v in (template.phrases or {}).items()}
    template_validate(kind=kind, title=template.title, body=template.body, phrases=phrases)
    if isinstance(source, Operation):
        facts, conditions = operation_facts(
            operation_record_read(source),
            language=language,
            release_at=release_at,
            phrases=phrases,
            place=place,
        )
    elif isinstance(source, Meeting):
        facts, conditions = meeting_facts(source, language=language, release_at=release_at, phrases=phrases)
    elif isinstance(source, DrillRecord):
        facts, conditions = drill_facts(source, language=language, release_at=release_at, phrases=phrases)
    else:
        facts, conditions = event_facts(source, language=language, release_at=release_at, phrases=phrases)
    # A title that counts arrests has nothing to count when there were none: the template may say otherwise.
    title = template.title
    if not conditions.get("arrests", True) and phrases.get("title:no_arrests"):
        title = phrases["title:no_arrests"]
    rendered = template_render(
        title=title, body=template.body, facts=facts, conditions=conditions, separator="\n\n"
    )
    return Draft(language=language, template=template, rendered=rendered)
