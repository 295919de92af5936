"""Encryption at rest for identity-document numbers and reporters' contact details.

Values are sealed with Fernet (AES-128-CBC + HMAC-SHA256). The key is settings.LIONROCK_FIELD_KEY when
set, otherwise one derived from SECRET_KEY with HKDF; production sets LIONROCK_FIELD_KEY so that the
session key can change without losing data. Rotation: put the new key in LIONROCK_FIELD_KEY and the old
ones in LIONROCK_FIELD_KEYS_PREVIOUS (comma-separated); old values stay readable and are re-sealed with
the new key on their next save.

Encrypted columns cannot be searched; where a lookup is needed (the same passport on two persons), a
keyed hash of the normalised value is kept beside it (blind_index).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

__all__ = ["EncryptedTextField", "blind_index", "blind_indexes", "decrypt", "encrypt"]

_SALT = b"lionrock.enforcement.fields"


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose).derive(secret.encode())


def _secrets() -> tuple[str, tuple[str, ...]]:
    primary = getattr(settings, "LIONROCK_FIELD_KEY", "") or settings.SECRET_KEY
    previous = getattr(settings, "LIONROCK_FIELD_KEYS_PREVIOUS", ()) or ()
    if isinstance(previous, str):
        previous = tuple(part.strip() for part in previous.split(",") if part.strip())
    return primary, tuple(previous)


@cache
def _fernet(primary: str, previous: tuple[str, ...]) -> MultiFernet:
    keys = [Fernet(base64.urlsafe_b64encode(_derive(s, b"fernet v1"))) for s in (primary, *previous)]
    return MultiFernet(keys)


def encrypt(value: str) -> str:
    return _fernet(*_secrets()).encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet(*_secrets()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise ValueError("an encrypted value could not be read with the configured keys") from exc


def blind_index(value: str) -> str:
    """A keyed hash for equality lookups; empty for an empty value."""
    if not value:
        return ""
    primary, _previous = _secrets()
    return _keyed_hash(primary, value)


def blind_indexes(value: str) -> list[str]:
    """The keyed hash under the current key and under each previous one, for lookups.

    Between a key change and the run of `enforcement_keys_rotate`, stored indexes were computed with the
    previous key; looking up under every configured key still finds them.
    """
    if not value:
        return []
    primary, previous = _secrets()
    return [_keyed_hash(secret, value) for secret in (primary, *previous)]


def _keyed_hash(secret: str, value: str) -> str:
    return hmac.new(_derive(secret, b"blind index v1"), value.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text sealed before it reaches the database and opened when read; blank stays blank."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))
