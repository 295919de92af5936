"""Encryption at rest for every module: text fields, sealed secrets, files, and keyed hashes for lookups.

Values are sealed with Fernet (AES-128-CBC + HMAC-SHA256) under keys derived with HKDF from a secret.
There are two keyrings, each with its own secret so that losing or changing one never touches the other:

* ``FIELDS`` — personal data: identity-document numbers, reporters' details, screening records, encrypted
  attachments. Secret ``LIONROCK_FIELD_KEY``, retired ones in ``LIONROCK_FIELD_KEYS_PREVIOUS``.
* ``FEEDS`` — secrets Lionrock holds for others: intelligence feeds' passwords and tokens. Secret
  ``LIONROCK_FEED_KEY``, retired ones in ``LIONROCK_FEED_KEYS_PREVIOUS``.

When a keyring's secret is not set, its key is derived from ``SECRET_KEY``: then losing or changing the
secret key loses the data too. Production sets both secrets (docs/operators/configuration.md).

Rotation: put the new secret in the keyring's variable and the old one first in its ``..._PREVIOUS``
list; old values stay readable; ``lionrock manage keys_rotate`` re-seals every value this module knows of
(every ``EncryptedTextField``, every column registered with ``sealed_column_register``, every encrypted
file) and runs the modules' ``rotation_hook_register`` hooks (keyed hashes recomputed).

Encrypted columns cannot be searched; where a lookup is needed, ``blind_index`` keeps a keyed hash of
the normalised value beside it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

__all__ = [
    "FEEDS",
    "FIELDS",
    "EncryptedTextField",
    "Keyring",
    "blind_index",
    "blind_indexes",
    "decrypt",
    "decrypt_bytes",
    "encrypt",
    "encrypt_bytes",
    "rotation_hook_register",
    "sealed_column_register",
]


@dataclass(frozen=True)
class Keyring:
    """One purpose's keys: the setting naming its secret, the one listing retired secrets, and the
    HKDF salt (fixed forever: changing it makes stored values unreadable)."""

    name: str
    setting: str
    previous_setting: str
    salt: bytes

    def secrets(self) -> tuple[str, tuple[str, ...]]:
        """The current secret (``SECRET_KEY`` when unset) and the retired ones still read."""
        primary = getattr(settings, self.setting, "") or settings.SECRET_KEY
        previous = getattr(settings, self.previous_setting, ()) or ()
        if isinstance(previous, str):
            previous = tuple(part.strip() for part in previous.split(",") if part.strip())
        return primary, tuple(previous)

    def dedicated(self) -> bool:
        """Whether the keyring has its own secret rather than one derived from ``SECRET_KEY``."""
        return bool(getattr(settings, self.setting, ""))


FIELDS = Keyring(
    "fields", "LIONROCK_FIELD_KEY", "LIONROCK_FIELD_KEYS_PREVIOUS", b"lionrock.enforcement.fields"
)
FEEDS = Keyring("feeds", "LIONROCK_FEED_KEY", "LIONROCK_FEED_KEYS_PREVIOUS", b"lionrock.exchange.feeds")


def _derive(secret: str, salt: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=purpose).derive(secret.encode())


@cache
def _fernet(salt: bytes, primary: str, previous: tuple[str, ...]) -> MultiFernet:
    keys = [Fernet(base64.urlsafe_b64encode(_derive(s, salt, b"fernet v1"))) for s in (primary, *previous)]
    return MultiFernet(keys)


def _keys(keyring: Keyring) -> MultiFernet:
    return _fernet(keyring.salt, *keyring.secrets())


def encrypt_bytes(data: bytes, keyring: Keyring = FIELDS) -> bytes:
    """``data`` sealed under the keyring's current key."""
    return _keys(keyring).encrypt(data)


def decrypt_bytes(token: bytes, keyring: Keyring = FIELDS) -> bytes:
    """Opens a sealed value with the current or any retired key; ``ValueError`` if none opens it."""
    try:
        return _keys(keyring).decrypt(token)
    except InvalidToken as exc:
        raise ValueError(
            f"an encrypted value could not be read with the configured {keyring.name} keys"
        ) from exc


def encrypt(value: str, keyring: Keyring = FIELDS) -> str:
    """Text sealed under the keyring's current key, as ASCII."""
    return encrypt_bytes(value.encode("utf-8"), keyring).decode("ascii")


def decrypt(token: str, keyring: Keyring = FIELDS) -> str:
    """Opens sealed text; ``ValueError`` if no configured key opens it."""
    try:
        raw = token.encode("ascii")
    except UnicodeEncodeError as exc:
        raise ValueError("an encrypted value could not be read with the configured keys") from exc
    return decrypt_bytes(raw, keyring).decode("utf-8")


def blind_index(value: str, keyring: Keyring = FIELDS) -> str:
    """A keyed hash for equality lookups; empty for an empty value."""
    if not value:
        return ""
    primary, _previous = keyring.secrets()
    return _keyed_hash(primary, keyring.salt, value)


def blind_indexes(value: str, keyring: Keyring = FIELDS) -> list[str]:
    """The keyed hash under the current key and under each retired one, for lookups.

    Between a key change and the run of ``keys_rotate``, stored indexes were computed with the retired
    key; looking up under every configured key still finds them.
    """
    if not value:
        return []
    primary, previous = keyring.secrets()
    return [_keyed_hash(secret, keyring.salt, value) for secret in (primary, *previous)]


def _keyed_hash(secret: str, salt: bytes, value: str) -> str:
    return hmac.new(
        _derive(secret, salt, b"blind index v1"), value.encode("utf-8"), hashlib.sha256
    ).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text sealed (``FIELDS`` keyring) before it reaches the database and opened when read."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))


# --- What key rotation must cover, registered by the modules that own it --------------------------------

_SEALED_COLUMNS: dict[tuple[str, str], Keyring] = {}
_ROTATION_HOOKS: dict[str, Callable[[], int]] = {}


def sealed_column_register(model_label: str, field: str, keyring: Keyring) -> None:
    """Declares a text column a module seals itself with ``encrypt(..., keyring)``, so rotation re-seals it.

    Called from the owning app's ``AppConfig.ready``; ``model_label`` is ``"app_label.ModelName"``.
    """
    _SEALED_COLUMNS[(model_label, field)] = keyring


def rotation_hook_register(name: str, hook: Callable[[], int]) -> None:
    """A function run after values are re-sealed (e.g. recompute keyed hashes); returns rows changed."""
    _ROTATION_HOOKS[name] = hook


def sealed_columns() -> dict[tuple[str, str], Keyring]:
    """The registered self-sealed columns (for the rotation command and its tests)."""
    return dict(_SEALED_COLUMNS)


def rotation_hooks() -> dict[str, Callable[[], int]]:
    """The registered rotation hooks, by name."""
    return dict(_ROTATION_HOOKS)
