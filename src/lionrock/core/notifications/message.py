"""What a notification may say: a fixed sentence, record numbers, and a link. No Django models here.

The rules are enforced when a notification is made, so no caller can put a name, a note, or the content of
an indicator (TLP:AMBER or RED) into an e-mail: the sentence is a translatable string written in the
code, its parameters are whole numbers or ``RecordNumber`` values, and the link is a path inside Lionrock
without a query string. A breach is a programming error (``TypeError``/``ValueError``), not a message
for the user.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

_RECORD_NUMBER = re.compile(r"^(?=.*[0-9])[A-Z0-9][A-Z0-9-]{0,39}$")
_LINK = re.compile(r"^/[A-Za-z0-9/_.\-]*$")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


class RecordNumber(str):
    """A record's number or reference (``SCR-2026-0042``, ``IR-7``): capitals, digits and hyphens only,
    with at least one digit, so a name can never pass for one."""

    __slots__ = ()

    def __new__(cls, value: object) -> RecordNumber:
        text = str(value)
        if not _RECORD_NUMBER.match(text):
            raise ValueError(f"Not a record number: {text[:10]!r}…")
        return super().__new__(cls, text)


Param = int | RecordNumber


@dataclass(frozen=True)
class Subject:
    """A notification's one line: a sentence marked with ``gettext_noop`` and its parameters.

    The sentence is translated when shown, in the reader's language; parameters are whole numbers or
    ``RecordNumber``s. Anything else is a programming error (``TypeError``), refused at once.
    """

    text: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = set(_PLACEHOLDER.findall(self.text))
        if names != set(self.params):
            raise TypeError("The subject's placeholders and parameters differ.")
        for value in self.params.values():
            if isinstance(value, bool) or not isinstance(value, int | RecordNumber):
                raise TypeError("A subject's parameters are whole numbers or record numbers only.")

    def render(self, language: str | None = None) -> str:
        """The line in ``language`` (or the active language)."""
        if language:
            with translation.override(language):
                return translation.gettext(self.text) % dict(self.params)
        return translation.gettext(self.text) % dict(self.params)

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "params": {k: (v if isinstance(v, int) else str(v)) for k, v in self.params.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Subject:
        params = {
            k: (v if isinstance(v, int) else RecordNumber(v)) for k, v in dict(data.get("params", {})).items()
        }
        return cls(str(data["text"]), params)


def link_check(link: str) -> str:
    """A path inside Lionrock (``/screening/support/12/``), no host, no query string; else refused."""
    if not _LINK.match(link) or "//" in link or ".." in link:
        raise ValueError("A notification links to a path inside Lionrock, without a query string.")
    return link
