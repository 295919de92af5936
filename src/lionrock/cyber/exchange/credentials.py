"""Feed secrets sealed at rest, or read from the environment so that none is stored.

Sealed with Fernet under a key derived (HKDF) from LIONROCK_FEED_KEY when set, else from SECRET_KEY.
"""

from __future__ import annotations

import base64
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _fernet() -> Fernet:
    secret = getattr(settings, "LIONROCK_FEED_KEY", "") or settings.SECRET_KEY
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"lionrock.exchange.feeds", info=b"fernet v1"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii") if secret else ""


def unseal(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise ValueError("the feed's stored secret cannot be read with the configured key") from error


def secret_of(*, sealed: str, env: str) -> str:
    """The feed's secret: from its environment variable when one is named, else the sealed value."""
    if env:
        value = os.environ.get(env, "")
        if not value:
            raise ValueError(f"environment variable {env} is not set")
        return value
    return unseal(sealed)
