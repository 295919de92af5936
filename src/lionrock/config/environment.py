"""Reads Lionrock's configuration from the environment, so one build runs anywhere.

Everything an operator may change is an environment variable documented in docs/operators/configuration.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def env_flag(name: str, *, default: bool) -> bool:
    """A yes/no variable; an unrecognised word is an error rather than a silent default."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, *, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from exc


def env_text(name: str, *, default: str) -> str:
    """A line of text (a name shown to users); empty or unset means the default."""
    raw = os.environ.get(name, "").strip()
    return raw or default


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """Where the SQLite database, task queue, uploads and generated secret live."""
    configured = os.environ.get("LIONROCK_DATA_DIR")
    if configured:
        path = Path(configured).expanduser()
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        path = base / "lionrock"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def secret_key(directory: Path) -> str:
    """The configured key, or one generated once and kept beside the data so sessions survive restarts."""
    configured = os.environ.get("LIONROCK_SECRET_KEY")
    if configured:
        return configured
    key_file = directory / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(50)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
