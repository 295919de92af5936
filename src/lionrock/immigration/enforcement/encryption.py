"""Encryption at rest lives in ``lionrock.core.crypto``; these names stay importable from here.

``EncryptedTextField`` is kept as a subclass at this path because the enforcement and screening
migrations name it here: moving the path would mean a no-op migration in each app. New models use
``lionrock.core.crypto.EncryptedTextField``; key rotation covers both.
"""

from __future__ import annotations

from lionrock.core import crypto
from lionrock.core.crypto import blind_index, blind_indexes, decrypt, encrypt

__all__ = ["EncryptedTextField", "blind_index", "blind_indexes", "decrypt", "encrypt"]


class EncryptedTextField(crypto.EncryptedTextField):
    """Text sealed with the ``FIELDS`` keyring (see ``lionrock.core.crypto``)."""
