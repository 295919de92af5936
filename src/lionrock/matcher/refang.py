"""Undoes the defanging that feeds apply so that analysts cannot click on live indicators.

`hxxp://evil[.]com`, `1.2.3[.]4`, `user[@]evil(.)com` must become the values that logs actually contain,
or the indicator silently never matches.
"""

from __future__ import annotations

import re

_SCHEMES = re.compile(r"^(?:hxxp|hXXp|h\[tt\]p|hxtp|meow)(s?)(\[?:\]?)//", re.IGNORECASE)
_DOTS = re.compile(r"\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\s\[?dot\]?\s", re.IGNORECASE)
_ATS = re.compile(r"\[@\]|\(@\)|\{@\}|\[at\]|\(at\)|\{at\}", re.IGNORECASE)
_COLONS = re.compile(r"\[:\]")
_SLASHES = re.compile(r"\[/\]")


def refang(value: str) -> str:
    """Returns the live form of a possibly defanged value; values that were never defanged pass unchanged."""
    text = value.strip()
    if not any(marker in text for marker in ("[", "(", "{", "hxx", "hXX", "HXX", "meow", " dot ")):
        return text
    text = _SCHEMES.sub(lambda m: f"http{m.group(1)}://", text)
    text = _DOTS.sub(".", text)
    text = _ATS.sub("@", text)
    text = _COLONS.sub(":", text)
    return _SLASHES.sub("/", text)
