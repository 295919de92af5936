"""Feed secrets sealed at rest (``lionrock.core.crypto``, ``FEEDS`` keyring), or read from the environment
so that none is stored.

The key derives from LIONROCK_FEED_KEY when set, else from SECRET_KEY; ``keys_rotate`` re-seals them.
"""

from __future__ import annotations

import os

from lionrock.core import crypto


def seal(secret: str) -> str:
    return crypto.encrypt(secret, crypto.FEEDS) if secret else ""


def unseal(token: str) -> str:
    if not token:
        return ""
    try:
        return crypto.decrypt(token, crypto.FEEDS)
    except ValueError as error:
        raise ValueError("the feed's stored secret cannot be read with the configured key") from error


def secret_of(*, sealed: str, env: str) -> str:
    """The feed's secret: from its environment variable when one is named, else the sealed value."""
    if env:
        value = os.environ.get(env, "")
        if not value:
            raise ValueError(f"environment variable {env} is not set")
        return value
    return unseal(sealed)
