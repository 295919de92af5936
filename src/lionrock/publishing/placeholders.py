"""Release templates are data: paragraphs with `{placeholders}` and `[if condition]` prefixes.

A template is checked before it is saved and again before it is used: an unknown placeholder, an unknown
condition, a stray brace, a missing required placeholder or a figure of money typed into the wording is a
clear error, and nothing is rendered. Penalties and counts come from the records, never from the template.

    Title line, then the body: paragraphs separated by a blank line.
    [if employers] A paragraph kept only when the condition holds.

Rendering returns the plain text and, beside it, the same text as HTML where every value drawn from the
records is a link to where it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from lionrock.core.errors import ValidationFailed

__all__ = ["Fact", "Rendered", "template_check", "template_render", "text_check"]

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CONDITION = re.compile(r"^\[if (not )?([a-z_]+)\]\s*")
# "$500,000", "HK$ 50,000", "500,000元", "五十萬元": money belongs to the offence catalogue, not the wording.
_MONEY = re.compile(r"(HK)?\$\s*\d|\d[\d,]*\s*元|[一二三四五六七八九十百千]+萬元")


@dataclass(frozen=True)
class Fact:
    """One value a release states, with where it came from: a page of the record, or a setting."""

    value: str
    source: str = ""
    label: str = ""

    def html(self) -> SafeString:
        if not self.value:
            return mark_safe("")
        if not self.source:
            return escape(self.value)
        if self.source.startswith("setting:"):
            # Configuration has no page to open: the setting's name is shown on hover and read aloud.
            return format_html(
                '<span class="fact" title="{}">{}</span>', self.source.removeprefix("setting:"), self.value
            )
        return format_html(
            '<a class="fact" href="{}" title="{}">{}</a>', self.source, self.label or self.source, self.value
        )


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str
    body_html: str
    sources: list[dict[str, str]]


def _placeholders(text: str) -> list[str]:
    return _PLACEHOLDER.findall(text)


def text_check(text: str, *, known: Iterable[str], where: str) -> list[str]:
    """The problems with one piece of template wording: unknown placeholders, stray braces, money."""
    known = set(known)
    problems = []
    unknown = sorted({name for name in _placeholders(text) if name not in known})
    if unknown:
        problems.append(
            _("Unknown placeholder %(names)s in %(where)s; the ones you may use are: %(known)s.")
            % {
                "names": ", ".join("{" + name + "}" for name in unknown),
                "where": where,
                "known": ", ".join("{" + name + "}" for name in sorted(known)),
            }
        )
    stripped = _PLACEHOLDER.sub("", text)
    if "{" in stripped or "}" in stripped:
        problems.append(
            _("A brace in %(where)s does not form a placeholder such as {codename}.") % {"where": where}
        )
    if _MONEY.search(stripped):
        problems.append(
            _(
                "%(where)s types an amount of money; penalties come from the offence catalogue, "
                "never the wording."
            )
            % {"where": where}
        )
    return problems


def _paragraphs(body: str) -> list[str]:
    return [block.strip() for block in re.split(r"\n\s*\n", body.replace("\r\n", "\n")) if block.strip()]


def template_check(
    *,
    title: str,
    body: str,
    phrases: Mapping[str, str],
    known: Iterable[str],
    conditions: Iterable[str],
    required: Iterable[str],
    phrase_known: Mapping[str, Iterable[str]],
) -> None:
    """Raises ValidationFailed listing every problem; returns quietly when the template can be used.

    phrase_known maps a phrase-key prefix ("law:") to the placeholders that phrase may use; other phrases
    may use none.
    """
    known = set(known)
    conditions = set(conditions)
    problems: list[str] = []
    if not title.strip():
        problems.append(_("The template has no title."))
    problems += text_check(title, known=known, where=_("the title"))
    used: set[str] = set(_placeholders(title))
    for number, paragraph in enumerate(_paragraphs(body), start=1):
        where = _("paragraph %(number)s") % {"number": number}
        match = _CONDITION.match(paragraph)
        if match and match.group(2) not in conditions:
            problems.append(
                _("Unknown condition [if %(name)s] in %(where)s; the ones you may use are: %(known)s.")
                % {"name": match.group(2), "where": where, "known": ", ".join(sorted(conditions))}
            )
        elif paragraph.startswith("[") and not match:
            problems.append(
                _("%(where)s starts with a bracket that is not [if condition].") % {"where": where}
            )
        problems += text_check(paragraph, known=known, where=where)
        used.update(_placeholders(paragraph))
    missing = sorted(set(required) - used)
    if missing:
        problems.append(
            _("The template must use %(names)s: that part comes from the records and configuration.")
            % {"names": ", ".join("{" + name + "}" for name in missing)}
        )
    for key, text in phrases.items():
        allowed: set[str] = set()
        for prefix, names in phrase_known.items():
            if key.startswith(prefix):
                allowed = set(names)
        problems += text_check(str(text), known=allowed, where=_("the phrase “%(key)s”") % {"key": key})
    if problems:
        raise ValidationFailed(" ".join(problems))


def fill(text: str, facts: Mapping[str, Fact]) -> str:
    """Plain text with each placeholder replaced; an unknown placeholder is an error, never left in."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in facts:
            raise ValidationFailed(_("Unknown placeholder {%(name)s}.") % {"name": name})
        return facts[name].value

    return _PLACEHOLDER.sub(value, text)


def _fill_html(text: str, facts: Mapping[str, Fact]) -> str:
    parts: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        parts.append(str(escape(text[position : match.start()])))
        parts.append(str(facts[match.group(1)].html()))
        position = match.end()
    parts.append(str(escape(text[position:])))
    return "".join(parts)


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def template_render(
    *, title: str, body: str, facts: Mapping[str, Fact], conditions: Mapping[str, bool], separator: str
) -> Rendered:
    """The release's title and body: paragraphs whose condition fails are left out, the rest filled.

    An English title and paragraph start with a capital even when they open with a placeholder ("Seven
    persons arrested..."); a paragraph that comes out empty is dropped.
    """
    for text in (title, body):
        for name in _placeholders(text):
            if name not in facts:
                raise ValidationFailed(_("Unknown placeholder {%(name)s}.") % {"name": name})
    plain: list[str] = []
    html: list[str] = []
    for paragraph in _paragraphs(body):
        match = _CONDITION.match(paragraph)
        if match:
            negate, name = bool(match.group(1)), match.group(2)
            if name not in conditions:
                raise ValidationFailed(_("Unknown condition [if %(name)s].") % {"name": name})
            if conditions[name] == negate:
                continue
            paragraph = paragraph[match.end() :]
        text = fill(paragraph, facts).strip()
        if not text:
            continue
        plain.append(_capfirst(text))
        rendered = _fill_html(paragraph, facts).strip()
        if rendered[:1].islower():
            rendered = _capfirst(rendered)
        html.append("<p>" + rendered.replace("\n", "<br>") + "</p>")
    used = {name for text in (title, body) for name in _placeholders(text)}
    sources = [
        {"placeholder": name, "value": fact.value, "source": fact.source, "label": fact.label}
        for name, fact in sorted(facts.items())
        if name in used and fact.source and fact.value
    ]
    return Rendered(
        title=_capfirst(fill(title, facts).strip()),
        body=separator.join(plain),
        body_html="\n".join(html),
        sources=sources,
    )
